"""HTTP shapes for identity."""
import marshmallow as ma
from marshmallow import validate

from backend.api import ID, AutoSchema
from backend.identity.models import ApiToken, User
from backend.identity.service import NewToken
from backend.vocab import PROFESSIONS, ROLES, SKILL_PATTERN, TEAM_CODE_PATTERN

SKILL = validate.Regexp(SKILL_PATTERN, error="Vaardigheden zijn korte codes zoals 'iv_therapy'.")
# The shape of a team code; whether the team exists is the service's question (teams are rows).
TEAM_CODE = validate.Regexp(TEAM_CODE_PATTERN, error="Een teamcode is kort: kleine letters, cijfers, - of _.")
PHONE = validate.Regexp(r"^\+?[0-9 ()-]{6,30}$", error="Een telefoonnummer: cijfers, spaties, + ( ) -.")


class UserSchema(AutoSchema, model=User, exclude=("password_hash", "created_at", "availability_set_at")):
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
    team = ma.fields.String(validate=TEAM_CODE, allow_none=True)
    organisation_id = ma.fields.Integer(validate=ID, allow_none=True)
    skills = ma.fields.List(ma.fields.String(validate=SKILL), validate=validate.Length(max=30))
    base_lat = ma.fields.Float(validate=validate.Range(-90, 90), allow_none=True)
    base_lon = ma.fields.Float(validate=validate.Range(-180, 180), allow_none=True)
    profession = ma.fields.String(validate=validate.OneOf(PROFESSIONS), allow_none=True)
    phone = ma.fields.String(validate=PHONE, allow_none=True)


class UserUpdateSchema(ma.Schema):
    """What an admin may change on an account; `active: false` ends its sessions and tokens at once."""

    active = ma.fields.Boolean()
    role = ma.fields.String(validate=validate.OneOf(ROLES))
    team = ma.fields.String(validate=TEAM_CODE, allow_none=True)
    skills = ma.fields.List(ma.fields.String(validate=SKILL), validate=validate.Length(max=30))
    name = ma.fields.String(validate=validate.Length(min=1, max=120))
    profession = ma.fields.String(validate=validate.OneOf(PROFESSIONS), allow_none=True)
    phone = ma.fields.String(validate=PHONE, allow_none=True)


class UserQueryArgsSchema(ma.Schema):
    role = ma.fields.String(validate=validate.OneOf(ROLES))
    team = ma.fields.String(validate=TEAM_CODE)


class LoginSchema(ma.Schema):
    username = ma.fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = ma.fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=256))


class LoginResultSchema(ma.Schema):
    user = ma.fields.Nested(UserSchema)
    csrf_token = ma.fields.String()


class TokenCreateSchema(ma.Schema):
    username = ma.fields.String(required=True, validate=validate.Length(min=1, max=80))
    label = ma.fields.String(required=True, validate=validate.Length(min=1, max=120))


class TokenSchema(AutoSchema, dataclass=NewToken):
    """A new token: the secret is shown this once."""


class TokenInfoSchema(AutoSchema,
        model=ApiToken,
        fields=("id", "username", "label", "created_at", "created_by", "last_used_at")):
    """A token as an admin sees it in the list: never the secret; its owner and creator by username."""

    username = ma.fields.String()
    created_by = ma.fields.String(allow_none=True)

