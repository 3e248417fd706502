"""Night-shift planning: shift types, proposals, the adopted roster, its check, calendars and gap alerts."""
from flask import Response, current_app
from flask.views import MethodView

from backend.api import Blueprint, current_actor, get_clock
from backend.db import get_session
from backend.roster import gaps, plans, publish, service, swaps
from backend.roster.schemas import (
    AssignmentCreateSchema,
    AssignmentSchema,
    AssignmentUpdateSchema,
    CheckArgsSchema,
    ContractArgsSchema,
    ContractSchema,
    EventSchema,
    GapAlertSchema,
    GenerateSchema,
    NurseSchema,
    ProposalSchema,
    PublicationSchema,
    PublishSchema,
    RulesSchema,
    ShiftTypeCreateSchema,
    ShiftTypeSchema,
    ShiftTypeUpdateSchema,
    SwapArgsSchema,
    SwapCreateSchema,
    SwapSchema,
    TeamArgsSchema,
    UnavailabilityCreateSchema,
    UnavailabilitySchema,
    ViolationSchema,
    WindowArgsSchema,
    WishCreateSchema,
    WishSchema,
)
from backend.vocab import TEAM_ROLES

blp = Blueprint("roster", __name__, url_prefix="/api/roster", description="Night-shift planning (ANW roster)")

LEAD = ("team_lead",)


@blp.route("/generate")
class GenerateViews(MethodView):
    @blp.endpoint(*LEAD, body=GenerateSchema, status=201, response=ProposalSchema,
                  alt={422: "Bad period, or nothing can be planned (the reason is in the message)"})
    def post(self, data):
        """Generate a roster proposal with CP-SAT (hard rules never broken, pinned shifts kept)"""
        return plans.generate_roster(get_session(), actor=current_actor(), now=get_clock().now(),
                                     time_limit=current_app.config["ROSTER_TIME_LIMIT"], **data)


@blp.route("/proposals/<int:proposal_id>")
class ProposalByIdViews(MethodView):
    @blp.endpoint(*LEAD, response=ProposalSchema)
    def get(self, proposal_id):
        """Read a roster proposal"""
        return plans.get_proposal(get_session(), actor=current_actor(), proposal_id=proposal_id)


@blp.route("/proposals/<int:proposal_id>/adopt")
class ProposalAdoptViews(MethodView):
    @blp.endpoint(*LEAD, response=AssignmentSchema(many=True), alt={409: "Already adopted or discarded"})
    def post(self, proposal_id):
        """Adopt a proposal: it replaces the adopted roster in its period"""
        return plans.adopt_proposal(get_session(), actor=current_actor(), proposal_id=proposal_id,
                                    now=get_clock().now())


@blp.route("/assignments")
class AssignmentViews(MethodView):
    @blp.endpoint(*TEAM_ROLES, query=WindowArgsSchema, response=AssignmentSchema(many=True))
    def get(self, args):
        """List the adopted roster in a window (a nurse: her own shifts)"""
        return service.list_assignments(get_session(), actor=current_actor(), now=get_clock().now(), **args)

    @blp.endpoint(*LEAD, body=AssignmentCreateSchema, status=201, response=AssignmentSchema)
    def post(self, data):
        """Put a nurse on a shift by hand (GET /check reports what it breaks)"""
        return service.add_assignment(get_session(), actor=current_actor(), data=data, now=get_clock().now())


@blp.route("/assignments/<int:assignment_id>")
class AssignmentByIdViews(MethodView):
    @blp.endpoint(*LEAD, body=AssignmentUpdateSchema, response=AssignmentSchema)
    def patch(self, data, assignment_id):
        """Pin or unpin an assignment (pinned ones are kept when re-planning)"""
        return service.update_assignment(get_session(), actor=current_actor(), assignment_id=assignment_id,
                                         data=data)

    @blp.endpoint(*LEAD, status=204)
    def delete(self, assignment_id):
        """Take a nurse off a shift"""
        service.delete_assignment(get_session(), actor=current_actor(), assignment_id=assignment_id,
                                  now=get_clock().now())


@blp.route("/check")
class CheckViews(MethodView):
    @blp.endpoint(*LEAD, query=CheckArgsSchema, response=ViolationSchema(many=True))
    def get(self, args):
        """List every broken rule and every gap of the adopted roster, in Dutch"""
        return plans.check_roster(get_session(), actor=current_actor(), **args)


