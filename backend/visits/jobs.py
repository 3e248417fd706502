"""Timed work of visits, run by the clock process only."""
from backend import idempotency
from backend.clock import add_job
from backend.visits import handovers


def register(scheduler, app) -> None:
    """Add the visit jobs to the clock process's scheduler."""
    add_job(scheduler, app, handovers.alert_unacknowledged, id="visits.alert_unacknowledged_handovers", minutes=1)
    # Visits is where phones replay writes; the stored answers are forgotten after the replay window.
    add_job(scheduler, app, idempotency.purge, id="visits.purge_idempotency_keys", hours=6)
