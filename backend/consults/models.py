"""A consult: the nurse's question from a visit, who is asked on the physicians' on-call ladder, the advice."""
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from backend.db import UTCDateTime
from backend.vocab import CONSULT_STATUSES


class Consult(SQLModel, table=True):
    """A nurse's question to the on-call physician: requested → acknowledged → advised.

    `escalate_at` is the durable due time of the next escalation step (like a call's `offer_next_at`): while the
    consult waits for an acknowledgement the clock asks the next physician on call there, and after the last
    one the team lead (`lead_alerted_at`). The two durations are kept for the outcomes.
    """

    __tablename__ = "consults"
    __table_args__ = (
        sa.CheckConstraint(f"status IN {tuple(CONSULT_STATUSES)}", name="ck_consults_status"),
        sa.Index("ix_consults_escalate", "status", "escalate_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    visit_id: str = Field(foreign_key="visits.id", index=True, max_length=36)
    call_id: int = Field(foreign_key="calls.id", index=True)
    client_id: int = Field(foreign_key="clients.id", index=True)
    team: str = Field(foreign_key="teams.code", max_length=16, index=True)
    nurse_id: int = Field(foreign_key="users.id", index=True)
    physician_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    status: str = Field(default="requested", max_length=16)
    question: str = Field(sa_type=sa.Text)
    advice: str | None = Field(default=None, sa_type=sa.Text)
    escalate_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    lead_alerted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    advised_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    seconds_to_acknowledge: int | None = None
    seconds_to_advice: int | None = None
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime, index=True)
    version: int = 1


class ConsultAsk(SQLModel, table=True):
    """One step on a consult's ladder: who was asked (a physician on call, or at the end the team lead) and when.

    A physician may see a consult, and its client, only through a row of hers here."""

    __tablename__ = "consult_asks"
    __table_args__ = (sa.UniqueConstraint("consult_id", "user_id", name="uq_consult_asks_user"),)

    id: int | None = Field(default=None, primary_key=True)
    consult_id: int = Field(foreign_key="consults.id", index=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    role: str = Field(max_length=20)
    asked_at: datetime = Field(sa_type=UTCDateTime)
