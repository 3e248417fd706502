"""POST /api/calls/{id}/delivery: the service worker's report that an offer was shown."""
import marshmallow as ma
from flask.views import MethodView
from marshmallow import validate

from backend.api import Blueprint, current_actor, get_clock
from backend.db import get_session
from backend.delivery import service

blp = Blueprint("delivery", __name__, url_prefix="/api", description="Offer delivery reports from the phone")


class DeliveryReportSchema(ma.Schema):
    status = ma.fields.String(required=True, validate=validate.OneOf(tuple(service.EVENT_TYPES)))
    at = ma.fields.AwareDateTime()  # the phone's own clock: informative only


class DeliverySchema(ma.Schema):
    call_id = ma.fields.Integer()
    type = ma.fields.String()
    at = ma.fields.AwareDateTime()
    nurse_id = ma.fields.Integer()


@blp.route("/calls/<int:call_id>/delivery")
class CallDeliveryViews(MethodView):
    @blp.auth("nurse")
    @blp.arguments(DeliveryReportSchema)
    @blp.response(200, DeliverySchema)
    @blp.alt_response(409, description="The call is not (or no longer) offered to you")
    def post(self, data, call_id):
        """Report that the offer was shown on the phone (or could not be)"""
        return service.report_delivery(get_session(), actor=current_actor(), call_id=call_id,
                                       status=data["status"], now=get_clock().now())
