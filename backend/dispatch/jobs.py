"""Dispatch's clock jobs: expire offers, alert team leads, re-offer waiting calls, retry pushes.

Run only in the clock process (`python -m backend.clock`). Every job reads its due times from the
database and claims work with a conditional UPDATE, so a restart loses nothing and a run twice does
no harm.
"""
import os

from backend.dispatch import dispatcher
from backend.dispatch.push_routes import install

TICK_SECONDS = float(os.environ.get("DISPATCH_TICK_SECONDS", "5"))


def register(scheduler, app) -> None:
    """Add the dispatch tick to the clock's scheduler."""
    rt = install(app)
    # In the clock, work queued after a commit runs in line: one process, one thing at a time.
    rt.mode = "inline"
    scheduler.add_job(
        dispatcher.tick, "interval", args=[rt], seconds=TICK_SECONDS, id="dispatch.tick",
        max_instances=1, coalesce=True, replace_existing=True, misfire_grace_time=None,
    )
