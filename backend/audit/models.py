"""The audit trail (NEN 7513): append-only; the code has no path that updates or deletes a row."""
from datetime import datetime

from sqlmodel import JSON, Field, SQLModel

from backend.db import UTCDateTime


class AuditEvent(SQLModel, table=True):
    """One access to a client's data: who, in which role, for whom, when, what, from where."""

    __tablename__ = "audit_events"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    user_name: str | None = Field(default=None, max_length=120)
    role: str | None = Field(default=None, max_length=20)
    on_behalf_of: str | None = Field(default=None, max_length=120)
    action: str = Field(max_length=60)
    outcome: str = Field(default="ok", max_length=16)
    client_id: int | None = Field(default=None, foreign_key="clients.id", index=True)
    data: str | None = Field(default=None, max_length=255)
    detail: dict = Field(default_factory=dict, sa_type=JSON)
    request_id: str | None = Field(default=None, max_length=64)
    client_request_id: str | None = Field(default=None, max_length=64)
    ip: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=255)
