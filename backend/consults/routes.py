"""Consults: `/api/visits/{id}/consults` (the nurse asks) and `/api/consults` (the physician answers)."""
from flask.views import MethodView

from backend.api import Blueprint, current_actor, get_clock
from backend.consults import service
from backend.consults.schemas import AdviceSchema, ConsultCreateSchema, ConsultQueryArgsSchema, ConsultSchema
from backend.db import get_session
from backend.vocab import TEAM_ROLES

blp = Blueprint("consults", __name__, url_prefix="/api", description="Consults with the on-call physician")


@blp.route("/visits/<uuid:visit_id>/consults")
class VisitConsultViews(MethodView):
    @blp.endpoint("nurse", body=ConsultCreateSchema, status=201, response=ConsultSchema, idempotent=True)
    def post(self, data, visit_id):
        """Ask the on-call physician about this visit (the visit's nurse); she gets a push with its summary"""
        consult = service.request_consult(get_session(), actor=current_actor(), visit_id=visit_id,
                                          question=data["question"], now=get_clock().now())
        return service.view_of(get_session(), consult)


@blp.route("/consults")
class ConsultViews(MethodView):
    @blp.endpoint("physician", *TEAM_ROLES, query=ConsultQueryArgsSchema, response=ConsultSchema(many=True))
    def get(self, args):
        """List consults: a physician those she was asked for, staff their team's"""
        return service.list_consults(get_session(), actor=current_actor(), now=get_clock().now(), **args)


@blp.route("/consults/<int:consult_id>")
class ConsultByIdViews(MethodView):
    @blp.endpoint("physician", *TEAM_ROLES, response=ConsultSchema)
    def get(self, consult_id):
        """Read a consult with the visit's summary (the asked physician, staff of the team)"""
        return service.get_consult(get_session(), actor=current_actor(), consult_id=consult_id,
                                   now=get_clock().now())


@blp.route("/consults/<int:consult_id>/acknowledge")
class ConsultAcknowledgeViews(MethodView):
    @blp.endpoint("physician", response=ConsultSchema)
    def post(self, consult_id):
        """Take the consult (the asked physician): she calls the nurse back; the escalation stops"""
        return service.acknowledge(get_session(), actor=current_actor(), consult_id=consult_id,
                                   now=get_clock().now())


@blp.route("/consults/<int:consult_id>/advice")
class ConsultAdviceViews(MethodView):
    @blp.endpoint("physician", body=AdviceSchema, response=ConsultSchema)
    def post(self, data, consult_id):
        """Write the advice into the visit (the asked physician); the nurse sees it on her visit screen"""
        return service.advise(get_session(), actor=current_actor(), consult_id=consult_id, advice=data["advice"],
                              now=get_clock().now())
