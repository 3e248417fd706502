"""HTTP shapes for availability, push subscriptions and recommendations."""
import marshmallow as ma
from marshmallow import validate


def _plain_ascii(value: str) -> None:
    """Push endpoints and keys are printable ASCII (no NUL, no control characters)."""
    if not (value.isascii() and value.isprintable()):
        raise ma.ValidationError("Alleen gewone ASCII-tekens zijn toegestaan.")


class MyStatusSchema(ma.Schema):
    status = ma.fields.String(required=True, validate=validate.OneOf(("available", "off_duty")))


class MyStatusResultSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    availability = ma.fields.String()
    availability_set_at = ma.fields.AwareDateTime(allow_none=True)


class VapidKeySchema(ma.Schema):
    public_key = ma.fields.String()


class SubscriptionKeysSchema(ma.Schema):
    p256dh = ma.fields.String(required=True, validate=[validate.Length(min=80, max=128), _plain_ascii])
    auth = ma.fields.String(required=True, validate=[validate.Length(min=16, max=64), _plain_ascii])


class SubscriptionCreateSchema(ma.Schema):
    endpoint = ma.fields.String(required=True, validate=[validate.Length(min=8, max=2048), _plain_ascii])
    keys = ma.fields.Nested(SubscriptionKeysSchema, required=True)
    expirationTime = ma.fields.Raw(allow_none=True, load_default=None)  # sent by PushSubscription.toJSON()


class SubscriptionDeleteSchema(ma.Schema):
    endpoint = ma.fields.String(required=True, validate=[validate.Length(min=8, max=2048), _plain_ascii])


class SubscriptionSchema(ma.Schema):
    id = ma.fields.Integer()
    endpoint = ma.fields.String()
    created_at = ma.fields.AwareDateTime()


class RecommendationSchema(ma.Schema):
    nurse_id = ma.fields.Integer()
    name = ma.fields.String()
    score = ma.fields.Float()
    distance_km = ma.fields.Float(allow_none=True)
    eta_minutes = ma.fields.Integer(allow_none=True)
    reasons = ma.fields.List(ma.fields.String())


class RecommendationQueryArgsSchema(ma.Schema):
    limit = ma.fields.Integer(load_default=25, validate=validate.Range(min=1, max=500))
