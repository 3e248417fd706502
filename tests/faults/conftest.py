"""The fault suite runs on a throwaway PostgreSQL cluster of its own (skipped on SQLite only).

`database_url` is overridden here: the suite's `app`, `session` and `client` fixtures (tests/conftest.py)
then live on the cluster, migrated with `db upgrade` (so /readyz sees current migrations).
"""
import os

import pytest
from alembic import command

from backend import registry
from backend.migrations import alembic_config
from tests.faults.cluster import Cluster, why_not_available


def pytest_collection_modifyitems(config, items):
    url = os.environ.get("TEST_DATABASE_URL", "")
    reason = None if url.startswith("postgresql") else "fault suite runs on PostgreSQL only"
    reason = reason or why_not_available()
    if reason:
        here = os.path.dirname(__file__)
        for item in items:
            if str(item.fspath).startswith(here):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def cluster():
    """A PostgreSQL cluster of our own, on a free port, removed after the run."""
    made = Cluster().create()
    yield made
    made.destroy()


@pytest.fixture(scope="session")
def database_url(cluster):
    registry.import_models()
    command.upgrade(alembic_config(cluster.url), "heads")
    return cluster.url
