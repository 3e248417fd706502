"""Outcomes: the figures of a period, the same per ISO week, and a pseudonymised export."""
from flask import Response
from flask.views import MethodView

from backend.api import Blueprint, current_actor, get_clock
from backend.db import get_session
from backend.outcomes import service
from backend.outcomes.schemas import FiguresSchema, PeriodArgsSchema, WeekFiguresSchema

blp = Blueprint("outcomes", __name__, url_prefix="/api/kpis", description="Outcomes the team can show (KPIs)")


@blp.route("")
class KpiViews(MethodView):
    @blp.endpoint(*service.READ_ROLES, query=PeriodArgsSchema, response=FiguresSchema)
    def get(self, period):
        """Figures of the calls created in [from, to): response, outcomes, handovers, offers, re-calls"""
        return service.period_figures(get_session(), actor=current_actor(), now=get_clock().now(), **period)


@blp.route("/weekly")
class WeeklyKpiViews(MethodView):
    @blp.endpoint(*service.READ_ROLES, query=PeriodArgsSchema, response=WeekFiguresSchema(many=True))
    def get(self, period):
        """The same figures per ISO week (Amsterdam time), oldest first"""
        return service.weekly_figures(get_session(), actor=current_actor(), now=get_clock().now(), **period)


@blp.route("/export.csv")
class ExportViews(MethodView):
    @blp.auth(*service.READ_ROLES)
    @blp.arguments(PeriodArgsSchema, location="query")
    @blp.doc(responses={"200": {"description": "One pseudonymised row per call (audited)",
                                "content": {"text/csv": {"schema": {"type": "string"}}}}})
    def get(self, period):
        """Export one pseudonymised row per call: no name, BSN, address or phone; 4-digit postcode"""
        export = service.export_calls(get_session(), actor=current_actor(), now=get_clock().now(), **period)
        return Response(export.text, mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{export.filename}"'})
