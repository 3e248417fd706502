"""A hand-counted fortnight of calls for the acute team, each chosen to hit one definition's edge.

Period: [Mon 9 Nov 2026, Mon 23 Nov 2026) Amsterdam time = [8 Nov 23:00Z, 22 Nov 23:00Z): ISO weeks 46 and 47.
Targets: U2 30 min, U3 2 h, U4 8 h, U5 24 h.

call  urg  what                                             response  outcome            handover   offers
c1    U2   on site exactly on target                        30        home_resolved      ack 60 min offered → accepted
c2    U2   one minute late                                  31        seh                not ack    offered, declined, offered, accepted
c3    U3   cancelled before on site                         —         —                  —          offered, offer expired (escalation)
c4    U3   not yet on site (accepted), 15 Nov 23:30Z = Mon 00:30 Amsterdam: week 47, not 46
                                                            —         —                  —          offered → accepted
c5    U3   client A, completed                              60        follow_up_visit    ack 30 min —
c6    U4   client A again, 71 h after c5 was completed      500 late  own_gp             —          —
c7    U4   client B, completed                              100       regular_home_care  —          —
c8    U5   client B again, 73 h after c7 was completed; open                             —          team lead alerted (escalation)
c9    U5   completed                                        600       hospital_admission ack 120    —
c12   U4   week 46                                          240       temporary_stay     not ack    offered → accepted
outside: c10 (team fact), c11 (1 minute before the period), c13 (exactly at its end).

Hand count (acute, whole period): calls 10 (U2 2, U3 3, U4 3, U5 2), cancelled 1; on site 7, within target 5
(71.4 %), minutes 30 31 60 100 240 500 600 → p50 100, p90 540; completed 7, home 4 (57.1 %); handovers 5,
acknowledged 3 (60 %), p50 ack 60; offered 5, first offer accepted 3 (60 %), escalations 2;
re-calls: 72 h 1 (c5), 30 d 2 (c5, c7).
"""
import hashlib
import uuid
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from backend.dispatch.models import Call, CallEvent
from backend.visits.models import Handover, Visit
from tests.factories import make_client, make_user

Z = timezone.utc
FROM, TO = "2026-11-09", "2026-11-23"
START = datetime(2026, 11, 8, 23, 0, tzinfo=Z)
END = datetime(2026, 11, 22, 23, 0, tzinfo=Z)
TARGET = {"U2": 30, "U3": 120, "U4": 480, "U5": 1440}
M = timedelta(minutes=1)
H = timedelta(hours=1)


def _call(session, *, client, urgency, created, team="acute", status="completed", on_site=None, closed=None,
          nurse=None):
    call = Call(client_id=client.id, team=team, category="catheter", urgency=urgency, complaint="Katheter verstopt.",
                source="hap", caller_name="Dochter Jansen", caller_phone="06-98765432", status=status,
                nurse_id=nurse.id if nurse and status != "open" else None, target_at=created + TARGET[urgency] * M,
                created_at=created, updated_at=closed or created, on_site_at=on_site,
                accepted_at=created + 2 * M if status not in ("open", "cancelled") else None, closed_at=closed)
    session.add(call)
    session.flush()
    session.add(CallEvent(call_id=call.id, at=created, type="created", to_status="open"))
    return call


def _events(session, call, *types):
    for i, kind in enumerate(types):
        session.add(CallEvent(call_id=call.id, at=call.created_at + (i + 1) * M, type=kind))


def _visit(session, call, nurse, outcome):
    visit = Visit(id=str(uuid.uuid4()), call_id=call.id, client_id=call.client_id, nurse_id=nurse.id, team=call.team,
                  status="completed", arrived_at=call.on_site_at, departed_at=call.closed_at, outcome=outcome,
                  completed_at=call.closed_at, created_at=call.on_site_at, updated_at=call.closed_at)
    session.add(visit)
    session.flush()
    return visit


