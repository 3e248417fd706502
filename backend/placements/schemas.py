"""HTTP shapes for placement requests."""
import marshmallow as ma
from marshmallow import validate

from backend.api import ID, AutoSchema
from backend.capacity.schemas import BED_TYPE, LocationSchema
from backend.clients.schemas import ClientSummarySchema
from backend.placements.models import Placement, PlacementEvent
from backend.visits.models import Handover
from backend.vocab import PLACEMENT_STATUSES

UUID = validate.Regexp(r"^[0-9a-fA-F-]{36}$", error="Een id van een bezoek of overdracht is een UUID.")


class HandoverSbarSchema(AutoSchema,
        model=Handover,
        fields=("id", "situation", "background", "assessment", "recommendation")):
    """The SBAR handover a request carries."""


class PlacementSchema(AutoSchema, model=Placement):
    client = ma.fields.Nested(ClientSummarySchema, dump_only=True)
    location = ma.fields.Nested(LocationSchema, dump_only=True, allow_none=True)
    handover = ma.fields.Nested(HandoverSbarSchema, dump_only=True, allow_none=True)


class PlacementCreateSchema(ma.Schema):
    client_id = ma.fields.Integer(required=True, validate=ID)
    bed_type = ma.fields.String(required=True, validate=BED_TYPE)
    question = ma.fields.String(required=True, validate=validate.Length(min=1, max=4000))
    visit_id = ma.fields.String(validate=UUID, allow_none=True)
    handover_id = ma.fields.String(validate=UUID, allow_none=True)


class PlacementQueryArgsSchema(ma.Schema):
    status = ma.fields.String(validate=validate.OneOf(tuple(PLACEMENT_STATUSES)))
    limit = ma.fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))


class PlacementOfferSchema(ma.Schema):
    location_id = ma.fields.Integer(required=True, validate=ID)


class ReasonSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=validate.Length(min=1, max=500))


class PlacementEventSchema(AutoSchema, model=PlacementEvent, exclude=("placement_id",)):
    detail = ma.fields.Dict()
