"""Clients: the older people the teams care for."""
from datetime import date, datetime

from sqlmodel import Field, SQLModel

from backend.db import UTCDateTime


class Client(SQLModel, table=True):
    """A client; whoever registered it (team or HAP organisation) may see it, besides the teams it calls."""

    __tablename__ = "clients"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    birth_date: date
    address: str = Field(max_length=200)
    postcode: str = Field(max_length=7)
    city: str = Field(max_length=80)
    # Empty when the address was not found at intake ("adres niet gevonden"): the call is never refused for it.
    lat: float | None = None
    lon: float | None = None
    phone: str | None = Field(default=None, max_length=30)
    bsn: str | None = Field(default=None, max_length=9, sa_column_kwargs={"unique": True})
    gp_name: str | None = Field(default=None, max_length=120)
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_team: str | None = Field(default=None, max_length=16)
    created_org: str | None = Field(default=None, max_length=120)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime, index=True)
