"""Locations of care providers, their free beds per bed type, and every change of a count."""
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from backend.db import UTCDateTime
from backend.vocab import BED_TYPES


class Location(SQLModel, table=True):
    """A care provider's location holding temporary beds."""

    __tablename__ = "locations"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    name: str = Field(max_length=120)
    address: str = Field(max_length=200)
    postcode: str = Field(max_length=7)
    lat: float
    lon: float
    phone: str | None = Field(default=None, max_length=30)
    created_at: datetime = Field(sa_type=UTCDateTime)


class Capacity(SQLModel, table=True):
    """The free beds of one bed type at one location; never below zero (a database check holds it)."""

    __tablename__ = "capacity"
    __table_args__ = (
        sa.CheckConstraint("free >= 0", name="ck_capacity_free"),
        sa.CheckConstraint(f"bed_type IN {tuple(BED_TYPES)}", name="ck_capacity_bed_type"),
    )

    location_id: int = Field(foreign_key="locations.id", primary_key=True)
    bed_type: str = Field(primary_key=True, max_length=20)
    free: int = 0
    criteria: str | None = Field(default=None, max_length=2000)
    updated_at: datetime = Field(sa_type=UTCDateTime, index=True)
    updated_by_id: int | None = Field(default=None, foreign_key="users.id")
    reminded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CapacityChange(SQLModel, table=True):
    """One change of a free count: who, when, from → to (a bed manager's update or a placement)."""

    __tablename__ = "capacity_changes"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id")
    location_id: int = Field(foreign_key="locations.id", index=True)
    bed_type: str = Field(max_length=20)
    free_before: int
    free_after: int
    reason: str = Field(default="update", max_length=40)
    placement_id: int | None = None
