"""HTTP shapes for the roster."""
from datetime import date, datetime, time, timezone

import marshmallow as ma
from marshmallow import validate
from marshmallow_sqlalchemy import auto_field

from backend.api import ID, AutoSchema
from backend.roster.models import (
    SWAP_STATUSES,
    WISH_KINDS,
    RosterAssignment,
    RosterContract,
    RosterEvent,
    RosterGapAlert,
    RosterPublication,
    RosterSwap,
    RosterProposal,
    RosterShiftType,
    RosterUnavailability,
    RosterWish,
)
from backend.timeutil import AMSTERDAM
from backend.identity.schemas import TEAM_CODE
from backend.vocab import ROSTER_ROLES, SKILL_PATTERN

CODE = validate.Regexp(r"^[a-z][a-z0-9_]{0,31}$", error="Alleen kleine letters, cijfers en _ (max 32).")
HHMM = validate.Regexp(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", error="Tijd als HH:MM.")
DAY = validate.Range(min=date(2000, 1, 1), max=date(2100, 12, 31), error="Datum tussen 2000 en 2100.")
SKILL = validate.Regexp(SKILL_PATTERN, error="Vaardigheid in snake_case.")


class MomentField(ma.fields.Field):
    """A moment: an ISO 8601 datetime with offset, or a date meaning local midnight in Amsterdam."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ma.ValidationError("Geef een datum (JJJJ-MM-DD) of een tijdstip met tijdzone.")
        try:
            if len(value) == 10:
                return datetime.combine(date.fromisoformat(value), time(0), tzinfo=AMSTERDAM).astimezone(timezone.utc)
            moment = datetime.fromisoformat(value)
        except ValueError as exc:
            raise ma.ValidationError("Geen geldige datum of tijdstip.") from exc
        if moment.tzinfo is None:
            raise ma.ValidationError("Tijdstip zonder tijdzone; geef een offset (zoals +01:00).")
        if not 2000 <= moment.year <= 2100:
            raise ma.ValidationError("Datum tussen 2000 en 2100.")
        return moment.astimezone(timezone.utc)


class WallTime(ma.fields.String):
    """A wall-clock time as "HH:MM": loaded as text, a `time` dumped the same way."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value.strftime("%H:%M") if isinstance(value, time) else super()._serialize(value, attr, obj, **kwargs)


class StoredDateTime(ma.fields.AwareDateTime):
    """An aware datetime a JSON column keeps as ISO 8601 text."""

    def _serialize(self, value, attr, obj, **kwargs):
        value = datetime.fromisoformat(value) if isinstance(value, str) else value
        return super()._serialize(value, attr, obj, **kwargs)


class StoredDate(ma.fields.Date):
    """A date a JSON column keeps as ISO 8601 text."""

    def _serialize(self, value, attr, obj, **kwargs):
        value = date.fromisoformat(value) if isinstance(value, str) else value
        return super()._serialize(value, attr, obj, **kwargs)


class TeamPeriodSchema(ma.Schema):
    """A team and a period of days: what is planned (`generate`) or published."""

    team = ma.fields.String(required=True, validate=TEAM_CODE)
    start_date = ma.fields.Date(required=True, validate=DAY)
    end_date = ma.fields.Date(required=True, validate=DAY)


class GenerateSchema(TeamPeriodSchema):
    pass


class AssignmentSchema(AutoSchema,
        model=RosterAssignment,
        exclude=("user_id", "shift_code", "starts_at", "ends_at", "created_at")):
    nurse_id = auto_field("user_id")
    nurse_name = ma.fields.String(allow_none=True, metadata={"description": "In the roster week's list only"})
    shift = auto_field("shift_code")
    start = auto_field("starts_at")
    end = auto_field("ends_at")


class ProposedAssignmentSchema(ma.Schema):
    nurse_id = ma.fields.Integer()
    shift = ma.fields.String()
    day = StoredDate()
    start = StoredDateTime()
    end = StoredDateTime()
    pinned = ma.fields.Boolean()


class MissingSchema(ma.Schema):
    need = ma.fields.String()
    count = ma.fields.Integer()
    label = ma.fields.String()
    reason = ma.fields.String()


class UnfilledSchema(ma.Schema):
    shift = ma.fields.String()
    day = ma.fields.String()
    start = StoredDateTime()
    end = StoredDateTime()
    missing = ma.fields.List(ma.fields.Nested(MissingSchema))
    message = ma.fields.String()


class ViolationSchema(ma.Schema):
    rule = ma.fields.String()
    kind = ma.fields.String(metadata={"description": "rule (a hard rule broken) or gap (a need not met)"})
    nurse_id = ma.fields.Integer(allow_none=True)
    shift = ma.fields.String(allow_none=True)
    start = ma.fields.AwareDateTime()
    end = ma.fields.AwareDateTime()
    message = ma.fields.String()


class UnmetWishSchema(ma.Schema):
    wish_id = ma.fields.Integer(allow_none=True)
    nurse_id = ma.fields.Integer()
    kind = ma.fields.String()
    day = StoredDate()
    shift = ma.fields.String(allow_none=True)
    message = ma.fields.String(metadata={"description": "Why the wish could not be met, in Dutch"})


class ProposalSchema(AutoSchema, model=RosterProposal, exclude=("created_by_id",)):
    assignments = ma.fields.List(ma.fields.Nested(ProposedAssignmentSchema))
    unmet_wishes = ma.fields.List(ma.fields.Nested(UnmetWishSchema))
    unfilled = ma.fields.List(ma.fields.Nested(UnfilledSchema))
    violations = ma.fields.List(ma.fields.Nested(ViolationSchema))


class WindowArgsSchema(ma.Schema):
    team = ma.fields.String(validate=TEAM_CODE)
    from_ = MomentField(data_key="from", attribute="start")
    to = MomentField(attribute="end")
    nurse_id = ma.fields.Integer(validate=ID, metadata={"description": "Only this nurse's (a nurse: only her own)"})


class CheckArgsSchema(ma.Schema):
    team = ma.fields.String(required=True, validate=TEAM_CODE)
    from_ = MomentField(data_key="from", attribute="start", required=True)
    to = MomentField(attribute="end", required=True)


class TeamArgsSchema(ma.Schema):
    team = ma.fields.String(validate=TEAM_CODE)


class AssignmentCreateSchema(ma.Schema):
    team = ma.fields.String(validate=TEAM_CODE)
    nurse_id = ma.fields.Integer(required=True, validate=ID)
    shift = ma.fields.String(required=True, validate=CODE)
    day = ma.fields.Date(required=True, validate=DAY)
    pinned = ma.fields.Boolean(load_default=False)


class AssignmentUpdateSchema(ma.Schema):
    pinned = ma.fields.Boolean(required=True)


class SkillNeedSchema(ma.Schema):
    any_of = ma.fields.List(ma.fields.String(validate=SKILL), required=True, validate=validate.Length(min=1, max=10))
    count = ma.fields.Integer(load_default=1, validate=validate.Range(min=1, max=20))


class ShiftTypeSchema(AutoSchema, model=RosterShiftType):
    weekdays = ma.fields.List(ma.fields.Integer())
    skill_needs = ma.fields.List(ma.fields.Nested(SkillNeedSchema))


class ShiftTypeCreateSchema(ma.Schema):
    team = ma.fields.String(validate=TEAM_CODE)
    code = ma.fields.String(required=True, validate=CODE)
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=80))
    start_time = ma.fields.String(required=True, validate=HHMM)
    end_time = ma.fields.String(required=True, validate=HHMM)
    weekdays = ma.fields.List(ma.fields.Integer(validate=validate.Range(min=0, max=6)),
                              load_default=lambda: list(range(7)), validate=validate.Length(min=1, max=7))
    min_staff = ma.fields.Integer(load_default=1, validate=validate.Range(min=0, max=50))
    max_staff = ma.fields.Integer(allow_none=True, validate=validate.Range(min=0, max=50))
    skill_needs = ma.fields.List(ma.fields.Nested(SkillNeedSchema), load_default=list)
    active = ma.fields.Boolean(load_default=True)
    role = ma.fields.String(load_default="nurse", validate=validate.OneOf(ROSTER_ROLES))

    @ma.validates_schema
    def _staff(self, data, **_):
        if data.get("max_staff") is not None and data["max_staff"] < data.get("min_staff", 1):
            raise ma.ValidationError("max_staff is kleiner dan min_staff.", "max_staff")
        if data.get("start_time") and data.get("start_time") == data.get("end_time"):
            raise ma.ValidationError("Een dienst van 24 uur kan niet; begin en einde zijn gelijk.", "end_time")

    @ma.post_load
    def _unique_days(self, data, **_):
        if "weekdays" in data:
            data["weekdays"] = sorted(set(data["weekdays"]))
        return data