def _handover(session, call, visit, nurse, ack_after: timedelta | None):
    written = call.closed_at
    session.add(Handover(
        id=str(uuid.uuid4()), visit_id=visit.id, call_id=call.id, client_id=call.client_id, team=call.team,
        author_id=nurse.id, recipient_type="gp", recipient_name="Huisarts De Boer", situation="S", background="B",
        assessment="A", recommendation="R", token_hash=hashlib.sha256(uuid.uuid4().bytes).hexdigest(),
        expires_at=written + timedelta(days=14), created_at=written, updated_at=written,
        acknowledged_at=written + ack_after if ack_after else None,
        acknowledged_by="Dr. De Boer" if ack_after else None))


def make_fortnight(session) -> SimpleNamespace:
    """Create the fortnight above with its people; return them and the calls."""
    nurse = make_user(session, name="Anna Verpleegkundige")
    w = SimpleNamespace(nurse=nurse)

    def completed(urgency, created, response_minutes, outcome, client=None, ack=None, handover=False):
        client = client or make_client(session, phone="0570-612345")
        call = _call(session, client=client, urgency=urgency, created=created, nurse=nurse,
                     on_site=created + response_minutes * M, closed=created + response_minutes * M + 30 * M)
        visit = _visit(session, call, nurse, outcome)
        if handover or ack:
            _handover(session, call, visit, nurse, ack)
        return call

    mon = datetime(2026, 11, 16, 9, 0, tzinfo=Z)
    w.c1 = completed("U2", mon, 30, "home_resolved", ack=60 * M)
    _events(session, w.c1, "offered", "accepted")
    w.c2 = completed("U2", mon + H, 31, "seh", handover=True)
    _events(session, w.c2, "offered", "declined", "offered", "accepted")
    w.c3 = _call(session, client=make_client(session), urgency="U3", created=mon + 2 * H, status="cancelled",
                 closed=mon + 2 * H + 20 * M)
    _events(session, w.c3, "offered", "offer_expired", "cancelled")
    w.c4 = _call(session, client=make_client(session), urgency="U3", created=datetime(2026, 11, 15, 23, 30, tzinfo=Z),
                 status="accepted", nurse=nurse)
    _events(session, w.c4, "offered", "accepted")
    w.client_a = make_client(session, name="Mevrouw A. Bosch", address="Brink 1", postcode="7411 BR",
                             phone="0570-123456")
    w.c5 = completed("U3", mon + 3 * H, 60, "follow_up_visit", client=w.client_a, ack=30 * M)
    w.c6 = completed("U4", w.c5.closed_at + 71 * H, 500, "own_gp", client=w.client_a)
    w.client_b = make_client(session, name="Meneer B. Smit", address="Kerkstraat 12", postcode="7412 AB")
    w.c7 = completed("U4", datetime(2026, 11, 17, 8, 0, tzinfo=Z), 100, "regular_home_care", client=w.client_b)
    w.c8 = _call(session, client=w.client_b, urgency="U5", created=w.c7.closed_at + 73 * H, status="open")
    _events(session, w.c8, "lead_alerted")
    w.c9 = completed("U5", datetime(2026, 11, 18, 14, 0, tzinfo=Z), 600, "hospital_admission", ack=120 * M)
    w.c12 = completed("U4", datetime(2026, 11, 11, 12, 0, tzinfo=Z), 240, "temporary_stay", handover=True)
    _events(session, w.c12, "offered", "accepted")
    # outside the acute team's period
    fact_nurse = make_user(session, team="fact")
    w.c10 = _call(session, client=make_client(session, created_team="fact"), urgency="U2", created=mon, team="fact",
                  on_site=mon + 10 * M, closed=mon + 40 * M, nurse=fact_nurse)
    w.c11 = _call(session, client=make_client(session), urgency="U3", created=START - M, status="open")
    w.c13 = _call(session, client=make_client(session), urgency="U3", created=END, status="open")
    session.commit()
    return w
