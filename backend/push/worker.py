"""Work that starts right after a commit (sending new pushes, offering a call to the next nurse), per database.

A service queues a task on its session with `after_commit(session, task, **kwargs)`; a task is a plain
function `task(session, *, now, **kwargs)`, like a clock job. When the session commits, the database's
`Push` runs it in a session of its own: on a small worker thread in a web process (so the request does not
wait on a push service), inline in tests and in the clock, or not at all. A task that is lost (a worker dies)
is not lost work: its due time is in the database and the clock picks it up. A rollback drops the queued tasks.
"""
from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session as OrmSession

from backend.db import session_scope
from backend.push.sender import PushSender

log = logging.getLogger(__name__)
_TASKS_KEY = "push_after_commit"
MODES = ("thread", "inline", "off")
THREAD_PREFIX = "push"


@dataclass
class Push:
    """The push composition of one app: the sender, and how work queued after a commit runs."""

    engine: Engine
    clock: object
    sender: PushSender
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
                self._executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix=THREAD_PREFIX)
                self._pid = os.getpid()
            return self._executor

    def _run(self, task, kwargs: dict) -> None:
        try:
            with session_scope(self.engine) as session:
                task(session, now=self.clock.now(), **kwargs)
        except Exception:  # never into the caller's commit; the clock retries what is due
            log.exception("after-commit task %s failed", getattr(task, "__name__", task))

    def submit(self, task, **kwargs) -> None:
        """Run `task(session, now=…, **kwargs)` now, in the way this composition's mode says."""
        if self.mode == "off":
            return
        if self.mode == "inline" or threading.current_thread().name.startswith(THREAD_PREFIX):
            self._run(task, kwargs)  # already on a worker: don't queue behind ourselves
        else:
            self._pool().submit(self._run, task, kwargs)

    def drain(self) -> None:
        """Wait for queued tasks to finish (tests, shutdown)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)


# Keyed by database URL, not engine: a session on another engine of the same database (a script,
# a test's own session) commits the same rows and must start the same work.
_by_database: dict[str, Push] = {}


def _key(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def register(push: Push) -> None:
    """Make commits on the composition's database run their queued tasks on it."""
    _by_database[_key(push.engine)] = push


def for_session(session: OrmSession) -> Push | None:
    """Return the push composition of a session's database, if any (none in a bare script)."""
    bind = session.get_bind()
    return _by_database.get(_key(getattr(bind, "engine", bind)))


def after_commit(session: OrmSession, task, **kwargs) -> None:
    """Queue `task(session, now=…, **kwargs)` to run once this session's transaction commits."""
    session.info.setdefault(_TASKS_KEY, []).append((task, kwargs))


@event.listens_for(OrmSession, "after_commit")
def _run_after_commit(session: OrmSession) -> None:
    tasks = session.info.pop(_TASKS_KEY, None)
    if not tasks:
        return
    push = for_session(session)
    if push is None:
        return  # no composition (a bare script): the rows wait for the clock
    for task, kwargs in tasks:
        push.submit(task, **kwargs)


@event.listens_for(OrmSession, "after_rollback")
def _drop_on_rollback(session: OrmSession) -> None:
    session.info.pop(_TASKS_KEY, None)
