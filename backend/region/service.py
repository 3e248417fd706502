"""Organisations and teams of the region, and routing a call by postcode and team kind."""
import re

from sqlmodel import Session, select

from backend import errors
from backend.db import get_or_404
from backend.identity.models import Organisation, Team
from backend.identity.service import ensure_teams

POSTCODE_RANGE = re.compile(r"^(\d{4})(?:-(\d{4}))?$")


def postcode_digits(postcode: str | None) -> str | None:
    """Return the 4 digits of a Dutch postcode ("7411 BR" → "7411"), or None."""
    match = re.match(r"^\s*(\d{4})", postcode or "")
    return match.group(1) if match else None


def parse_range(text: str) -> tuple[int, int]:
    """Return (low, high) of "7411" or "7412-7429"; ValueError on anything else."""
    match = POSTCODE_RANGE.match(text)
    if not match:
        raise ValueError(text)
    low = int(match.group(1))
    high = int(match.group(2) or match.group(1))
    if low < 1000 or high < low:
        raise ValueError(text)
    return low, high


def covers(team: Team, digits: str) -> bool:
    """Return whether a team's working area holds this 4-digit postcode."""
    number = int(digits)
    return any(low <= number <= high for low, high in map(parse_range, team.postcodes or []))


def team_kind_for(category: str) -> str:
    """Return the kind of team a call of this category goes to by default."""
    return "fact" if category == "pg_crisis" else "acute"


def route_team(session: Session, *, postcode: str | None, kind: str) -> Team:
    """Return the team of `kind` whose area covers the postcode (first by code); none → 422 naming it."""
    digits = postcode_digits(postcode)
    if digits is not None:
        for team in session.exec(select(Team).where(Team.kind == kind).order_by(Team.code)).all():
            if covers(team, digits):
                return team
    shown = postcode or "(geen postcode)"
    message = f"Geen {'FACT-VVT-team' if kind == 'fact' else 'acuut team'} werkt in postcode {shown}: kies zelf een team."
    raise errors.Unprocessable(message, errors={"team": [message]})


# -- organisations -----------------------------------------------------------------------------------

def list_organisations(session: Session, *, kind: str | None = None) -> list[Organisation]:
    """Return the region's organisations by name."""
    query = select(Organisation).order_by(Organisation.name)
    if kind:
        query = query.where(Organisation.kind == kind)
    return list(session.exec(query).all())


def create_organisation(session: Session, *, name: str, kind: str) -> Organisation:
    """Add an organisation; a name is unique."""
    if session.scalar(select(Organisation.id).where(Organisation.name == name)) is not None:
        raise errors.Conflict(f"Organisatie '{name}' bestaat al.")
    organisation = Organisation(name=name, kind=kind)
    session.add(organisation)
    session.commit()
    return organisation


# -- teams -------------------------------------------------------------------------------------------

def list_teams(session: Session) -> list[Team]:
    """Return every team with its area and settings."""
    ensure_teams(session)
    session.commit()
    return list(session.exec(select(Team).order_by(Team.code)).all())


def create_team(session: Session, *, data: dict) -> Team:
    """Add a team of a kind with its working area."""
    if session.get(Team, data["code"]) is not None:
        raise errors.Conflict(f"Team '{data['code']}' bestaat al.")
    team = Team(**data)
    session.add(team)
    session.commit()
    return team


def update_team(session: Session, *, actor, code: str, changes: dict) -> Team:
    """Change a team's settings or area: its own team lead, or an admin."""
    team = get_or_404(session, Team, code, f"Team '{code}' bestaat niet.")
    if actor.role != "admin" and actor.team != code:
        raise errors.Forbidden("Je kunt alleen de instellingen van je eigen team wijzigen.")
    for key, value in changes.items():
        setattr(team, key, value)
    session.add(team)
    session.commit()
    return team
