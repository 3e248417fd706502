"""HTTP shapes for locations, the capacity board and its history."""
import marshmallow as ma
from marshmallow import validate

from backend.api import ID, AutoSchema
from backend.capacity.models import CapacityChange, Location
from backend.capacity.service import CapacityRow
from backend.clients.schemas import PHONE
from backend.vocab import BED_TYPES

BED_TYPE = validate.OneOf(tuple(BED_TYPES))


class LocationSchema(AutoSchema, model=Location):
    """A care location with temporary beds."""


class LocationCreateSchema(ma.Schema):
    organisation_id = ma.fields.Integer(required=True, validate=ID)
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=120))
    address = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    postcode = ma.fields.String(required=True, validate=validate.Regexp(
        r"^\d{4} ?[A-Za-z]{2}$", error="Een postcode is vier cijfers en twee letters, zoals 7411 BR."))
    lat = ma.fields.Float(required=True, validate=validate.Range(-90, 90))
    lon = ma.fields.Float(required=True, validate=validate.Range(-180, 180))
    phone = ma.fields.String(validate=PHONE, allow_none=True)
    bed_types = ma.fields.List(ma.fields.String(validate=BED_TYPE), required=True,
                               validate=validate.Length(min=1, max=len(BED_TYPES)))
    criteria = ma.fields.Dict(keys=ma.fields.String(validate=BED_TYPE),
                              values=ma.fields.String(validate=validate.Length(max=2000)))


class CapacityRowSchema(AutoSchema, dataclass=CapacityRow):
    """One line of the capacity board (a `service.CapacityRow`)."""


class CapacityQueryArgsSchema(ma.Schema):
    bed_type = ma.fields.String(validate=BED_TYPE)
    location_id = ma.fields.Integer(validate=ID)
    mine = ma.fields.Boolean(load_default=False)  # a bed manager: only her organisation's locations


class CapacityUpdateSchema(ma.Schema):
    free = ma.fields.Integer(required=True, validate=validate.Range(
        min=0, max=999, error="Het aantal vrije bedden ligt tussen 0 en 999."))
    criteria = ma.fields.String(validate=validate.Length(max=2000), allow_none=True)


class CapacityChangeSchema(AutoSchema, model=CapacityChange):
    """One change of a free count: who, when, from → to."""


class HistoryQueryArgsSchema(ma.Schema):
    location_id = ma.fields.Integer(validate=ID)
    from_ = ma.fields.AwareDateTime(data_key="from", attribute="start")
    to = ma.fields.AwareDateTime(attribute="end")
