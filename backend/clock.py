"""`python -m backend.clock`: the one scheduler process. Each domain's jobs.py registers its jobs."""
import logging
import signal
import threading
import time

from apscheduler.schedulers.blocking import BlockingScheduler

from backend import create_app, registry
from backend.db import is_unavailable, session_scope

log = logging.getLogger("wijkspoed.clock")


class Outage:
    """Whether the database is unreachable for this clock: one log line when it goes, one when it is back
    (not a traceback per tick). The due rows wait in the database; the first tick after recovery does them."""

    def __init__(self, monotonic=time.monotonic):
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self.since: float | None = None

    def down(self, error: BaseException) -> None:
        with self._lock:
            if self.since is not None:
                return
            self.since = self._monotonic()
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()
        log.warning("database unreachable (%s: %s); jobs wait until it is back",
                    type(error).__name__, reason[0][:200] if reason else "")

    def up(self) -> None:
        with self._lock:
            if self.since is None:
                return
            took, self.since = self._monotonic() - self.since, None
        log.info("database reachable again after %.1f s; jobs resume", took)


outage = Outage()


def run_job(app, func, *, outage: Outage = outage):
    """Run one job in a session of its own; a lost database is an outage (logged once), not a traceback."""
    try:
        with app.app_context(), session_scope(app.extensions["db_engine"]) as session:
            result = func(session, now=app.extensions["clock"].now())
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        outage.down(exc)
        return None
    outage.up()
    return result


def add_job(scheduler, app, func, *, id: str, **interval) -> None:
    """Run `func(session, now=...)` every `interval` (minutes=…, seconds=…) in a session of its own.

    Every domain's `jobs.register(scheduler, app)` adds its jobs through here, with ids `<domain>.<job>`.
    A job is a plain function of the session and the clock's now, so tests call it directly; a run returns
    what the job returns.
    """

    def run():
        return run_job(app, func)

    run.__name__ = run.__qualname__ = id
    scheduler.add_job(run, "interval", id=id, replace_existing=True, **interval)


def build_scheduler(app) -> BlockingScheduler:
    """Return a scheduler with every domain's jobs registered (due times live in the database)."""
    scheduler = BlockingScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1,
                                                                 "misfire_grace_time": 30})
    for jobs in registry.domain_modules("jobs"):
        jobs.register(scheduler, app)
    return scheduler


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s clock %(levelname)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    app = create_app()
    scheduler = build_scheduler(app)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    log.info("clock started with jobs: %s", [job.id for job in scheduler.get_jobs()])
    scheduler.start()


if __name__ == "__main__":
    main()
