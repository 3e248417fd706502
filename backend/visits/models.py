"""Visits, vitals, notes, handovers, client wishes and contacts, portal links.

Ids of what a nurse writes on her phone (visits, vitals, notes, contacts) are UUID strings made by the
phone, so a write made offline keeps its identity when it is replayed.
"""
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import JSON, Field, SQLModel

from backend.db import UTCDateTime
from backend import vocab


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class ClientWishes(SQLModel, table=True):
    """A client's advance care planning (behandelwensen) and care network: one row per client."""

    __tablename__ = "client_wishes"
    __table_args__ = (
        sa.CheckConstraint(_in("resuscitation", vocab.RESUSCITATION), name="ck_client_wishes_resuscitation"),
        sa.CheckConstraint(_in("hospital_admission", vocab.HOSPITAL_ADMISSION),
                           name="ck_client_wishes_hospital_admission"),
    )

    client_id: int = Field(foreign_key="clients.id", primary_key=True)
    resuscitation: str = Field(default="unknown", max_length=16)
    hospital_admission: str = Field(default="unknown", max_length=20)
    preferred_place_of_care: str | None = Field(default=None, max_length=200)
    preferred_place_of_death: str | None = Field(default=None, max_length=200)
    other_agreements: str | None = Field(default=None, sa_type=sa.Text)
    agreed_with: str | None = Field(default=None, max_length=200)
    agreed_on: date | None = None
    gp_phone: str | None = Field(default=None, max_length=30)
    home_care_provider: str | None = Field(default=None, max_length=120)
    home_care_phone: str | None = Field(default=None, max_length=30)
    updated_by_id: int | None = Field(default=None, foreign_key="users.id")
    updated_at: datetime = Field(sa_type=UTCDateTime, index=True)
    version: int = 1


class ClientContact(SQLModel, table=True):
    """A mantelzorger or other contact of a client, and how they want to be involved."""

    __tablename__ = "client_contacts"
    __table_args__ = (
        sa.CheckConstraint(_in("involvement", vocab.CONTACT_INVOLVEMENT), name="ck_client_contacts_involvement"),
    )

    id: str = Field(primary_key=True, max_length=36)
    client_id: int = Field(foreign_key="clients.id", index=True)
    name: str = Field(max_length=120)
    relation: str | None = Field(default=None, max_length=60)
    phone: str | None = Field(default=None, max_length=30)
    email: str | None = Field(default=None, max_length=120)
    is_mantelzorger: bool = False
    involvement: str = Field(default="keep_informed", max_length=20)
    notes: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime, index=True)
    removed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Visit(SQLModel, table=True):
    """The record of one visit for a call: arrival to departure, actions, medication and outcome."""

    __tablename__ = "visits"
    __table_args__ = (
        sa.CheckConstraint("status IN ('open', 'completed')", name="ck_visits_status"),
        sa.CheckConstraint(f"outcome IS NULL OR {_in('outcome', vocab.OUTCOMES)}", name="ck_visits_outcome"),
    )

    id: str = Field(primary_key=True, max_length=36)
    call_id: int = Field(foreign_key="calls.id", sa_column_kwargs={"unique": True})
    client_id: int = Field(foreign_key="clients.id", index=True)
    nurse_id: int = Field(foreign_key="users.id", index=True)
    team: str = Field(foreign_key="teams.code", max_length=16)
    previous_visit_id: str | None = Field(default=None, foreign_key="visits.id", max_length=36)
    status: str = Field(default="open", max_length=16)
    arrived_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    departed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    actions: list[dict] = Field(default_factory=list, sa_type=JSON)
    actions_note: str | None = Field(default=None, sa_type=sa.Text)
    medication: list[dict] = Field(default_factory=list, sa_type=JSON)
    client_informed: bool | None = None
    mantelzorger_informed: bool | None = None
    outcome: str | None = Field(default=None, max_length=24)
    outcome_detail: str | None = Field(default=None, max_length=20)
    referral_question: str | None = Field(default=None, sa_type=sa.Text)
    follow_up_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime, index=True)
    version: int = 1


class VitalSigns(SQLModel, table=True):
    """One set of vital signs with its NEWS2; appended, never changed."""

    __tablename__ = "vital_signs"

    id: str = Field(primary_key=True, max_length=36)
    visit_id: str = Field(foreign_key="visits.id", index=True, max_length=36)
    recorded_by_id: int = Field(foreign_key="users.id")
    measured_at: datetime = Field(sa_type=UTCDateTime)
    resp_rate: int
    spo2: int
    spo2_scale: int = 1
    on_oxygen: bool
    systolic_bp: int
    heart_rate: int
    consciousness: str = Field(max_length=1)
    temperature: float
    glucose: float | None = None
    pain: int | None = None
    news2_score: int
    news2_band: str = Field(max_length=12)
    created_at: datetime = Field(sa_type=UTCDateTime, index=True)


class VisitNote(SQLModel, table=True):
    """A free-text note on a visit; appended, never changed."""

    __tablename__ = "visit_notes"

    id: str = Field(primary_key=True, max_length=36)
    visit_id: str = Field(foreign_key="visits.id", index=True, max_length=36)
    author_id: int = Field(foreign_key="users.id")
    text: str = Field(sa_type=sa.Text)
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime, index=True)


class Handover(SQLModel, table=True):
    """A warm SBAR handover to the next carer, shared by an unguessable link until it expires."""

    __tablename__ = "handovers"
    __table_args__ = (
        sa.CheckConstraint(_in("recipient_type", vocab.RECIPIENT_TYPES), name="ck_handovers_recipient_type"),
        sa.Index("ix_handovers_unacknowledged", "acknowledged_at", "ack_alerted_at"),
    )

    id: str = Field(primary_key=True, max_length=36)
    visit_id: str = Field(foreign_key="visits.id", index=True, max_length=36)
    call_id: int = Field(foreign_key="calls.id", index=True)
    client_id: int = Field(foreign_key="clients.id", index=True)
    team: str = Field(foreign_key="teams.code", max_length=16)
    author_id: int = Field(foreign_key="users.id")
    recipient_type: str = Field(max_length=20)
    recipient_name: str = Field(max_length=200)
    situation: str = Field(sa_type=sa.Text)
    background: str = Field(sa_type=sa.Text)
    assessment: str = Field(sa_type=sa.Text)
    recommendation: str = Field(sa_type=sa.Text)
    medication_changes: list[dict] = Field(default_factory=list, sa_type=JSON)
    wishes: dict = Field(default_factory=dict, sa_type=JSON)
    contacts: list[dict] = Field(default_factory=list, sa_type=JSON)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by: str | None = Field(default=None, max_length=120)
    ack_alerted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime, index=True)


class PortalLink(SQLModel, table=True):
    """A read-only link to a client's own dossier, for the client or a mantelzorger; revocable."""

    __tablename__ = "portal_links"

    id: str = Field(primary_key=True, max_length=36)
    client_id: int = Field(foreign_key="clients.id", index=True)
    recipient_name: str = Field(max_length=120)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    created_by_id: int = Field(foreign_key="users.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_by_id: int | None = Field(default=None, foreign_key="users.id")

