"""The call state machine: every transition is a conditional UPDATE plus an event, in one transaction.

open → offered → accepted → en_route → on_site → completed; cancelled from any non-final status;
planned → open for a planned follow-up visit (planned.py), when the clock reaches its time;
decline and an expired offer return the call to open, and the ladder (`offer_next`) asks the next nurse
right after that commit. Pushes about a change are written in its transaction (notices.py).
"""
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from backend import errors, vocab
from backend.audit import service as audit
from backend.db import advance, get_or_404
from backend.clients import service as clients
from backend.clients.models import Client
from backend.dispatch import notices
from backend.dispatch.models import Call, CallEvent
from backend.dispatch.ranking import rank_for_call
from backend.geo import service as geo
from backend.identity.models import User
from backend.identity.service import get_team, require_team
from backend.region import service as region
from backend.push.worker import after_commit
from backend.roster import availability as roster_availability
from backend.vocab import ACTIVE_STATUSES, HELD_STATUSES

log = logging.getLogger(__name__)

EMERGENCY_MESSAGE = (
    "Urgentie {urgency} is levensbedreigend: dit is niet voor het acute wijkteam. Bel direct 112."
)


def _status_label(status: str) -> str:
    return vocab.dutch(vocab.CALL_STATUS_LABELS, status)


@dataclass(frozen=True)
class SystemActor:
    """Dispatch itself, acting for a team (events get actor_id null, audit role 'system')."""

    team: str
    role: str = "system"
    organisation: str | None = None
    token_label: str | None = "escalatie"
    request_id: str = field(default_factory=lambda: f"job-{uuid.uuid4()}")
    ip: str | None = None
    user_agent: str | None = None
    user: object = field(default_factory=lambda: SimpleNamespace(id=None, name="Wijkspoed (automatisch)"))

    @property
    def user_id(self) -> None:
        return None


def _load(session: Session, call_id: int) -> Call:
    call = get_or_404(session, Call, call_id, f"Melding {call_id} bestaat niet.")
    return call


# -- intake ----------------------------------------------------------------------------------------

def _deadlines(session: Session, *, team: str, urgency: str, created_at: datetime) -> dict:
    target = timedelta(minutes=get_team(session, code=team).target_minutes(urgency))
    return {"target_at": created_at + target, "lead_alert_at": created_at + target / 2}


def _refuse_emergency(urgency: str) -> None:
    if urgency in vocab.EMERGENCY_URGENCIES:
        message = EMERGENCY_MESSAGE.format(urgency=urgency)
        raise errors.Unprocessable(message, errors={"urgency": [message]})


def create_call(session: Session, *, actor, data: dict, now: datetime, geocoder=None) -> Call:
    """Take in a call from triage, with a new client or a known one, in one transaction."""
    call = build_call(session, actor=actor, data=data, now=now, geocoder=geocoder)
    session.commit()
    return call


