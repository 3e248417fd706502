"""Organisations and teams of the region."""
from flask.views import MethodView

from backend.api import Blueprint, current_actor
from backend.db import get_session
from backend.region import service
from backend.region.schemas import (
    OrganisationCreateSchema, OrganisationQueryArgsSchema, OrganisationSchema, TeamCreateSchema, TeamSchema,
    TeamUpdateSchema,
)

blp = Blueprint("region", __name__, url_prefix="/api", description="The region: organisations and teams")


@blp.route("/organisations")
class OrganisationViews(MethodView):
    @blp.endpoint(query=OrganisationQueryArgsSchema, response=OrganisationSchema(many=True))
    def get(self, args):
        """List the region's organisations (HAP posts, care providers, hospitals)"""
        return service.list_organisations(get_session(), **args)

    @blp.endpoint("admin", body=OrganisationCreateSchema, status=201, response=OrganisationSchema)
    def post(self, data):
        """Add an organisation"""
        return service.create_organisation(get_session(), **data)


@blp.route("/teams")
class TeamViews(MethodView):
    @blp.endpoint(response=TeamSchema(many=True))
    def get(self):
        """List the teams with their kind, working area, response targets and dispatch settings"""
        return service.list_teams(get_session())

    @blp.endpoint("admin", body=TeamCreateSchema, status=201, response=TeamSchema)
    def post(self, data):
        """Add a team of a kind with its working area (postcode ranges)"""
        return service.create_team(get_session(), data=data)


@blp.route("/teams/<string:code>")
class TeamByCodeViews(MethodView):
    @blp.endpoint("team_lead", "admin", body=TeamUpdateSchema, response=TeamSchema)
    def patch(self, changes, code):
        """Change a team's area, response targets, offer windows or auto-offer"""
        return service.update_team(get_session(), actor=current_actor(), code=code, changes=changes)
