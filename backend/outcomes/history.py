"""Plausible past work for the dashboard and the benchmark: calls, offers, visits, outcomes and handovers.

Rows are written with bulk inserts (the benchmark makes a year of ≥ 100,000 calls); everything is made up
(no BSN, fictional names) and reproducible from a seed. Used by `flask --app backend demo history` and
bench/kpis.py; never by the running app.
"""
import hashlib
import math
import random
import uuid
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from backend import errors
from backend.clients.models import Client
from backend.dispatch.models import Call, CallEvent
from backend.identity.models import Team, User
from backend.outcomes import rollup
from backend.visits.models import Handover, Visit

DEFAULT_TARGETS = {"U2": 30, "U3": 120, "U4": 480, "U5": 1440}
URGENCY_MIX = (("U2", 0.15), ("U3", 0.45), ("U4", 0.30), ("U5", 0.10))
OUTCOME_MIX = (("home_resolved", 0.44), ("follow_up_visit", 0.12), ("own_gp", 0.12), ("regular_home_care", 0.08),
               ("temporary_stay", 0.10), ("seh", 0.07), ("hospital_admission", 0.05), ("deceased", 0.02))
RECIPIENT = {"home_resolved": "home_care", "follow_up_visit": "team", "own_gp": "gp", "regular_home_care": "home_care",
             "temporary_stay": "temporary_stay", "seh": "seh", "hospital_admission": "seh", "deceased": "gp"}
ACUTE_CATEGORIES = ("catheter", "fall_assessment", "nosebleed", "diabetes", "wound_care", "obstipation",
                    "pain_management", "feeding_tube", "palliative", "vital_signs_check", "medication",
                    "unclear_assessment", "iv_therapy", "alarm_followup", "post_seh_visit")
SOURCE_MIX = (("hap", 0.6), ("gp", 0.15), ("district_nurse", 0.1), ("alarm_centre", 0.1), ("seh", 0.05))
STREETS = ("Brink", "Assenstraat", "Keizerstraat", "Rembrandtlaan", "Amstellaan", "Zwolseweg", "Holterweg",
           "Rielerweg", "Platvoet", "Borgelerhof", "Diepenveenseweg", "Laan van Borgele")
BATCH = 5000
MARKER = "Demomelding (historie)."


def _pick(rng: random.Random, mix):
    x, total = rng.random(), 0.0
    for value, weight in mix:
        total += weight
        if x < total:
            return value
    return mix[-1][0]


def _insert(session: Session, model, rows: list[dict]) -> None:
    # Core executemany on the table (the ORM's bulk path would go row by row for autoincrement keys).
    connection = session.connection()
    for i in range(0, len(rows), BATCH):
        connection.execute(model.__table__.insert(), rows[i:i + BATCH])


def _next_id(session: Session, model) -> int:
    return (session.scalar(sa.select(sa.func.max(model.id))) or 0) + 1


