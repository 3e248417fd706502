"""Roster fixtures: run a clock job the way the clock process does."""
import pytest

from backend.db import session_scope


@pytest.fixture
def run_job(app):
    """Return a function that runs a job `(session, *, now)` in a session of its own at the app clock's now."""

    def run(job):
        with app.app_context(), session_scope(app.extensions["db_engine"]) as session:
            return job(session, now=app.extensions["clock"].now())

    return run