@blp.route("/nurses/<int:nurse_id>/calendar.ics")
class CalendarViews(MethodView):
    @blp.auth("team_lead", "nurse")
    @blp.doc(responses={"200": {"description": "iCalendar (RFC 5545)",
                                "content": {"text/calendar": {"schema": {"type": "string"}}}}})
    def get(self, nurse_id):
        """Export a nurse's shifts as iCalendar"""
        body = service.nurse_calendar(get_session(), actor=current_actor(), nurse_id=nurse_id, now=get_clock().now())
        return Response(body, mimetype="text/calendar",
                        headers={"Content-Disposition": f'attachment; filename="diensten-{nurse_id}.ics"'})


@blp.route("/nurses")
class NurseViews(MethodView):
    @blp.endpoint("team_lead", "coordinator", query=TeamArgsSchema, response=NurseSchema(many=True))
    def get(self, args):
        """List the team's nurses with skills and contract hours"""
        return service.list_nurses(get_session(), actor=current_actor(), **args)


@blp.route("/nurses/<int:nurse_id>/contract")
class ContractViews(MethodView):
    @blp.endpoint(*LEAD, body=ContractArgsSchema, response=ContractSchema)
    def put(self, data, nurse_id):
        """Set a nurse's contract hours per week"""
        return service.set_contract(get_session(), actor=current_actor(), nurse_id=nurse_id, **data)


@blp.route("/shift-types")
class ShiftTypeViews(MethodView):
    @blp.endpoint(*TEAM_ROLES, query=TeamArgsSchema, response=ShiftTypeSchema(many=True))
    def get(self, args):
        """List the team's shift types and their staffing needs"""
        return service.list_shift_types(get_session(), actor=current_actor(), **args)

    @blp.endpoint(*LEAD, body=ShiftTypeCreateSchema, status=201, response=ShiftTypeSchema)
    def post(self, data):
        """Add a shift type with its minimum staffing and skill mix"""
        return service.create_shift_type(get_session(), actor=current_actor(), data=data)


@blp.route("/shift-types/<int:shift_type_id>")
class ShiftTypeByIdViews(MethodView):
    @blp.endpoint(*LEAD, body=ShiftTypeUpdateSchema(partial=True), response=ShiftTypeSchema)
    def patch(self, data, shift_type_id):
        """Change a shift type's times, days or needs"""
        return service.update_shift_type(get_session(), actor=current_actor(), shift_type_id=shift_type_id,
                                         data=data)


@blp.route("/unavailability")
class UnavailabilityViews(MethodView):
    @blp.endpoint(*TEAM_ROLES, query=WindowArgsSchema, response=UnavailabilitySchema(many=True))
    def get(self, args):
        """List unavailability in a window (a nurse: her own)"""
        return service.list_unavailability(get_session(), actor=current_actor(), now=get_clock().now(), **args)

    @blp.endpoint("team_lead", "nurse", body=UnavailabilityCreateSchema, status=201, response=UnavailabilitySchema)
    def post(self, data):
        """Record that a nurse cannot work in a span (leave, course, sick)"""
        return service.add_unavailability(get_session(), actor=current_actor(), data=data, now=get_clock().now())


@blp.route("/unavailability/<int:unavailability_id>")
class UnavailabilityByIdViews(MethodView):
    @blp.endpoint("team_lead", "nurse", status=204)
    def delete(self, unavailability_id):
        """Remove an unavailability"""
        service.delete_unavailability(get_session(), actor=current_actor(), unavailability_id=unavailability_id)


@blp.route("/wishes")
class WishViews(MethodView):
    @blp.endpoint("team_lead", "nurse", query=WindowArgsSchema, response=WishSchema(many=True))
    def get(self, args):
        """List wishes in a window with whether the adopted roster meets them (a nurse: her own)"""
        return service.list_wishes(get_session(), actor=current_actor(), now=get_clock().now(), **args)

    @blp.endpoint("team_lead", "nurse", body=WishCreateSchema, status=201, response=WishSchema)
    def post(self, data):
        """Record a wish: a day off, no nights in a week, or a shift to work"""
        return service.add_wish(get_session(), actor=current_actor(), data=data, now=get_clock().now())


@blp.route("/wishes/<int:wish_id>")
class WishByIdViews(MethodView):
    @blp.endpoint("team_lead", "nurse", status=204)
    def delete(self, wish_id):
        """Withdraw a wish"""
        service.delete_wish(get_session(), actor=current_actor(), wish_id=wish_id)


