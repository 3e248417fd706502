"""Who a bearer token or a session cookie belongs to: what `api.py` asks on every request."""
import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager
from sqlmodel import Session, select

from backend.db import keep
from backend.identity.models import ApiToken, LoginSession, Organisation, Team, User

# `last_used_at` is refreshed at most this often: a bearer request doesn't write on every call.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def digest(secret: str) -> str:
    """Return the SHA-256 hex digest under which a secret is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_token(session: Session, *, user: User, label: str, now: datetime,
              created_by_id: int | None = None) -> tuple[ApiToken, str]:
    """Add a bearer token for a user (no commit) and return (row, secret); only its digest is kept."""
    secret = "wsp_" + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, label=label, token_hash=digest(secret), created_at=now,
                   created_by_id=created_by_id)
    session.add(row)
    session.flush()
    return row, secret


def _with_team_and_organisation(query):
    """The user's organisation (joined into `organisation_row`) and team row in the same query."""
    return (query.outerjoin(Organisation, Organisation.id == User.organisation_id)
            .outerjoin(Team, Team.code == User.team)
            .add_columns(Team)
            .options(contains_eager(User.organisation_row)))


# Built once: every request asks one of these two questions, and building a joined select with its options costs
# more CPU than running it. Reusing the statement object also reuses its memoised cache key.
_USER_FOR_TOKEN = _with_team_and_organisation(
    select(User, ApiToken)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(ApiToken.token_hash == sa.bindparam("token_hash"), ApiToken.revoked_at.is_(None),
           User.active == True)  # noqa: E712
)
_USER_FOR_SESSION = _with_team_and_organisation(
    select(User, LoginSession)
    .join(LoginSession, LoginSession.user_id == User.id)
    .where(LoginSession.id == sa.bindparam("session_hash"), LoginSession.expires_at > sa.bindparam("now"),
           User.active == True)  # noqa: E712
)


def user_for_token(session: Session, *, token: str, now: datetime | None = None) -> tuple[User, str] | None:
    """Return (user, token label) for a live bearer token of an active user, else None; notes its use.

    One query: the user comes with her organisation and team (kept in the session for the request).
    """
    row = session.exec(_USER_FOR_TOKEN, params={"token_hash": digest(token)}).first()
    if row is None:
        return None
    user, api_token, team = row
    keep(session, team)
    if now is not None and (api_token.last_used_at is None
                            or api_token.last_used_at < now - LAST_USED_RESOLUTION):
        session.execute(sa.update(ApiToken).where(ApiToken.id == api_token.id).values(last_used_at=now))
        session.commit()
    return user, api_token.label


def login_session_for(session: Session, *, secret: str, now: datetime) -> tuple[User, LoginSession] | None:
    """Return (user, login session) for the secret of a live session cookie, else None."""
    row = session.exec(_USER_FOR_SESSION, params={"session_hash": digest(secret), "now": now}).first()
    if row is None:
        return None
    keep(session, row[2])
    return row[0], row[1]


def end_all_credentials(session: Session, *, user_id: int, now: datetime) -> None:
    """End every login session and revoke every token of a user (no commit): the next request is a 401."""
    session.execute(sa.delete(LoginSession).where(LoginSession.user_id == user_id))
    session.execute(sa.update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
                    .values(revoked_at=now))
