"""The placement state machine: every step a conditional UPDATE plus an event and an audit row, one commit.

requested → offered → accepted → admitted; decline returns an offer to requested; cancelled from any open
state (an accepted bed goes back to `free`). Accepting takes the bed in the same transaction (capacity.take_bed).
"""
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from backend import errors, vocab
from backend.audit import service as audit
from backend.db import advance, get_or_404
from backend.capacity import service as capacity
from backend.capacity.models import Capacity, Location
from backend.clients.models import Client
from backend.clients.visibility import can_see_client
from backend.dispatch.models import Call
from backend.identity.models import User
from backend.placements.models import Placement, PlacementEvent
from backend.push import service as push
from backend.visits.models import Handover, Visit

CANCELLABLE = ("requested", "offered", "accepted")


def _status_label(status: str) -> str:
    return vocab.dutch(vocab.PLACEMENT_STATUSES, status)


def visible_query(actor):
    """Return a SELECT of the placements this actor may see."""
    query = select(Placement)
    if actor.role == "regional_coordinator":
        return query
    if actor.role == "bed_manager":
        # only from the offer on, and only while it is (or was, once accepted) at her organisation
        own = select(Location.id).where(Location.organisation_id == capacity.organisation_id_of(actor))
        return query.where(Placement.location_id.in_(own))
    if actor.role in vocab.TEAM_ROLES:
        return query.where(Placement.team == actor.team)
    return query.where(sa.false())


def _visible(session: Session, *, actor, placement_id: int, now: datetime, action: str) -> Placement:
    """Return a placement the actor may see; another's → 404 for those who never may, audited refusal."""
    placement = get_or_404(session, Placement, placement_id, f"Aanvraag {placement_id} bestaat niet.")
    if session.scalar(visible_query(actor).with_only_columns(Placement.id).where(Placement.id == placement_id)) is None:
        audit.record_denied(session, actor=actor, action=action, client_id=placement.client_id, now=now,
                            detail={"placement_id": placement_id})
        raise errors.Forbidden("Deze aanvraag is niet voor jou of je organisatie.")
    return placement


def _event(session: Session, *, placement: Placement, type: str, actor, now: datetime, from_status,
           to_status: str, location_id: int | None = None, detail: dict | None = None) -> None:
    session.add(PlacementEvent(placement_id=placement.id, at=now, type=type, actor_id=actor.user_id,
                               from_status=from_status, to_status=to_status,
                               location_id=location_id if location_id is not None else placement.location_id,
                               detail=detail or {}))


def _update(session: Session, *, placement: Placement, from_statuses, values: dict, now: datetime,
            extra_where=None) -> None:
    """Change a placement only if it is still in one of `from_statuses` (and `extra_where`); otherwise 409."""
    current = advance(session, placement, from_statuses=from_statuses, values=values, now=now,
                      extra_where=extra_where)
    if current is not None:
        raise errors.InvalidTransition(
            f"Deze aanvraag is intussen '{_status_label(current)}': de stap kan niet meer.",
            extra={"current_status": current})


def _finish(session: Session, *, placement: Placement, actor, action: str, now: datetime) -> Placement:
    audit.record(session, actor=actor, action=action, client_id=placement.client_id, now=now,
                 data="aanvraag tijdelijk bed", detail={"placement_id": placement.id})
    session.commit()
    return placement


def _team_of_client(session: Session, *, client_id: int) -> str | None:
    return session.scalar(select(Call.team).where(Call.client_id == client_id)
                          .order_by(Call.created_at.desc(), Call.id.desc()).limit(1))


def create_placement(session: Session, *, actor, data: dict, now: datetime) -> Placement:
    """Request a bed of a type for a client (with a question and, if there is one, the SBAR handover)."""
    client_id = data["client_id"]
    if session.get(Client, client_id) is None:
        raise errors.Unprocessable(f"Cliënt {client_id} bestaat niet.", errors={"client_id": ["Onbekende cliënt."]})
    if actor.role in vocab.TEAM_ROLES and not can_see_client(session, actor=actor, client_id=client_id):
        audit.record_denied(session, actor=actor, action="placement.create", client_id=client_id, now=now)
        raise errors.Forbidden("Deze cliënt hoort niet bij het werk van je team.")
    for field, model in (("visit_id", Visit), ("handover_id", Handover)):
        if data.get(field) is not None:
            row = session.get(model, data[field])
            if row is None or row.client_id != client_id:
                raise errors.Unprocessable("Dit bezoek of deze overdracht hoort niet bij deze cliënt.",
                                           errors={field: ["Hoort niet bij deze cliënt."]})
    team = actor.team if actor.role in vocab.TEAM_ROLES else _team_of_client(session, client_id=client_id)
    placement = Placement(**data, team=team, status="requested", requested_by_id=actor.user_id, created_at=now,
                          updated_at=now, waiting_since=now)
    session.add(placement)
    session.flush()
    _event(session, placement=placement, type="requested", actor=actor, now=now, from_status=None,
           to_status="requested", detail={"bed_type": placement.bed_type})
    _notify(session, user_ids=_regional_coordinators(session), placement=placement, now=now,
            kind="placement_requested", title=f"Bed gevraagd: {vocab.dutch(vocab.BED_TYPES, placement.bed_type)}",
            body="Een nieuwe aanvraag voor een tijdelijk bed wacht op een locatie.")
    return _finish(session, placement=placement, actor=actor, action="placement.create", now=now)


