"""Answers of the health checks."""
import marshmallow as ma

from backend.api import AutoSchema
from backend.ops.service import Health


class HealthSchema(AutoSchema, dataclass=Health):
    status = ma.fields.String(required=True)
