"""Episodes: a client's crisis followed by one team until hand-back, and the mantelzorger's EDIZ.

An episode holds the client's calls of its team from the first crisis call (`started_at`) until it is closed
with a handover (SBAR) to regular care; their visits; a case manager (a nurse or team lead of the team);
goals in the client's words; the network (existing contacts with their role in the plan); and the EDIZ
scores of its visits, with their trend. Writes flush only (their routes are `@blp.idempotent`, which commits);
what an answer shows of a client is audited by api.py's hook, refusals by `access.deny`.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, select

from backend import errors, vocab
from backend.audit import service as audit
from backend.clients.models import Client
from backend.db import advance, get_or_404, reads_through
from backend.dispatch import planned
from backend.dispatch.models import Call
from backend.episodes import burden, ediz
from backend.episodes.models import EdizScore, Episode
from backend.identity.models import User
from backend.visits.access import deny, in_team, require_team, visible_client
from backend.visits.models import ClientContact, Handover, Visit, VitalSigns

CASE_MANAGER_ROLES = ("nurse", "team_lead")
# Without a named first call, the episode starts at the client's latest call of the team from this far back.
FIRST_CALL_WINDOW = timedelta(hours=72)
SUMMARY_LENGTH = 300


# -- what an episode shows -----------------------------------------------------------------------

@dataclass
class VisitSummary:
    """A visit in a few lines: who, when, outcome, NEWS2 and what was done; reads the visit's columns."""

    visit: Visit
    nurse_name: str | None
    news2_score: int | None
    news2_band: str | None
    summary: str

    __getattr__ = reads_through("visit")

    @property
    def outcome_label(self) -> str | None:
        return vocab.dutch(vocab.OUTCOMES, self.visit.outcome) or None


@dataclass
class NetworkMember:
    contact_id: str
    name: str
    relation: str | None
    phone: str | None
    is_mantelzorger: bool
    involvement: str
    role: str | None


@dataclass
class EdizEntry:
    """An EDIZ score with the mantelzorger's name; reads the score's columns."""

    score_row: EdizScore
    contact_name: str | None

    __getattr__ = reads_through("score_row")


@dataclass
class EdizTrend:
    latest: EdizEntry | None = None
    high: bool = False
    trend: str | None = None  # "up", "down", "same" against the score before (None with fewer than two)
    scores: list[EdizEntry] = field(default_factory=list)


@dataclass
class Signal:
    code: str
    message: str


@dataclass
class EpisodeView:
    """An episode with its calls, visits, network, EDIZ trend and signals; reads the episode's own columns."""

    episode: Episode
    client: Client
    case_manager_name: str | None
    calls: list[Call]
    planned: list[Call]
    visits: list[VisitSummary]
    last_visit: VisitSummary | None
    network: list[NetworkMember]
    ediz: EdizTrend
    signals: list[Signal]

    __getattr__ = reads_through("episode")


def _summary(visit: Visit, latest: VitalSigns | None) -> str:
    parts = []
    if visit.outcome:
        parts.append(vocab.dutch(vocab.OUTCOMES, visit.outcome) + ".")
    actions = [a.get("action") for a in (visit.actions or []) if a.get("action")]
    if actions:
        parts.append("Gedaan: " + ", ".join(actions) + ".")
    if latest is not None:
        parts.append(f"NEWS2 {latest.news2_score} ({vocab.dutch(vocab.NEWS2_BANDS, latest.news2_band).lower()}).")
    if visit.actions_note:
        parts.append(visit.actions_note.strip())
    if visit.referral_question:
        parts.append(f"Vraag: {visit.referral_question.strip()}")
    text = " ".join(parts) or "Bezoek loopt nog."
    return text if len(text) <= SUMMARY_LENGTH else text[:SUMMARY_LENGTH - 1] + "…"


