"""Push's part of the clock: retries of the outbox, and sending right after commit in line.

The retry pass runs as the last step of `dispatch.tick` (every `DISPATCH_TICK_SECONDS`), after the
escalation steps that write most pushes, so one tick is one ordered pass.
"""
from datetime import datetime

from sqlmodel import Session

from backend.push import service, worker


def retry_due(session: Session, *, now: datetime) -> dict[str, int]:
    """Send the outbox rows that are due again; return counts per new status."""
    push = worker.for_session(session)
    return service.deliver_due(session, sender=push.sender, now=now)


def register(scheduler, app) -> None:
    """In the clock, work queued after a commit runs in line: one process, one thing at a time."""
    app.extensions["push"].mode = "inline"