def _fix_sequence(session: Session, table: str) -> None:
    """Explicit ids leave PostgreSQL's sequence behind: move it past them."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))


def has_history(session: Session, *, now: datetime) -> bool:
    """Return whether generated history is present already."""
    return session.scalar(select(Call.id).where(Call.complaint == MARKER, Call.created_at < now).limit(1)) is not None


def generate(session: Session, *, now: datetime, days: int, calls_per_day: float, seed: int = 11,
             clients: int | None = None, team_share: dict[str, float] | None = None) -> int:
    """Write `days` of history ending a day before `now`, about `calls_per_day` calls a day; return the count."""
    rng = random.Random(seed)
    team_share = team_share or {"acute": 0.8, "fact": 0.2}
    nurses = {team: list(session.scalars(select(User.id).where(User.role == "nurse", User.team == team,
                                                               User.active.is_(True))).all())
              for team in team_share}
    missing = [team for team, ids in nurses.items() if not ids]
    if missing:
        raise errors.Unprocessable(f"Geen verpleegkundigen in team(s) {', '.join(missing)}: laad eerst de demo.")
    targets = {}
    for team in team_share:
        row = session.get(Team, team)
        targets[team] = {u: (row.target_minutes(u) if row else m) for u, m in DEFAULT_TARGETS.items()}

    n_calls = int(days * calls_per_day)
    pool = _make_clients(session, rng, count=clients or max(50, n_calls * 2 // 3), now=now)
    call_id = _next_id(session, Call)
    calls, events, visits, handovers = [], [], [], []
    end = now - timedelta(days=1)
    start = end - timedelta(days=days)
    span = (end - start).total_seconds()
    last_closed: dict[int, datetime] = {}
    for _ in range(n_calls):
        created = start + timedelta(seconds=rng.random() * span)
        team = _pick(rng, tuple(team_share.items()))
        urgency = _pick(rng, URGENCY_MIX)
        # One in twenty clients calls often (re-calls); most once or twice.
        client_id = pool[rng.randrange(max(1, len(pool) // 20)) if rng.random() < 0.12 else rng.randrange(len(pool))]
        target = targets[team][urgency]
        nurse_id = rng.choice(nurses[team])
        row = {"id": call_id, "client_id": client_id, "team": team, "urgency": urgency, "complaint": MARKER,
               "category": "pg_crisis" if team == "fact" else rng.choice(ACUTE_CATEGORIES),
               "source": _pick(rng, SOURCE_MIX), "caller_name": None, "caller_phone": None, "created_by_id": None,
               "organisation": None, "created_at": created, "target_at": created + timedelta(minutes=target),
               "version": 1, "nurse_id": None, "accepted_at": None, "on_site_at": None, "closed_at": None,
               "offered_at": None, "offer_expires_at": None, "lead_alert_at": None, "lead_alerted_at": None,
               "cancel_reason": None, "closing_note": None}
        ev = [("created", created, None, "open")]
        t = created + timedelta(minutes=rng.uniform(0.5, 4))
        for _attempt in range(3):  # offered; now and then declined or left to expire first
            ev.append(("offered", t, "open", "offered"))
            refusal = rng.random()
            if refusal < 0.08:
                ev.append(("declined", t + timedelta(minutes=rng.uniform(0.3, 2)), "offered", "open"))
            elif refusal < 0.13:
                ev.append(("offer_expired", t + timedelta(minutes=5), "offered", "open"))
            else:
                break
            t = ev[-1][1] + timedelta(minutes=rng.uniform(0.2, 1))
        if urgency == "U2" and rng.random() < 0.05:
            ev.append(("lead_alerted", created + timedelta(minutes=target / 2), "open", "open"))
        if rng.random() < 0.04:  # cancelled before the nurse got there
            closed = t + timedelta(minutes=rng.uniform(2, 30))
            ev.append(("cancelled", closed, "offered", "cancelled"))
            row.update(status="cancelled", closed_at=closed, updated_at=closed, cancel_reason="Niet meer nodig.")
        else:
            accepted = t + timedelta(minutes=rng.uniform(0.2, 2))
            # response as a share of the target: most well within, a tail beyond it
            ratio = math.exp(rng.gauss(math.log(0.55), 0.45))
            on_site = max(accepted + timedelta(minutes=3), created + timedelta(minutes=target * ratio))
            closed = on_site + timedelta(minutes=rng.uniform(20, 90))
            ev += [("accepted", accepted, "offered", "accepted"),
                   ("en_route", accepted + timedelta(minutes=1), "accepted", "en_route"),
                   ("on_site", on_site, "en_route", "on_site"), ("completed", closed, "on_site", "completed")]
            row.update(status="completed", nurse_id=nurse_id, accepted_at=accepted, on_site_at=on_site,
                       closed_at=closed, updated_at=closed, closing_note="Afgerond.")
            outcome = _pick(rng, OUTCOME_MIX)
            visit_id = str(uuid.UUID(int=rng.getrandbits(128)))
            visits.append({"id": visit_id, "call_id": call_id, "client_id": client_id, "nurse_id": nurse_id,
                           "team": team, "previous_visit_id": None, "status": "completed", "arrived_at": on_site,
                           "departed_at": closed, "actions": [], "actions_note": None, "medication": [],
                           "client_informed": True, "mantelzorger_informed": None, "outcome": outcome,
                           "outcome_detail": None, "referral_question": None, "follow_up_at": None,
                           "completed_at": closed, "created_at": on_site, "updated_at": closed, "version": 1})
            if rng.random() < 0.85:
                acknowledged = (closed + timedelta(minutes=math.exp(rng.gauss(math.log(90), 0.9)))
                                if rng.random() < 0.8 else None)
                handovers.append({
                    "id": str(uuid.UUID(int=rng.getrandbits(128))), "visit_id": visit_id, "call_id": call_id,
                    "client_id": client_id, "team": team, "author_id": nurse_id,
                    "recipient_type": RECIPIENT[outcome], "recipient_name": "Ontvanger (demo)",
                    "situation": "S (demo)", "background": "B (demo)", "assessment": "A (demo)",
                    "recommendation": "R (demo)", "medication_changes": [], "wishes": {}, "contacts": [],
                    "token_hash": hashlib.sha256(f"{seed}-{call_id}".encode()).hexdigest(),
                    "expires_at": closed + timedelta(days=14), "revoked_at": None,
                    "acknowledged_at": acknowledged, "acknowledged_by": "Ontvanger (demo)" if acknowledged else None,
                    "ack_alerted_at": None, "created_at": closed, "updated_at": acknowledged or closed})
            last_closed[client_id] = closed
        events += [{"call_id": call_id, "at": at, "type": kind, "actor_id": None, "from_status": before,
                    "to_status": after, "nurse_id": None, "detail": {}} for kind, at, before, after in ev]
        calls.append(row)
        call_id += 1
    _insert(session, Call, calls)
    _insert(session, CallEvent, events)
    _insert(session, Visit, visits)
    _insert(session, Handover, handovers)
    _fix_sequence(session, "calls")
    # The rows carry past `updated_at`s: the rollup would not see them as changes, so it is rebuilt.
    rollup.reset(session)
    session.commit()
    return len(calls)


def _make_clients(session: Session, rng: random.Random, *, count: int, now: datetime) -> list[int]:
    """Create `count` fictional clients (no BSN, no phone) and return their ids."""
    first = _next_id(session, Client)
    rows = []
    for i in range(count):
        rows.append({
            "id": first + i, "name": f"Cliënt {first + i} (demo)", "birth_date": date(1925 + rng.randrange(30),
                                                                                      1 + rng.randrange(12), 1 + rng.randrange(28)),
            "address": f"{rng.choice(STREETS)} {1 + rng.randrange(200)}",
            "postcode": f"74{11 + rng.randrange(19)} {chr(65 + rng.randrange(26))}{chr(65 + rng.randrange(26))}",
            "city": "Deventer", "lat": 52.24 + rng.random() * 0.04, "lon": 6.14 + rng.random() * 0.08, "phone": None,
            "bsn": None, "gp_name": None, "created_by_id": None, "created_team": "acute", "created_org": None,
            "created_at": now - timedelta(days=400), "updated_at": now - timedelta(days=400)})
    _insert(session, Client, rows)
    _fix_sequence(session, "clients")
    return [r["id"] for r in rows]