def _regional_coordinators(session: Session) -> list[int]:
    return list(session.exec(select(User.id).where(User.role == "regional_coordinator",
                                                   User.active.is_(True))).all())


def _notify(session: Session, *, user_ids, placement: Placement, now: datetime, kind: str, title: str,
            body: str) -> None:
    # no client name in a push: a lock screen is public
    push.notify(session, user_ids=user_ids, kind=kind, now=now, payload={
        "type": kind, "placement_id": placement.id, "bed_type": placement.bed_type, "title": title, "body": body,
        "url": f"/#/bedden/{placement.id}"})


def offer_placement(session: Session, *, actor, placement_id: int, location_id: int, now: datetime) -> Placement:
    """Put a request to a location; its bed managers get a web push."""
    placement = _visible(session, actor=actor, placement_id=placement_id, now=now, action="placement.offer")
    location = capacity.get_location(session, location_id=location_id)
    if session.get(Capacity, (location_id, placement.bed_type)) is None:
        raise errors.Unprocessable(f"{location.name} heeft geen bedden van het type "
                                   f"'{vocab.dutch(vocab.BED_TYPES, placement.bed_type)}'.",
                                   errors={"location_id": ["Deze locatie heeft dit type bed niet."]})
    _update(session, placement=placement, from_statuses=("requested",), now=now,
            values={"status": "offered", "location_id": location_id, "waiting_since": now,
                    "waiting_alerted_at": None})
    _event(session, placement=placement, type="offered", actor=actor, now=now, from_status="requested",
           to_status="offered")
    _notify(session, user_ids=capacity.bed_managers_of(session, organisation_id=location.organisation_id),
            placement=placement, now=now, kind="placement_offer",
            title=f"Plaatsingsverzoek: {vocab.dutch(vocab.BED_TYPES, placement.bed_type)}",
            body=f"Voor {location.name}. Open Wijkspoed om te accepteren of af te wijzen.")
    return _finish(session, placement=placement, actor=actor, action="placement.offer", now=now)


def _bed_manager_of_location(session: Session, *, actor, placement: Placement) -> None:
    location = session.get(Location, placement.location_id) if placement.location_id else None
    if location is None or capacity.organisation_id_of(actor) != location.organisation_id:
        raise errors.Forbidden("Alleen een beddenbeheerder van de locatie kan dit doen.")


def accept_placement(session: Session, *, actor, placement_id: int, now: datetime) -> Placement:
    """Accept an offered request: the placement and one bed of its type, in one transaction; no bed → 409."""
    placement = _visible(session, actor=actor, placement_id=placement_id, now=now, action="placement.accept")
    _bed_manager_of_location(session, actor=actor, placement=placement)
    location_id = placement.location_id
    _update(session, placement=placement, from_statuses=("offered",), now=now,
            values={"status": "accepted", "waiting_since": now},
            extra_where=Placement.location_id == location_id)
    capacity.take_bed(session, actor=actor, location_id=location_id, bed_type=placement.bed_type, now=now,
                      placement_id=placement.id)
    _event(session, placement=placement, type="accepted", actor=actor, now=now, from_status="offered",
           to_status="accepted")
    requester = [placement.requested_by_id] if placement.requested_by_id else []
    _notify(session, user_ids=requester + _regional_coordinators(session), placement=placement, now=now,
            kind="placement_accepted", title="Bed toegezegd",
            body=f"{placement.location.name} neemt de cliënt op.")
    return _finish(session, placement=placement, actor=actor, action="placement.accept", now=now)


def decline_placement(session: Session, *, actor, placement_id: int, reason: str, now: datetime) -> Placement:
    """Decline an offered request with a reason: back to requested, for another location."""
    placement = _visible(session, actor=actor, placement_id=placement_id, now=now, action="placement.decline")
    _bed_manager_of_location(session, actor=actor, placement=placement)
    location_id = placement.location_id
    _update(session, placement=placement, from_statuses=("offered",), now=now,
            values={"status": "requested", "location_id": None, "decline_reason": reason, "waiting_since": now,
                    "waiting_alerted_at": None},
            extra_where=Placement.location_id == location_id)
    _event(session, placement=placement, type="declined", actor=actor, now=now, from_status="offered",
           to_status="requested", location_id=location_id, detail={"reason": reason})
    _notify(session, user_ids=_regional_coordinators(session), placement=placement, now=now,
            kind="placement_declined", title="Plaatsingsverzoek afgewezen", body=f"Reden: {reason[:80]}")
    return _finish(session, placement=placement, actor=actor, action="placement.decline", now=now)


