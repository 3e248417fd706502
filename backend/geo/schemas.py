"""HTTP shapes for address lookup."""
import marshmallow as ma
from marshmallow import validate

from backend.clients.schemas import LAT_RANGE, LON_RANGE, POSTCODE


class AddressQueryArgsSchema(ma.Schema):
    postcode = ma.fields.String(required=True, validate=[validate.Length(max=10), POSTCODE])
    house_number = ma.fields.String(required=True, validate=validate.Regexp(
        r"^\s*[1-9][0-9]{0,4}\s*[-/ ]?\s*[A-Za-z0-9]{0,4}\s*$", error="Geen huisnummer (zoals 12 of 12a)."))


class AddressSchema(ma.Schema):
    street = ma.fields.String()
    house_number = ma.fields.String()
    address = ma.fields.String()
    postcode = ma.fields.String()
    city = ma.fields.String()
    lat = ma.fields.Float()
    lon = ma.fields.Float()


class PositionSchema(ma.Schema):
    """Where the nurse's phone is, at the client's door."""

    lat = ma.fields.Float(required=True, validate=LAT_RANGE)
    lon = ma.fields.Float(required=True, validate=LON_RANGE)
