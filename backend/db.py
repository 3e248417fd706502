"""The engine and the one way to get a session: request-scoped in Flask, session_scope() elsewhere."""
import logging
import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, g
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from backend import errors
from backend.timeutil import as_utc

log = logging.getLogger(__name__)
# How long a transaction on SQLite waits for the write lock before it gives up ("database is locked").
SQLITE_BUSY_SECONDS = 30
# A change carries its request's `now` and commits a little later (its work, perhaps a wait for a lock held by
# another request). A reader that hands out a cursor at its own `now` reaches back this far on the next read,
# so a change that committed just after the read is not lost behind it (rows seen twice are upserted by id).
COMMIT_LAG = timedelta(seconds=10)
# What a lost or unreachable database raises (a restart, a network cut, a full pool): worth a retry, not a bug.
UNAVAILABLE_ERRORS = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)


def is_unavailable(error: BaseException) -> bool:
    """Return whether `error` means the database can't be reached right now (as opposed to a bug or bad data)."""
    if isinstance(error, UNAVAILABLE_ERRORS):
        return True
    return isinstance(error, sa.exc.DBAPIError) and bool(error.connection_invalidated)


def close_quietly(session: Session) -> None:
    """Close a session whose connection may be dead: never raise, so a committed write is never answered with
    an error page because the database went away after the commit."""
    try:
        session.close()
    except Exception as exc:  # the connection is gone: drop it from the pool instead
        log.warning("closing a database session failed (%s); connection discarded", type(exc).__name__)
        try:
            session.invalidate()
        except Exception:
            pass


class UTCDateTime(sa.types.TypeDecorator):
    """Aware UTC datetimes on every backend (SQLite keeps no offset, so store naive UTC)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        value = as_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        return None if value is None else as_utc(value)


def _queue_writers(engine: Engine) -> None:
    """Let one connection of `engine` at a time, in this process, hold a transaction (SQLite's write lock)."""
    writer = threading.Lock()
    holder = [None]  # the DBAPI connection whose transaction holds `writer`

    def release(dbapi_conn) -> None:
        if dbapi_conn is not None and holder[0] is getattr(dbapi_conn, "dbapi_connection", dbapi_conn):
            holder[0] = None
            writer.release()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        if not writer.acquire(timeout=SQLITE_BUSY_SECONDS):
            raise sa.exc.OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError(
                "database is locked (by another thread of this process)"))
        holder[0] = conn.connection.dbapi_connection
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # refused by SQLite: SQLAlchemy rolls back, which releases

    # Released once COMMIT or ROLLBACK has run (the engine's commit and rollback events come before it; the
    # pool's reset of a connection given back is a ROLLBACK too).
    dialect = engine.dialect
    for name in ("do_commit", "do_rollback"):
        def end(dbapi_conn, _end=getattr(dialect, name)):
            try:
                _end(dbapi_conn)
            finally:
                release(dbapi_conn)

        setattr(dialect, name, end)
    # A connection thrown away holds no transaction any more.
    event.listen(engine, "invalidate", lambda dbapi_conn, _record, _exc: release(dbapi_conn))


def make_engine(url: str, *, immediate: bool = True, **kwargs) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys, a busy timeout and (by default) BEGIN IMMEDIATE."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_SECONDS},
                                  **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves, below
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_SECONDS * 1000)}")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        if not immediate:
            event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
            return engine
        # Every transaction takes the write lock up front (BEGIN IMMEDIATE): read-then-write transactions can't
        # deadlock on upgrade. The threads of one process queue for it on a lock of their own, which wakes the
        # next one the moment a transaction has ended; left to SQLite's busy handler they would sleep in growing
        # steps (up to 100 ms a try) while the lock was free, and a gunicorn worker's four threads made the
        # dispatch cycle's p99 three to four times its single-threaded one (docs/dispatch.md). Only the few
        # processes left (web workers, the clock) meet in the busy handler.
        _queue_writers(engine)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    return sa.create_engine(url, **kwargs)


def init_app(app) -> None:
    """Attach an engine to the app and close the request session at teardown."""
    app.extensions["db_engine"] = make_engine(app.config["DATABASE_URL"])

    @app.teardown_appcontext
    def _close_session(_exc):
        session = g.pop("db_session", None)
        if session is not None:
            close_quietly(session)


def get_engine() -> Engine:
    """Return the current app's engine."""
    return current_app.extensions["db_engine"]


def get_session() -> Session:
    """Return the request's session, made on first use."""
    if "db_session" not in g:
        g.db_session = Session(get_engine(), expire_on_commit=False)
    return g.db_session


@contextmanager
def session_scope(engine: Engine):
    """Yield a session for jobs and the CLI; roll back on error, always close."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
    except Exception:
        try:
            session.rollback()
        except Exception:  # a dead connection can't roll back: the original error is what matters
            pass
        raise
    finally:
        close_quietly(session)


# The conditional UPDATEs of `advance`, built once per model, statuses and columns set: building an UPDATE …
# RETURNING costs more CPU than running it, and a reused statement keeps its cache key.
_ADVANCE: dict[tuple, sa.Update] = {}


def _advance_statement(model, from_statuses: tuple, names: tuple):
    columns = sa.inspect(model).column_attrs
    return (sa.update(model).where(model.id == sa.bindparam("_row_id"), model.status.in_(from_statuses))
            .values(**{name: sa.bindparam(f"_set_{name}") for name in names}, updated_at=sa.bindparam("_updated_at"),
                    version=model.version + 1)
            .returning(*(attr.columns[0] for attr in columns))
            .execution_options(synchronize_session=False))


def advance(session: Session, row, *, from_statuses, values: dict, now: datetime, extra_where=None) -> str | None:
    """Move a row with a `status` on with one conditional UPDATE (`status IN from_statuses`, version + 1).

    Return None when this request won the row (its columns set from the UPDATE's RETURNING: no second
    query); else roll back and return the status the row has now, for the caller's 409 in its own words. Of
    two racing requests exactly one wins. `values` are plain values (bound), not SQL expressions.
    """
    model = type(row)
    key = (model, tuple(from_statuses), tuple(values))
    stmt = _ADVANCE.get(key)
    if stmt is None:
        stmt = _ADVANCE.setdefault(key, _advance_statement(model, key[1], key[2]))
    if extra_where is not None:
        stmt = stmt.where(extra_where)
    params = {"_row_id": row.id, "_updated_at": now, **{f"_set_{name}": value for name, value in values.items()}}
    won = session.execute(stmt, params).first()
    if won is not None:
        for attr, value in zip(sa.inspect(model).column_attrs, won):
            set_committed_value(row, attr.key, value)
        return None
    session.rollback()
    return session.get(model, row.id).status


def keep(session: Session, row):
    """Hold `row` for the session's life and return it. The identity map is weak: without a strong reference a
    later `session.get` of the same row in the same request queries it again (teams are read several times
    a request)."""
    if row is not None:
        session.info.setdefault("kept_rows", []).append(row)
    return row


def get_or_404(session: Session, model, ident, message: str):
    """Return the row with this primary key, or raise NotFound with a Dutch `message`."""
    row = session.get(model, ident)
    if row is None:
        raise errors.NotFound(message)
    return row


def reads_through(field: str):
    """Return a `__getattr__` for a dataclass around a model (its field `field`): what the dataclass does not hold
    itself is read from the model, so a service answers with model + extras and the model's schema dumps both."""

    def __getattr__(self, name):
        try:
            model = self.__dict__[field]
        except KeyError:  # not set yet (while copying or unpickling): no model to read through
            raise AttributeError(name) from None
        return getattr(model, name)

    return __getattr__
