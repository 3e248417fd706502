"""Dispatch's clock jobs: `dispatch.tick`, the escalation steps and push retries (escalation.py), and
`dispatch.open_planned`, which opens planned calls when their time comes (planned.py).

Run only in the clock process (`python -m backend.clock`), every `DISPATCH_TICK_SECONDS` (default 5 s).
"""
from backend.clock import add_job
from backend.dispatch import escalation, planned


def register(scheduler, app) -> None:
    """Add the dispatch tick to the clock's scheduler."""
    # One tick at a time, and a late one runs once: the steps are ordered and claim their work.
    add_job(scheduler, app, escalation.tick, id="dispatch.tick", seconds=app.config["DISPATCH_TICK_SECONDS"],
            max_instances=1, coalesce=True)
    # Planned follow-up visits open at their time minus the team's lead time (the job runs every minute).
    add_job(scheduler, app, planned.open_due_planned, id="dispatch.open_planned", seconds=60,
            max_instances=1, coalesce=True)