def build_call(session: Session, *, actor, data: dict, now: datetime, geocoder=None) -> Call:
    """Take in a call as `create_call` does, inside the caller's write: flushes, the caller commits once
    (POST /api/calls, behind `@blp.idempotent`). The call comes back with its client loaded in this
    transaction, so the answer needs no query after the commit.

    A new client's fields may match an existing client (clients.intake_client); without coordinates her
    address is looked up (`geocoder`), and a miss never refuses the call.
    """
    data = dict(data)
    _refuse_emergency(data["urgency"])
    data["team"] = _team_for(session, data=data)
    if actor.role in vocab.TEAM_ROLES and data["team"] != actor.team:
        raise errors.Forbidden("Je kunt alleen meldingen voor je eigen team aannemen.")
    new_client = data.pop("client", None)
    match_client_id = data.pop("match_client_id", None)
    new_client_confirmed = data.pop("new_client_confirmed", False)
    matched = None
    if new_client is not None:
        client, matched = clients.intake_client(session, actor=actor, data=new_client, now=now,
                                                match_client_id=match_client_id,
                                                new_client_confirmed=new_client_confirmed)
        if matched is None and (client.lat is None or client.lon is None):
            located = geo.locate(geocoder=geocoder, client=new_client)
            client.lat, client.lon = located["lat"], located["lon"]
        client_id = client.id
    else:
        client_id = data.pop("client_id")
        if session.get(Client, client_id) is None:
            raise errors.Unprocessable(f"Cliënt {client_id} bestaat niet.",
                                       errors={"client_id": ["Onbekende cliënt."]})
        if not clients.may_raise_call_for(session, actor=actor, client_id=client_id, now=now):
            raise errors.Forbidden("Deze cliënt hoort niet bij jullie werk: zoek haar eerst op met BSN en "
                                   "geboortedatum, of schrijf haar in.")
    call = Call(**data, client_id=client_id, status="open", created_by_id=actor.user_id,
                organisation=clients.organisation_of(actor) if actor.role == "hap" else None,
                created_at=now, updated_at=now,
                **_deadlines(session, team=data["team"], urgency=data["urgency"], created_at=now))
    session.add(call)
    session.flush()
    _event(session, call=call, type="created", actor=actor, now=now, from_status=None, to_status="open",
           detail={"urgency": call.urgency, "category": call.category, "source": call.source})
    audit.record(session, actor=actor, action="call.create", client_id=client_id, now=now,
                 data="melding, klacht", detail={"call_id": call.id})
    if get_team(session, code=call.team).auto_offer:
        call.offer_next_at = now  # durable: a clock offers it if the fast path after commit is lost
        after_commit(session, offer_next_task, call_id=call.id, reason="automatisch")
    session.flush()
    # The answer shows `client`: the row is in this session already (flushed above), so set it without a query;
    # anything else not loaded after the flush (a server default) is read back with a refresh.
    if sa.inspect(call).unloaded == {"client"} and (known := session.get(Client, client_id)) is not None:
        set_committed_value(call, "client", known)
    else:
        session.refresh(call)
    if matched is not None:
        object.__setattr__(call, "client_match", matched)  # said in the answer only (CallSchema.client_match)
    return call


def _team_for(session: Session, *, data: dict) -> str:
    """Return the call's team: the one given (it must exist), else the team of the kind covering the postcode."""
    kind = data.pop("team_kind", None) or region.team_kind_for(data["category"])
    if data.get("team"):
        return require_team(session, code=data["team"]).code
    known = session.get(Client, data["client_id"]) if "client_id" in data else None
    postcode = data["client"].get("postcode") if "client" in data else (known.postcode if known else None)
    return region.route_team(session, postcode=postcode, kind=kind).code


def retriage_call(session: Session, *, actor, call_id: int, urgency: str, reason: str, now: datetime) -> Call:
    """Change a call's urgency after re-triage; its target moves with it."""
    _refuse_emergency(urgency)
    call = _visible_for_change(session, actor=actor, call_id=call_id)
    if call.status not in ACTIVE_STATUSES:
        raise errors.InvalidTransition("Een afgeronde of geannuleerde melding kan niet opnieuw getrieerd worden.",
                                       extra={"current_status": call.status})
    before = call.urgency
    _update(session, call=call, from_statuses=ACTIVE_STATUSES, values={
        "urgency": urgency,
        **_deadlines(session, team=call.team, urgency=urgency, created_at=call.created_at),
    }, now=now, action="opnieuw triëren")
    _event(session, call=call, type="retriaged", actor=actor, now=now, from_status=call.status,
           to_status=call.status, detail={"from": before, "to": urgency, "reason": reason})
    return _finish(session, call=call, actor=actor, now=now, action="call.retriage")


# -- transitions -----------------------------------------------------------------------------------

def _event(session: Session, *, call: Call, type: str, actor, now: datetime, from_status, to_status,
           nurse_id: int | None = None, detail: dict | None = None) -> None:
    session.add(CallEvent(call_id=call.id, at=now, type=type, actor_id=actor.user_id if actor else None,
                          from_status=from_status, to_status=to_status,
                          nurse_id=nurse_id if nurse_id is not None else call.nurse_id, detail=detail or {}))


