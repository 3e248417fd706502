"""HTTP shapes of the outcomes: period arguments, and the figures (schemas of the service's dataclasses)."""
import marshmallow as ma

from backend.api import AutoSchema
from backend.identity.schemas import TEAM_CODE
from backend.outcomes.service import Figures
from backend.roster.schemas import MomentField


class PeriodArgsSchema(ma.Schema):
    from_ = MomentField(data_key="from", attribute="start", metadata={"description": "Start (date = Amsterdam midnight, or ISO moment); default 28 days before `to`"})
    to = MomentField(attribute="end", metadata={"description": "End, exclusive; default the end of today"})
    team = ma.fields.String(validate=TEAM_CODE, metadata={"description": "Team code; a team lead: her own (default)"})


class FiguresSchema(AutoSchema, dataclass=Figures, exclude=("start", "end", "week")):
    """The figures of a period, as the service's `Figures` holds them (each nested dataclass gets its schema)."""

    from_ = ma.fields.AwareDateTime(attribute="start", data_key="from")
    to = ma.fields.AwareDateTime(attribute="end")


class WeekFiguresSchema(FiguresSchema, exclude=("start", "end")):
    week = ma.fields.String(metadata={"description": "ISO week, e.g. 2026-W48 (Amsterdam time)"})
