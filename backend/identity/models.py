"""Organisations, teams, users, machine tokens, login sessions and login attempts."""
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import JSON, Field, Relationship, SQLModel

from backend.db import UTCDateTime
from backend.vocab import AVAILABILITY, ORGANISATION_KINDS, PROFESSIONS, ROLES, TEAM_KINDS


class Organisation(SQLModel, table=True):
    """An organisation of the region: a HAP post, a care provider (with bed locations) or a hospital."""

    __tablename__ = "organisations"
    __table_args__ = (sa.CheckConstraint(f"kind IN {tuple(ORGANISATION_KINDS)}", name="ck_organisations_kind"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, sa_column_kwargs={"unique": True})
    kind: str = Field(max_length=20)


class Team(SQLModel, table=True):
    """A team of a kind (acute, FACT-VVT), its working area (postcode ranges) and its dispatch settings."""

    __tablename__ = "teams"
    __table_args__ = (sa.CheckConstraint(f"kind IN {tuple(TEAM_KINDS)}", name="ck_teams_kind"),)

    code: str = Field(primary_key=True, max_length=16)
    name: str = Field(max_length=120)
    kind: str = Field(default="acute", max_length=16)
    # 4-digit postcodes and ranges, e.g. ["7411", "7412-7429"]: the area whose calls route to this team.
    postcodes: list[str] = Field(default_factory=list, sa_type=JSON)
    # How soon a nurse must be on site, by NTS urgency, from the moment the call was raised.
    target_u2_minutes: int = 30
    target_u3_minutes: int = 120
    target_u4_minutes: int = 480
    target_u5_minutes: int = 1440
    ack_window_u2_seconds: int = 120  # an offered nurse answers a U2 call within this, or the next one is asked
    ack_window_seconds: int = 300  # the same for U3-U5
    auto_offer: bool = False  # a new call goes to the best recommended nurse at once, without a coordinator
    handover_ack_alert_minutes: int = 240  # a handover not acknowledged by then is flagged on its call
    # A planned call opens this long before its planned time, so it reaches the board and a nurse in time.
    planned_lead_minutes: int = 30

    def target_minutes(self, urgency: str) -> int:
        return getattr(self, f"target_{urgency.lower()}_minutes")

    def ack_window(self, urgency: str) -> int:
        return self.ack_window_u2_seconds if urgency == "U2" else self.ack_window_seconds


class User(SQLModel, table=True):
    """A person or system that logs in; nurses carry skills, a base and availability."""

    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint(f"role IN {ROLES}", name="ck_users_role"),
        sa.CheckConstraint(f"availability IN {AVAILABILITY}", name="ck_users_availability"),
        # Usernames are stored lower-case, so the unique constraint is case-insensitive (no `ANNA` beside `anna`).
        sa.CheckConstraint("username = lower(username)", name="ck_users_username_lower"),
        sa.CheckConstraint(f"profession IS NULL OR profession IN {tuple(PROFESSIONS)}", name="ck_users_profession"),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=80, sa_column_kwargs={"unique": True})
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=20)
    name: str = Field(max_length=120)
    team: str | None = Field(default=None, foreign_key="teams.code", max_length=16, index=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisations.id", index=True)
    skills: list[str] = Field(default_factory=list, sa_type=JSON)
    profession: str | None = Field(default=None, max_length=8)  # a physician's: so, vs or pa
    phone: str | None = Field(default=None, max_length=30)  # the work phone a physician calls a nurse back on
    base_lat: float | None = None
    base_lon: float | None = None
    availability: str = Field(default="off_duty", max_length=16)
    availability_set_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    active: bool = True
    created_at: datetime = Field(sa_type=UTCDateTime)

    organisation_row: Organisation | None = Relationship()

    @property
    def organisation(self) -> str | None:
        """The name of the user's organisation (a HAP's calls and clients are kept under it)."""
        return self.organisation_row.name if self.organisation_row is not None else None


class ApiToken(SQLModel, table=True):
    """A bearer token for a machine client, kept only as a SHA-256 digest."""

    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    label: str = Field(max_length=120)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LoginSession(SQLModel, table=True):
    """A server-side login session; the cookie holds only its secret, the row its digest."""

    __tablename__ = "login_sessions"

    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="users.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)


class LoginAttempt(SQLModel, table=True):
    """A failed login, counted to throttle guessing across every web process."""

    __tablename__ = "login_attempts"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=80, index=True)
    ip: str = Field(max_length=64, index=True)
    at: datetime = Field(sa_type=UTCDateTime, index=True)
