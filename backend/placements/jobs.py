"""Timed work of placements, run by the clock process only."""
from backend.clock import add_job
from backend.placements import service


def register(scheduler, app) -> None:
    """Add the placement jobs to the clock process's scheduler."""
    add_job(scheduler, app, service.alert_waiting, id="placements.alert_waiting", minutes=1)
