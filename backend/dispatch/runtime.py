"""Work that must start right after a commit (push delivery, offering the next nurse), per engine.

Services queue a task on the session with `after_commit(session, task, *args)`. When the session
commits, the engine's runtime runs the task: on a small worker thread in a web process (so the
request does not wait on a push service), inline in tests and tools, or not at all. A task that is
lost (a worker dies) is not lost work: its due time is in the database and the clock picks it up.
A rollback drops the queued tasks.
"""
from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session as OrmSession

from backend.dispatch.push import PushSender
from backend.dispatch.recommend import HaversineEstimator, TravelEstimator

log = logging.getLogger(__name__)
_TASKS_KEY = "dispatch_after_commit"
MODES = ("thread", "inline", "off")


@dataclass
class DispatchRuntime:
    """What dispatch needs outside a request: the engine, push sender, clock and travel estimator."""

    engine: Engine
    sender: PushSender
    clock: object
    estimator: TravelEstimator = field(default_factory=HaversineEstimator)
    mode: str = "thread"
    workers: int = 2

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"PUSH_DELIVERY must be one of {MODES}, not {self.mode!r}")
        self._executor: ThreadPoolExecutor | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()

    def _pool(self) -> ThreadPoolExecutor:
        with self._lock:
            # Made lazily, and again after a fork: gunicorn workers must not share the master's threads.
            if self._executor is None or self._pid != os.getpid():
                self._executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="dispatch")
                self._pid = os.getpid()
            return self._executor

    def _run(self, task, args) -> None:
        try:
            task(self, *args)
        except Exception:  # never into the caller's commit; the clock retries what is due
            log.exception("dispatch task %s failed", getattr(task, "__name__", task))

    def submit(self, task, *args) -> None:
        """Run `task(runtime, *args)` now, in the way this runtime's mode says."""
        if self.mode == "off":
            return
        if self.mode == "inline" or threading.current_thread().name.startswith("dispatch"):
            self._run(task, args)  # already on a worker: don't queue behind ourselves
        else:
            self._pool().submit(self._run, task, args)

    def drain(self) -> None:
        """Wait for queued tasks to finish (tests, shutdown)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)


# Keyed by database URL, not engine: a session on another engine of the same database (a script,
# a test's own session) commits the same rows and must start the same work.
_runtimes: dict[str, DispatchRuntime] = {}


def _key(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def register(runtime: DispatchRuntime) -> None:
    """Make commits on the runtime's database run their queued tasks on it."""
    _runtimes[_key(runtime.engine)] = runtime


def for_engine(engine: Engine) -> DispatchRuntime | None:
    """Return the runtime registered for an engine's database, if any."""
    return _runtimes.get(_key(engine))


def after_commit(session: OrmSession, task, *args) -> None:
    """Queue `task(runtime, *args)` to run once this session's transaction commits."""
    session.info.setdefault(_TASKS_KEY, []).append((task, args))


def _engine_of(session: OrmSession) -> Engine | None:
    bind = session.get_bind()
    return getattr(bind, "engine", bind)


@event.listens_for(OrmSession, "after_commit")
def _run_after_commit(session: OrmSession) -> None:
    tasks = session.info.pop(_TASKS_KEY, None)
    if not tasks:
        return
    engine = _engine_of(session)
    runtime = for_engine(engine) if engine is not None else None
    if runtime is None:
        return  # no runtime (a bare script): the rows wait for the clock
    for task, args in tasks:
        runtime.submit(task, *args)


@event.listens_for(OrmSession, "after_rollback")
def _drop_on_rollback(session: OrmSession) -> None:
    session.info.pop(_TASKS_KEY, None)
