"""HTTP shapes of consults."""
import marshmallow as ma
from marshmallow import fields, validate

from backend import vocab
from backend.visits.schemas import VisitConsultSchema, VitalsSchema, WishesSchema


class ConsultCreateSchema(ma.Schema):
    question = fields.String(required=True, validate=validate.Length(min=3, max=2000))


class AdviceSchema(ma.Schema):
    advice = fields.String(required=True, validate=validate.Length(min=1, max=4000))


class ConsultQueryArgsSchema(ma.Schema):
    status = fields.String(validate=validate.OneOf(list(vocab.CONSULT_STATUSES)))


class ConsultClientSchema(ma.Schema):
    """Who the consult is about: enough for the physician to know the client, no more."""

    id = fields.Integer()
    name = fields.String()
    birth_date = fields.Date()
    city = fields.String(allow_none=True)
    gp_name = fields.String(allow_none=True)


class ConsultSchema(VisitConsultSchema, exclude=("version",)):
    """A consult (a `service.ConsultView`) with the visit's summary: complaint, latest vitals with NEWS2,
    wishes, and the nurse to call back."""

    nurse_name = fields.String()
    nurse_phone = fields.String(allow_none=True)
    complaint = fields.String()
    category = fields.String()
    urgency = fields.String()
    client = fields.Nested(ConsultClientSchema)
    latest_vitals = fields.Nested(VitalsSchema, allow_none=True)
    wishes = fields.Nested(WishesSchema)
