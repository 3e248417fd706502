"""Demo physicians on call: an SO and a VS for each demo team, on the physicians' on-call roster of that team,
and work phones for the demo nurses (the physician calls them back)."""
from datetime import datetime, timedelta

from sqlmodel import Session, select

from backend.demo import DEMO_PASSWORD
from backend.identity.models import Team, User
from backend.identity.service import hash_password
from backend.roster.models import RosterAssignment, RosterShiftType
from backend.roster.planning import expand_shifts
from backend.roster.problem import to_shift_type
from backend.timeutil import AMSTERDAM

ORDER = 55  # after the roster's shift types and pool

ON_CALL = ("so_oncall", "Bereikbaarheidsdienst SO/VS", "08:00", "08:00")  # 24 hours, every day
# username, name, team, profession, phone; the first of a team is first on the ladder, the second the back-up.
PHYSICIANS = [
    ("dr.hendriks", "Dr. Lieke Hendriks (SO)", "acute", "so", "+31 570 600 101"),
    ("vs.mulder", "Tom Mulder (VS)", "acute", "vs", "+31 570 600 102"),
    ("dr.kaya", "Dr. Elif Kaya (SO)", "fact", "so", "+31 570 600 201"),
    ("pa.smit", "Noah Smit (PA)", "fact", "pa", "+31 570 600 202"),
]
DAYS_BACK, DAYS_AHEAD = 2, 28


def load(session: Session, now: datetime) -> bool:
    """Add the physicians, their on-call shift type and four weeks of on-call duty, unless they exist."""
    created = False
    teams = set(session.exec(select(Team.code)).all())
    usernames = set(session.exec(select(User.username)).all())
    password_hash = None
    for username, name, team, profession, phone in PHYSICIANS:
        if username in usernames or team not in teams:
            continue
        password_hash = password_hash or hash_password(DEMO_PASSWORD)
        session.add(User(username=username, password_hash=password_hash, role="physician", name=name, team=team,
                         profession=profession, phone=phone, created_at=now))
        created = True
    for number, nurse in enumerate(session.exec(select(User).where(User.role == "nurse", User.phone.is_(None))
                                                .order_by(User.id)).all()):
        nurse.phone = f"+31 6 1000 {number:04d}"
        session.add(nurse)
    session.flush()
    today = now.astimezone(AMSTERDAM).date()
    for team in sorted({p[2] for p in PHYSICIANS} & teams):
        shift_type = session.exec(select(RosterShiftType).where(RosterShiftType.team == team,
                                                                RosterShiftType.code == ON_CALL[0])).first()
        if shift_type is None:
            shift_type = RosterShiftType(team=team, code=ON_CALL[0], name=ON_CALL[1], start_time=ON_CALL[2],
                                         end_time=ON_CALL[3], min_staff=1, max_staff=2, role="physician")
            session.add(shift_type)
            created = True
        have = {(a.user_id, a.day) for a in session.exec(select(RosterAssignment).where(
            RosterAssignment.team == team, RosterAssignment.shift_code == ON_CALL[0])).all()}
        ladder = session.exec(select(User).where(User.username.in_([p[0] for p in PHYSICIANS if p[2] == team]))
                              .order_by(User.id)).all()
        for shift in expand_shifts([to_shift_type(shift_type)], today - timedelta(days=DAYS_BACK),
                                   today + timedelta(days=DAYS_AHEAD)):
            for physician in ladder:  # rostered in ladder order: the first is asked first
                if (physician.id, shift.day) not in have:
                    session.add(RosterAssignment(team=team, user_id=physician.id, shift_code=shift.code,
                                                 day=shift.day, starts_at=shift.start, ends_at=shift.end,
                                                 pinned=True, created_at=now))
                    session.flush()
                    created = True
    session.commit()
    return created
