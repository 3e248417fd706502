"""Roster tables: shift types with their needs, contracts, unavailability and wishes, proposals,
the adopted roster, and the coverage-gap alerts of the clock job."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import JSON, Field, SQLModel

from backend.db import UTCDateTime
from backend.vocab import ROSTER_ROLES

PROPOSAL_STATUSES = ("proposal", "adopted", "discarded")
WISH_KINDS = ("day_off", "no_nights", "preferred_shift")
SWAP_STATUSES = ("offered", "taken", "approved", "refused", "cancelled")
EVENT_KINDS = ("published", "changed", "swap_offered", "swap_taken", "swap_approved", "swap_refused",
               "swap_cancelled")


class RosterShiftType(SQLModel, table=True):
    """A shift of a team in local wall time (`end_time` <= `start_time`: ends the next day) and its needs."""

    __tablename__ = "roster_shift_types"
    __table_args__ = (
        sa.UniqueConstraint("team", "code", name="uq_roster_shift_types_team_code"),
        sa.CheckConstraint("min_staff >= 0", name="ck_roster_shift_types_min_staff"),
        sa.CheckConstraint(f"role IN {ROSTER_ROLES}", name="ck_roster_shift_types_role"),
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
    # Whose shift: the nurses' (planned by the solver) or the physicians' on-call duty (filled by hand).
    role: str = Field(default="nurse", max_length=16)


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
    """A nurse's wish: a local day free (`day_off`), no nights in the week starting on `day` (`no_nights`), or a
    shift to work (`preferred_shift`: a shift code, or any; `want` true)."""

    __tablename__ = "roster_wishes"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "kind", "day", "shift_code", name="uq_roster_wishes_day"),
        sa.CheckConstraint(f"kind IN {WISH_KINDS}", name="ck_roster_wishes_kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    kind: str = Field(default="day_off", max_length=16)
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
    # [{wish_id, nurse_id, kind, day, shift, message}]: the wishes the proposal could not honour, and why
    unmet_wishes: list[dict] = Field(default_factory=list, sa_type=JSON)
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


class RosterPublication(SQLModel, table=True):
    """A period of a team's adopted roster the team lead has published: from now on a change there is pushed
    to the nurses it touches and kept as a `changed` event."""

    __tablename__ = "roster_publications"
    __table_args__ = (sa.CheckConstraint("end_date >= start_date", name="ck_roster_publications_span"),)

    id: int | None = Field(default=None, primary_key=True)
    team: str = Field(foreign_key="teams.code", max_length=16, index=True)
    start_date: date
    end_date: date
    published_by_id: int | None = Field(default=None, foreign_key="users.id")
    published_at: datetime = Field(sa_type=UTCDateTime)


class RosterSwap(SQLModel, table=True):
    """A shift a nurse offers to a colleague: offered -> taken -> approved (or refused / cancelled).

    The shift is copied here: the assignment row moves to the taker on approval, or may be re-planned."""

    __tablename__ = "roster_swaps"
    __table_args__ = (sa.CheckConstraint(f"status IN {SWAP_STATUSES}", name="ck_roster_swaps_status"),)

    id: int | None = Field(default=None, primary_key=True)
    team: str = Field(foreign_key="teams.code", max_length=16, index=True)
    assignment_id: int = Field(index=True)  # no foreign key: re-adopting a period replaces assignment rows
    shift_code: str = Field(max_length=32)
    day: date
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    from_user_id: int = Field(foreign_key="users.id")
    to_user_id: int | None = Field(default=None, foreign_key="users.id")
    status: str = Field(default="offered", max_length=16)
    created_at: datetime = Field(sa_type=UTCDateTime)
    taken_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by_id: int | None = Field(default=None, foreign_key="users.id")


class RosterEvent(SQLModel, table=True):
    """One step in the life of the published roster: a publication, a change to a published shift, a swap's
    offer, take, approval, refusal or withdrawal. Never updated: this is the roster's history."""

    __tablename__ = "roster_events"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {EVENT_KINDS}", name="ck_roster_events_kind"),
        sa.Index("ix_roster_events_team_at", "team", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team: str = Field(foreign_key="teams.code", max_length=16)
    kind: str = Field(max_length=16)
    swap_id: int | None = Field(default=None, foreign_key="roster_swaps.id")
    assignment_id: int | None = None
    user_ids: list[int] = Field(default_factory=list, sa_type=JSON)  # the nurses it touches
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    detail: dict = Field(default_factory=dict, sa_type=JSON)
    message: str = Field(default="", max_length=1000)
    created_at: datetime = Field(sa_type=UTCDateTime)
