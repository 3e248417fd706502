"""Plain factory functions for tests: make_thing(session, **overrides)."""
import itertools
from datetime import date, datetime, timezone
from http import HTTPStatus
from types import SimpleNamespace

import sqlalchemy as sa
from sqlmodel import SQLModel

from backend.clients import service as clients
from backend.clients.models import Client
from backend.clients.demo import demo_bsn
from backend.dispatch import service as dispatch
from backend.dispatch.models import Call
from backend.identity.actor import Actor
from backend.identity.models import Organisation, User
from backend.identity.credentials import new_token
from backend.identity.service import hash_password

PASSWORD = "wachtwoord-123"
_HASH = hash_password(PASSWORD)
_seq = itertools.count(1)
START = datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc)


def make_user(session, **overrides) -> User:
    """Create a user; a nurse by default, of the acute team, available, in Deventer."""
    n = next(_seq)
    role = overrides.get("role", "nurse")
    values = {
        "username": f"{role}{n}", "password_hash": _HASH, "role": role, "name": f"{role.title()} {n}",
        "team": None if role in ("admin", "hap") else "acute",
        "organisation": "HAP Deventer" if role == "hap" else None,
        "skills": [], "base_lat": 52.255, "base_lon": 6.163,
        "availability": "available" if role == "nurse" else "off_duty",
        "created_at": START,
    }
    values.update(overrides)
    org_name = values.pop("organisation")
    if org_name is not None and values.get("organisation_id") is None:
        values["organisation_id"] = make_organisation(session, name=org_name, kind=ORG_KINDS.get(role, "hap")).id
    user = User(**values)
    session.add(user)
    session.commit()
    return user


ORG_KINDS = {"hap": "hap", "bed_manager": "care_provider"}


def make_organisation(session, *, name: str, kind: str = "hap") -> Organisation:
    """Return the organisation with this name, made if new."""
    org = session.scalar(sa.select(Organisation).where(Organisation.name == name))
    if org is None:
        org = Organisation(name=name, kind=kind)
        session.add(org)
        session.commit()
    return org


def make_client(session, **overrides) -> Client:
    """Create a client in Deventer."""
    n = next(_seq)
    values = {
        "name": f"Cliënt {n}", "birth_date": date(1935, 5, 1), "address": f"Brink {n}",
        "postcode": "7411 BR", "city": "Deventer", "lat": 52.2525, "lon": 6.1590, "bsn": demo_bsn(n),
        "created_team": "acute", "created_at": START, "updated_at": START,
    }
    values.update(overrides)
    client = Client(**values)
    session.add(client)
    session.commit()
    return client


def make_call(session, *, by: User | None = None, client: Client | None = None, now: datetime | None = None,
              **overrides) -> Call:
    """Raise a call through the service (so its events and deadlines are real)."""
    by = by or make_user(session, role="hap")
    if client is None:  # a new client, registered by whoever raises the call
        hap = by.role == "hap"
        client = make_client(session, created_team=None if hap else by.team,
                             created_org=(by.organisation or f"user:{by.id}") if hap else None)
    elif not clients.may_raise_call_for(session, actor=actor(by), client_id=client.id, now=now or START):
        # a known client elsewhere: the triagist looks her up first, as in the real flow
        clients.lookup_client(session, actor=actor(by), bsn=client.bsn, birth_date=client.birth_date,
                              now=now or START)
    data = {"client_id": client.id, "team": "acute", "category": "catheter", "urgency": "U3",
            "complaint": "Katheter verstopt.", "source": "hap"}
    data.update(overrides)
    return dispatch.create_call(session, actor=actor(by), data=data, now=now or START)


def actor(user: User) -> Actor:
    """Return the actor for a user, as a job or test acts."""
    return Actor.of(user, request_id="test")


def login(client, username: str, password: str = PASSWORD) -> str:
    """Log in through the API and return the CSRF token."""
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["csrf_token"]


def bearer(session, user: User, label: str = "test-koppeling") -> dict:
    """Create a machine token for a user and return the Authorization header that carries it."""
    # A test token for any role: the API issues tokens only to `hap` accounts, tests also act as others.
    _, token = new_token(session, user=user, label=label, now=START)
    session.commit()
    return {"Authorization": f"Bearer {token}"}


def row_counts(engine) -> dict:
    """Return the number of rows in every table (to prove a refused request changed nothing)."""
    with engine.connect() as conn:
        return {t.name: conn.scalar(sa.select(sa.func.count()).select_from(t))
                for t in SQLModel.metadata.sorted_tables}


def assert_only_the_attempt_kept(before: dict, after: dict, status: int) -> None:
    """Assert a refused request changed nothing but, for a 403/404 of a known user, one audit row of its attempt."""
    if status in (403, 404) and after.get("audit_events") == before["audit_events"] + 1:
        before = {**before, "audit_events": before["audit_events"] + 1}
    assert after == before


def assert_error(response, status: int) -> dict:
    """Assert a response is the one error shape {code, status, message, errors?} with this status."""
    body = response.get_json()
    assert response.status_code == status, body
    assert body["code"] == status and body["status"] == HTTPStatus(status).phrase, body
    assert isinstance(body["message"], str) and body["message"], body
    assert isinstance(body.get("errors", {}), dict), body
    return body


def make_world(session):
    """Users of every role and calls in the states the endpoints need (all raised by `hap` for `acute`).

    anna has `offered` offered to her, bram holds `held` (accepted), chris is available; `fact` is a call of
    the other team; `client` is a client of the acute team without a call, `fact_client` one of the other team.
    """
    w = SimpleNamespace(
        admin=make_user(session, role="admin"), hap=make_user(session, role="hap"),
        coordinator=make_user(session, role="coordinator"), team_lead=make_user(session, role="team_lead"),
        anna=make_user(session), bram=make_user(session), chris=make_user(session),
        fact_nurse=make_user(session, team="fact"),
        other_hap=make_user(session, role="hap", organisation="HAP Zutphen"),
    )
    w.open = make_call(session, by=w.hap)
    w.offered = make_call(session, by=w.hap)
    dispatch.offer_call(session, actor=actor(w.coordinator), call_id=w.offered.id, nurse_id=w.anna.id, now=START)
    w.held = make_call(session, by=w.hap)
    dispatch.accept_call(session, actor=actor(w.bram), call_id=w.held.id, now=START)
    w.fact = make_call(session, by=w.hap, team="fact", category="pg_crisis")
    w.client = make_client(session)
    w.fact_client = make_client(session, created_team="fact")
    return w
