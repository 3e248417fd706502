"""Calls (a request for care at home) and their event history."""
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import JSON, Field, Relationship, SQLModel

from backend import vocab
from backend.clients.models import Client
from backend.db import UTCDateTime


class Call(SQLModel, table=True):
    """A call for unplanned care at a client's home, from intake to completion."""

    __tablename__ = "calls"
    __table_args__ = (
        sa.CheckConstraint(f"status IN {vocab.CALL_STATUSES}", name="ck_calls_status"),
        sa.CheckConstraint(f"urgency IN {vocab.URGENCIES}", name="ck_calls_urgency"),
        sa.Index("ix_calls_team_status", "team", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="clients.id", index=True)
    team: str = Field(foreign_key="teams.code", max_length=16)
    category: str = Field(max_length=32)
    urgency: str = Field(max_length=2)
    complaint: str = Field(sa_type=sa.Text)
    source: str = Field(max_length=20)
    caller_name: str | None = Field(default=None, max_length=120)
    caller_phone: str | None = Field(default=None, max_length=30)
    status: str = Field(default="open", max_length=16)
    nurse_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    organisation: str | None = Field(default=None, max_length=120, index=True)
    target_at: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime, index=True)
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    on_site_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    offered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    offer_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    lead_alert_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    # Due to be offered to the next nurse (set with the change that made it open again; cleared by the offer).
    offer_next_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    lead_alerted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancel_reason: str | None = Field(default=None, max_length=500)
    closing_note: str | None = Field(default=None, sa_type=sa.Text)
    # A planned follow-up visit (status `planned` until the clock opens it; dispatch/planned.py): the time
    # agreed with the client, and the visit it follows. No foreign key to visits: visits.call_id already
    # points here, and a cycle between the two tables would complicate every create/drop.
    planned_for: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    previous_visit_id: str | None = Field(default=None, max_length=36, index=True)
    version: int = 1

    client: Client = Relationship(sa_relationship_kwargs={"lazy": "joined", "viewonly": True})


class CallEvent(SQLModel, table=True):
    """One step in a call's life: who did what, when, from which status to which."""

    __tablename__ = "call_events"

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="calls.id", index=True)
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    type: str = Field(max_length=40)
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str | None = Field(default=None, max_length=16)
    nurse_id: int | None = Field(default=None, foreign_key="users.id")
    detail: dict = Field(default_factory=dict, sa_type=JSON)
