"""Calls: intake, reading, every step of the state machine, recommendations and the nurse's availability."""
from flask.views import MethodView

from backend.api import Blueprint, current_actor, get_clock
from backend.db import get_session
from backend.dispatch import availability, planned, queries, service
from backend.dispatch.schemas import (
    CallCreateSchema, CallEventSchema, CallQueryArgsSchema, CallSchema, CancelSchema, DeclineSchema,
    MyStatusResultSchema, MyStatusSchema, OfferSchema, RecommendationQueryArgsSchema, RecommendationSchema,
    RescheduleSchema, RetriageSchema, StatusSchema,
)
from backend.geo.routes import current_geocoder
from backend.vocab import CALL_READ_ROLES

blp = Blueprint("calls", __name__, url_prefix="/api", description="Calls: intake and dispatch")

DISPATCH_ROLES = ("coordinator", "team_lead")
# The list's answer header: where the next poll starts (queries.poll_cursor).
NEXT_SINCE = "X-Next-Since"


@blp.route("/calls")
class CallViews(MethodView):
    @blp.endpoint(*CALL_READ_ROLES, query=CallQueryArgsSchema, response=CallSchema(many=True), headers={
        NEXT_SINCE: {"description": "The `updated_since` of the next poll (a little before this read, so a change "
                                    "that commits after it is not missed; some calls may come twice)",
                     "schema": {"type": "string", "format": "date-time"}}})
    def get(self, args):
        """List the calls of your team (a HAP: of your organisation), latest change first"""
        now = get_clock().now()
        calls = queries.list_calls(get_session(), actor=current_actor(), now=now, **args)
        return calls, {NEXT_SINCE: queries.poll_cursor(now).isoformat()}

    @blp.endpoint(*CALL_READ_ROLES, body=CallCreateSchema, status=201, response=CallSchema, idempotent=True)
    def post(self, data):
        """Raise a call (U0/U1 are refused: call 112); with an Idempotency-Key a retry gets the first answer"""
        return service.build_call(get_session(), actor=current_actor(), data=data, now=get_clock().now(),
                                  geocoder=current_geocoder())


@blp.route("/calls/<int:call_id>")
class CallByIdViews(MethodView):
    @blp.endpoint(*CALL_READ_ROLES, response=CallSchema)
    def get(self, call_id):
        """Read a call"""
        return queries.get_visible_call(get_session(), actor=current_actor(), call_id=call_id,
                                        now=get_clock().now())


@blp.route("/calls/<int:call_id>/events")
class CallEventViews(MethodView):
    @blp.endpoint(*CALL_READ_ROLES, response=CallEventSchema(many=True))
    def get(self, call_id):
        """List every transition of a call, oldest first"""
        return queries.list_events(get_session(), actor=current_actor(), call_id=call_id, now=get_clock().now())


@blp.route("/calls/<int:call_id>/offer")
class CallOfferViews(MethodView):
    @blp.endpoint(*DISPATCH_ROLES, body=OfferSchema, response=CallSchema,
                  alt={409: "Illegal transition or nurse not available"})
    def post(self, data, call_id):
        """Offer a call to a nurse"""
        return service.offer_call(get_session(), actor=current_actor(), call_id=call_id,
                                  nurse_id=data["nurse_id"], replace=data["replace"], now=get_clock().now())


@blp.route("/calls/<int:call_id>/accept")
class CallAcceptViews(MethodView):
    @blp.endpoint("nurse", response=CallSchema, alt={409: "Another nurse holds the call"})
    def post(self, call_id):
        """Accept a call offered to you (or an open call of your team)"""
        return service.accept_call(get_session(), actor=current_actor(), call_id=call_id, now=get_clock().now())


@blp.route("/calls/<int:call_id>/decline")
class CallDeclineViews(MethodView):
    @blp.endpoint("nurse", body=DeclineSchema, response=CallSchema, alt={409: "The call is not offered to you"})
    def post(self, data, call_id):
        """Decline a call offered to you"""
        return service.decline_call(get_session(), actor=current_actor(), call_id=call_id,
                                    reason=data.get("reason"), now=get_clock().now())


@blp.route("/calls/<int:call_id>/status")
class CallStatusViews(MethodView):
    @blp.endpoint("nurse", body=StatusSchema, response=CallSchema, alt={409: "Illegal transition"})
    def post(self, data, call_id):
        """Report en route or on site"""
        return service.set_call_status(get_session(), actor=current_actor(), call_id=call_id,
                                       status=data["status"], now=get_clock().now())


@blp.route("/calls/<int:call_id>/cancel")
class CallCancelViews(MethodView):
    @blp.endpoint("hap", *DISPATCH_ROLES, body=CancelSchema, response=CallSchema,
                  alt={409: "The call has already ended"})
    def post(self, data, call_id):
        """Cancel a call"""
        return service.cancel_call(get_session(), actor=current_actor(), call_id=call_id,
                                   reason=data["reason"], now=get_clock().now())


@blp.route("/calls/<int:call_id>/reschedule")
class CallRescheduleViews(MethodView):
    @blp.endpoint("nurse", *DISPATCH_ROLES, body=RescheduleSchema, response=CallSchema,
                  alt={409: "The call is no longer planned"})
    def post(self, data, call_id):
        """Move a planned follow-up visit to another time, with a reason (only while planned)"""
        return planned.reschedule_call(get_session(), actor=current_actor(), call_id=call_id,
                                       now=get_clock().now(), **data)


@blp.route("/calls/<int:call_id>/triage")
class CallTriageViews(MethodView):
    @blp.endpoint("hap", *DISPATCH_ROLES, body=RetriageSchema, response=CallSchema,
                  alt={409: "The call has already ended"})
    def post(self, data, call_id):
        """Re-triage a call: a new urgency moves its target"""
        return service.retriage_call(get_session(), actor=current_actor(), call_id=call_id, now=get_clock().now(),
                                     **data)



@blp.route("/calls/<int:call_id>/recommendations")
class RecommendationViews(MethodView):
    @blp.endpoint(*DISPATCH_ROLES, query=RecommendationQueryArgsSchema, response=RecommendationSchema(many=True))
    def get(self, args, call_id):
        """Rank the available nurses for a call, best first, with reasons (the best `limit`, default 25)"""
        return queries.recommendations(get_session(), actor=current_actor(), call_id=call_id,
                                       now=get_clock().now(), limit=args["limit"])


@blp.route("/me/status")
class MyStatusViews(MethodView):
    @blp.endpoint("nurse", body=MyStatusSchema, response=MyStatusResultSchema, alt={409: "You hold a call (busy)"})
    def post(self, data):
        """Say you are available or off duty"""
        return availability.set_my_status(get_session(), actor=current_actor(), status=data["status"],
                                          now=get_clock().now())
