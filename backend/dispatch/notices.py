"""The pushes dispatch sends: an offer to the nurse, and news of the ladder to coordinators and team leads.

Called inside the transaction of the change they announce, so the outbox rows commit or roll back with it;
`backend.push.service.notify` sends them right after commit.
"""
from datetime import datetime, timedelta

from sqlmodel import Session, select

from backend import vocab
from backend.clients.models import Client
from backend.dispatch.models import Call
from backend.identity.models import User
from backend.push import service as push


def _category(call: Call) -> str:
    return vocab.dutch(vocab.CATEGORY_PUSH_LABELS, call.category)


def _label(call: Call) -> str:
    return f"Melding {call.id} ({_category(call)})"


def offer(session: Session, *, call: Call, nurse: User, window: timedelta, now: datetime) -> None:
    """Push the offer to every subscription of the nurse; it lives as long as the offer window."""
    client = session.get(Client, call.client_id)
    place = client.city if client is not None else ""
    payload = {
        "type": "offer", "call_id": call.id, "urgency": call.urgency, "category": call.category,
        "title": f"{call.urgency}-melding: {_category(call)}",
        "body": f"{place} — reageer binnen {int(window.total_seconds() // 60) or 1} min".strip(" —"),
        "expires_at": (now + window).isoformat(), "url": f"/calls/{call.id}",
    }
    push.notify(session, user_ids=[nurse.id], kind="offer", payload=payload, now=now,
                ttl=int(window.total_seconds()))


def offer_expired(session: Session, *, call: Call, nurse_id: int | None, now: datetime) -> None:
    """Tell the coordinators the offer ran out (the next nurse is asked right after commit)."""
    nurse = session.get(User, nurse_id) if nurse_id else None
    _to_roles(session, call=call, roles=("coordinator",), kind="offer_expired", now=now,
              title=f"{call.urgency}: aanbod niet beantwoord",
              body=f"{_label(call)}: {nurse.name if nurse else 'de verpleegkundige'} reageerde niet op tijd; "
                   "de volgende wordt gevraagd.")


def nobody_left(session: Session, *, call: Call, now: datetime) -> None:
    """Tell the coordinators an open call has nobody left to go to."""
    _to_roles(session, call=call, roles=("coordinator",), kind="no_nurse", now=now,
              title=f"{call.urgency}: geen verpleegkundige beschikbaar",
              body=f"{_label(call)} — niemand beschikbaar met de juiste bevoegdheid. Wijs handmatig toe.")


def lead_alert(session: Session, *, call: Call, now: datetime) -> None:
    """Tell the team lead nobody has accepted the call by half its response target."""
    minutes = int((call.target_at - call.created_at).total_seconds() // 60)
    _to_roles(session, call=call, roles=("team_lead",), kind="lead_alert", now=now,
              title=f"{call.urgency}: nog niemand onderweg",
              body=f"{_label(call)}: na de helft van de normtijd ({minutes} min) "
                   "heeft nog geen verpleegkundige geaccepteerd.")


def _to_roles(session: Session, *, call: Call, roles, kind: str, title: str, body: str, now: datetime) -> None:
    user_ids = session.scalars(
        select(User.id).where(User.team == call.team, User.role.in_(roles), User.active.is_(True))
    ).all()
    payload = {"type": kind, "call_id": call.id, "urgency": call.urgency, "title": title, "body": body,
               "url": f"/calls/{call.id}"}
    push.notify(session, user_ids=user_ids, kind=kind, payload=payload, now=now)
