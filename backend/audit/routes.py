"""Read the audit trail."""
from flask.views import MethodView

from backend.api import Blueprint, current_actor
from backend.audit import service
from backend.audit.schemas import AuditEventSchema, AuditQueryArgsSchema
from backend.db import get_session

blp = Blueprint("audit", __name__, url_prefix="/api", description="The audit trail of access to client data")


@blp.route("/audit")
class AuditViews(MethodView):
    @blp.endpoint("admin", "team_lead", query=AuditQueryArgsSchema, response=AuditEventSchema(many=True))
    def get(self, args):
        """List audit events, newest first (a team lead: about her team's clients)"""
        return service.list_events(get_session(), actor=current_actor(), **args)
