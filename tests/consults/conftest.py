"""Consult fixtures: a nurse on site with an open visit, physicians on the team's on-call roster, a team lead."""
import uuid
from datetime import timedelta

import pytest
from sqlmodel import Session

from backend.roster.models import RosterAssignment, RosterShiftType
from backend.visits.models import ClientWishes
from tests.dispatch.dispatch_fixtures import pusher, receiver  # noqa: F401
from tests.factories import START, make_client, make_user
from tests.visits.conftest import VITALS, As, held_call

QUESTION = "Mag ik extra morfine geven? Pijn blijft 8/10 ondanks de pleister."


def on_call_shift(session, team: str = "acute") -> RosterShiftType:
    """The team's physicians' on-call shift type (role physician): 24 h from 08:00."""
    row = RosterShiftType(team=team, code="so_oncall", name="Bereikbaarheidsdienst SO", start_time="08:00",
                          end_time="08:00", min_staff=1, role="physician")
    session.add(row)
    session.commit()
    return row


def put_on_call(session, physician, *, team: str = "acute", start=START - timedelta(hours=18), hours: int = 24):
    """Roster a physician on the on-call shift around START (adopted assignment, as the roster holds it)."""
    row = RosterAssignment(team=team, user_id=physician.id, shift_code="so_oncall", day=start.date(),
                           starts_at=start, ends_at=start + timedelta(hours=hours), pinned=True, created_at=START)
    session.add(row)
    session.commit()
    return row


def make_physician(session, *, profession: str = "so", **overrides):
    return make_user(session, role="physician", profession=profession, availability="off_duty",
                     phone="+31 570 600 100", **overrides)


@pytest.fixture
def world(app, session):
    """A nurse on site with an open visit and vitals, wishes recorded, two physicians on call, a team lead."""
    nurse = make_user(session, role="nurse", name="Anna de Vries", phone="+31 6 1234 5678")
    client = make_client(session, name="Mevrouw Jansen")
    session.add(ClientWishes(client_id=client.id, resuscitation="no", hospital_admission="no", updated_at=START))
    session.commit()
    call = held_call(session, nurse, client=client, status="on_site", complaint="Pijn bij palliatieve cliënt.")
    on_call_shift(session)
    first = make_physician(session, name="Dr. Hendriks")
    second = make_physician(session, profession="vs", name="Tom Mulder")
    put_on_call(session, first)
    put_on_call(session, second)
    lead = make_user(session, role="team_lead", name="Marieke")
    nurse_api = As(app.test_client(), nurse)
    visit = nurse_api.post("/api/visits", json={"id": str(uuid.uuid4()), "call_id": call.id}).get_json()
    assert nurse_api.post(f"/api/visits/{visit['id']}/vitals",
                          json={**VITALS, "id": str(uuid.uuid4()), "resp_rate": 22, "spo2": 94}).status_code == 201
    return {"nurse": nurse, "client": client, "call": call, "first": first, "second": second, "lead": lead,
            "visit": visit, "nurse_api": nurse_api}


def engine_session(app) -> Session:
    return Session(app.extensions["db_engine"])