class ShiftTypeUpdateSchema(ShiftTypeCreateSchema):
    class Meta:
        exclude = ("team", "code", "role")


class ContractArgsSchema(ma.Schema):
    hours_per_week = ma.fields.Float(required=True, validate=validate.Range(min=0, max=60))


class ContractSchema(AutoSchema, model=RosterContract, exclude=("user_id",)):
    nurse_id = auto_field("user_id")


class NurseSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    skills = ma.fields.List(ma.fields.String())
    contract_hours = ma.fields.Float()


class UnavailabilitySchema(AutoSchema,
        model=RosterUnavailability,
        exclude=("starts_at", "ends_at", "user_id", "created_at")):
    nurse_id = auto_field("user_id")
    start = auto_field("starts_at")
    end = auto_field("ends_at")


class UnavailabilityCreateSchema(ma.Schema):
    nurse_id = ma.fields.Integer(validate=ID)
    start = MomentField(required=True)
    end = MomentField(required=True)
    reason = ma.fields.String(load_default="", validate=validate.Length(max=120))


class WishSchema(AutoSchema, model=RosterWish, exclude=("user_id", "shift_code", "created_at")):
    nurse_id = auto_field("user_id")
    nurse_name = ma.fields.String(allow_none=True, metadata={"description": "In the lists only"})
    shift = auto_field("shift_code")
    met = ma.fields.Boolean(allow_none=True, metadata={
        "description": "In the lists only: whether the adopted roster honours it (null: nothing rostered yet)"})


