"""Timed work of visits, run by the clock process only."""
from datetime import timedelta

import sqlalchemy as sa

from backend.db import session_scope
from backend.visits import handovers
from backend.visits.models import IdempotencyKey

# An outbox replays within hours; a week is ample, and stored answers hold client data.
IDEMPOTENCY_TTL = timedelta(days=7)


def alert_unacknowledged_handovers(app) -> None:
    """Put unconfirmed handovers past the team's limit on the coordinator's list (once each)."""
    with app.app_context(), session_scope(app.extensions["db_engine"]) as session:
        handovers.alert_unacknowledged(session, now=app.extensions["clock"].now())


def purge_idempotency_keys(app) -> None:
    """Forget stored answers older than the replay window."""
    with app.app_context(), session_scope(app.extensions["db_engine"]) as session:
        cutoff = app.extensions["clock"].now() - IDEMPOTENCY_TTL
        session.execute(sa.delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff))
        session.commit()


def register(scheduler, app) -> None:
    """Add the visit jobs to the clock process's scheduler."""
    scheduler.add_job(alert_unacknowledged_handovers, "interval", minutes=1, args=[app],
                      id="visits.alert_unacknowledged_handovers", replace_existing=True, coalesce=True,
                      max_instances=1)
    scheduler.add_job(purge_idempotency_keys, "interval", hours=6, args=[app],
                      id="visits.purge_idempotency_keys", replace_existing=True, coalesce=True, max_instances=1)
