"""HTTP shapes for the audit trail."""
import marshmallow as ma
from marshmallow import validate

from backend.api import ID, AutoSchema
from backend.audit.models import AuditEvent


class AuditEventSchema(AutoSchema, model=AuditEvent):
    detail = ma.fields.Dict()


class AuditQueryArgsSchema(ma.Schema):
    client_id = ma.fields.Integer(validate=ID)
    limit = ma.fields.Integer(load_default=500, validate=validate.Range(min=1, max=5000))
