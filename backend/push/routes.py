"""Web push: the VAPID public key, this browser's subscription, and the phone's receipt for an offer."""
from flask import current_app, request
from flask.views import MethodView

from backend import vocab
from backend.api import Blueprint, current_actor, get_clock
from backend.db import get_session
from backend.push import service
from backend.push.schemas import (
    ReceiptCreateSchema, ReceiptSchema, SubscriptionCreateSchema, SubscriptionDeleteSchema, SubscriptionSchema,
    VapidKeySchema,
)

blp = Blueprint("push", __name__, url_prefix="/api", description="Web push and offer delivery receipts")


def _sender():
    return current_app.extensions["push"].sender


@blp.route("/push/vapid-public-key")
class VapidKeyViews(MethodView):
    @blp.endpoint(response=VapidKeySchema)
    def get(self):
        """Get the server's VAPID public key (the browser's applicationServerKey)"""
        return _sender()


@blp.route("/push/subscriptions")
class SubscriptionViews(MethodView):
    @blp.endpoint(*vocab.PUSH_ROLES, body=SubscriptionCreateSchema, status=201, response=SubscriptionSchema,
                  alt={422: "Endpoint not on the push allow-list, or malformed keys"})
    def post(self, data):
        """Subscribe this browser to web push"""
        return service.subscribe(
            get_session(), user_id=current_actor().user_id, endpoint=data["endpoint"],
            p256dh=data["keys"]["p256dh"], auth=data["keys"]["auth"],
            allowed_hosts=_sender().allowed_hosts, now=get_clock().now(),
            user_agent=(request.user_agent.string or "")[:255] or None,
        )

    @blp.endpoint(body=SubscriptionDeleteSchema, status=204)
    def delete(self, data):
        """Unsubscribe this browser (at logout: a shared phone must not get the next user's pushes)"""
        service.unsubscribe(get_session(), user_id=current_actor().user_id, endpoint=data["endpoint"])


@blp.route("/calls/<int:call_id>/delivery")
class CallDeliveryViews(MethodView):
    @blp.endpoint("nurse", body=ReceiptCreateSchema, response=ReceiptSchema,
                  alt={409: "The call is not (or no longer) offered to you"})
    def post(self, data, call_id):
        """Report that the offer was shown on the phone (or could not be)"""
        return service.record_receipt(get_session(), actor=current_actor(), call_id=call_id,
                                      status=data["status"], now=get_clock().now())
