"""Idempotent writes: the answer to a write is stored with it, in the same transaction.

A phone that lost signal replays its outbox; the same (user, Idempotency-Key) then gets the stored
answer and nothing is written twice. The unique constraint on (user_id, key) makes two concurrent
replays safe: the loser's transaction fails and it returns the winner's stored answer.
"""
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from backend import errors
from backend.audit import service as audit
from backend.visits.models import IdempotencyKey, Visit

MAX_KEY_LENGTH = 128


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


def _stored(session: Session, claim: Claim) -> IdempotencyKey | None:
    return session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.user_id == claim.user_id, IdempotencyKey.key == claim.key)
    )


def _answer(claim: Claim, stored: IdempotencyKey) -> tuple[int, dict]:
    if stored.fingerprint != claim.fingerprint:
        raise errors.Unprocessable(
            "Deze Idempotency-Key is al gebruikt voor een ander verzoek; gebruik per schrijfactie een nieuwe sleutel.",
            errors={"Idempotency-Key": ["Al gebruikt voor een ander verzoek."]},
        )
    return stored.status_code, stored.response_body


def _audit_replay(session: Session, *, actor, claim: Claim, body: dict, now: datetime) -> None:
    """Audit a replayed answer: it shows the client's data again."""
    client_id = body.get("client_id")
    if client_id is None and body.get("visit_id"):
        client_id = session.scalar(select(Visit.client_id).where(Visit.id == body["visit_id"]))
    audit.record(session, actor=actor, action="write.replay", client_id=client_id, now=now,
                 data="herhaald verzoek", detail={"idempotency_key": claim.key})


def run(session: Session, *, actor, claim: Claim | None, now: datetime, effect: Callable[[], tuple[int, dict]],
        prepare: Callable[[], None] | None = None) -> tuple[int, dict]:
    """Do `effect` (it writes and flushes, never commits) once per claim; commit it with its answer.

    A replay returns the stored (status, body), audited, and writes nothing else.
    `prepare` runs first on a new write: steps that commit on their own and are safe to repeat.
    """
    if claim is not None:
        stored = _stored(session, claim)
        if stored is not None:
            answer = _answer(claim, stored)
            _audit_replay(session, actor=actor, claim=claim, body=answer[1], now=now)
            session.commit()
            return answer
    try:
        if prepare is not None:
            prepare()
        status, body = effect()
        if claim is not None:
            session.add(IdempotencyKey(user_id=claim.user_id, key=claim.key, fingerprint=claim.fingerprint,
                                       status_code=status, response_body=body, created_at=now))
        session.commit()
    except (IntegrityError, errors.Conflict):
        # A concurrent replay may have won the race (same key, the same client-made id, or the call
        # already moved on): if it stored an answer, that is ours too.
        session.rollback()
        stored = _stored(session, claim) if claim is not None else None
        if stored is None:
            raise
        return _answer(claim, stored)
    return status, body
