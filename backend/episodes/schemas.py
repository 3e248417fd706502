"""HTTP shapes of episodes and EDIZ."""
import marshmallow as ma
from marshmallow import fields, validate

from backend import vocab
from backend.api import ID, AutoSchema, dataclass_schema
from backend.clients.schemas import ClientSummarySchema
from backend.dispatch.schemas import CallSchema
from backend.episodes import ediz
from backend.episodes.models import EdizScore, Episode
from backend.episodes.service import EdizTrend, NetworkMember, Signal
from backend.visits.models import Visit

GOAL = fields.String(validate=validate.Length(min=1, max=500))


class NetworkMemberInSchema(ma.Schema):
    contact_id = fields.UUID(required=True)
    role = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))

    @ma.post_load
    def _plain_id(self, data, **_):
        return {**data, "contact_id": str(data["contact_id"])}


class EpisodeCreateSchema(ma.Schema):
    client_id = fields.Integer(required=True, validate=ID)
    team = fields.String(validate=validate.Regexp(vocab.TEAM_CODE_PATTERN))
    case_manager_id = fields.Integer(required=True, validate=ID)
    goals = fields.List(GOAL, required=True, validate=validate.Length(min=1, max=20))
    # Left out: every current contact of the client, without a role yet.
    network = fields.List(fields.Nested(NetworkMemberInSchema), validate=validate.Length(max=30))
    call_id = fields.Integer(validate=ID)  # the first crisis call (default: the client's latest of the team)


class EpisodeUpdateSchema(ma.Schema):
    goals = fields.List(GOAL, validate=validate.Length(min=1, max=20))
    network = fields.List(fields.Nested(NetworkMemberInSchema), validate=validate.Length(max=30))
    case_manager_id = fields.Integer(validate=ID)


class EpisodeCloseSchema(ma.Schema):
    handover_id = fields.UUID(required=True)


class EpisodeQueryArgsSchema(ma.Schema):
    client_id = fields.Integer(validate=ID)
    status = fields.String(validate=validate.OneOf(tuple(vocab.EPISODE_STATUSES)))


class PlannedVisitCreateSchema(ma.Schema):
    planned_for = fields.AwareDateTime(required=True)
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class EdizCreateSchema(ma.Schema):
    contact_id = fields.UUID(required=True)
    answers = fields.List(fields.Integer(strict=True, validate=validate.Range(0, ediz.ANSWER_MAX)), required=True,
                          validate=validate.Length(equal=ediz.ITEMS))


# -- answers -------------------------------------------------------------------------------------

class VisitSummarySchema(AutoSchema,
        model=Visit,
        fields=("id", "call_id", "nurse_id", "nurse_name", "status", "arrived_at", "completed_at", "outcome",
                "outcome_label", "news2_score", "news2_band", "summary")):
    nurse_name = fields.String(allow_none=True)
    outcome_label = fields.String(allow_none=True)
    news2_score = fields.Integer(allow_none=True)
    news2_band = fields.String(allow_none=True)
    summary = fields.String()


class NetworkMemberSchema(AutoSchema, dataclass=NetworkMember):
    involvement_label = fields.Function(lambda m: vocab.dutch(vocab.CONTACT_INVOLVEMENT, m.involvement))


class EdizEntrySchema(AutoSchema,
        model=EdizScore,
        fields=("id", "visit_id", "contact_id", "contact_name", "score", "high", "created_at")):
    contact_name = fields.String(allow_none=True)


class EdizTrendSchema(AutoSchema, dataclass=EdizTrend):
    latest = fields.Nested(EdizEntrySchema, allow_none=True)
    scores = fields.List(fields.Nested(EdizEntrySchema))


class EpisodeSchema(AutoSchema, model=Episode):
    """An episode (a `service.EpisodeView`) with its calls, visits, network, EDIZ and signals."""

    goals = fields.List(fields.String())
    status_label = fields.Function(lambda e: vocab.dutch(vocab.EPISODE_STATUSES, e.status))
    client = fields.Nested(ClientSummarySchema)
    case_manager_name = fields.String(allow_none=True)
    calls = fields.List(fields.Nested(CallSchema))
    planned = fields.List(fields.Nested(CallSchema))
    visits = fields.List(fields.Nested(VisitSummarySchema))
    last_visit = fields.Nested(VisitSummarySchema, allow_none=True)
    network = fields.List(fields.Nested(NetworkMemberSchema))
    ediz = fields.Nested(EdizTrendSchema)
    signals = fields.List(fields.Nested(dataclass_schema(Signal)))


class EdizSchema(AutoSchema, model=EdizScore):
    """An EDIZ just taken (a `service.EdizRecorded`): score 0–9, high from 7, the episode and the score before."""

    answers = fields.List(fields.Integer())
    episode_id = fields.Integer(allow_none=True)
    previous_score = fields.Integer(allow_none=True)
    signal = fields.String(allow_none=True)
