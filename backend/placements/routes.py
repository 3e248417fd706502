"""Placement requests: request, offer to a location, accept/decline, admitted, cancel."""
from flask.views import MethodView

from backend.api import Blueprint, current_actor, get_clock
from backend.db import get_session
from backend.placements import service
from backend.placements.schemas import (
    PlacementCreateSchema, PlacementEventSchema, PlacementOfferSchema, PlacementQueryArgsSchema, PlacementSchema,
    ReasonSchema,
)
from backend.vocab import TEAM_ROLES

blp = Blueprint("placements", __name__, url_prefix="/api", description="Requests for a temporary bed")

READERS = ("regional_coordinator", "bed_manager") + TEAM_ROLES


@blp.route("/placements")
class PlacementViews(MethodView):
    @blp.endpoint(*READERS, query=PlacementQueryArgsSchema, response=PlacementSchema(many=True))
    def get(self, args):
        """List the requests you may see (a bed manager: those offered to her organisation), longest waiting first"""
        return service.list_placements(get_session(), actor=current_actor(), now=get_clock().now(), **args)

    @blp.endpoint("nurse", "coordinator", "regional_coordinator", body=PlacementCreateSchema, status=201,
                  response=PlacementSchema)
    def post(self, data):
        """Request a temporary bed of a type for a client"""
        return service.create_placement(get_session(), actor=current_actor(), data=data, now=get_clock().now())


@blp.route("/placements/<int:placement_id>")
class PlacementByIdViews(MethodView):
    @blp.endpoint(*READERS, response=PlacementSchema)
    def get(self, placement_id):
        """Read a request with its client and SBAR handover (audited)"""
        return service.get_placement(get_session(), actor=current_actor(), placement_id=placement_id,
                                     now=get_clock().now())


@blp.route("/placements/<int:placement_id>/events")
class PlacementEventViews(MethodView):
    @blp.endpoint(*READERS, response=PlacementEventSchema(many=True))
    def get(self, placement_id):
        """Every step of a request, oldest first"""
        return service.list_events(get_session(), actor=current_actor(), placement_id=placement_id,
                                   now=get_clock().now())


@blp.route("/placements/<int:placement_id>/offer")
class PlacementOfferViews(MethodView):
    @blp.endpoint("regional_coordinator", "coordinator", body=PlacementOfferSchema, response=PlacementSchema)
    def post(self, data, placement_id):
        """Put a request to a location; its bed managers get a web push"""
        return service.offer_placement(get_session(), actor=current_actor(), placement_id=placement_id,
                                       location_id=data["location_id"], now=get_clock().now())


@blp.route("/placements/<int:placement_id>/accept")
class PlacementAcceptViews(MethodView):
    @blp.endpoint("bed_manager", response=PlacementSchema,
                  alt={409: "No free bed of this type left, or the request moved on"})
    def post(self, placement_id):
        """Accept a request offered to your location: one bed of its type is taken at once"""
        return service.accept_placement(get_session(), actor=current_actor(), placement_id=placement_id,
                                        now=get_clock().now())


@blp.route("/placements/<int:placement_id>/decline")
class PlacementDeclineViews(MethodView):
    @blp.endpoint("bed_manager", body=ReasonSchema, response=PlacementSchema)
    def post(self, data, placement_id):
        """Decline a request offered to your location, with a reason (it goes back to requested)"""
        return service.decline_placement(get_session(), actor=current_actor(), placement_id=placement_id,
                                         reason=data["reason"], now=get_clock().now())


@blp.route("/placements/<int:placement_id>/admitted")
class PlacementAdmittedViews(MethodView):
    @blp.endpoint("bed_manager", response=PlacementSchema)
    def post(self, placement_id):
        """Record that the client arrived at your location"""
        return service.admit_placement(get_session(), actor=current_actor(), placement_id=placement_id,
                                       now=get_clock().now())


@blp.route("/placements/<int:placement_id>/cancel")
class PlacementCancelViews(MethodView):
    @blp.endpoint("nurse", "coordinator", "regional_coordinator", body=ReasonSchema, response=PlacementSchema)
    def post(self, data, placement_id):
        """Cancel a request (its requester or the regional coordinator); an accepted bed is given back"""
        return service.cancel_placement(get_session(), actor=current_actor(), placement_id=placement_id,
                                        reason=data["reason"], now=get_clock().now())
