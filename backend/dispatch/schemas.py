"""HTTP shapes for calls, availability and recommendations."""
import marshmallow as ma
from marshmallow import validate

from backend import vocab
from backend.api import ID, AutoSchema
from backend.clients.schemas import PHONE, ClientCreateSchema, ClientSummarySchema
from backend.dispatch.models import Call, CallEvent
from backend.dispatch.recommend import Recommendation
from backend.identity.models import User
from backend.identity.schemas import TEAM_CODE


class CallEventSchema(AutoSchema, model=CallEvent, exclude=("call_id",)):
    detail = ma.fields.Dict()


class CallSchema(AutoSchema, model=Call, exclude=("created_by_id", "offer_next_at")):
    client = ma.fields.Nested(ClientSummarySchema, dump_only=True)
    # Only in the answer to an intake with a new client's fields: "bsn" (same BSN and birth date: linked),
    # "confirmed" (the triagist chose a likely match), absent when a new client was registered.
    client_match = ma.fields.String(dump_only=True)
    # Only in a list asked with `include=events` (the board): the call's events oldest first, whether the
    # current offer reached the phone, and when anything about the call last changed (the board's next
    # `updated_since`): a delivery receipt adds an event without touching the call.
    events = ma.fields.List(ma.fields.Nested(CallEventSchema), dump_only=True)
    delivery = ma.fields.String(dump_only=True, allow_none=True,
                                validate=validate.OneOf(("pending", "delivered", "failed")))
    changed_at = ma.fields.AwareDateTime(dump_only=True)


class CallCreateSchema(ma.Schema):
    client_id = ma.fields.Integer(validate=ID)
    client = ma.fields.Nested(ClientCreateSchema)
    team = ma.fields.String(validate=TEAM_CODE)  # left out: routed by the client's postcode and the team kind
    team_kind = ma.fields.String(validate=validate.OneOf(tuple(vocab.TEAM_KINDS)))
    category = ma.fields.String(required=True, validate=validate.OneOf(tuple(vocab.CATEGORIES)))
    urgency = ma.fields.String(required=True, validate=validate.OneOf(vocab.TRIAGE_URGENCIES))
    complaint = ma.fields.String(required=True, validate=validate.Length(min=1, max=4000))
    source = ma.fields.String(required=True, validate=validate.OneOf(tuple(vocab.SOURCES)))
    caller_name = ma.fields.String(validate=validate.Length(max=120), allow_none=True)
    caller_phone = ma.fields.String(validate=PHONE, allow_none=True)
    # With `client`: the likely match (same name, birth date, postcode) the triagist confirmed, or her word
    # that the new client is someone else.
    match_client_id = ma.fields.Integer(validate=ID)
    new_client_confirmed = ma.fields.Boolean()

    @ma.validates_schema
    def _one_client(self, data, **_):
        if ("client_id" in data) == ("client" in data):
            raise ma.ValidationError("Geef precies één van 'client_id' of 'client'.", "client_id")
        if "client" not in data and ("match_client_id" in data or "new_client_confirmed" in data):
            raise ma.ValidationError("Alleen bij een nieuwe cliënt ('client').", "match_client_id")


class CallQueryArgsSchema(ma.Schema):
    status = ma.fields.String(validate=validate.OneOf(vocab.CALL_STATUSES))
    team = ma.fields.String(validate=TEAM_CODE)
    updated_since = ma.fields.AwareDateTime()
    # `events`: each call carries its events and delivery state, and `updated_since` also finds calls with a
    # new event (one request for the board instead of one per offered call).
    include = ma.fields.String(validate=validate.OneOf(("events",)))
    limit = ma.fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))


class OfferSchema(ma.Schema):
    nurse_id = ma.fields.Integer(required=True, validate=ID)
    replace = ma.fields.Boolean(load_default=False)  # take over a call already offered to someone else


class DeclineSchema(ma.Schema):
    reason = ma.fields.String(validate=validate.Length(max=500), allow_none=True)


class StatusSchema(ma.Schema):
    status = ma.fields.String(required=True, validate=validate.OneOf(("en_route", "on_site")))


class CancelSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=validate.Length(min=1, max=500))


class RescheduleSchema(ma.Schema):
    planned_for = ma.fields.AwareDateTime(required=True)
    reason = ma.fields.String(required=True, validate=validate.Length(min=1, max=500))


class RetriageSchema(ma.Schema):
    urgency = ma.fields.String(required=True, validate=validate.OneOf(vocab.TRIAGE_URGENCIES))
    reason = ma.fields.String(required=True, validate=validate.Length(min=1, max=500))


class MyStatusSchema(ma.Schema):
    status = ma.fields.String(required=True, validate=validate.OneOf(("available", "off_duty")))


class MyStatusResultSchema(AutoSchema, model=User, fields=("id", "name", "availability", "availability_set_at")):
    """The nurse's availability after she set it."""


class RecommendationSchema(AutoSchema,
        dataclass=Recommendation,
        fields=("nurse_id", "name", "score", "distance_km", "eta_minutes", "reasons")):
    reasons = ma.fields.List(ma.fields.String())


class RecommendationQueryArgsSchema(ma.Schema):
    limit = ma.fields.Integer(load_default=25, validate=validate.Range(min=1, max=500))
