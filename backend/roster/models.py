"""Roster tables: shift types with their needs, contracts, unavailability and wishes, proposals,
the adopted roster, and the coverage-gap alerts of the clock job."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import JSON, Field, SQLModel

from backend.db import UTCDateTime

PROPOSAL_STATUSES = ("proposal", "adopted", "discarded")


class RosterShiftType(SQLModel, table=True):
    """A shift of a team in local wall time (`end_time` <= `start_time`: ends the next day) and its needs."""

    __tablename__ = "roster_shift_types"
    __table_args__ = (
        sa.UniqueConstraint("team", "code", name="uq_roster_shift_types_team_code"),
        sa.CheckConstraint("min_staff >= 0", name="ck_roster_shift_types_min_staff"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team: str = Field(foreign_key="teams.code", max_length=16, index=True)
    code: str = Field(max_length=32)
    name: str = Field(max_length=80)
    start_time: str = Field(max_length=5)  # "HH:MM", Europe/Amsterdam
    end_time: str = Field(max_length=5)
    weekdays: list[int] = Field(default_factory=lambda: list(range(7)), sa_type=JSON)  # 0 = Monday
    min_staff: int = 1
    max_staff: int | None = None
    skill_needs: list[dict] = Field(default_factory=list, sa_type=JSON)  # [{any_of: [..], count: n}]
    active: bool = True


class RosterTeamRules(SQLModel, table=True):
    """A team's overrides of the working-time rules and soft-goal weights (rules.WorkingTimeRules)."""

    __tablename__ = "roster_team_rules"

    team: str = Field(foreign_key="teams.code", primary_key=True, max_length=16)
    rules: dict = Field(default_factory=dict, sa_type=JSON)


class RosterContract(SQLModel, table=True):
    """A nurse's contract hours per week, the target the planner spreads work by."""

    __tablename__ = "roster_contracts"
    __table_args__ = (sa.CheckConstraint("hours_per_week >= 0 AND hours_per_week <= 60",
                                         name="ck_roster_contracts_hours"),)

    user_id: int = Field(foreign_key="users.id", primary_key=True)
    hours_per_week: float = 24.0


class RosterUnavailability(SQLModel, table=True):
    """A time a nurse cannot work (leave, course, sick): never planned over."""

    __tablename__ = "roster_unavailability"
    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="ck_roster_unavailability_span"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    starts_at: datetime = Field(sa_type=UTCDateTime, index=True)
    ends_at: datetime = Field(sa_type=UTCDateTime, index=True)
    reason: str = Field(default="", max_length=120)
    created_at: datetime = Field(sa_type=UTCDateTime)


class RosterWish(SQLModel, table=True):
    """A nurse's wish for a local day: free (`want` false) or to work (a shift code, or any)."""

    __tablename__ = "roster_wishes"
    __table_args__ = (sa.UniqueConstraint("user_id", "day", "shift_code", name="uq_roster_wishes_day"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    day: date = Field(index=True)
    shift_code: str | None = Field(default=None, max_length=32)
    want: bool = False
    weight: int = 1
    created_at: datetime = Field(sa_type=UTCDateTime)


class RosterProposal(SQLModel, table=True):
    """A generated roster for a team and period, kept until the team lead adopts or drops it."""

    __tablename__ = "roster_proposals"
    __table_args__ = (sa.CheckConstraint(f"status IN {PROPOSAL_STATUSES}", name="ck_roster_proposals_status"),)

    id: int | None = Field(default=None, primary_key=True)
    team: str = Field(foreign_key="teams.code", max_length=16, index=True)
    start_date: date
    end_date: date
    status: str = Field(default="proposal", max_length=16)
    solver_status: str = Field(max_length=16)
    objective: float = 0.0
    solve_seconds: float = 0.0
    # [{nurse_id, shift, day, start, end, pinned}], dates and times as ISO 8601 text
    assignments: list[dict] = Field(default_factory=list, sa_type=JSON)
    unfilled: list[dict] = Field(default_factory=list, sa_type=JSON)  # gaps.unfilled_entry() of each gap
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
    adopted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RosterAssignment(SQLModel, table=True):
    """A nurse on a shift in the adopted roster: what dispatch and the checker read."""

    __tablename__ = "roster_assignments"
    __table_args__ = (
        sa.UniqueConstraint("team", "user_id", "shift_code", "day", name="uq_roster_assignments_shift"),
        sa.Index("ix_roster_assignments_team_span", "team", "starts_at", "ends_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team: str = Field(foreign_key="teams.code", max_length=16)
    user_id: int = Field(foreign_key="users.id", index=True)
    shift_code: str = Field(max_length=32)
    day: date
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    pinned: bool = False
    proposal_id: int | None = Field(default=None, foreign_key="roster_proposals.id")
    created_at: datetime = Field(sa_type=UTCDateTime)


class RosterGapAlert(SQLModel, table=True):
    """A coverage gap in the coming 24 h, recorded once per shift (the unique key is the claim)."""

    __tablename__ = "roster_gap_alerts"
    __table_args__ = (sa.UniqueConstraint("team", "shift_code", "starts_at", name="uq_roster_gap_alerts_shift"),)

    id: int | None = Field(default=None, primary_key=True)
    team: str = Field(foreign_key="teams.code", max_length=16, index=True)
    shift_code: str = Field(max_length=32)
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    missing: list[dict] = Field(default_factory=list, sa_type=JSON)
    message: str = Field(max_length=1000)
    created_at: datetime = Field(sa_type=UTCDateTime)
    notified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
