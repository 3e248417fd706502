"""Users, passwords, machine tokens, login sessions and login throttling."""
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from backend import errors
from backend.db import get_or_404, keep
from backend.audit import service as audit
from backend.config import LOW_PASSWORD_COST
from backend.identity import credentials
from backend.identity.credentials import digest
from backend.identity.models import ApiToken, LoginAttempt, LoginSession, Organisation, Team, User
from backend.vocab import TEAM_ROLES

# Only machine clients (a GP post's system) get bearer tokens: a person logs in, and a token of a person would
# act, and be audited, as that person without her knowing.
TOKEN_ROLES = ("hap",)
# An address behind which a whole post works (one NAT) may fail this many times as often as one pair.
ADDRESS_FAILURE_FACTOR = 20


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
    return keep(session, session.get(Team, code)) or Team(code=code, **DEFAULT_TEAMS.get(code, {"name": code}))


def ensure_teams(session: Session) -> None:
    """Make sure the two default teams have a row (idempotent)."""
    for code, values in DEFAULT_TEAMS.items():
        if session.get(Team, code) is None:
            session.add(Team(code=code, **values))
    session.flush()


def require_team(session: Session, *, code: str, field: str = "team") -> Team:
    """Return the team with this code, or 422 naming it: team codes are rows, not a fixed list."""
    team = keep(session, session.get(Team, code))
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



def normalise_username(username: str) -> str:
    """Return the stored form of a username: usernames are case-insensitive (no `ANNA` beside `anna`)."""
    return username.strip().lower()


def _account_event(session: Session, *, actor, action: str, user: User, now: datetime, detail: dict) -> None:
    """Audit an account action, naming the admin who did it (None: the command line)."""
    audit.record(session, actor=actor, action=action, client_id=None, now=now, data="account",
                 detail={"target_user_id": user.id, "target_username": user.username, **detail})


def _check_team(role: str | None, team: str | None, profession: str | None = None) -> None:
    if role in TEAM_ROLES + ("physician",) and not team:
        raise errors.Unprocessable("Een verpleegkundige, coördinator, teamleider of arts hoort bij een team.",
                                   errors={"team": ["Verplicht voor deze rol."]})
    if (role == "physician") != (profession is not None):
        message = ("Een arts heeft een beroep: so, vs of pa." if role == "physician"
                   else "Alleen een arts (rol physician) heeft een beroep.")
        raise errors.Unprocessable(message, errors={"profession": [message]})


def create_user(session: Session, *, data: dict, now: datetime, actor=None) -> User:
    """Create a user with an argon2 hash of the given password; audited as the admin who did it."""
    data = dict(data)
    password = data.pop("password")
    data["username"] = normalise_username(data["username"])
    if session.scalar(select(User.id).where(sa.func.lower(User.username) == data["username"])) is not None:
        raise errors.Conflict(f"Gebruikersnaam '{data['username']}' bestaat al.")
    _check_team(data.get("role"), data.get("team"), data.get("profession"))
    if data.get("team"):
        require_team(session, code=data["team"])
    if data.get("organisation_id") is not None:
        require_organisation(session, organisation_id=data["organisation_id"])
    user = User(**data, password_hash=hash_password(password), created_at=now)
    session.add(user)
    session.flush()
    _account_event(session, actor=actor, action="account.user.create", user=user, now=now,
                   detail={"role": user.role, "team": user.team})
    session.commit()
    return user


def update_user(session: Session, *, actor, user_id: int, changes: dict, now: datetime) -> User:
    """Change a user; `active: False` ends every session and token at once, a role change off `hap` its tokens."""
    user = get_or_404(session, User, user_id, f"Gebruiker {user_id} bestaat niet.")
    if user.id == actor.user_id and (changes.get("active") is False or changes.get("role", "admin") != "admin"):
        raise errors.Unprocessable("Je kunt jezelf niet uitschakelen of je eigen rol afnemen.",
                                   errors={"active": ["Niet voor je eigen account."]})
    role = changes.get("role", user.role)
    team = changes["team"] if "team" in changes else user.team
    _check_team(role, team, changes["profession"] if "profession" in changes else user.profession)
    if team:
        require_team(session, code=team)
    before = {key: getattr(user, key) for key in changes}
    for key, value in changes.items():
        setattr(user, key, value)
    session.add(user)
    if user.active is False:
        credentials.end_all_credentials(session, user_id=user.id, now=now)
    elif role not in TOKEN_ROLES:
        session.execute(sa.update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                        .values(revoked_at=now))
    if changes.get("active") is True or changes.get("active") is False:
        # An admin (re)enabling or disabling an account also lifts a login throttle on it.
        session.execute(sa.delete(LoginAttempt).where(LoginAttempt.username == user.username))
    _account_event(session, actor=actor, action="account.user.update", user=user, now=now,
                   detail={"changes": {k: {"from": before[k], "to": changes[k]} for k in changes}})
    session.commit()
    return user