def admit_placement(session: Session, *, actor, placement_id: int, now: datetime) -> Placement:
    """Record that the client arrived at the accepting location."""
    placement = _visible(session, actor=actor, placement_id=placement_id, now=now, action="placement.admitted")
    _bed_manager_of_location(session, actor=actor, placement=placement)
    _update(session, placement=placement, from_statuses=("accepted",), now=now, values={"status": "admitted"})
    _event(session, placement=placement, type="admitted", actor=actor, now=now, from_status="accepted",
           to_status="admitted")
    return _finish(session, placement=placement, actor=actor, action="placement.admitted", now=now)


def cancel_placement(session: Session, *, actor, placement_id: int, reason: str, now: datetime) -> Placement:
    """Cancel a request (its requester or the regional coordinator); an accepted bed is given back."""
    placement = _visible(session, actor=actor, placement_id=placement_id, now=now, action="placement.cancel")
    if actor.role != "regional_coordinator" and actor.user_id != placement.requested_by_id:
        raise errors.Forbidden("Alleen wie de aanvraag deed of de regionaal coördinator kan haar annuleren.")
    before = placement.status
    if before not in CANCELLABLE:
        raise errors.InvalidTransition(f"Deze aanvraag is al '{_status_label(before)}'.",
                                       extra={"current_status": before})
    _update(session, placement=placement, from_statuses=(before,), now=now,
            values={"status": "cancelled", "cancel_reason": reason})
    if before == "accepted":
        capacity.give_back_bed(session, actor=actor, location_id=placement.location_id,
                               bed_type=placement.bed_type, now=now, placement_id=placement.id)
    if before in ("offered", "accepted") and placement.location is not None:
        _notify(session, user_ids=capacity.bed_managers_of(session, organisation_id=placement.location.organisation_id),
                placement=placement, now=now, kind="placement_cancelled", title="Plaatsing geannuleerd",
                body="Een aanvraag voor jullie locatie is geannuleerd.")
    _event(session, placement=placement, type="cancelled", actor=actor, now=now, from_status=before,
           to_status="cancelled", detail={"reason": reason, "bed_given_back": before == "accepted"})
    return _finish(session, placement=placement, actor=actor, action="placement.cancel", now=now)


def get_placement(session: Session, *, actor, placement_id: int, now: datetime) -> Placement:
    """Return one placement with its client; audited."""
    placement = _visible(session, actor=actor, placement_id=placement_id, now=now, action="placement.read")
    return _finish(session, placement=placement, actor=actor, action="placement.read", now=now)


def list_placements(session: Session, *, actor, now: datetime, status: str | None = None,
                    limit: int = 200) -> list[Placement]:
    """Return the placements the actor may see, oldest waiting first; each client shown is audited."""
    query = visible_query(actor).order_by(Placement.waiting_since, Placement.id).limit(limit)
    if status:
        query = query.where(Placement.status == status)
    placements = audit.read_listed(session, query, actor=actor, action="placement.list", now=now,
                                   data="aanvraag tijdelijk bed")
    session.commit()
    return placements


def list_events(session: Session, *, actor, placement_id: int, now: datetime) -> list[PlacementEvent]:
    """Return a placement's events, oldest first; audited."""
    placement = _visible(session, actor=actor, placement_id=placement_id, now=now, action="placement.events")
    events = list(session.exec(select(PlacementEvent).where(PlacementEvent.placement_id == placement.id)
                               .order_by(PlacementEvent.at, PlacementEvent.id)).all())
    _finish(session, placement=placement, actor=actor, action="placement.events", now=now)
    return events


def claim_waiting(session: Session, *, now: datetime, minutes: int = vocab.PLACEMENT_WAIT_ALERT_MINUTES) -> list[Placement]:
    """Claim open placements waiting longer than `minutes` that were not alerted about yet (no commit)."""
    cutoff = now - timedelta(minutes=minutes)
    due = session.exec(select(Placement).where(
        Placement.status.in_(vocab.OPEN_PLACEMENT_STATUSES), Placement.waiting_since <= cutoff,
        Placement.waiting_alerted_at.is_(None))).all()
    claimed = []
    for placement in due:
        won = session.execute(sa.update(Placement).where(
            Placement.id == placement.id, Placement.waiting_alerted_at.is_(None),
            Placement.status.in_(vocab.OPEN_PLACEMENT_STATUSES)).values(waiting_alerted_at=now)).rowcount
        if won:
            claimed.append(placement)
    return claimed


def alert_waiting(session: Session, *, now: datetime) -> int:
    """Tell the regional coordinators about each placement waiting more than 30 minutes (once per wait)."""
    claimed = claim_waiting(session, now=now)
    for placement in claimed:
        minutes = int((now - placement.waiting_since).total_seconds() // 60)
        _notify(session, user_ids=_regional_coordinators(session), placement=placement, now=now,
                kind="placement_waiting", title=f"Aanvraag wacht al {minutes} min",
                body=f"{vocab.dutch(vocab.BED_TYPES, placement.bed_type)}: "
                     f"{_status_label(placement.status).lower()}, nog geen bed.")
    session.commit()
    return len(claimed)
