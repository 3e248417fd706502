"""Databases of the test run's own: one per pytest-xdist worker on PostgreSQL, emptied cheaply between tests."""
from __future__ import annotations

import os

import sqlalchemy as sa
from sqlmodel import SQLModel


def worker_suffix() -> str:
    """`_gw0`, `_gw1`, … under pytest-xdist; '' in a plain run."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"_{worker}" if worker else ""


def _admin(url: sa.engine.URL) -> sa.engine.Engine:
    return sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def fresh_database(base: str, suffix: str) -> str:
    """Create (again) the PostgreSQL database `<base's name><suffix>` next to `base`; return its URL."""
    url = sa.engine.make_url(base)
    name = f"{url.database}{suffix}"
    admin = _admin(url)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    parsed = sa.engine.make_url(url)
    admin = _admin(parsed)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
    admin.dispose()


# Every sequence of the test schema back to its start, as TRUNCATE … RESTART IDENTITY does (setval is instant).
_RESTART_SEQUENCES = (
    "SELECT setval(quote_ident(schemaname) || '.' || quote_ident(sequencename), start_value, false) "
    "FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL"
)


def empty_tables(engine: sa.engine.Engine) -> None:
    """Delete every row of every model table, children first, and restart the id sequences.

    DELETE, not TRUNCATE, on PostgreSQL too: TRUNCATE of ~40 tables makes new files for each of them
    (≈0.5 s per call on a quiet machine, twice per test); a DELETE of the few rows a test wrote is ~10 ms.
    """
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with engine.begin() as conn:
        for table in tables:
            conn.exec_driver_sql(f'DELETE FROM "{table}"')
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql(_RESTART_SEQUENCES)
        elif conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE name='sqlite_sequence'").first():
            conn.exec_driver_sql("DELETE FROM sqlite_sequence")
