"""HTTP shapes for the audit trail."""
import marshmallow as ma
from marshmallow import validate
from marshmallow_sqlalchemy import SQLAlchemyAutoSchema

from backend.audit.models import AuditEvent


class AuditEventSchema(SQLAlchemyAutoSchema):
    class Meta:
        model = AuditEvent
        include_fk = True

    at = ma.fields.AwareDateTime()
    detail = ma.fields.Dict()


class AuditQueryArgsSchema(ma.Schema):
    client_id = ma.fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    limit = ma.fields.Integer(load_default=500, validate=validate.Range(min=1, max=5000))