def _update(session: Session, *, call: Call, from_statuses, values: dict, now: datetime, action: str,
            extra_where=None) -> None:
    """Apply a change only if the call is still in one of `from_statuses`; otherwise 409."""
    current = advance(session, call, from_statuses=from_statuses, values=values, now=now, extra_where=extra_where)
    if current is not None:
        raise errors.InvalidTransition(f"Kan niet {action}: de melding is nu '{_status_label(current)}'.",
                                       extra={"current_status": current})


def _finish(session: Session, *, call: Call, actor, now: datetime, action: str) -> Call:
    audit.record(session, actor=actor, action=action, client_id=call.client_id, now=now, data="melding",
                 detail={"call_id": call.id, "status": call.status})
    session.commit()
    return call


def _visible_for_change(session: Session, *, actor, call_id: int) -> Call:
    call = _load(session, call_id)
    if actor.role == "hap":
        if call.organisation != clients.organisation_of(actor):
            raise errors.Forbidden("Deze melding is niet door jouw organisatie aangemaakt.")
    elif call.team != actor.team:
        raise errors.Forbidden("Deze melding hoort niet bij jouw team.")
    return call


def _set_nurse(session: Session, *, nurse_id: int, to: str, only_from: str, now: datetime) -> bool:
    result = session.execute(
        sa.update(User).where(User.id == nurse_id, User.availability == only_from)
        .values(availability=to, availability_set_at=now).execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def offer_call(session: Session, *, actor, call_id: int, nurse_id: int, now: datetime,
               reason: str = "coördinator", replace: bool = False) -> Call:
    """Offer an open call to an available nurse of its team (an offered one only with `replace`)."""
    call = _visible_for_change(session, actor=actor, call_id=call_id)
    nurse = session.get(User, nurse_id)
    if nurse is None or nurse.role != "nurse" or not nurse.active:
        raise errors.Unprocessable(f"Verpleegkundige {nurse_id} bestaat niet.",
                                   errors={"nurse_id": ["Geen verpleegkundige."]})
    if nurse.team != call.team:
        raise errors.Unprocessable("Deze verpleegkundige hoort niet bij het team van de melding.",
                                   errors={"nurse_id": ["Ander team."]})
    if not roster_availability.claim_available(session, nurse_id=nurse.id, team=call.team, now=now):
        raise errors.Conflict(f"{nurse.name} is niet beschikbaar ({nurse.availability}).")
    before = call.status
    window = timedelta(seconds=get_team(session, code=call.team).ack_window(call.urgency))
    # Without `replace`, parallel offers of one call have one winner; the others get 409.
    _update(session, call=call, from_statuses=("open", "offered") if replace else ("open",), now=now,
            action="aanbieden", values={
                "status": "offered", "nurse_id": nurse_id, "offered_at": now, "offer_expires_at": now + window,
                "offer_next_at": None,
            })
    _event(session, call=call, type="offered", actor=actor, now=now, from_status=before, to_status="offered",
           detail={"expires_at": (now + window).isoformat(), "by": reason})
    notices.offer(session, call=call, nurse=nurse, window=window, now=now)
    return _finish(session, call=call, actor=actor, now=now, action="call.offer")


def accept_call(session: Session, *, actor, call_id: int, now: datetime) -> Call:
    """Take a call: the offered nurse, or any available nurse of the team while it is open. One wins."""
    if actor.role != "nurse":
        raise errors.Forbidden("Alleen een verpleegkundige kan een melding aannemen.")
    call = _visible_for_change(session, actor=actor, call_id=call_id)
    if call.status == "offered" and call.nurse_id != actor.user_id:
        raise errors.Conflict("Deze melding is aan een andere verpleegkundige aangeboden.",
                              extra={"current_status": call.status})
    if call.status not in ("open", "offered"):
        raise errors.InvalidTransition(
            "Deze melding is al door een andere verpleegkundige aangenomen."
            if call.status in HELD_STATUSES and call.nurse_id != actor.user_id else
            f"Kan niet aannemen: de melding is '{_status_label(call.status)}'.",
            extra={"current_status": call.status})
    before = call.status
    mine = sa.or_(Call.status == "open", Call.nurse_id == actor.user_id)
    _update(session, call=call, from_statuses=("open", "offered"), extra_where=mine, now=now,
            action="aannemen", values={"status": "accepted", "nurse_id": actor.user_id, "accepted_at": now,
                                       "offer_expires_at": None, "offer_next_at": None})
    if not _set_nurse(session, nurse_id=actor.user_id, to="busy", only_from="available", now=now):
        session.rollback()
        raise errors.Conflict("Je staat niet op beschikbaar of hebt al een lopende melding.",
                              extra={"current_status": before})
    _event(session, call=call, type="accepted", actor=actor, now=now, from_status=before, to_status="accepted")
    return _finish(session, call=call, actor=actor, now=now, action="call.accept")


def decline_call(session: Session, *, actor, call_id: int, reason: str | None, now: datetime) -> Call:
    """The offered nurse says no: the call goes back to open."""
    call = _visible_for_change(session, actor=actor, call_id=call_id)
    if call.status != "offered" or call.nurse_id != actor.user_id:
        raise errors.InvalidTransition("Alleen een melding die aan jou is aangeboden kun je weigeren.",
                                       extra={"current_status": call.status})
    _update(session, call=call, from_statuses=("offered",), extra_where=Call.nurse_id == actor.user_id,
            now=now, action="weigeren",
            values={"status": "open", "nurse_id": None, "offered_at": None, "offer_expires_at": None,
                    "offer_next_at": now})
    _event(session, call=call, type="declined", actor=actor, now=now, from_status="offered", to_status="open",
           nurse_id=actor.user_id, detail={"reason": reason} if reason else {})
    after_commit(session, offer_next_task, call_id=call.id, reason="na weigering")
    return _finish(session, call=call, actor=actor, now=now, action="call.decline")


def expire_offer(session: Session, *, call_id: int, now: datetime) -> Call | None:
    """Return an unanswered offer to open once its window has passed; None if someone got there first."""
    call = session.get(Call, call_id)
    if call is None:
        return None
    nurse_id = call.nurse_id
    result = session.execute(
        sa.update(Call).where(Call.id == call_id, Call.status == "offered", Call.offer_expires_at <= now)
        .values(status="open", nurse_id=None, offered_at=None, offer_expires_at=None, offer_next_at=now,
                updated_at=now, version=Call.version + 1).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        return None
    session.refresh(call)
    _event(session, call=call, type="offer_expired", actor=None, now=now, from_status="offered",
           to_status="open", nurse_id=nurse_id)
    notices.offer_expired(session, call=call, nurse_id=nurse_id, now=now)
    after_commit(session, offer_next_task, call_id=call.id, reason="escalatie")
    session.commit()
    return call


def offer_next(session: Session, *, call_id: int, now: datetime, reason: str) -> Call | None:
    """Offer an open call to the best nurse who has not refused it; None when there is nobody (or it moved)."""
    call = session.get(Call, call_id, populate_existing=True)
    if call is None or call.status != "open":
        session.rollback()
        return None
    # A `hold` (ranking.rank_for_call) means waiting is better: a nurse free soon, or a reserve kept for U2.
    for choice in [r for r in rank_for_call(session, call=call, now=now) if not r.declined and not r.hold]:
        try:
            return offer_call(session, actor=SystemActor(team=call.team), call_id=call.id,
                              nurse_id=choice.nurse_id, now=now, reason=reason)
        except errors.Conflict as exc:
            # The call moved on (someone accepted it), or she stopped being available: next one.
            session.rollback()
            current = session.get(Call, call_id, populate_existing=True)
            if current is None or current.status != "open":
                return None
            log.info("call %s: could not offer to nurse %s: %s", call_id, choice.nurse_id, exc.message)
    session.rollback()
    return None


def offer_next_task(session: Session, *, now: datetime, call_id: int, reason: str) -> Call | None:
    """After a commit (or when `offer_next_at` is due): offer the call to the next nurse; tell the
    coordinators when nobody is left. Return the offered call, None when nobody was offered it."""
    offered = offer_next(session, call_id=call_id, now=now, reason=reason)
    if offered is not None:
        return offered
    call = session.get(Call, call_id, populate_existing=True)
    if call is None or call.status != "open":
        session.rollback()
        return None
    if any(r.hold for r in rank_for_call(session, call=call, now=now)):
        # The call waits on purpose (a nurse free soon, the U2 reserve): `offer_next_at` stays due, so the
        # clock's next tick ranks it again.
        session.rollback()
        return None
    # Claim the step: of two clocks (or a clock and a web process) only one tells the coordinators.
    claimed = session.execute(
        sa.update(Call).where(Call.id == call_id, Call.status == "open", Call.offer_next_at.is_not(None))
        .values(offer_next_at=None).execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        session.rollback()
        return None
    notices.nobody_left(session, call=call, now=now)
    session.commit()
    return None


NEXT_STATUS = {"en_route": ("accepted",), "on_site": ("en_route",)}


def set_call_status(session: Session, *, actor, call_id: int, status: str, now: datetime) -> Call:
    """The holding nurse moves her call on: en route, then on site."""
    call = _visible_for_change(session, actor=actor, call_id=call_id)
    # Another nurse's call is not yours to move (403); yours, or nobody's, in the wrong status is a 409.
    if call.nurse_id not in (None, actor.user_id):
        raise errors.Forbidden("Alleen de verpleegkundige die de melding heeft, kan de status zetten.")
    before = call.status
    values = {"status": status}
    if status == "on_site":
        values["on_site_at"] = now
    _update(session, call=call, from_statuses=NEXT_STATUS[status], extra_where=Call.nurse_id == actor.user_id,
            now=now, action=f"naar '{_status_label(status)}'", values=values)
    _event(session, call=call, type=status, actor=actor, now=now, from_status=before, to_status=status)
    return _finish(session, call=call, actor=actor, now=now, action=f"call.{status}")


def cancel_call(session: Session, *, actor, call_id: int, reason: str, now: datetime) -> Call:
    """Cancel a call that has not ended (a planned one too); a nurse holding it is free again."""
    call = _visible_for_change(session, actor=actor, call_id=call_id)
    before, holder = call.status, call.nurse_id
    _update(session, call=call, from_statuses=vocab.CANCELLABLE_STATUSES, now=now, action="annuleren",
            values={"status": "cancelled", "cancel_reason": reason, "closed_at": now, "offer_expires_at": None,
                    "offer_next_at": None})
    if before in HELD_STATUSES and holder is not None:
        _set_nurse(session, nurse_id=holder, to="available", only_from="busy", now=now)
    _event(session, call=call, type="cancelled", actor=actor, now=now, from_status=before,
           to_status="cancelled", nurse_id=holder, detail={"reason": reason})
    return _finish(session, call=call, actor=actor, now=now, action="call.cancel")


def complete_call(session: Session, *, actor, call_id: int, now: datetime, closing_note: str | None = None,
                  detail: dict | None = None) -> Call:
    """Complete the call the nurse is on site for, with the closing note for the caller; frees her."""
    call = finish_call(session, actor=actor, call_id=call_id, now=now, closing_note=closing_note, detail=detail)
    session.commit()
    return call


def finish_call(session: Session, *, actor, call_id: int, now: datetime, closing_note: str | None = None,
                detail: dict | None = None) -> Call:
    """Complete the call as `complete_call` does, inside the caller's write: flushes, the caller commits once."""
    call = _load(session, call_id)
    if call.nurse_id != actor.user_id:
        raise errors.Forbidden("Alleen de verpleegkundige die de melding heeft, kan haar afronden.")
    _update(session, call=call, from_statuses=("on_site",), extra_where=Call.nurse_id == actor.user_id,
            now=now, action="afronden",
            values={"status": "completed", "closing_note": closing_note, "closed_at": now})
    _set_nurse(session, nurse_id=actor.user_id, to="available", only_from="busy", now=now)
    _event(session, call=call, type="completed", actor=actor, now=now, from_status="on_site",
           to_status="completed", detail=detail or {})
    audit.record(session, actor=actor, action="call.complete", client_id=call.client_id, now=now,
                 data="melding, afsluitnotitie", detail={"call_id": call.id})
    session.flush()
    return call
