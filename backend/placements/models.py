"""A request for a temporary bed and its events (requested → offered → accepted → admitted, or cancelled)."""
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import JSON, Field, Relationship, SQLModel

from backend.capacity.models import Location
from backend.clients.models import Client
from backend.db import UTCDateTime
from backend.visits.models import Handover
from backend.vocab import BED_TYPES, PLACEMENT_STATUSES


class Placement(SQLModel, table=True):
    """A request for a bed of one type for one client; `location_id` is where it is offered or accepted."""

    __tablename__ = "placements"
    __table_args__ = (
        sa.CheckConstraint(f"status IN {tuple(PLACEMENT_STATUSES)}", name="ck_placements_status"),
        sa.CheckConstraint(f"bed_type IN {tuple(BED_TYPES)}", name="ck_placements_bed_type"),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="clients.id", index=True)
    bed_type: str = Field(max_length=20)
    question: str = Field(max_length=4000)
    visit_id: str | None = Field(default=None, foreign_key="visits.id", max_length=36)
    handover_id: str | None = Field(default=None, foreign_key="handovers.id", max_length=36)
    team: str | None = Field(default=None, foreign_key="teams.code", max_length=16, index=True)
    status: str = Field(default="requested", max_length=16, index=True)
    requested_by_id: int | None = Field(default=None, foreign_key="users.id")
    location_id: int | None = Field(default=None, foreign_key="locations.id", index=True)
    decline_reason: str | None = Field(default=None, max_length=500)
    cancel_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    waiting_since: datetime = Field(sa_type=UTCDateTime)  # since the last step that needs someone else to act
    waiting_alerted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = 1

    client: Client = Relationship()
    location: Location | None = Relationship()
    handover: Handover | None = Relationship()


class PlacementEvent(SQLModel, table=True):
    """One step of a placement: who, when, from → to, at which location."""

    __tablename__ = "placement_events"

    id: int | None = Field(default=None, primary_key=True)
    placement_id: int = Field(foreign_key="placements.id", index=True)
    at: datetime = Field(sa_type=UTCDateTime)
    type: str = Field(max_length=32)
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str = Field(max_length=16)
    location_id: int | None = Field(default=None, foreign_key="locations.id")
    detail: dict = Field(default_factory=dict, sa_type=JSON)