def visit_summaries(session: Session, visits: list[Visit]) -> list[VisitSummary]:
    """Return the visits in a few lines each, oldest first."""
    if not visits:
        return []
    ids = [v.id for v in visits]
    latest: dict[str, VitalSigns] = {}
    for vitals in session.exec(select(VitalSigns).where(VitalSigns.visit_id.in_(ids))
                               .order_by(VitalSigns.measured_at, VitalSigns.id)).all():
        latest[vitals.visit_id] = vitals
    names = dict(session.execute(select(User.id, User.name).where(User.id.in_({v.nurse_id for v in visits}))).all())
    return [VisitSummary(
        visit=v, nurse_name=names.get(v.nurse_id),
        news2_score=latest[v.id].news2_score if v.id in latest else None,
        news2_band=latest[v.id].news2_band if v.id in latest else None,
        summary=_summary(v, latest.get(v.id)),
    ) for v in visits]


def _calls_query(episode: Episode):
    query = select(Call).where(Call.client_id == episode.client_id, Call.team == episode.team,
                               Call.created_at >= episode.started_at)
    if episode.closed_at is not None:
        query = query.where(Call.created_at <= episode.closed_at)
    return query.order_by(Call.created_at, Call.id)


def _contacts(session: Session, client_id: int) -> dict[str, ClientContact]:
    rows = session.exec(select(ClientContact).where(ClientContact.client_id == client_id,
                                                    ClientContact.removed_at.is_(None))).all()
    return {c.id: c for c in rows}


def _ediz_trend(session: Session, *, visit_ids: list[str], contacts: dict[str, ClientContact]) -> EdizTrend:
    if not visit_ids:
        return EdizTrend()
    rows = session.exec(select(EdizScore).where(EdizScore.visit_id.in_(visit_ids))
                        .order_by(EdizScore.created_at, EdizScore.id)).all()
    scores = [EdizEntry(score_row=r, contact_name=contacts[r.contact_id].name if r.contact_id in contacts else None)
              for r in rows]
    if not scores:
        return EdizTrend()
    latest = scores[-1]
    before = [s for s in scores[:-1] if s.contact_id == latest.contact_id]
    trend = None
    if before:
        previous = before[-1].score
        trend = "up" if latest.score > previous else "down" if latest.score < previous else "same"
    return EdizTrend(latest=latest, high=latest.high, trend=trend, scores=scores)


def episode_view(session: Session, *, episode: Episode) -> EpisodeView:
    """Return the episode with everything it holds."""
    calls = list(session.exec(_calls_query(episode)).all())
    visits = list(session.exec(select(Visit).where(Visit.call_id.in_([c.id for c in calls]))
                               .order_by(Visit.created_at)).all()) if calls else []
    summaries = visit_summaries(session, visits)
    contacts = _contacts(session, episode.client_id)
    network = []
    for member in episode.network or []:
        contact = contacts.get(member.get("contact_id"))
        if contact is not None:
            network.append(NetworkMember(contact_id=contact.id, name=contact.name, relation=contact.relation,
                                         phone=contact.phone, is_mantelzorger=contact.is_mantelzorger,
                                         involvement=contact.involvement, role=member.get("role")))
    trend = _ediz_trend(session, visit_ids=[v.id for v in visits], contacts=contacts)
    signals = []
    if trend.latest is not None and trend.latest.high:
        signals.append(Signal(code="ediz_high", message=burden.signal_text(
            name=trend.latest.contact_name or "onbekend", score=trend.latest.score)))
    manager = session.get(User, episode.case_manager_id)
    return EpisodeView(
        episode=episode, client=session.get(Client, episode.client_id),
        case_manager_name=manager.name if manager else None, calls=calls,
        planned=sorted([c for c in calls if c.status == vocab.PLANNED_STATUS], key=lambda c: c.planned_for),
        visits=summaries, last_visit=next((s for s in reversed(summaries) if s.status == "completed"), None),
        network=network, ediz=trend, signals=signals,
    )


# -- access --------------------------------------------------------------------------------------

