"""Plain factory functions for tests: make_thing(session, **overrides)."""
import itertools
from datetime import date, datetime, timezone

from backend.clients.models import Client
from backend.clients.demo import demo_bsn
from backend.dispatch import service as dispatch
from backend.dispatch.models import Call
from backend.identity.actor import Actor
from backend.identity.models import User
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
    user = User(**values)
    session.add(user)
    session.commit()
    return user


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
    client = client or make_client(session)
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
