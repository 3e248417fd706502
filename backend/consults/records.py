"""A visit's consults as the visit, its handover and its FHIR export show them (no rules here: visits read it)."""
from dataclasses import dataclass

from sqlmodel import Session, select

from backend.consults.models import Consult
from backend.db import reads_through
from backend.identity.models import User
from backend.timeutil import AMSTERDAM


@dataclass
class VisitConsult:
    """A consult of a visit with the name of the physician who has it; reads the consult's columns."""

    consult: Consult
    physician_name: str | None

    __getattr__ = reads_through("consult")


def consults_of_visit(session: Session, *, visit_id: str) -> list[VisitConsult]:
    """Return a visit's consults, oldest first, each with its physician's name."""
    rows = session.exec(select(Consult, User.name).outerjoin(User, User.id == Consult.physician_id)
                        .where(Consult.visit_id == visit_id).order_by(Consult.created_at, Consult.id)).all()
    return [VisitConsult(consult=consult, physician_name=name) for consult, name in rows]


def advice_lines(session: Session, *, visit_id: str) -> list[str]:
    """Return each advised consult of a visit as one line of text: question, advice, who and when."""
    return [f"Vraag: {c.question} — Advies van {c.physician_name or 'de arts'} "
            f"({c.advised_at.astimezone(AMSTERDAM):%d-%m-%Y %H:%M}): {c.advice}"
            for c in consults_of_visit(session, visit_id=visit_id) if c.status == "advised"]
