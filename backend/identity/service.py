"""Users, passwords, machine tokens, login sessions and login throttling."""
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from backend import errors
from backend.config import LOW_PASSWORD_COST
from backend.identity.credentials import digest
from backend.identity.models import ApiToken, LoginAttempt, LoginSession, Organisation, Team, User
from backend.vocab import TEAM_ROLES


def _password_hasher() -> PasswordHasher:
    """Return argon2id with its default cost; the test suite asks for a cheaper cost of the same algorithm."""
    if LOW_PASSWORD_COST:
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


_hasher = _password_hasher()
# Verifying against this keeps the timing of an unknown username equal to that of a wrong password.
_DUMMY_HASH = _hasher.hash("dummy-password-for-timing")
SESSION_LIFETIME = timedelta(hours=12)
# The two teams every installation starts with (migration 0006_region gives existing rows the same kind and area).
DEFAULT_TEAMS = {
    "acute": {"name": "Wijkteam acute zorg", "kind": "acute", "postcodes": ["7400-7439"]},
    "fact": {"name": "FACT-VVT", "kind": "fact", "postcodes": ["7200-7439"]},
}


@dataclass(frozen=True)
class LoginResult:
    """A successful login: the user, the secret for the session cookie, and the session's CSRF token."""

    user: User
    secret: str
    csrf_token: str


@dataclass(frozen=True)
class NewToken:
    """A machine token as it is shown, once."""

    token: str
    label: str


@dataclass(frozen=True)
class Me:
    """The logged-in user and, for a cookie session, its CSRF token."""

    user: User
    csrf_token: str | None


def hash_password(password: str) -> str:
    """Return the argon2id hash of a password."""
    return _hasher.hash(password)


def get_team(session: Session, *, code: str) -> Team:
    """Return a team's settings; a team without a row gets the defaults."""
    return session.get(Team, code) or Team(code=code, **DEFAULT_TEAMS.get(code, {"name": code}))


def ensure_teams(session: Session) -> None:
    """Make sure the two default teams have a row (idempotent)."""
    for code, values in DEFAULT_TEAMS.items():
        if session.get(Team, code) is None:
            session.add(Team(code=code, **values))
    session.flush()


def require_team(session: Session, *, code: str, field: str = "team") -> Team:
    """Return the team with this code, or 422 naming it: team codes are rows, not a fixed list."""
    team = session.get(Team, code)
    if team is None:
        raise errors.Unprocessable(f"Team '{code}' bestaat niet.", errors={field: ["Onbekend team."]})
    return team


def require_organisation(session: Session, *, organisation_id: int, field: str = "organisation_id") -> Organisation:
    """Return the organisation with this id, or 422."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise errors.Unprocessable(f"Organisatie {organisation_id} bestaat niet.",
                                   errors={field: ["Onbekende organisatie."]})
    return organisation


def create_user(session: Session, *, data: dict, now: datetime) -> User:
    """Create a user with an argon2 hash of the given password."""
    data = dict(data)
    password = data.pop("password")
    if session.scalar(select(User.id).where(User.username == data["username"])) is not None:
        raise errors.Conflict(f"Gebruikersnaam '{data['username']}' bestaat al.")
    if data.get("role") in TEAM_ROLES and not data.get("team"):
        raise errors.Unprocessable("Een verpleegkundige, coördinator of teamleider hoort bij een team.",
                                   errors={"team": ["Verplicht voor deze rol."]})
    if data.get("team"):
        require_team(session, code=data["team"])
    if data.get("organisation_id") is not None:
        require_organisation(session, organisation_id=data["organisation_id"])
    user = User(**data, password_hash=hash_password(password), created_at=now)
    session.add(user)
    session.commit()
    return user


def _recent_failures(session: Session, *, username: str, ip: str, since: datetime) -> int:
    by_user = session.scalar(
        select(sa.func.count()).select_from(LoginAttempt)
        .where(LoginAttempt.username == username, LoginAttempt.at >= since)
    )
    by_ip = session.scalar(
        select(sa.func.count()).select_from(LoginAttempt)
        .where(LoginAttempt.ip == ip, LoginAttempt.at >= since)
    )
    # An address may try a few more names than one name may be tried.
    return max(by_user, by_ip // 3)


def login(session: Session, *, username: str, password: str, ip: str, now: datetime,
          max_failures: int, window_seconds: int) -> LoginResult:
    """Check a password and open a login session, or raise 401/429."""
    since = now - timedelta(seconds=window_seconds)
    if _recent_failures(session, username=username, ip=ip, since=since) >= max_failures:
        raise errors.TooManyRequests(
            "Te veel mislukte pogingen. Probeer het over een kwartier opnieuw.",
            extra={"retry_after": window_seconds},
        )
    user = session.scalar(select(User).where(User.username == username))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        ok = user is not None and user.active
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        session.add(LoginAttempt(username=username[:80], ip=ip[:64], at=now))
        session.commit()
        raise errors.Unauthorized("Gebruikersnaam of wachtwoord klopt niet.")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    secret = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    session.execute(sa.delete(LoginSession).where(LoginSession.expires_at < now))
    session.add(LoginSession(id=digest(secret), user_id=user.id, csrf_token=csrf,
                             created_at=now, expires_at=now + SESSION_LIFETIME))
    session.commit()
    return LoginResult(user=user, secret=secret, csrf_token=csrf)


def logout(session: Session, *, session_id: str) -> None:
    """End a login session on the server, so a copied cookie stops working too."""
    session.execute(sa.delete(LoginSession).where(LoginSession.id == session_id))
    session.commit()


def create_token(session: Session, *, username: str, label: str, now: datetime) -> NewToken:
    """Create a bearer token for a user and return it; only its digest is kept."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise errors.NotFound(f"Gebruiker '{username}' bestaat niet.")
    token = "wsp_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, label=label, token_hash=digest(token), created_at=now))
    session.commit()
    return NewToken(token=token, label=label)


def list_users(session: Session, *, actor, role: str | None = None, team: str | None = None) -> list[User]:
    """List users; everyone but an admin sees only their own team."""
    query = select(User).order_by(User.name)
    if actor.role != "admin":
        query = query.where(User.team == actor.team)
    if role:
        query = query.where(User.role == role)
    if team:
        query = query.where(User.team == team)
    return list(session.exec(query).all())
