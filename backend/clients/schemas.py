"""HTTP shapes for clients."""
from datetime import date

import marshmallow as ma
from marshmallow import validate

from backend.api import AutoSchema
from backend.clients.models import Client
from backend.clients.validation import is_valid_bsn, normalise_postcode

# The Netherlands, with a margin: coordinates elsewhere are a typo, not a client.
LAT_RANGE = validate.Range(50.5, 53.8, error="Breedtegraad ligt niet in Nederland (50.5–53.8).")
LON_RANGE = validate.Range(3.2, 7.3, error="Lengtegraad ligt niet in Nederland (3.2–7.3).")
# What normalise_postcode accepts, so the OpenAPI schema documents it (SA, SD and SS are still refused).
POSTCODE = validate.Regexp(r"^\s*[1-9][0-9]{3} ?[A-Za-z]{2}\s*$", error="Geen Nederlandse postcode (zoals 1234 AB).")
PHONE = validate.Regexp(r"^\+?[0-9 ()-]{6,20}$", error="Geen geldig telefoonnummer.")


class ClientSchema(AutoSchema, model=Client, exclude=("created_by_id", "created_team", "created_org")):
    """A client as her team or HAP sees her (the registering side's columns left out)."""


class ClientSummarySchema(AutoSchema,
        model=Client,
        fields=("id", "name", "birth_date", "address", "postcode", "city", "lat", "lon", "phone")):
    """What a call shows of its client."""


class ClientCreateSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=120))
    birth_date = ma.fields.Date(required=True)
    address = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    postcode = ma.fields.String(required=True, validate=[validate.Length(max=10), POSTCODE])
    city = ma.fields.String(required=True, validate=validate.Length(min=1, max=80))
    # Without coordinates the server finds them from postcode + the address's house number (backend/geo).
    lat = ma.fields.Float(validate=LAT_RANGE, allow_none=True)
    lon = ma.fields.Float(validate=LON_RANGE, allow_none=True)
    phone = ma.fields.String(validate=PHONE, allow_none=True)
    bsn = ma.fields.String(allow_none=True, validate=validate.Regexp(r"^[0-9]{8,9}$", error="Een BSN is 9 cijfers."))
    gp_name = ma.fields.String(validate=validate.Length(max=120), allow_none=True)

    @ma.validates("bsn")
    def _bsn(self, value, **_):
        if value is not None and not is_valid_bsn(value):
            raise ma.ValidationError("BSN voldoet niet aan de elfproef.")

    @ma.validates("birth_date")
    def _birth_date(self, value, **_):
        if not date(1900, 1, 1) <= value <= date.today():
            raise ma.ValidationError("Geboortedatum ligt niet tussen 1900 en vandaag.")

    @ma.post_load
    def _normalise(self, data, **_):
        postcode = normalise_postcode(data["postcode"])
        if postcode is None:
            raise ma.ValidationError({"postcode": ["Geen Nederlandse postcode (zoals 1234 AB)."]})
        data["postcode"] = postcode
        if data.get("bsn"):
            data["bsn"] = data["bsn"].zfill(9)
        return data


class ClientLookupArgsSchema(ma.Schema):
    """Either exact BSN + birth date (reaches any client), or part of a name (only the clients you already see)."""
    bsn = ma.fields.String(validate=validate.Regexp(r"^[0-9]{8,9}$"))
    birth_date = ma.fields.Date()
    name = ma.fields.String(validate=validate.Length(min=2, max=100, error="Typ 2 tot 100 tekens van de naam."),
                            metadata={"description": "part of the name, case-insensitive; only clients of your "
                                                     "team's or organisation's work; with birth_date: that day only"})

    @ma.validates_schema
    def _bsn_or_name(self, data, **_):
        if "bsn" in data and "birth_date" not in data:
            raise ma.ValidationError("Zoeken op BSN kan alleen samen met de geboortedatum.", "birth_date")
        if "bsn" not in data and "name" not in data:
            raise ma.ValidationError("Zoek op BSN en geboortedatum, of op (een deel van) de naam.", "bsn")
        if "bsn" in data and "name" in data:
            raise ma.ValidationError("Zoek op BSN en geboortedatum, of op naam — niet allebei.", "name")
        if "name" in data and len(data["name"].strip()) < 2:
            raise ma.ValidationError("Typ 2 tot 100 tekens van de naam.", "name")
