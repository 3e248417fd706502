"""Work that starts right after a commit (sending new pushes, offering a call to the next nurse), per database,
and the bounded pool every push is sent on.

A service queues a task on its session with `after_commit(session, task, **kwargs)`; a task is a plain
function `task(session, *, now, **kwargs)`, like a clock job. When the session commits, the database's
`Push` runs it in a session of its own: on a small worker thread in a web process (so the request does not
wait on a push service), inline in tests and in the clock, or not at all. A task that is lost (a worker dies)
is not lost work: its due time is in the database and the clock picks it up. A rollback drops the queued tasks.

Pushes go through `send(deliver, ids)`: on a bounded pool of `send_workers` threads (never the caller's thread,
so neither a request nor the clock's tick waits on a push service), or inline when `send_inline` (unit tests).
An id already queued or in flight is not queued again, and at most `max_queued` wait: what is left out stays
due in the outbox and the next tick offers it again.
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

from backend.db import is_unavailable, session_scope
from backend.push.sender import PushSender

log = logging.getLogger(__name__)
_TASKS_KEY = "push_after_commit"
MODES = ("thread", "inline", "off")
THREAD_PREFIX = "push"
SEND_PREFIX = "pushsend"


@dataclass
class Push:
    """The push composition of one app: the sender, and how work queued after a commit runs."""

    engine: Engine
    clock: object
    sender: PushSender
    mode: str = "thread"
    workers: int = 2
    send_inline: bool | None = None  # None: as `mode` says (inline when mode is inline)
    send_workers: int = 16
    max_queued: int = 500

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"PUSH_DELIVERY must be one of {MODES}, not {self.mode!r}")
        self._executor: ThreadPoolExecutor | None = None
        self._sender_pool: ThreadPoolExecutor | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()
        self._queued: set[int] = set()

    def _pool(self) -> ThreadPoolExecutor:
        with self._lock:
            # Made lazily, and again after a fork: gunicorn workers must not share the master's threads.
            self._pool_unlocked()
            return self._executor

    def _send_pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._sender_pool is None or self._pid != os.getpid():
                self._pool_unlocked()
                self._sender_pool = ThreadPoolExecutor(max_workers=self.send_workers, thread_name_prefix=SEND_PREFIX)
                self._queued = set()
            return self._sender_pool

    def _pool_unlocked(self) -> None:
        if self._executor is None or self._pid != os.getpid():
            self._executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix=THREAD_PREFIX)
            self._sender_pool = None
            self._pid = os.getpid()

    def _sends_inline(self) -> bool:
        return self.mode == "inline" if self.send_inline is None else self.send_inline

    def send(self, deliver, ids) -> dict[str, int]:
        """Send outbox rows with `deliver(session, now=…, outbox_id=…)` (which returns the row's new status), one
        pool task per row. Return counts per new status when sent inline, else {"queued": n} (rows already
        queued or over the bound are left to the next tick)."""
        counts: dict[str, int] = {}
        if self.mode == "off" and self.send_inline is None:
            return counts
        if self._sends_inline():
            for outbox_id in ids:
                status = self._run(deliver, {"outbox_id": outbox_id})
                if status:
                    counts[status] = counts.get(status, 0) + 1
            return counts
        pool = self._send_pool()
        queued = 0
        for outbox_id in ids:
            with self._lock:
                if outbox_id in self._queued or len(self._queued) >= self.max_queued:
                    continue
                self._queued.add(outbox_id)
            pool.submit(self._send_one, deliver, outbox_id)
            queued += 1
        return {"queued": queued} if queued else counts

    def _send_one(self, deliver, outbox_id: int) -> None:
        try:
            self._run(deliver, {"outbox_id": outbox_id})
        finally:
            with self._lock:
                self._queued.discard(outbox_id)

    def in_flight(self) -> int:
        """Return how many sends are queued or running."""
        with self._lock:
            return len(self._queued)

    def _run(self, task, kwargs: dict):
        try:
            with session_scope(self.engine) as session:
                return task(session, now=self.clock.now(), **kwargs)
        except Exception as exc:  # never into the caller's commit; the clock retries what is due
            if is_unavailable(exc):
                log.warning("after-commit task %s: database unavailable (%s); the clock retries what is due",
                            getattr(task, "__name__", task), type(exc).__name__)
            else:
                log.exception("after-commit task %s failed", getattr(task, "__name__", task))
            return None

    def submit(self, task, **kwargs) -> None:
        """Run `task(session, now=…, **kwargs)` now, in the way this composition's mode says."""
        if self.mode == "off":
            return
        if self.mode == "inline" or threading.current_thread().name.startswith((THREAD_PREFIX, SEND_PREFIX)):
            self._run(task, kwargs)  # already on a worker: don't queue behind ourselves
        else:
            self._pool().submit(self._run, task, kwargs)

    def drain(self) -> None:
        """Wait for queued tasks and sends to finish (tests, shutdown)."""
        with self._lock:
            executor, self._executor = self._executor, None
            senders, self._sender_pool = self._sender_pool, None
        for pool in (executor, senders):
            if pool is not None:
                pool.shutdown(wait=True)


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
