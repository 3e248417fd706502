"""Nurse availability, web push subscriptions and recommendations (nested in routes.blp)."""
import os

from flask import current_app, request
from flask.views import MethodView

from backend.api import Blueprint, current_actor, get_clock
from backend.config import INSTANCE
from backend.db import get_session
from backend.dispatch import dispatcher, push_service, runtime
from backend.dispatch.push import PushSender, load_vapid, parse_allowed_hosts
from backend.dispatch.push_schemas import (
    MyStatusResultSchema, MyStatusSchema, RecommendationQueryArgsSchema, RecommendationSchema, SubscriptionCreateSchema, SubscriptionDeleteSchema,
    SubscriptionSchema, VapidKeySchema,
)
from backend.dispatch.recommend import HaversineEstimator

blp = Blueprint("dispatch_push", __name__, description="Availability, web push and recommendations")


def _setting(app, name: str, default=None):
    value = app.config.get(name)
    return value if value is not None else os.environ.get(name, default)


def install(app) -> runtime.DispatchRuntime:
    """Give the app its dispatch runtime (VAPID key, push sender, estimator); idempotent."""
    existing = app.extensions.get("dispatch")
    if existing is not None:
        return existing
    vapid = load_vapid(
        private_key=_setting(app, "VAPID_PRIVATE_KEY"),
        instance_dir=app.config.get("VAPID_INSTANCE_DIR") or INSTANCE,
    )
    sender = PushSender(
        vapid=vapid,
        subject=_setting(app, "VAPID_SUBJECT", "mailto:beheer@wijkspoed.nl"),
        allowed_hosts=parse_allowed_hosts(app.config.get("PUSH_ALLOWED_HOSTS")),
        timeout=float(_setting(app, "PUSH_TIMEOUT_SECONDS", 10)),
    )
    estimator = HaversineEstimator(
        road_factor=float(_setting(app, "TRAVEL_ROAD_FACTOR", 1.3)),
        speed_kmh=float(_setting(app, "TRAVEL_SPEED_KMH", 40)),
    )
    rt = runtime.DispatchRuntime(
        engine=app.extensions["db_engine"], sender=sender, clock=app.extensions["clock"], estimator=estimator,
        # Tests run after-commit work in line (deterministic); servers on a worker thread.
        mode=_setting(app, "PUSH_DELIVERY", "inline" if app.testing else "thread"),
    )
    runtime.register(rt)
    app.extensions["dispatch"] = rt
    return rt


@blp.record_once
def _install(state):
    install(state.app)


def _runtime() -> runtime.DispatchRuntime:
    return current_app.extensions["dispatch"]


@blp.route("/me/status")
class MyStatusViews(MethodView):
    @blp.auth("nurse")
    @blp.arguments(MyStatusSchema)
    @blp.response(200, MyStatusResultSchema)
    @blp.alt_response(409, description="You hold a call (busy)")
    def post(self, data):
        """Say you are available or off duty"""
        return dispatcher.set_my_status(get_session(), actor=current_actor(), status=data["status"],
                                        now=get_clock().now())


@blp.route("/push/vapid-public-key")
class VapidKeyViews(MethodView):
    @blp.auth()
    @blp.response(200, VapidKeySchema)
    def get(self):
        """Get the server's VAPID public key (the browser's applicationServerKey)"""
        return {"public_key": _runtime().sender.public_key}


@blp.route("/push/subscriptions")
class SubscriptionViews(MethodView):
    @blp.auth("nurse", "coordinator", "team_lead")
    @blp.arguments(SubscriptionCreateSchema)
    @blp.response(201, SubscriptionSchema)
    @blp.alt_response(422, description="Endpoint not on the push allow-list, or malformed keys")
    def post(self, data):
        """Subscribe this browser to web push"""
        subscription, _created = push_service.subscribe(
            get_session(), user_id=current_actor().user_id, endpoint=data["endpoint"],
            p256dh=data["keys"]["p256dh"], auth=data["keys"]["auth"],
            allowed_hosts=_runtime().sender.allowed_hosts, now=get_clock().now(),
            user_agent=(request.user_agent.string or "")[:255] or None,
        )
        return subscription

    @blp.auth()
    @blp.arguments(SubscriptionDeleteSchema)
    @blp.response(204)
    def delete(self, data):
        """Unsubscribe this browser (at logout: a shared phone must not get the next user's pushes)"""
        push_service.unsubscribe(get_session(), user_id=current_actor().user_id, endpoint=data["endpoint"])


@blp.route("/calls/<int:call_id>/recommendations")
class RecommendationViews(MethodView):
    @blp.auth("coordinator", "team_lead")
    @blp.arguments(RecommendationQueryArgsSchema, location="query")
    @blp.response(200, RecommendationSchema(many=True))
    def get(self, args, call_id):
        """Rank the available nurses for a call, best first, with reasons (the best `limit`, default 25)"""
        return dispatcher.recommendations(get_session(), actor=current_actor(), call_id=call_id,
                                          now=get_clock().now(), limit=args["limit"],
                                          estimator=_runtime().estimator)
