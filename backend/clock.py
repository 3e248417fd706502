"""`python -m backend.clock`: the one scheduler process. Each domain's jobs.py registers its jobs."""
import logging
import signal

from apscheduler.schedulers.blocking import BlockingScheduler

from backend import create_app, registry
from backend.db import session_scope

log = logging.getLogger("wijkspoed.clock")


def add_job(scheduler, app, func, *, id: str, **interval) -> None:
    """Run `func(session, now=...)` every `interval` (minutes=…, seconds=…) in a session of its own.

    Every domain's `jobs.register(scheduler, app)` adds its jobs through here, with ids `<domain>.<job>`.
    A job is a plain function of the session and the clock's now, so tests call it directly; a run returns
    what the job returns.
    """

    def run():
        with app.app_context(), session_scope(app.extensions["db_engine"]) as session:
            return func(session, now=app.extensions["clock"].now())

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
