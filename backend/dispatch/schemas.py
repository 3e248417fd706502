"""HTTP shapes for calls."""
import marshmallow as ma
from marshmallow import validate
from marshmallow_sqlalchemy import SQLAlchemyAutoSchema

from backend.clients.schemas import PHONE, ClientCreateSchema, ClientSummarySchema
from backend.dispatch.models import CATEGORIES, SOURCES, STATUSES, Call, CallEvent
from backend.identity.models import TEAMS

ID = validate.Range(min=1, max=2**31 - 1)


class CallSchema(SQLAlchemyAutoSchema):
    class Meta:
        model = Call
        include_fk = True
        exclude = ("created_by_id",)

    target_at = ma.fields.AwareDateTime()
    created_at = ma.fields.AwareDateTime()
    updated_at = ma.fields.AwareDateTime()
    accepted_at = ma.fields.AwareDateTime(allow_none=True)
    on_site_at = ma.fields.AwareDateTime(allow_none=True)
    closed_at = ma.fields.AwareDateTime(allow_none=True)
    offered_at = ma.fields.AwareDateTime(allow_none=True)
    offer_expires_at = ma.fields.AwareDateTime(allow_none=True)
    lead_alert_at = ma.fields.AwareDateTime(allow_none=True)
    lead_alerted_at = ma.fields.AwareDateTime(allow_none=True)
    client = ma.fields.Nested(ClientSummarySchema, dump_only=True)


class CallCreateSchema(ma.Schema):
    client_id = ma.fields.Integer(validate=ID)
    client = ma.fields.Nested(ClientCreateSchema)
    team = ma.fields.String(required=True, validate=validate.OneOf(TEAMS))
    category = ma.fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    urgency = ma.fields.String(required=True, validate=validate.OneOf(("U0", "U1", "U2", "U3", "U4", "U5")))
    complaint = ma.fields.String(required=True, validate=validate.Length(min=1, max=4000))
    source = ma.fields.String(required=True, validate=validate.OneOf(SOURCES))
    caller_name = ma.fields.String(validate=validate.Length(max=120), allow_none=True)
    caller_phone = ma.fields.String(validate=PHONE, allow_none=True)

    @ma.validates_schema
    def _one_client(self, data, **_):
        if ("client_id" in data) == ("client" in data):
            raise ma.ValidationError("Geef precies één van 'client_id' of 'client'.", "client_id")


class CallQueryArgsSchema(ma.Schema):
    status = ma.fields.String(validate=validate.OneOf(STATUSES))
    team = ma.fields.String(validate=validate.OneOf(TEAMS))
    updated_since = ma.fields.AwareDateTime()
    limit = ma.fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))


class CallEventSchema(SQLAlchemyAutoSchema):
    class Meta:
        model = CallEvent
        include_fk = True
        exclude = ("call_id",)

    at = ma.fields.AwareDateTime()
    detail = ma.fields.Dict()


class OfferSchema(ma.Schema):
    nurse_id = ma.fields.Integer(required=True, validate=ID)


class DeclineSchema(ma.Schema):
    reason = ma.fields.String(validate=validate.Length(max=500), allow_none=True)


class StatusSchema(ma.Schema):
    status = ma.fields.String(required=True, validate=validate.OneOf(("en_route", "on_site")))


class CancelSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=validate.Length(min=1, max=500))


class RetriageSchema(ma.Schema):
    urgency = ma.fields.String(required=True, validate=validate.OneOf(("U0", "U1", "U2", "U3", "U4", "U5")))
    reason = ma.fields.String(required=True, validate=validate.Length(min=1, max=500))
