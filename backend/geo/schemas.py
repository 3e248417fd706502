"""HTTP shapes for address lookup."""
import marshmallow as ma
from marshmallow import validate

from backend.api import AutoSchema
from backend.clients.schemas import LAT_RANGE, LON_RANGE, POSTCODE
from backend.geo.geocoder import Address


class AddressQueryArgsSchema(ma.Schema):
    postcode = ma.fields.String(required=True, validate=[validate.Length(max=10), POSTCODE])
    house_number = ma.fields.String(required=True, validate=validate.Regexp(
        r"^\s*[1-9][0-9]{0,4}\s*[-/ ]?\s*[A-Za-z0-9]{0,4}\s*$", error="Geen huisnummer (zoals 12 of 12a)."))


class AddressSchema(AutoSchema, dataclass=Address):
    address = ma.fields.String()  # street and house number, as a client's address is written


class PositionSchema(ma.Schema):
    """Where the nurse's phone is, at the client's door."""

    lat = ma.fields.Float(required=True, validate=LAT_RANGE)
    lon = ma.fields.Float(required=True, validate=LON_RANGE)
