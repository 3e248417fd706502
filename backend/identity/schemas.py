"""HTTP shapes for identity."""
import marshmallow as ma
from marshmallow import validate

from backend.api import AutoSchema
from backend.identity.models import Team, User
from backend.vocab import ROLES, SKILL_PATTERN, TEAMS

SKILL = validate.Regexp(SKILL_PATTERN, error="Vaardigheden zijn korte codes zoals 'iv_therapy'.")


class UserSchema(AutoSchema):
    class Meta:
        model = User
        exclude = ("password_hash", "created_at", "availability_set_at")

    skills = ma.fields.List(ma.fields.String())
    availability = ma.fields.String(dump_only=True)


class MeSchema(UserSchema):
    """The user's own fields and the CSRF token of a cookie session (None for a bearer token)."""

    csrf_token = ma.fields.String(allow_none=True)

    def get_attribute(self, obj, attr, default):
        """Read the user's fields from `Me.user`, the token from `Me`."""
        return super().get_attribute(obj if attr == "csrf_token" else obj.user, attr, default)


class UserCreateSchema(ma.Schema):
    username = ma.fields.String(required=True, validate=validate.Regexp(
        r"^[A-Za-z0-9_.@-]{3,80}$", error="3–80 tekens: letters, cijfers, _ . @ -"))
    password = ma.fields.String(required=True, load_only=True, validate=validate.Length(min=10, max=256))
    role = ma.fields.String(required=True, validate=validate.OneOf(ROLES))
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=120))
    team = ma.fields.String(validate=validate.OneOf(TEAMS), allow_none=True)
    organisation = ma.fields.String(validate=validate.Length(min=1, max=120), allow_none=True)
    skills = ma.fields.List(ma.fields.String(validate=SKILL), validate=validate.Length(max=30))
    base_lat = ma.fields.Float(validate=validate.Range(-90, 90), allow_none=True)
    base_lon = ma.fields.Float(validate=validate.Range(-180, 180), allow_none=True)


class UserUpdateSchema(ma.Schema):
    """What an admin may change on an account; `active: false` ends its sessions and tokens at once."""

    active = ma.fields.Boolean()
    role = ma.fields.String(validate=validate.OneOf(ROLES))
    team = ma.fields.String(validate=validate.OneOf(TEAMS), allow_none=True)
    skills = ma.fields.List(ma.fields.String(validate=SKILL), validate=validate.Length(max=30))
    name = ma.fields.String(validate=validate.Length(min=1, max=120))


class UserQueryArgsSchema(ma.Schema):
    role = ma.fields.String(validate=validate.OneOf(ROLES))
    team = ma.fields.String(validate=validate.OneOf(TEAMS))


class LoginSchema(ma.Schema):
    username = ma.fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = ma.fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=256))


class LoginResultSchema(ma.Schema):
    user = ma.fields.Nested(UserSchema)
    csrf_token = ma.fields.String()


class TokenCreateSchema(ma.Schema):
    username = ma.fields.String(required=True, validate=validate.Length(min=1, max=80))
    label = ma.fields.String(required=True, validate=validate.Length(min=1, max=120))


class TokenSchema(ma.Schema):
    token = ma.fields.String()
    label = ma.fields.String()


class TokenInfoSchema(ma.Schema):
    """A token as an admin sees it in the list: never the secret."""

    id = ma.fields.Integer()
    username = ma.fields.String()
    label = ma.fields.String()
    created_at = ma.fields.AwareDateTime()
    created_by = ma.fields.String(allow_none=True)
    last_used_at = ma.fields.AwareDateTime(allow_none=True)


class TeamSchema(AutoSchema):
    class Meta:
        model = Team


class TeamUpdateSchema(ma.Schema):
    name = ma.fields.String(validate=validate.Length(min=1, max=120))
    target_u2_minutes = ma.fields.Integer(validate=validate.Range(5, 240))
    target_u3_minutes = ma.fields.Integer(validate=validate.Range(15, 720))
    target_u4_minutes = ma.fields.Integer(validate=validate.Range(30, 1440))
    target_u5_minutes = ma.fields.Integer(validate=validate.Range(60, 4320))
    ack_window_u2_seconds = ma.fields.Integer(validate=validate.Range(30, 1800))
    ack_window_seconds = ma.fields.Integer(validate=validate.Range(30, 3600))
    auto_offer = ma.fields.Boolean()
    handover_ack_alert_minutes = ma.fields.Integer(validate=validate.Range(15, 10080))
