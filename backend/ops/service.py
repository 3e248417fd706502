"""Is this process alive, and is it ready for traffic (the database answers, its schema is current)?"""
from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlmodel import Session

from backend import errors
from backend.db import is_unavailable
from backend.migrations import alembic_config


class NotReady(errors.DomainError, status=503):
    """The process can't serve requests yet: a load balancer should send them elsewhere."""


@dataclass(frozen=True)
class Health:
    status: str = "ok"


@lru_cache(maxsize=1)
def expected_heads() -> frozenset[str]:
    """Return the head revisions of our migrations (what a current database is stamped with)."""
    return frozenset(ScriptDirectory.from_config(alembic_config("")).get_heads())


def liveness() -> Health:
    """The process serves requests (nothing else is asked: a dead database is no reason to restart it)."""
    return Health()


def readiness(session: Session) -> Health:
    """Ready when the database answers and carries every migration; else NotReady with the reason."""
    try:
        session.execute(sa.text("SELECT 1"))
        try:
            with session.begin_nested():
                current = set(session.scalars(sa.text("SELECT version_num FROM alembic_version")).all())
        except sa.exc.ProgrammingError:
            current = set()
        except sa.exc.OperationalError as exc:  # SQLite says "no such table" as an OperationalError
            if "no such table" not in str(exc):
                raise
            current = set()
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        raise NotReady("De database is niet bereikbaar.", extra={"reason": "database unreachable"}) from None
    finally:
        session.rollback()
    missing = expected_heads() - current
    if missing:
        raise NotReady("Het databaseschema is niet bijgewerkt (flask --app backend db upgrade).",
                       extra={"reason": f"migrations not current: missing {', '.join(sorted(missing))}"})
    return Health()
