"""Demo roster data: shift types and staffing needs of both teams, the ANW pool, contract hours."""
from datetime import datetime

from sqlmodel import Session, select

from backend.demo import DEMO_PASSWORD
from backend.identity.models import User
from backend.identity.service import hash_password
from backend.roster.models import RosterContract, RosterShiftType

ORDER = 50

WEEKEND = [5, 6]
ALL = list(range(7))

# team, code, name, start, end, weekdays, min_staff, max_staff, skill needs
SHIFT_TYPES = [
    ("acute", "evening", "Avonddienst", "15:00", "23:00", ALL, 3, 3,
     [{"any_of": ["iv_therapy"], "count": 1}, {"any_of": ["hbo", "vs"], "count": 1}]),
    ("acute", "night", "Nachtdienst", "23:00", "07:30", ALL, 2, 2,
     [{"any_of": ["iv_therapy"], "count": 1}, {"any_of": ["hbo", "vs"], "count": 1}]),
    ("acute", "weekend_day", "Weekenddagdienst", "07:30", "15:30", WEEKEND, 2, 3,
     [{"any_of": ["vs", "pa", "hbo"], "count": 1}, {"any_of": ["palliative"], "count": 1}]),
    ("fact", "evening", "Avonddienst FACT-VVT", "16:00", "23:00", ALL, 1, 1,
     [{"any_of": ["pg_crisis"], "count": 1}]),
    ("fact", "weekend_day", "Weekenddienst FACT-VVT", "09:00", "17:00", WEEKEND, 1, 2,
     [{"any_of": ["pg_crisis"], "count": 1}, {"any_of": ["hbo", "vs"], "count": 1}]),
]

# The ANW pool besides the foundation's demo nurses: username, name, team, skills, base, contract hours.
POOL = [
    ("ilse", "Ilse de Boer", "acute", ["hbo", "iv_therapy", "catheter"], (52.2480, 6.1700), 28),
    ("joost", "Joost Meijer", "acute", ["level4", "iv_therapy", "palliative"], (52.2600, 6.1500), 32),
    ("karin", "Karin Bos", "acute", ["hbo", "palliative", "wound_care"], (52.2350, 6.1800), 24),
    ("lotte", "Lotte Hendriks", "acute", ["pa", "iv_therapy", "catheter"], (52.2700, 6.1750), 32),
    ("mohamed", "Mohamed Yilmaz", "acute", ["level4", "catheter", "feeding_tube"], (52.2550, 6.2000), 24),
    ("noor", "Noor van Dijk", "acute", ["hbo", "iv_therapy", "palliative"], (52.2450, 6.1450), 20),
    ("ingrid", "Ingrid Vos", "fact", ["hbo", "pg_crisis", "palliative"], (52.2530, 6.1650), 24),
]

CONTRACTS = {"anna": 32, "bram": 24, "chantal": 36, "daan": 24, "eva": 28, "fleur": 24, "gijs": 32, "hanna": 20}


def load(session: Session, now: datetime) -> bool:
    """Add the shift types, the ANW pool and contract hours unless they exist."""
    created = False
    existing = {(t.team, t.code) for t in session.exec(select(RosterShiftType)).all()}
    for team, code, name, start, end, days, low, high, needs in SHIFT_TYPES:
        if (team, code) not in existing:
            session.add(RosterShiftType(team=team, code=code, name=name, start_time=start, end_time=end,
                                        weekdays=days, min_staff=low, max_staff=high, skill_needs=needs))
            created = True
    usernames = set(session.exec(select(User.username)).all())
    password_hash = None
    hours = dict(CONTRACTS)
    for username, name, team, skills, base, contract in POOL:
        hours[username] = contract
        if username in usernames:
            continue
        password_hash = password_hash or hash_password(DEMO_PASSWORD)
        session.add(User(username=username, password_hash=password_hash, role="nurse", name=name, team=team,
                         skills=skills, base_lat=base[0], base_lon=base[1], availability="off_duty",
                         availability_set_at=now, created_at=now))
        created = True
    session.flush()
    users = {u.username: u.id for u in session.exec(select(User).where(User.username.in_(list(hours)))).all()}
    have = set(session.exec(select(RosterContract.user_id)).all())
    for username, contract in hours.items():
        user_id = users.get(username)
        if user_id is not None and user_id not in have:
            session.add(RosterContract(user_id=user_id, hours_per_week=contract))
            created = True
    session.commit()
    return created
