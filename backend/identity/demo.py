"""Demo teams and people around Deventer. Every demo password is backend.demo.DEMO_PASSWORD."""
from datetime import datetime

from sqlmodel import Session, select

from backend.demo import DEMO_PASSWORD
from backend.identity.models import Organisation, User
from backend.identity.service import ensure_teams, hash_password

ORDER = 10

# username, role, name, team, organisation, skills, base (lat, lon), availability
PEOPLE = [
    ("admin", "admin", "Beheerder Wijkspoed", None, None, [], None, "off_duty"),
    ("hap", "hap", "Triagist HAP Deventer", None, "HAP Deventer", [], None, "off_duty"),
    ("coordinator", "coordinator", "Fatima el Amrani", "acute", None, [], None, "off_duty"),
    ("coordinator.fact", "coordinator", "Johan Wessels", "fact", None, [], None, "off_duty"),
    ("teamlead", "team_lead", "Marieke Dijkstra", "acute", None, [], None, "off_duty"),
    ("teamlead.fact", "team_lead", "Ruud Hofman", "fact", None, [], None, "off_duty"),
    ("anna", "nurse", "Anna de Vries", "acute", None, ["hbo", "iv_therapy", "palliative", "catheter"],
     (52.2550, 6.1630), "available"),
    ("bram", "nurse", "Bram Kok", "acute", None, ["level4", "catheter", "wound_care"],
     (52.2680, 6.1900), "available"),
    ("chantal", "nurse", "Chantal Bakker", "acute", None, ["vs", "hbo", "iv_therapy", "catheter"],
     (52.2390, 6.1750), "available"),
    ("daan", "nurse", "Daan Mulder", "acute", None, ["level4", "palliative", "wound_care"],
     (52.2610, 6.1350), "off_duty"),
    ("eva", "nurse", "Eva Smit", "acute", None, ["hbo", "catheter", "feeding_tube", "palliative"],
     (52.2290, 6.2010), "available"),
    ("fleur", "nurse", "Fleur Visser", "fact", None, ["hbo", "pg_crisis"], (52.2500, 6.1550), "available"),
    ("gijs", "nurse", "Gijs Peters", "fact", None, ["vs", "pg_crisis", "palliative"],
     (52.2720, 6.1600), "available"),
    ("hanna", "nurse", "Hanna Jansen", "fact", None, ["level4", "pg_crisis"], (52.2420, 6.1420), "off_duty"),
    # the region (v1.1): a second HAP post, a second acute team, care providers' bed managers, the coordination centre
    ("hap.zutphen", "hap", "Triagist HAP Zutphen", None, "HAP Zutphen", [], None, "off_duty"),
    ("coordinator.zutphen", "coordinator", "Sanne Bosman", "acute-zutphen", None, [], None, "off_duty"),
    ("iris", "nurse", "Iris Brouwer", "acute-zutphen", None, ["hbo", "catheter", "palliative"],
     (52.1390, 6.1960), "available"),
    ("regio", "regional_coordinator", "Karin Veenstra (zorgcoördinatiecentrum)", None, None, [], None, "off_duty"),
    ("bed.carinova", "bed_manager", "Linda Groen (Carinova)", None, "Carinova", [], None, "off_duty"),
    ("bed.solis", "bed_manager", "Peter Hendriks (Solis)", None, "Solis", [], None, "off_duty"),
    ("bed.sutfene", "bed_manager", "Mirjam Kuipers (Sutfene)", None, "Sutfene", [], None, "off_duty"),
    ("bed.raalte", "bed_manager", "Wim Schouten (Zorggroep Raalte)", None, "Zorggroep Raalte", [], None,
     "off_duty"),
]


def load(session: Session, now: datetime) -> bool:
    """Create the demo people unless they exist (the teams and organisations come from region/demo.py)."""
    ensure_teams(session)
    known = set(session.exec(select(User.username)).all())
    if all(person[0] in known for person in PEOPLE):
        session.commit()
        return False
    password_hash = hash_password(DEMO_PASSWORD)
    organisations = {o.name: o.id for o in session.exec(select(Organisation)).all()}
    for username, role, name, team, org, skills, base, availability in PEOPLE:
        if username in known:
            continue
        session.add(User(
            username=username, password_hash=password_hash, role=role, name=name, team=team,
            organisation_id=organisations.get(org), skills=skills, base_lat=base[0] if base else None,
            base_lon=base[1] if base else None, availability=availability, availability_set_at=now,
            created_at=now,
        ))
    session.commit()
    return True
