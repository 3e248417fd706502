"""Who a bearer token or a session cookie belongs to: what `api.py` asks on every request."""
import hashlib
from datetime import datetime

from sqlmodel import Session, select

from backend.identity.models import ApiToken, LoginSession, User


def digest(secret: str) -> str:
    """Return the SHA-256 hex digest under which a secret is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def user_for_token(session: Session, *, token: str) -> tuple[User, str] | None:
    """Return (user, token label) for a live bearer token, else None."""
    row = session.exec(
        select(User, ApiToken.label)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == digest(token), ApiToken.revoked_at.is_(None), User.active == True)  # noqa: E712
    ).first()
    return None if row is None else (row[0], row[1])


def login_session_for(session: Session, *, secret: str, now: datetime) -> tuple[User, LoginSession] | None:
    """Return (user, login session) for the secret of a live session cookie, else None."""
    row = session.exec(
        select(User, LoginSession)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.id == digest(secret), LoginSession.expires_at > now, User.active == True)  # noqa: E712
    ).first()
    return None if row is None else (row[0], row[1])
