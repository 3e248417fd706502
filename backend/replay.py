"""The HTTP side of idempotent writes (`api.Blueprint.idempotent`): replay the stored answer, or run the write
and store its answer in the same commit. The table and its rules are `backend.idempotency`."""
from flask import Response, current_app, request
from sqlalchemy.exc import IntegrityError

from backend import errors, idempotency
from backend.audit import service as audit
from backend.context import current_actor, get_clock
from backend.db import get_session

IDEMPOTENCY_HEADER = "Idempotency-Key"


def answer_once(view, *, required: bool, client_of=None, secret_fields: tuple = (), restore=None) -> Response:
    """Return the stored answer to this user's `Idempotency-Key`, or run `view` and store its answer."""
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None and required:
        raise errors.DomainError(f"De header {IDEMPOTENCY_HEADER} ontbreekt: elke schrijfactie van "
                                 "de telefoon draagt er een.")
    actor, db, now = current_actor(), get_session(), get_clock().now()
    claim = idempotency.make_claim(user_id=actor.user_id, key=key, method=request.method,
                                   path=request.path, body=request.get_json(silent=True))
    stored = idempotency.stored_answer(db, claim=claim) if claim else None
    if stored is not None:
        client_id = (client_of or _client_in)(db, stored.response_body)
        audit.record(db, actor=actor, action="write.replay", client_id=client_id, now=now,
                     data="herhaald verzoek", detail={"idempotency_key": claim.key})
        db.commit()
        return _stored_response(stored, db, restore)
    try:
        response = view()
        if claim is not None:
            body = response.get_json()
            if secret_fields and isinstance(body, dict):
                body = {key: value for key, value in body.items() if key not in secret_fields}
            idempotency.store_answer(db, claim=claim, status_code=response.status_code, body=body, now=now)
        db.commit()
    except (IntegrityError, errors.Conflict):
        db.rollback()
        stored = idempotency.stored_answer(db, claim=claim) if claim else None
        if stored is None:
            raise
        return _stored_response(stored, db, restore)
    return response


def _client_in(session, body: dict) -> int | None:
    return body.get("client_id")


def _stored_response(stored: idempotency.IdempotencyKey, db=None, restore=None) -> Response:
    body = stored.response_body if restore is None else restore(db, dict(stored.response_body))
    response = current_app.json.response(body)
    response.status_code = stored.status_code
    return response
