"""Who may see and change visit data, and the audit events that go with every access."""
import uuid
from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

from backend import errors, vocab
from backend.db import get_or_404
from backend.audit import service as audit
from backend.clients import service as clients
from backend.clients.models import Client
from backend.identity.credentials import digest  # noqa: F401  link tokens are stored as this digest


def in_team(actor, team: str) -> bool:
    """Return whether the actor works in this team (least privilege: a nurse sees her team's work)."""
    return actor.role in vocab.TEAM_ROLES and actor.team is not None and actor.team == team


def deny(session: Session, *, actor, action: str, client_id: int | None, now: datetime, message: str,
         detail: dict | None = None, meta: dict | None = None, not_found: bool = False):
    """Audit a refused access in its own transaction and raise 403 (or 404 for token links)."""
    audit.record_denied(session, actor=actor, action=action, client_id=client_id, now=now,
                        data=None, detail=detail, meta=meta)
    raise (errors.NotFound if not_found else errors.Forbidden)(message)


def require_team(session: Session, *, actor, team: str, client_id: int, action: str, now: datetime,
                 detail: dict | None = None) -> None:
    """Refuse (audited) anyone outside the team that holds this work."""
    if not in_team(actor, team):
        deny(session, actor=actor, action=action, client_id=client_id, now=now, detail=detail,
             message="Deze gegevens horen bij het werk van een ander team.")


def visible_client(session: Session, *, actor, client_id: int, action: str, now: datetime) -> Client:
    """Return a client the actor's team may see (a team's staff only); anyone else: audited 403."""
    client = get_or_404(session, Client, client_id, f"Cliënt {client_id} bestaat niet.")
    if actor.role not in vocab.TEAM_ROLES or not clients.can_see_client(session, actor=actor, client_id=client_id):
        deny(session, actor=actor, action=action, client_id=client_id, now=now,
             message="Deze cliënt hoort niet bij het werk van jouw team.")
    return client




ID_TAKEN = "Dit id is al in gebruik; kies een ander id."


def claim_id(session: Session, model, chosen, *, replay: Callable) -> tuple[str, object | None]:
    """Return the id for a new row of `model` (the phone's own choice, else a fresh one) and, when a row with
    that id already exists under the same parent the actor was just allowed to write to, that row (a replay).

    The one rule for every client-chosen id: a row with this id anywhere else gets the same 422 on `id`,
    whether or not the actor could see it (another team's, another nurse's): the answer never tells her
    what the id belongs to."""
    row_id = str(chosen or uuid.uuid4())
    existing = session.get(model, row_id) if chosen else None
    if existing is None:
        return row_id, None
    if replay(existing):
        return row_id, existing
    raise errors.Unprocessable(ID_TAKEN, errors={"id": [ID_TAKEN]})