def _team_episode(session: Session, *, actor, episode_id: int, action: str, now: datetime) -> Episode:
    episode = get_or_404(session, Episode, episode_id, f"Episode {episode_id} bestaat niet.")
    require_team(session, actor=actor, team=episode.team, client_id=episode.client_id, action=action, now=now,
                 detail={"episode_id": episode.id})
    return episode


def _active(episode: Episode) -> None:
    if episode.status != "active":
        raise errors.InvalidTransition("Deze episode is afgesloten.", extra={"current_status": episode.status})


def _case_manager(session: Session, *, user_id: int, team: str) -> User:
    user = session.get(User, user_id)
    if user is None or not user.active or user.role not in CASE_MANAGER_ROLES or user.team != team:
        raise errors.Unprocessable("De casemanager moet een verpleegkundige of teamleider van het team zijn.",
                                   errors={"case_manager_id": ["Geen verpleegkundige of teamleider van dit team."]})
    return user


def _network(session: Session, *, client_id: int, members: list[dict]) -> list[dict]:
    contacts = _contacts(session, client_id)
    seen = set()
    for member in members:
        if member["contact_id"] not in contacts:
            raise errors.Unprocessable("Dit netwerklid is geen (huidige) contactpersoon van de cliënt.",
                                       errors={"network": [f"Onbekende contactpersoon {member['contact_id']}."]})
        if member["contact_id"] in seen:
            raise errors.Unprocessable("Een contactpersoon staat maar één keer in het netwerk.",
                                       errors={"network": [f"Dubbel: {member['contact_id']}."]})
        seen.add(member["contact_id"])
    return [{"contact_id": m["contact_id"], "role": m.get("role")} for m in members]


def _whole_network(session: Session, *, client_id: int) -> list[dict]:
    """Every current contact of the client, mantelzorgers first, without a role yet (the default network)."""
    contacts = sorted(_contacts(session, client_id).values(), key=lambda c: (not c.is_mantelzorger, c.created_at))
    return [{"contact_id": c.id, "role": None} for c in contacts]


# -- reading -------------------------------------------------------------------------------------

def get_episode(session: Session, *, actor, episode_id: int, now: datetime) -> EpisodeView:
    """Return an episode to the staff of its team."""
    episode = _team_episode(session, actor=actor, episode_id=episode_id, action="episode.read", now=now)
    view = episode_view(session, episode=episode)
    session.commit()
    return view


def list_episodes(session: Session, *, actor, now: datetime, client_id: int | None = None,
                  status: str | None = None) -> list[EpisodeView]:
    """List the team's episodes (of a client, in a status), latest first."""
    if not in_team(actor, actor.team or ""):
        return []
    query = select(Episode).where(Episode.team == actor.team).order_by(Episode.started_at.desc()).limit(100)
    if client_id is not None:
        query = query.where(Episode.client_id == client_id)
    if status is not None:
        query = query.where(Episode.status == status)
    views = [episode_view(session, episode=e) for e in session.exec(query).all()]
    session.commit()
    return views


# -- writing (flush only) ------------------------------------------------------------------------

def _first_call(session: Session, *, client_id: int, team: str, call_id: int | None, now: datetime) -> Call | None:
    if call_id is not None:
        call = session.get(Call, call_id)
        if call is None or call.client_id != client_id or call.team != team:
            raise errors.Unprocessable("Deze melding hoort niet bij deze cliënt en dit team.",
                                       errors={"call_id": ["Geen melding van deze cliënt bij dit team."]})
        # A planned follow-up is not the crisis call: walk back along the visits to the call that began it.
        seen = set()
        while call.previous_visit_id and call.id not in seen:
            seen.add(call.id)
            visit = session.get(Visit, call.previous_visit_id)
            earlier = session.get(Call, visit.call_id) if visit else None
            if earlier is None or earlier.client_id != client_id or earlier.team != team:
                break
            call = earlier
        return call
    return session.exec(
        select(Call).where(Call.client_id == client_id, Call.team == team, Call.created_at >= now - FIRST_CALL_WINDOW,
                           Call.status != "cancelled")
        .order_by(Call.created_at.desc()).limit(1)
    ).first()


