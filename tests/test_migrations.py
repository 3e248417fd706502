"""The migrations build exactly the schema the models describe, on this test's database kind."""
import uuid

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from backend.db import make_engine
from backend.migrations import alembic_config


def _engine_in_own_schema(database_url, tmp_path):
    if database_url.startswith("postgresql"):
        schema = f"mig_{uuid.uuid4().hex[:8]}"
        admin = make_engine(database_url)
        with admin.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
        admin.dispose()
        engine = make_engine(database_url, connect_args={"options": f"-csearch_path={schema}"})
        return engine, schema
    return make_engine(f"sqlite:///{tmp_path / 'migrated.db'}"), None


def test_migrations_match_models(database_url, tmp_path):
    engine, schema = _engine_in_own_schema(database_url, tmp_path)
    try:
        with engine.begin() as conn:
            config = alembic_config(database_url)
            config.attributes["connection"] = conn
            command.upgrade(config, "heads")
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}),
                                    SQLModel.metadata)
        assert diff == []
        with engine.connect() as conn:
            teams = conn.exec_driver_sql("SELECT code FROM teams ORDER BY code").scalars().all()
        assert teams == ["acute", "fact"]
    finally:
        if schema:
            with engine.begin() as conn:
                conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        engine.dispose()
