"""The demo region around Deventer and Zutphen: teams with their areas, HAP posts, care providers, a hospital."""
from datetime import datetime

from sqlmodel import Session, select

from backend.identity.models import Organisation, Team
from backend.identity.service import ensure_teams

ORDER = 5

# code, name, kind, postcodes
TEAMS = [
    ("acute", "Wijkteam acute zorg Deventer", "acute", ["7400-7439"]),
    ("acute-zutphen", "Wijkteam acute zorg Zutphen", "acute", ["7200-7231", "7240-7245"]),
    ("fact", "FACT-VVT Deventer-Zutphen", "fact", ["7200-7245", "7400-7439"]),
]
ORGANISATIONS = [
    ("HAP Deventer", "hap"), ("HAP Zutphen", "hap"),
    ("Carinova", "care_provider"), ("Solis", "care_provider"), ("Sutfene", "care_provider"),
    ("Zorggroep Raalte", "care_provider"), ("Deventer Ziekenhuis", "hospital"),
]


def load(session: Session, now: datetime) -> bool:
    """Create the demo teams and organisations unless they exist."""
    ensure_teams(session)
    created = False
    for code, name, kind, postcodes in TEAMS:
        team = session.get(Team, code)
        if team is None:
            session.add(Team(code=code, name=name, kind=kind, postcodes=postcodes))
            created = True
    for name, kind in ORGANISATIONS:
        if session.scalar(select(Organisation.id).where(Organisation.name == name)) is None:
            session.add(Organisation(name=name, kind=kind))
            created = True
    session.commit()
    return created
