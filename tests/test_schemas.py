"""`api.AutoSchema`: the one base of the answers, from a table or from a service's dataclass."""
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import marshmallow as ma
import pytest

from backend.api import AutoSchema, dataclass_schema
from backend.visits.models import VisitNote


@dataclass
class Trip:
    km: float
    minutes: int | None


@dataclass
class Answer:
    name: str
    day: date
    at: datetime
    note: str | None
    tags: list[str]
    counts: dict[str, int]
    trips: list[Trip]
    best: Trip | None
    done: bool = False
    described: int = field(default=0, metadata={"description": "A figure with its meaning"})


@dataclass
class Leaky:
    label: str
    note: VisitNote


def test_a_dataclass_answer_is_dumped_from_its_annotations():
    answer = Answer(name="Mevrouw A", day=date(2026, 11, 30), at=datetime(2026, 11, 30, 12, 5, tzinfo=UTC),
                    note=None, tags=["a", "b"], counts={"U2": 3}, trips=[Trip(1.5, 4)], best=None)

    class AnswerSchema(AutoSchema, dataclass=Answer):
        pass

    assert AnswerSchema().dump(answer) == {
        "name": "Mevrouw A", "day": "2026-11-30", "at": "2026-11-30T12:05:00+00:00", "note": None,
        "tags": ["a", "b"], "counts": {"U2": 3}, "trips": [{"km": 1.5, "minutes": 4}], "best": None,
        "done": False, "described": 0,
    }
    fields = AnswerSchema._declared_fields
    assert isinstance(fields["at"], ma.fields.AwareDateTime)
    assert fields["note"].allow_none and not fields["name"].allow_none
    assert fields["described"].metadata == {"description": "A figure with its meaning"}
    # A nested dataclass has one schema, named after it (one OpenAPI component).
    assert fields["trips"].inner.nested is fields["best"].nested is dataclass_schema(Trip)
    assert dataclass_schema(Trip).__name__ == "TripSchema"


def test_declared_fields_win_and_fields_narrow():
    class NarrowSchema(AutoSchema, dataclass=Answer, fields=("name", "done", "shout")):
        shout = ma.fields.Function(lambda a: a.name.upper())

    answer = Answer(name="a", day=date(2026, 1, 1), at=datetime(2026, 1, 1, tzinfo=UTC), note=None, tags=[],
                    counts={}, trips=[], best=None)
    assert NarrowSchema().dump(answer) == {"name": "a", "done": False, "shout": "A"}


def test_a_table_row_in_a_dataclass_must_be_declared_or_excluded():
    with pytest.raises(TypeError, match="'note'"):
        class LeakySchema(AutoSchema, dataclass=Leaky):
            pass

    class ExcludedSchema(AutoSchema, dataclass=Leaky, exclude=("note",)):
        pass

    assert set(ExcludedSchema().fields) == {"label"}


def test_keyword_options_of_a_subclass_add_to_its_base():
    class FullNoteSchema(AutoSchema, model=VisitNote):
        pass

    class ShortNoteSchema(FullNoteSchema, exclude=("author_id",)):
        pass

    assert "author_id" in FullNoteSchema().fields
    assert "author_id" not in ShortNoteSchema().fields
    assert set(ShortNoteSchema().fields) == set(FullNoteSchema().fields) - {"author_id"}
    assert ShortNoteSchema.opts.model is VisitNote


def test_a_schema_has_one_source():
    with pytest.raises(ValueError, match="not both"):
        class BothSchema(AutoSchema, model=VisitNote, dataclass=Trip):
            pass
