"""Locations, the capacity board and its history."""
from flask.views import MethodView

from backend.api import Blueprint, current_actor, get_clock
from backend.capacity import service
from backend.capacity.schemas import (
    CapacityChangeSchema, CapacityQueryArgsSchema, CapacityRowSchema, CapacityUpdateSchema, HistoryQueryArgsSchema,
    LocationCreateSchema, LocationSchema,
)
from backend.db import get_session
from backend.vocab import CAPACITY_READ_ROLES

blp = Blueprint("capacity", __name__, url_prefix="/api", description="Temporary beds: locations, free counts, history")


@blp.route("/locations")
class LocationViews(MethodView):
    @blp.endpoint("admin", body=LocationCreateSchema, status=201, response=LocationSchema)
    def post(self, data):
        """Add a care provider's location with its bed types"""
        return service.create_location(get_session(), data=data, now=get_clock().now())


@blp.route("/capacity")
class CapacityViews(MethodView):
    @blp.endpoint(*CAPACITY_READ_ROLES, query=CapacityQueryArgsSchema, response=CapacityRowSchema(many=True))
    def get(self, args):
        """The board: free beds per location and bed type, with `stale` for a count older than 12 hours"""
        return service.list_board(get_session(), actor=current_actor(), now=get_clock().now(), **args)


@blp.route("/capacity/<int:location_id>/<string:bed_type>")
class CapacityByBedViews(MethodView):
    @blp.endpoint("bed_manager", "regional_coordinator", body=CapacityUpdateSchema, response=CapacityRowSchema)
    def put(self, data, location_id, bed_type):
        """Set (or confirm) the free beds of a bed type at a location of your organisation"""
        return service.set_free(get_session(), actor=current_actor(), location_id=location_id,
                                bed_type=bed_type, now=get_clock().now(), **data)


@blp.route("/capacity/history")
class CapacityHistoryViews(MethodView):
    @blp.endpoint("regional_coordinator", "team_lead", "bed_manager", query=HistoryQueryArgsSchema,
                  response=CapacityChangeSchema(many=True))
    def get(self, args):
        """Every change of a free count (who, when, from → to), newest first"""
        return service.list_history(get_session(), actor=current_actor(), **args)
