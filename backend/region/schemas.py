"""HTTP shapes for organisations and teams."""
import marshmallow as ma
from marshmallow import validate

from backend.api import AutoSchema
from backend.identity.models import Organisation, Team
from backend.identity.schemas import TEAM_CODE
from backend.region.service import parse_range
from backend.vocab import ORGANISATION_KINDS, TEAM_KINDS


def _postcode_range(text: str) -> None:
    try:
        parse_range(text)
    except ValueError:
        raise ma.ValidationError("Een postcodegebied is '7411' of '7412-7429' (van laag naar hoog).")


POSTCODES = ma.fields.List(ma.fields.String(validate=_postcode_range), validate=validate.Length(max=200))


class OrganisationSchema(AutoSchema, model=Organisation):
    """An organisation of the region: a HAP, a care provider or a hospital."""


class OrganisationCreateSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=120))
    kind = ma.fields.String(required=True, validate=validate.OneOf(tuple(ORGANISATION_KINDS)))


class OrganisationQueryArgsSchema(ma.Schema):
    kind = ma.fields.String(validate=validate.OneOf(tuple(ORGANISATION_KINDS)))


class TeamSchema(AutoSchema, model=Team):
    postcodes = ma.fields.List(ma.fields.String())


class TeamUpdateSchema(ma.Schema):
    name = ma.fields.String(validate=validate.Length(min=1, max=120))
    postcodes = POSTCODES
    target_u2_minutes = ma.fields.Integer(validate=validate.Range(5, 240))
    target_u3_minutes = ma.fields.Integer(validate=validate.Range(15, 720))
    target_u4_minutes = ma.fields.Integer(validate=validate.Range(30, 1440))
    target_u5_minutes = ma.fields.Integer(validate=validate.Range(60, 4320))
    ack_window_u2_seconds = ma.fields.Integer(validate=validate.Range(30, 1800))
    ack_window_seconds = ma.fields.Integer(validate=validate.Range(30, 3600))
    auto_offer = ma.fields.Boolean()
    handover_ack_alert_minutes = ma.fields.Integer(validate=validate.Range(15, 10080))
    planned_lead_minutes = ma.fields.Integer(validate=validate.Range(0, 720))


class TeamCreateSchema(TeamUpdateSchema):
    code = ma.fields.String(required=True, validate=TEAM_CODE)
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=120))
    kind = ma.fields.String(required=True, validate=validate.OneOf(tuple(TEAM_KINDS)))
    postcodes = POSTCODES
