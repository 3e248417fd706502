"""GET /healthz (the process serves) and GET /readyz (and the database answers, schema current): no login."""
from flask.views import MethodView

from backend.api import Blueprint
from backend.db import get_session
from backend.ops import service
from backend.ops.schemas import HealthSchema

blp = Blueprint("ops", __name__, url_prefix="", description="Health checks for a load balancer")


@blp.route("/healthz")
class HealthViews(MethodView):
    @blp.endpoint(public=True, response=HealthSchema)
    def get(self):
        """Liveness: 200 while the process serves"""
        return service.liveness()


@blp.route("/readyz")
class ReadyViews(MethodView):
    @blp.endpoint(public=True, response=HealthSchema,
                  alt={503: "The database does not answer or its migrations are not current"})
    def get(self):
        """Readiness: 200 when the database answers and migrations are current, else 503 with a reason"""
        return service.readiness(get_session())
