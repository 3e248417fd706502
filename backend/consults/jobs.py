"""Consults' clock job: `consults.escalate`, on dispatch's escalation machinery (run only in the clock process)."""
from backend.clock import add_job
from backend.consults import service


def register(scheduler, app) -> None:
    """Add the consult escalation to the clock's scheduler (as often as dispatch's tick)."""
    add_job(scheduler, app, service.escalate_due, id="consults.escalate",
            seconds=app.config["DISPATCH_TICK_SECONDS"], max_instances=1, coalesce=True)
