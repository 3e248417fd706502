"""HTTP shapes of the outcomes: period arguments and the figures (plain Schemas over dataclasses)."""
import marshmallow as ma
from marshmallow import validate

from backend import vocab
from backend.roster.schemas import MomentField

TEAM_CODE = validate.Regexp(r"^[a-z][a-z0-9_-]{0,15}$", error="Onbekende teamcode.")


class PeriodArgsSchema(ma.Schema):
    from_ = MomentField(data_key="from", attribute="start", metadata={"description": "Start (date = Amsterdam midnight, or ISO moment); default 28 days before `to`"})
    to = MomentField(attribute="end", metadata={"description": "End, exclusive; default the end of today"})
    team = ma.fields.String(validate=TEAM_CODE, metadata={"description": "Team code; a team lead: her own (default)"})


def _by_urgency(nested):
    return ma.fields.Dict(keys=ma.fields.String(validate=validate.OneOf(vocab.URGENCIES)), values=nested)


class _ResponseFiguresSchema(ma.Schema):
    """The response figures of a set of calls: the period's, and each urgency's."""

    on_site = ma.fields.Integer()
    within_target = ma.fields.Integer()
    within_target_pct = ma.fields.Float(allow_none=True)
    p50_minutes = ma.fields.Float(allow_none=True)
    p90_minutes = ma.fields.Float(allow_none=True)


class UrgencyResponseSchema(_ResponseFiguresSchema):
    calls = ma.fields.Integer()
    target_minutes = ma.fields.Float(allow_none=True)


class DistributionBinSchema(ma.Schema):
    upto_pct = ma.fields.Integer(allow_none=True, metadata={"description": "Upper bound in % of target; null: above the last"})
    counts = _by_urgency(ma.fields.Integer())


class ResponseSchema(_ResponseFiguresSchema):
    by_urgency = _by_urgency(ma.fields.Nested(UrgencyResponseSchema))
    distribution = ma.fields.List(ma.fields.Nested(DistributionBinSchema))


class CallCountsSchema(ma.Schema):
    total = ma.fields.Integer()
    by_urgency = _by_urgency(ma.fields.Integer())


class HandoversSchema(ma.Schema):
    total = ma.fields.Integer()
    acknowledged = ma.fields.Integer()
    acknowledged_pct = ma.fields.Float(allow_none=True)
    p50_ack_minutes = ma.fields.Float(allow_none=True)


class OffersSchema(ma.Schema):
    offered = ma.fields.Integer()
    first_offer_accepted = ma.fields.Integer()
    first_offer_accepted_pct = ma.fields.Float(allow_none=True)
    escalations = ma.fields.Integer()


class FiguresSchema(ma.Schema):
    from_ = ma.fields.AwareDateTime(attribute="start", data_key="from")
    to = ma.fields.AwareDateTime(attribute="end")
    team = ma.fields.String(allow_none=True)
    calls = ma.fields.Nested(CallCountsSchema)
    response = ma.fields.Nested(ResponseSchema)
    outcomes = ma.fields.Dict(keys=ma.fields.String(validate=validate.OneOf(tuple(vocab.OUTCOMES))),
                              values=ma.fields.Integer())
    completed = ma.fields.Integer()
    home = ma.fields.Integer()
    home_pct = ma.fields.Float(allow_none=True)
    handovers = ma.fields.Nested(HandoversSchema)
    offers = ma.fields.Nested(OffersSchema)
    recalls_72h = ma.fields.Integer()
    recalls_30d = ma.fields.Integer()
    cancelled = ma.fields.Integer()


class WeekFiguresSchema(FiguresSchema):
    week = ma.fields.String(metadata={"description": "ISO week, e.g. 2026-W48 (Amsterdam time)"})
