"""Episodes (a crisis followed until hand-back to regular care) and the mantelzorger's EDIZ at a visit."""
from flask.views import MethodView

from backend.api import Blueprint, current_actor, get_clock
from backend.db import get_session
from backend.dispatch.schemas import CallSchema
from backend.episodes import service
from backend.episodes.schemas import (
    EdizCreateSchema, EdizSchema, EpisodeCloseSchema, EpisodeCreateSchema, EpisodeQueryArgsSchema, EpisodeSchema,
    EpisodeUpdateSchema, PlannedVisitCreateSchema,
)
from backend.vocab import TEAM_ROLES

blp = Blueprint("episodes", __name__, url_prefix="/api", description="Episodes and the mantelzorger's EDIZ")


@blp.route("/episodes")
class EpisodeViews(MethodView):
    @blp.endpoint(*TEAM_ROLES, query=EpisodeQueryArgsSchema, response=EpisodeSchema(many=True))
    def get(self, args):
        """List your team's episodes (?client_id=, ?status=active), latest first"""
        return service.list_episodes(get_session(), actor=current_actor(), now=get_clock().now(), **args)

    @blp.endpoint(*TEAM_ROLES, body=EpisodeCreateSchema, status=201, response=EpisodeSchema, idempotent=True,
                  alt={409: "The client already has a running episode with this team"})
    def post(self, data):
        """Start an episode for a client of your team: case manager, goals in the client's words, network"""
        return service.create_episode(get_session(), actor=current_actor(), data=data, now=get_clock().now())


@blp.route("/episodes/<int:episode_id>")
class EpisodeByIdViews(MethodView):
    @blp.endpoint(*TEAM_ROLES, response=EpisodeSchema)
    def get(self, episode_id):
        """Read an episode with its calls, visits, network, EDIZ trend and signals"""
        return service.get_episode(get_session(), actor=current_actor(), episode_id=episode_id,
                                   now=get_clock().now())

    @blp.endpoint(*TEAM_ROLES, body=EpisodeUpdateSchema, response=EpisodeSchema, idempotent=True,
                  alt={409: "The episode is closed"})
    def patch(self, data, episode_id):
        """Change an episode's goals, network or case manager"""
        return service.update_episode(get_session(), actor=current_actor(), episode_id=episode_id, data=data,
                                      now=get_clock().now())


@blp.route("/episodes/<int:episode_id>/close")
class EpisodeCloseViews(MethodView):
    @blp.endpoint(*TEAM_ROLES, body=EpisodeCloseSchema, response=EpisodeSchema, idempotent=True,
                  alt={409: "The episode is already closed"})
    def post(self, data, episode_id):
        """Close an episode with the SBAR handover to regular care (case manager or team lead)"""
        return service.close_episode(get_session(), actor=current_actor(), episode_id=episode_id,
                                     handover_id=str(data["handover_id"]), now=get_clock().now())


@blp.route("/episodes/<int:episode_id>/planned-visits")
class EpisodePlannedVisitViews(MethodView):
    @blp.endpoint(*TEAM_ROLES, body=PlannedVisitCreateSchema, status=201, response=CallSchema, idempotent=True,
                  alt={409: "The episode is closed"})
    def post(self, data, episode_id):
        """Add a planned visit to the episode's plan (a planned call for its client)"""
        return service.plan_visit(get_session(), actor=current_actor(), episode_id=episode_id,
                                  now=get_clock().now(), **data)


@blp.route("/visits/<uuid:visit_id>/ediz")
class EdizViews(MethodView):
    @blp.endpoint("nurse", body=EdizCreateSchema, status=201, response=EdizSchema, idempotent=True)
    def post(self, data, visit_id):
        """Record the main mantelzorger's EDIZ (nine answers 0–4): score 0–9, high from 7"""
        return service.record_ediz(get_session(), actor=current_actor(), visit_id=str(visit_id), data=data,
                                   now=get_clock().now())