@blp.route("/rules/<string:team>")
class RulesViews(MethodView):
    @blp.endpoint(*LEAD, response=RulesSchema)
    def get(self, team):
        """Read the team's working-time rules (Arbeidstijdenwet defaults)"""
        return service.get_rules(get_session(), actor=current_actor(), team=team)

    @blp.endpoint(*LEAD, body=RulesSchema, response=RulesSchema)
    def patch(self, data, team):
        """Change some of the team's working-time rules"""
        return service.set_rules(get_session(), actor=current_actor(), team=team, data=data)


@blp.route("/alerts")
class GapAlertViews(MethodView):
    @blp.endpoint("team_lead", "coordinator", query=TeamArgsSchema, response=GapAlertSchema(many=True))
    def get(self, args):
        """List coverage gaps of the coming 24 h recorded by the clock"""
        return gaps.list_gap_alerts(get_session(), actor=current_actor(), now=get_clock().now(), **args)


@blp.route("/publications")
class PublicationViews(MethodView):
    @blp.endpoint(*TEAM_ROLES, query=TeamArgsSchema, response=PublicationSchema(many=True))
    def get(self, args):
        """List the team's published periods"""
        return publish.list_publications(get_session(), actor=current_actor(), **args)

    @blp.endpoint(*LEAD, body=PublishSchema, status=201, response=PublicationSchema,
                  alt={409: "The roster still breaks a working-time rule (the Dutch text is the message)"})
    def post(self, data):
        """Publish a period of the adopted roster: every nurse of the team gets a push"""
        return publish.publish_period(get_session(), actor=current_actor(), now=get_clock().now(), **data)


@blp.route("/events")
class EventViews(MethodView):
    @blp.endpoint("team_lead", "nurse", query=WindowArgsSchema, response=EventSchema(many=True))
    def get(self, args):
        """The roster's history: publications, changes to published shifts, swaps (a nurse: those touching her)"""
        return publish.list_events(get_session(), actor=current_actor(), now=get_clock().now(), **args)


@blp.route("/swaps")
class SwapViews(MethodView):
    @blp.endpoint("team_lead", "nurse", query=SwapArgsSchema, response=SwapSchema(many=True))
    def get(self, args):
        """List the team's swaps of shifts not yet over"""
        return swaps.list_swaps(get_session(), actor=current_actor(), now=get_clock().now(), **args)

    @blp.endpoint("nurse", body=SwapCreateSchema, status=201, response=SwapSchema)
    def post(self, data):
        """Offer one of my coming shifts to a colleague"""
        return swaps.offer_swap(get_session(), actor=current_actor(), now=get_clock().now(), **data)


@blp.route("/swaps/<int:swap_id>")
class SwapByIdViews(MethodView):
    @blp.endpoint("nurse", response=SwapSchema)
    def delete(self, swap_id):
        """Withdraw my offer while it is open"""
        return swaps.cancel_swap(get_session(), actor=current_actor(), swap_id=swap_id, now=get_clock().now())


@blp.route("/swaps/<int:swap_id>/take")
class SwapTakeViews(MethodView):
    @blp.endpoint("nurse", response=SwapSchema,
                  alt={409: "Taking it would break a rule for one of the two (the Dutch text is the message)"})
    def post(self, swap_id):
        """Take a colleague's offered shift (checked against every rule for both of us)"""
        return swaps.take_swap(get_session(), actor=current_actor(), swap_id=swap_id, now=get_clock().now())


@blp.route("/swaps/<int:swap_id>/approve")
class SwapApproveViews(MethodView):
    @blp.endpoint(*LEAD, response=SwapSchema, alt={409: "Not taken, or it now breaks a rule"})
    def post(self, swap_id):
        """Approve a taken swap: the shift moves to the taker"""
        return swaps.approve_swap(get_session(), actor=current_actor(), swap_id=swap_id, now=get_clock().now())


@blp.route("/swaps/<int:swap_id>/refuse")
class SwapRefuseViews(MethodView):
    @blp.endpoint(*LEAD, response=SwapSchema)
    def post(self, swap_id):
        """Refuse an open swap"""
        return swaps.refuse_swap(get_session(), actor=current_actor(), swap_id=swap_id, now=get_clock().now())
