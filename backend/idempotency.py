"""Idempotent writes: the answer to a write is stored with it, in the same transaction.

A phone that lost signal replays its outbox; the same (user, Idempotency-Key) then gets the stored
answer and nothing is written twice. The unique constraint on (user_id, key) makes two concurrent
replays safe: the loser's transaction fails and it returns the winner's stored answer.
`api.Blueprint.idempotent` is the HTTP side; this module holds the table and the rules, without Flask.
"""
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import JSON, Field, Session, SQLModel, select

from backend import errors
from backend.db import UTCDateTime

MAX_KEY_LENGTH = 128
# An outbox replays within hours; a week is ample, and stored answers hold client data.
TTL = timedelta(days=7)


class IdempotencyKey(SQLModel, table=True):
    """The stored answer to a write, per user and Idempotency-Key: a replay gets it back unchanged."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (sa.UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id")
    key: str = Field(max_length=128)
    fingerprint: str = Field(max_length=64)
    status_code: int
    response_body: dict = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = Field(sa_type=UTCDateTime, index=True)


@dataclass(frozen=True)
class Claim:
    """One write's Idempotency-Key and a fingerprint of the request it came with."""

    user_id: int
    key: str
    fingerprint: str


def make_claim(*, user_id: int, key: str | None, method: str, path: str, body) -> Claim | None:
    """Return the claim for a request, None when it has no key; a malformed key is a 400."""
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise errors.DomainError(f"Idempotency-Key moet 1 tot {MAX_KEY_LENGTH} leesbare tekens zijn.")
    canonical = json.dumps([method, path, body], sort_keys=True, default=str, separators=(",", ":"))
    return Claim(user_id=user_id, key=key, fingerprint=hashlib.sha256(canonical.encode()).hexdigest())


def stored_answer(session: Session, *, claim: Claim) -> IdempotencyKey | None:
    """Return the answer stored for this claim; the same key with another request is a 422."""
    stored = session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.user_id == claim.user_id, IdempotencyKey.key == claim.key)
    )
    if stored is not None and stored.fingerprint != claim.fingerprint:
        raise errors.Unprocessable(
            "Deze Idempotency-Key is al gebruikt voor een ander verzoek; gebruik per schrijfactie een nieuwe sleutel.",
            errors={"Idempotency-Key": ["Al gebruikt voor een ander verzoek."]},
        )
    return stored


def store_answer(session: Session, *, claim: Claim, status_code: int, body: dict, now: datetime) -> None:
    """Add the answer to the write's transaction (the caller commits both at once)."""
    session.add(IdempotencyKey(user_id=claim.user_id, key=claim.key, fingerprint=claim.fingerprint,
                               status_code=status_code, response_body=body, created_at=now))


def purge(session: Session, *, now: datetime) -> None:
    """Forget stored answers older than the replay window."""
    session.execute(sa.delete(IdempotencyKey).where(IdempotencyKey.created_at < now - TTL))
    session.commit()
