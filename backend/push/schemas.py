"""HTTP shapes for web push subscriptions and offer delivery receipts."""
import marshmallow as ma
from marshmallow import validate

from backend.api import AutoSchema
from backend.dispatch.models import CallEvent
from backend.push.models import PushSubscription
from backend.push.service import RECEIPT_EVENTS


def _plain_ascii(value: str) -> None:
    """Push endpoints and keys are printable ASCII (no NUL, no control characters)."""
    if not (value.isascii() and value.isprintable()):
        raise ma.ValidationError("Alleen gewone ASCII-tekens zijn toegestaan.")


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


class SubscriptionSchema(AutoSchema, model=PushSubscription, fields=("id", "endpoint", "created_at")):
    """A phone's push subscription as its owner sees it (never its keys)."""


class ReceiptCreateSchema(ma.Schema):
    status = ma.fields.String(required=True, validate=validate.OneOf(tuple(RECEIPT_EVENTS)))
    at = ma.fields.AwareDateTime()  # the phone's own clock: informative only


class ReceiptSchema(AutoSchema, model=CallEvent, fields=("call_id", "type", "at", "nurse_id")):
    """A push delivery receipt: the call event it wrote."""