class WishCreateSchema(ma.Schema):
    nurse_id = ma.fields.Integer(validate=ID)
    kind = ma.fields.String(validate=validate.OneOf(WISH_KINDS), metadata={
        "description": "day_off, no_nights (the week starting on `day`), preferred_shift; "
                       "default from `want`"})
    day = ma.fields.Date(required=True, validate=DAY)
    shift = ma.fields.String(validate=CODE, allow_none=True)
    want = ma.fields.Boolean(load_default=False)
    weight = ma.fields.Integer(load_default=1, validate=validate.Range(min=1, max=10))


class RulesSchema(ma.Schema):
    """A team's working-time rules (`planning.WorkingTimeRules`): the answer, and a PATCH of some of them."""

    min_rest_hours = ma.fields.Float(validate=validate.Range(min=0, max=24))
    short_rest_hours = ma.fields.Float(validate=validate.Range(min=0, max=24))
    short_rests_per_week = ma.fields.Integer(validate=validate.Range(min=0, max=7))
    night_rest_hours = ma.fields.Float(validate=validate.Range(min=0, max=48))
    night_end_after = WallTime(validate=HHMM)
    max_consecutive_nights = ma.fields.Integer(validate=validate.Range(min=1, max=14))
    max_hours_per_week = ma.fields.Float(validate=validate.Range(min=1, max=80))
    weight_understaffed = ma.fields.Integer(validate=validate.Range(min=0, max=100000))
    weight_skill_missing = ma.fields.Integer(validate=validate.Range(min=0, max=100000))
    weight_fair_nights = ma.fields.Integer(validate=validate.Range(min=0, max=10000))
    weight_fair_weekends = ma.fields.Integer(validate=validate.Range(min=0, max=10000))
    weight_contract_hours = ma.fields.Integer(validate=validate.Range(min=0, max=10000))
    weight_wish = ma.fields.Integer(validate=validate.Range(min=0, max=10000))
    weight_wish_fairness = ma.fields.Integer(validate=validate.Range(min=0, max=10000))
    series_min_nights = ma.fields.Integer(validate=validate.Range(min=0, max=14), metadata={
        "description": "ATW art. 5:8: a series of this many nights owes series_rest_hours after it (0: off)"})
    series_rest_hours = ma.fields.Float(validate=validate.Range(min=0, max=96))
    average_weeks = ma.fields.Integer(validate=validate.Range(min=1, max=52))
    max_average_hours = ma.fields.Float(validate=validate.Range(min=0, max=60), metadata={
        "description": "ATW art. 5:7: hours a week on average over average_weeks (0: off)"})
    max_nights_per_period = ma.fields.Integer(validate=validate.Range(min=0, max=200), metadata={
        "description": "ATW art. 5:8: night shifts in average_weeks (0: the team works the other regime)"})
    max_average_hours_nights = ma.fields.Float(validate=validate.Range(min=0, max=60), metadata={
        "description": "ATW art. 5:8: hours a week on average when night_average_from late nights are worked"})
    night_average_from = ma.fields.Integer(validate=validate.Range(min=0, max=200))
    auto_approve_swaps = ma.fields.Boolean(metadata={"description": "Approve a rule-clean swap at once"})


class GapAlertSchema(AutoSchema, model=RosterGapAlert, exclude=("starts_at", "ends_at")):
    start = auto_field("starts_at")
    end = auto_field("ends_at")
    missing = ma.fields.List(ma.fields.Nested(MissingSchema))


class PublishSchema(TeamPeriodSchema):
    pass


class PublicationSchema(AutoSchema, model=RosterPublication):
    """A published roster period."""


class EventSchema(AutoSchema, model=RosterEvent):
    """A change to a published roster, as its nurses were told."""


class SwapSchema(AutoSchema,
        model=RosterSwap,
        exclude=("starts_at", "ends_at", "from_user_id", "to_user_id", "shift_code")):
    shift = auto_field("shift_code")
    start = auto_field("starts_at")
    end = auto_field("ends_at")
    from_nurse_id = auto_field("from_user_id")
    to_nurse_id = auto_field("to_user_id")


class SwapCreateSchema(ma.Schema):
    assignment_id = ma.fields.Integer(required=True, validate=ID)


class SwapArgsSchema(ma.Schema):
    team = ma.fields.String(validate=TEAM_CODE)
    status = ma.fields.String(validate=validate.OneOf(SWAP_STATUSES))