def create_episode(session: Session, *, actor, data: dict, now: datetime) -> EpisodeView:
    """Start an episode for a client of the team; one running episode per client and team (else 409)."""
    team = data.get("team") or actor.team
    if not in_team(actor, team):
        deny(session, actor=actor, action="episode.create", client_id=None, now=now,
             message="Je kunt alleen een episode voor je eigen team beginnen.")
    visible_client(session, actor=actor, client_id=data["client_id"], action="episode.create", now=now)
    _case_manager(session, user_id=data["case_manager_id"], team=team)
    running = session.scalar(select(Episode.id).where(Episode.client_id == data["client_id"], Episode.team == team,
                                                      Episode.status == "active"))
    if running is not None:
        raise errors.Conflict(f"Deze cliënt heeft al een lopende episode ({running}).",
                              extra={"episode_id": running})
    first = _first_call(session, client_id=data["client_id"], team=team, call_id=data.get("call_id"), now=now)
    episode = Episode(client_id=data["client_id"], team=team, case_manager_id=data["case_manager_id"],
                      goals=[g.strip() for g in data["goals"]],
                      network=_network(session, client_id=data["client_id"], members=data["network"])
                      if "network" in data else _whole_network(session, client_id=data["client_id"]),
                      first_call_id=first.id if first else None, started_at=first.created_at if first else now,
                      created_by_id=actor.user_id, created_at=now, updated_at=now)
    session.add(episode)
    session.flush()
    audit.record(session, actor=actor, action="episode.create", client_id=episode.client_id, now=now,
                 data="episode (doelen, netwerk)", detail={"episode_id": episode.id})
    return episode_view(session, episode=episode)


def _manages(actor, episode: Episode) -> bool:
    return actor.role == "team_lead" or actor.user_id == episode.case_manager_id


def update_episode(session: Session, *, actor, episode_id: int, data: dict, now: datetime) -> EpisodeView:
    """Change an episode's goals, network or case manager (case manager, coordinator, team lead)."""
    episode = _team_episode(session, actor=actor, episode_id=episode_id, action="episode.update", now=now)
    if not (_manages(actor, episode) or actor.role == "coordinator"):
        raise errors.Forbidden("Alleen de casemanager, de coördinator of de teamleider past de episode aan.")
    _active(episode)
    values = {}
    if "goals" in data:
        values["goals"] = [g.strip() for g in data["goals"]]
    if "network" in data:
        values["network"] = _network(session, client_id=episode.client_id, members=data["network"])
    if "case_manager_id" in data:
        values["case_manager_id"] = _case_manager(session, user_id=data["case_manager_id"], team=episode.team).id
    current = advance(session, episode, from_statuses=("active",), values=values, now=now)
    if current is not None:
        raise errors.InvalidTransition("Deze episode is afgesloten.", extra={"current_status": current})
    audit.record(session, actor=actor, action="episode.update", client_id=episode.client_id, now=now,
                 data="episode", detail={"episode_id": episode.id, "fields": sorted(values)})
    return episode_view(session, episode=episode)


def close_episode(session: Session, *, actor, episode_id: int, handover_id: str, now: datetime) -> EpisodeView:
    """Close an episode with the SBAR handover to regular care (case manager or team lead)."""
    episode = _team_episode(session, actor=actor, episode_id=episode_id, action="episode.close", now=now)
    if not _manages(actor, episode):
        raise errors.Forbidden("Alleen de casemanager of de teamleider sluit de episode af.")
    _active(episode)
    handover = session.get(Handover, str(handover_id))
    if handover is None or handover.client_id != episode.client_id or handover.team != episode.team:
        raise errors.Unprocessable("Sluit af met een overdracht van deze cliënt door dit team.",
                                   errors={"handover_id": ["Geen overdracht van deze cliënt en dit team."]})
    current = advance(session, episode, from_statuses=("active",), now=now, values={
        "status": "closed", "closed_at": now, "closed_by_id": actor.user_id, "handover_id": handover.id})
    if current is not None:
        raise errors.InvalidTransition("Deze episode is al afgesloten.", extra={"current_status": current})
    audit.record(session, actor=actor, action="episode.close", client_id=episode.client_id, now=now,
                 data="episode, overdracht", detail={"episode_id": episode.id, "handover_id": handover.id})
    return episode_view(session, episode=episode)


