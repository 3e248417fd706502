"""The roster planner's plain data: shift types and needs, shifts in a period, nurses, availability.

Nothing here touches the database; problem.py turns rows into these, so the solver, the checker and
their tests run without an app. The working-time rules a team can set live here too: they are data the
rules in rules.py read.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone

from backend.timeutil import AMSTERDAM
from backend.vocab import SKILLS, dutch

WEEKDAYS_NL = ("ma", "di", "wo", "do", "vr", "za", "zo")
MONTHS_NL = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
ALL_DAYS = frozenset(range(7))

def skill_label(skills) -> str:
    """Name a set of interchangeable skills in Dutch ("HBO-verpleegkundige of verpleegkundig specialist")."""
    return " of ".join(dutch(SKILLS, s) for s in sorted(skills))


def fmt_local(moment: datetime) -> str:
    """Format a moment as Amsterdam wall time for a message: 'di 1 dec 23:00'."""
    local = moment.astimezone(AMSTERDAM)
    return f"{WEEKDAYS_NL[local.weekday()]} {local.day} {MONTHS_NL[local.month - 1]} {local:%H:%M}"


@dataclass(frozen=True)
class SkillNeed:
    """At least `count` people on the shift holding one of `any_of` (e.g. HBO or VS)."""

    any_of: frozenset[str]
    count: int = 1

    @property
    def code(self) -> str:
        return "|".join(sorted(self.any_of))

    @classmethod
    def from_dict(cls, data: dict) -> SkillNeed:
        return cls(any_of=frozenset(data["any_of"]), count=int(data.get("count", 1)))

    def to_dict(self) -> dict:
        return {"any_of": sorted(self.any_of), "count": self.count}


@dataclass(frozen=True)
class ShiftType:
    """A kind of shift of a team, in local wall time, with the staffing it needs."""

    code: str
    name: str
    start: time
    end: time  # at or before `start` means the shift ends the next day
    weekdays: frozenset[int] = ALL_DAYS  # 0 = Monday
    min_staff: int = 1
    max_staff: int | None = None
    skill_needs: tuple[SkillNeed, ...] = ()

    def occurs_on(self, day: date) -> bool:
        return day.weekday() in self.weekdays


@dataclass(frozen=True)
class Shift:
    """One occurrence of a shift type: a local day, and its start and end as aware UTC."""

    code: str
    name: str
    day: date
    start: datetime
    end: datetime
    min_staff: int
    max_staff: int
    skill_needs: tuple[SkillNeed, ...] = ()
    context: bool = False  # outside the period: only there so rules see what is already rostered

    @property
    def key(self) -> str:
        return f"{self.code}@{self.day.isoformat()}"

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(AMSTERDAM)

    @property
    def local_end(self) -> datetime:
        return self.end.astimezone(AMSTERDAM)

    def label(self) -> str:
        return f"{self.name} {fmt_local(self.start)}–{self.local_end:%H:%M}"


def local_moment(day: date, at: time) -> datetime:
    """Return the aware UTC moment of a wall-clock time in Amsterdam (DST-correct)."""
    return datetime.combine(day, at, tzinfo=AMSTERDAM).astimezone(timezone.utc)


def make_shift(shift_type: ShiftType, day: date) -> Shift:
    """Place a shift type on a local day."""
    end_day = day + timedelta(days=1) if shift_type.end <= shift_type.start else day
    return Shift(
        code=shift_type.code,
        name=shift_type.name,
        day=day,
        start=local_moment(day, shift_type.start),
        end=local_moment(end_day, shift_type.end),
        min_staff=shift_type.min_staff,
        max_staff=max(shift_type.min_staff, shift_type.max_staff or shift_type.min_staff),
        skill_needs=shift_type.skill_needs,
    )


def expand_shifts(shift_types, start_date: date, end_date: date, *, margin_days: int = 0) -> list[Shift]:
    """List every shift of the types on the local days from start_date to end_date inclusive.

    With a margin, the days just before and after are added as context shifts: nobody new is planned
    on them, but what the adopted roster already holds there counts for rest and night-series rules.
    """
    shifts = []
    day = start_date - timedelta(days=margin_days)
    last = end_date + timedelta(days=margin_days)
    while day <= last:
        for shift_type in shift_types:
            if shift_type.occurs_on(day):
                shift = make_shift(shift_type, day)
                if not start_date <= day <= end_date:
                    shift = replace(shift, min_staff=0, max_staff=0, context=True)
                shifts.append(shift)
        day += timedelta(days=1)
    return sorted(shifts, key=lambda s: (s.start, s.code))


@dataclass(frozen=True)
class Nurse:
    """A member of the team who can be rostered, with her skills and contract hours per week."""

    id: int
    name: str
    skills: frozenset[str] = frozenset()
    contract_hours: float = 24.0

    def has_any(self, skills) -> bool:
        return bool(self.skills & skills)


@dataclass(frozen=True)
class Unavailability:
    """A time a nurse cannot work (leave, training, sick): a hard constraint."""

    nurse_id: int
    start: datetime
    end: datetime
    reason: str = ""


WISH_KINDS = ("day_off", "no_nights", "preferred_shift")


@dataclass(frozen=True)
class Wish:
    """A nurse's wish: a local day free (`day_off`), no night shifts in the week starting on `day`
    (`no_nights`), or a shift to work on a day (`preferred_shift`, a shift code or any)."""

    nurse_id: int
    day: date
    want: bool = False
    shift_code: str | None = None
    weight: int = 1
    kind: str | None = None  # derived from `want` when not given
    id: int | None = None

    def __post_init__(self):
        if self.kind is None:
            object.__setattr__(self, "kind", "preferred_shift" if self.want else "day_off")
        object.__setattr__(self, "want", self.kind == "preferred_shift")

    def matches(self, shift: Shift) -> bool:
        """Whether the shift is one the wish is about (rules.wish_shifts adds the nights of a week)."""
        return shift.day == self.day and (self.shift_code is None or self.shift_code == shift.code)


@dataclass(frozen=True)
class Assignment:
    """A nurse on a shift; a pinned one is kept when the team lead re-plans."""

    nurse_id: int
    shift: Shift
    pinned: bool = False


@dataclass(frozen=True)
class WorkingTimeRules:
    """Arbeidstijdenwet defaults and the weights of the soft goals; every field can be set per team."""

    min_rest_hours: float = 11.0  # after any shift
    short_rest_hours: float = 8.0  # the rest may be this short ...
    short_rests_per_week: int = 1  # ... this often per calendar week
    night_rest_hours: float = 14.0  # after a night shift ending after `night_end_after`
    night_end_after: time = time(2, 0)
    max_consecutive_nights: int = 5
    max_hours_per_week: float = 60.0
    # Arbeidstijdenwet art. 5:8: after a series of `series_min_nights` or more night shifts, `series_rest_hours`.
    series_min_nights: int = 3
    series_rest_hours: float = 46.0
    # Averages over every `average_weeks` consecutive calendar weeks (the reference period of art. 5:7/5:8).
    average_weeks: int = 16
    max_average_hours: float = 48.0  # art. 5:7
    # art. 5:8: at most this many night shifts in the reference period; 0 when the team works the other regime
    # the article allows (at most 38 hours between 00:00 and 06:00 in 2 weeks), which this planner does not model.
    max_nights_per_period: int = 36
    # art. 5:8: at most `max_average_hours_nights` a week on average in a reference period in which she works
    # `night_average_from` or more night shifts ending after `night_end_after`.
    max_average_hours_nights: float = 40.0
    night_average_from: int = 16
    # The team's swap setting: a swap that breaks no rule is approved at once (else the team lead approves).
    auto_approve_swaps: bool = False
    # Soft goals (weights of the objective).
    weight_understaffed: int = 1000
    weight_skill_missing: int = 600
    weight_fair_nights: int = 20
    weight_fair_weekends: int = 20
    weight_contract_hours: int = 2
    weight_wish: int = 300  # a wish outweighs one night (10 tenths × weight_fair_nights) off the fair target
    weight_wish_fairness: int = 150  # each further unmet wish of the same nurse costs this much more

    @classmethod
    def from_dict(cls, data: dict | None) -> WorkingTimeRules:
        """Read a team's stored overrides; what is not set keeps its default."""
        data = dict(data or {})
        if isinstance(data.get("night_end_after"), str):
            data["night_end_after"] = time.fromisoformat(data["night_end_after"])
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class RosterProblem:
    """Everything the planner and the checker need for one team and period."""

    shifts: list[Shift]
    nurses: list[Nurse]
    unavailability: list[Unavailability] = field(default_factory=list)
    wishes: list[Wish] = field(default_factory=list)
    pins: list[Assignment] = field(default_factory=list)
    rules: WorkingTimeRules = field(default_factory=WorkingTimeRules)
    # Adopted shifts further away (up to a reference period before and after): fixed, they count only toward
    # the averages over 16 weeks. Disjoint from `shifts`.
    history: list[Assignment] = field(default_factory=list)

    def __post_init__(self):
        self.nurse_by_id = {n.id: n for n in self.nurses}
        self.shift_by_key = {s.key: s for s in self.shifts}
