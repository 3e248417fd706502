"""An episode of care (a client's crisis, from the first call until hand-back) and EDIZ answers of a mantelzorger."""
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import JSON, Field, SQLModel

from backend import vocab
from backend.db import UTCDateTime


class Episode(SQLModel, table=True):
    """A client's crisis followed by one team "zo lang als nodig": its case manager, goals, network and close."""

    __tablename__ = "episodes"
    __table_args__ = (
        sa.CheckConstraint(f"status IN {tuple(vocab.EPISODE_STATUSES)}", name="ck_episodes_status"),
        # One running episode per client and team: a second one is a 409, also between racing requests.
        sa.Index("uq_episodes_active", "client_id", "team", unique=True,
                 sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'")),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="clients.id", index=True)
    team: str = Field(foreign_key="teams.code", max_length=16)
    case_manager_id: int = Field(foreign_key="users.id", index=True)
    # Goals in the client's own words ("Weer zelf naar de bakker"), in the order the client gave them.
    goals: list[str] = Field(default_factory=list, sa_type=JSON)
    # The client's network: existing contacts (client_contacts) with their role in the plan.
    network: list[dict] = Field(default_factory=list, sa_type=JSON)
    status: str = Field(default="active", max_length=16)
    first_call_id: int | None = Field(default=None, foreign_key="calls.id")
    # The episode holds the client's calls of its team created from here (the first crisis call) until close.
    started_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by_id: int | None = Field(default=None, foreign_key="users.id")
    handover_id: str | None = Field(default=None, foreign_key="handovers.id", max_length=36)
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime, index=True)
    version: int = 1


class EdizScore(SQLModel, table=True):
    """A mantelzorger's answers to the nine EDIZ statements at a visit, with the score; appended, never changed."""

    __tablename__ = "ediz_scores"
    __table_args__ = (sa.CheckConstraint("score BETWEEN 0 AND 9", name="ck_ediz_scores_score"),)

    id: int | None = Field(default=None, primary_key=True)
    visit_id: str = Field(foreign_key="visits.id", index=True, max_length=36)
    client_id: int = Field(foreign_key="clients.id", index=True)
    contact_id: str = Field(foreign_key="client_contacts.id", index=True, max_length=36)
    answers: list[int] = Field(default_factory=list, sa_type=JSON)
    score: int
    high: bool
    recorded_by_id: int = Field(foreign_key="users.id")
    created_at: datetime = Field(sa_type=UTCDateTime, index=True)