def plan_visit(session: Session, *, actor, episode_id: int, planned_for: datetime, note: str | None,
               now: datetime) -> Call:
    """Add a planned visit to the episode's plan: a planned call for its client (case manager, coordinator,
    team lead)."""
    episode = _team_episode(session, actor=actor, episode_id=episode_id, action="episode.update", now=now)
    if not (_manages(actor, episode) or actor.role == "coordinator"):
        raise errors.Forbidden("Alleen de casemanager, de coördinator of de teamleider plant bezoeken.")
    _active(episode)
    first = session.get(Call, episode.first_call_id) if episode.first_call_id else None
    category = first.category if first else ("pg_crisis" if episode.team == "fact" else "other")
    complaint = "Gepland bezoek (episode)" + (f": {note.strip()}" if (note or "").strip() else ".")
    return planned.plan_call(session, actor=actor, client_id=episode.client_id, team=episode.team,
                             category=category, planned_for=planned_for, complaint=complaint, now=now)


# -- EDIZ ----------------------------------------------------------------------------------------

@dataclass
class EdizRecorded:
    """An EDIZ just taken, with the running episode it counts for and the score before it."""

    row: EdizScore
    episode_id: int | None
    previous_score: int | None
    signal: str | None

    __getattr__ = reads_through("row")


def record_ediz(session: Session, *, actor, visit_id: str, data: dict, now: datetime) -> EdizRecorded:
    """Score a mantelzorger's nine EDIZ answers at a visit (the visit's nurse); flushes only."""
    visit = get_or_404(session, Visit, str(visit_id), f"Bezoek {visit_id} bestaat niet.")
    require_team(session, actor=actor, team=visit.team, client_id=visit.client_id, action="ediz.create", now=now,
                 detail={"visit_id": visit.id})
    if visit.nurse_id != actor.user_id:
        raise errors.Forbidden("Alleen de verpleegkundige van dit bezoek legt de EDIZ vast.")
    contact = session.get(ClientContact, str(data["contact_id"]))
    if contact is None or contact.client_id != visit.client_id or contact.removed_at is not None:
        raise errors.Unprocessable("Deze contactpersoon hoort niet bij de cliënt.",
                                   errors={"contact_id": ["Geen (huidige) contactpersoon van deze cliënt."]})
    result = ediz.score(list(data["answers"]))
    previous = session.scalar(select(EdizScore.score).where(EdizScore.client_id == visit.client_id,
                                                            EdizScore.contact_id == contact.id)
                              .order_by(EdizScore.created_at.desc(), EdizScore.id.desc()).limit(1))
    row = EdizScore(visit_id=visit.id, client_id=visit.client_id, contact_id=contact.id,
                    answers=list(data["answers"]), score=result.score, high=result.high,
                    recorded_by_id=actor.user_id, created_at=now)
    session.add(row)
    session.flush()
    call = session.get(Call, visit.call_id)
    episode_id = session.scalar(select(Episode.id).where(
        Episode.client_id == visit.client_id, Episode.team == visit.team, Episode.status == "active",
        Episode.started_at <= call.created_at))
    audit.record(session, actor=actor, action="ediz.create", client_id=visit.client_id, now=now,
                 data="belasting mantelzorger (EDIZ)", detail={"visit_id": visit.id, "score": result.score})
    return EdizRecorded(row=row, episode_id=episode_id, previous_score=previous,
                        signal=burden.signal_text(name=contact.name, score=result.score) if result.high else None)


def client_of_answer(session: Session, answer: dict) -> int | None:
    """Return the client a stored answer shows (for a replay's audit)."""
    return answer.get("client_id")

