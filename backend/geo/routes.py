"""Look up an address by postcode and house number (public BAG data: no client data, nothing to audit)."""
from flask import current_app
from flask.views import MethodView

from backend.api import Blueprint, current_actor, get_clock
from backend.clients.schemas import ClientSchema
from backend.db import get_session
from backend.geo import service
from backend.geo.schemas import AddressQueryArgsSchema, AddressSchema, PositionSchema
from backend.vocab import CALL_READ_ROLES

blp = Blueprint("geo", __name__, url_prefix="/api", description="Addresses")


def current_geocoder():
    """Return the app's geocoder (tests give one that points at a local fake server)."""
    return current_app.extensions["geocoder"]


@blp.route("/geo/address")
class AddressViews(MethodView):
    @blp.endpoint(*CALL_READ_ROLES, query=AddressQueryArgsSchema, response=AddressSchema,
                  alt={404: "No address at this postcode and house number", 503: "The geocoder did not answer in time"})
    def get(self, args):
        """Find the street, place and coordinates of a postcode and house number"""
        return service.find_address(geocoder=current_geocoder(), **args)


@blp.route("/clients/<int:client_id>/position")
class ClientPositionViews(MethodView):
    @blp.endpoint("nurse", body=PositionSchema, response=ClientSchema,
                  alt={409: "The client's address is already on the map"})
    def post(self, data, client_id):
        """Place a client whose address was not found, from the phone of the nurse at her door"""
        return service.place_client(get_session(), actor=current_actor(), client_id=client_id, now=get_clock().now(),
                                    **data)