def _throttled(session: Session, *, username: str, ip: str, since: datetime, max_failures: int) -> bool:
    """Return whether this (username, address) pair, or this address as a whole, failed too often.

    Counting per pair means a stranger's wrong passwords never lock a user out of her own address, and one
    colleague's typos never lock out the rest of a post behind the same NAT; an address spraying many
    names still meets the much higher per-address bound.
    """
    by_pair = session.scalar(
        select(sa.func.count()).select_from(LoginAttempt)
        .where(LoginAttempt.username == username, LoginAttempt.ip == ip, LoginAttempt.at >= since)
    )
    if by_pair >= max_failures:
        return True
    by_ip = session.scalar(
        select(sa.func.count()).select_from(LoginAttempt).where(LoginAttempt.ip == ip, LoginAttempt.at >= since)
    )
    return by_ip >= max_failures * ADDRESS_FAILURE_FACTOR


def login(session: Session, *, username: str, password: str, ip: str, now: datetime,
          max_failures: int, window_seconds: int) -> LoginResult:
    """Check a password and open a login session, or raise 401/429."""
    since = now - timedelta(seconds=window_seconds)
    username = normalise_username(username)[:80]
    ip = ip[:64]
    if _throttled(session, username=username, ip=ip, since=since, max_failures=max_failures):
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
        session.add(LoginAttempt(username=username, ip=ip, at=now))
        session.commit()
        raise errors.Unauthorized("Gebruikersnaam of wachtwoord klopt niet.")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    secret = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    session.execute(sa.delete(LoginSession).where(LoginSession.expires_at < now))
    # The right password from this address clears its pair's count: a typo earlier does not linger.
    session.execute(sa.delete(LoginAttempt).where(LoginAttempt.username == username, LoginAttempt.ip == ip))
    session.add(LoginSession(id=digest(secret), user_id=user.id, csrf_token=csrf,
                             created_at=now, expires_at=now + SESSION_LIFETIME))
    session.commit()
    return LoginResult(user=user, secret=secret, csrf_token=csrf)


def logout(session: Session, *, session_id: str) -> None:
    """End a login session on the server, so a copied cookie stops working too."""
    session.execute(sa.delete(LoginSession).where(LoginSession.id == session_id))
    session.commit()


def create_token(session: Session, *, actor, username: str, label: str, now: datetime) -> NewToken:
    """Issue a bearer token for a machine (`hap`) account, audited as the admin; only its digest is kept."""
    user = session.scalar(select(User).where(User.username == normalise_username(username)))
    if user is None:
        raise errors.NotFound(f"Gebruiker '{username}' bestaat niet.")
    if user.role not in TOKEN_ROLES or not user.active:
        raise errors.Unprocessable(
            "Tokens zijn alleen voor actieve koppelingen van een huisartsenpost (rol 'hap'); "
            "een medewerker logt zelf in.", errors={"username": ["Geen actief hap-account."]})
    row, secret = credentials.new_token(session, user=user, label=label, now=now,
                                        created_by_id=actor.user_id if actor else None)
    _account_event(session, actor=actor, action="account.token.create", user=user, now=now,
                   detail={"token_id": row.id, "label": label})
    session.commit()
    return NewToken(token=secret, label=label)


@dataclass(frozen=True)
class TokenInfo:
    """A token as an admin sees it: never the secret."""

    id: int
    username: str
    label: str
    created_at: datetime
    created_by: str | None
    last_used_at: datetime | None
    revoked_at: datetime | None


def list_tokens(session: Session) -> list[TokenInfo]:
    """List every live token, newest first, without its secret."""
    creator = aliased(User)
    rows = session.execute(
        select(ApiToken, User.username, creator.username)
        .join(User, User.id == ApiToken.user_id)
        .outerjoin(creator, creator.id == ApiToken.created_by_id)
        .where(ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()
    return [TokenInfo(id=t.id, username=owner, label=t.label, created_at=t.created_at, created_by=by,
                      last_used_at=t.last_used_at, revoked_at=t.revoked_at) for t, owner, by in rows]


def revoke_token(session: Session, *, actor, token_id: int, now: datetime) -> None:
    """Revoke a token: it stops working at once; audited as the admin."""
    token = session.get(ApiToken, token_id)
    if token is None or token.revoked_at is not None:
        raise errors.NotFound(f"Token {token_id} bestaat niet of is al ingetrokken.")
    token.revoked_at = now
    session.add(token)
    _account_event(session, actor=actor, action="account.token.revoke", user=session.get(User, token.user_id),
                   now=now, detail={"token_id": token.id, "label": token.label})
    session.commit()


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
