"""Fixtures: a fresh app per test on a clean database (SQLite, or PostgreSQL via TEST_DATABASE_URL)."""
import os

# argon2id at a low cost: hundreds of logins per run; production keeps the library's default cost.
os.environ.setdefault("WIJKSPOED_TEST_PASSWORD_COST", "low")

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from backend import create_app, registry
from backend.db import make_engine
from backend.identity.service import ensure_teams
from backend.timeutil import FixedClock
from tests.databases import drop_database, empty_tables, fresh_database, worker_suffix
from tests.factories import START
from tests.geo_server import NoAddresses


def _reset_schema(engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    else:
        SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """Return the test database URL with every table created once for the run.

    Under pytest-xdist each worker has a database of its own: SQLite in the worker's tmp dir, on PostgreSQL
    `<TEST_DATABASE_URL's database>_gw0` etc. (made, and dropped at the end, next to it).
    """
    base = os.environ.get("TEST_DATABASE_URL")
    if base and worker_suffix():
        url = fresh_database(base, worker_suffix())
    else:
        url = base or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    registry.import_models()
    engine = make_engine(url)
    _reset_schema(engine)
    engine.dispose()
    yield url
    if base and worker_suffix():
        drop_database(url)


def pytest_collection_modifyitems(config, items):
    """Under `--dist loadgroup` the fault suite (one throwaway PostgreSQL cluster) runs in one worker, and so do
    the browser tests (one gunicorn and one Chromium for the run, not one per worker)."""
    for item in items:
        for group in ("faults", "e2e"):
            if group in item.path.parts:
                item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture
def clock():
    """A clock that only moves when the test says so."""
    return FixedClock(START)


@pytest.fixture
def app(database_url, clock):
    """A fresh app on an empty database (teams only)."""
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "test-secret",
                      "CLOCK": clock, "PUSH_ALLOWED_HOSTS": "127.0.0.1,localhost"})
    app.extensions["geocoder"] = NoAddresses()  # no internet in tests; tests/geo use a local fake PDOK server
    engine = app.extensions["db_engine"]
    empty_tables(engine)
    with Session(engine) as session:
        ensure_teams(session)
        session.commit()
    yield app
    empty_tables(engine)
    engine.dispose()


@pytest.fixture
def session(app):
    """A database session outside any request (on SQLite its reads don't take the write lock)."""
    engine = make_engine(app.config["DATABASE_URL"], immediate=False)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


@pytest.fixture
def client(app):
    """A Flask test client (cookies kept between requests)."""
    return app.test_client()


def pytest_report_header(config):
    url = os.environ.get("TEST_DATABASE_URL")
    return f"database: {sa.engine.make_url(url).render_as_string(hide_password=True) if url else 'SQLite'}"
