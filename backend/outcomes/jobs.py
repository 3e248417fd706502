"""Outcomes' clock job: `outcomes.rollup` keeps the stored days of the figures current (rollup.py).

Every `OUTCOMES_ROLLUP_MINUTES` (default 5): yesterday is stored after midnight, and days touched since the
last run are stored again. Requests never wait for it: what it has not stored yet they read live.
"""
from backend.clock import add_job
from backend.outcomes import rollup


def register(scheduler, app) -> None:
    """Add the rollup refresh to the clock's scheduler."""
    add_job(scheduler, app, rollup.refresh, id="outcomes.rollup",
            minutes=app.config.get("OUTCOMES_ROLLUP_MINUTES", 5), max_instances=1, coalesce=True)
