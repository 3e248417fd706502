"""Push's part of the clock: retries of the outbox, queued on the push pool.

The retry pass runs as the last step of `dispatch.tick` (every `DISPATCH_TICK_SECONDS`), after the
escalation steps that write most pushes, so one tick is one ordered pass. It only queues: sends run on the
bounded push pool, each with its own deadline, so a slow push service never holds up the tick.
"""
from datetime import datetime

from sqlmodel import Session

from backend.push import service


def retry_due(session: Session, *, now: datetime) -> dict[str, int]:
    """Queue the outbox rows that are due (again) on the push pool; return counts (see `Push.send`)."""
    return service.deliver_due(session, now=now)


def register(scheduler, app) -> None:
    """In the clock, work queued after a commit runs in line (one thing at a time), pushes on the pool."""
    push = app.extensions["push"]
    push.mode = "inline"
    push.send_inline = False
