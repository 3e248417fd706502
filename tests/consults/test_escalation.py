"""The consult ladder on an injected clock: first physician on call, the next after 10 minutes, then the team lead."""
from datetime import timedelta

from sqlmodel import select

from backend.clock import build_scheduler
from backend.consults import service
from backend.consults.models import Consult, ConsultAsk
from backend.db import session_scope
from tests.consults.conftest import QUESTION, make_physician
from tests.dispatch.dispatch_fixtures import subscribe
from tests.dispatch.test_dispatch_escalation import kinds_by_user
from tests.visits.conftest import As


def escalate(pusher):
    """Run the clock's consult job once at the injected clock's now, as the clock process does."""
    with session_scope(pusher.engine) as session:
        return service.escalate_due(session, now=pusher.clock.now())


def consult_row(session, consult_id):
    session.commit()
    return session.get(Consult, consult_id, populate_existing=True)


def test_unacknowledged_consult_goes_to_the_next_physician_then_the_team_lead(app, session, world, pusher, receiver,
                                                                             clock):
    subs = {name: subscribe(app, world[name], receiver) for name in ("first", "second", "lead", "nurse")}
    asked = world["nurse_api"].post(f"/api/visits/{world['visit']['id']}/consults", json={"question": QUESTION})
    assert asked.status_code == 201, asked.get_json()
    body = asked.get_json()
    assert (body["status"], body["physician_id"]) == ("requested", world["first"].id)
    consult_id = body["id"]

    # The first physician on the roster gets the push, decrypted by the local receiver: the visit's summary.
    assert kinds_by_user(receiver, subs) == {"first": ["consult"], "second": [], "lead": [], "nurse": []}
    push = receiver.delivered()[0].payload
    assert push["consult_id"] == consult_id and "Mevrouw Jansen" in push["title"]
    assert QUESTION in push["body"]
    assert "NEWS2" in push["body"] and "AH 22" in push["body"] and "SpO2 94%" in push["body"]
    assert "Klacht: Pijn bij palliatieve cliënt." in push["body"]
    assert "Niet reanimeren" in push["body"] and "geen ziekenhuisopname" in push["body"]
    assert receiver.delivered()[0].headers.get("ttl") == "600"

    # Not yet at 9:59; at 10:00 the next physician on call is asked, once.
    clock.advance(minutes=9, seconds=59)
    assert escalate(pusher) == 0
    clock.advance(seconds=1)
    assert escalate(pusher) == 1
    assert escalate(pusher) == 0  # a second run finds nothing
    got = kinds_by_user(receiver, subs)
    assert got["second"] == ["consult"] and got["lead"] == []
    assert receiver.delivered()[-1].payload["title"].startswith("Doorgeschakeld")
    assert consult_row(session, consult_id).physician_id == world["second"].id

    # Ten more minutes: no physician left, the team lead hears it; then the ladder is done.
    clock.advance(minutes=10)
    assert escalate(pusher) == 1
    assert escalate(pusher) == 0
    clock.advance(minutes=30)
    assert escalate(pusher) == 0
    got = kinds_by_user(receiver, subs)
    assert got == {"first": ["consult"], "second": ["consult"], "lead": ["consult_unanswered"], "nurse": []}
    row = consult_row(session, consult_id)
    assert row.status == "requested" and row.escalate_at is None and row.lead_alerted_at is not None
    steps = session.exec(select(ConsultAsk.user_id, ConsultAsk.role).where(ConsultAsk.consult_id == consult_id)
                         .order_by(ConsultAsk.id)).all()
    assert steps == [(world["first"].id, "physician"), (world["second"].id, "physician"),
                     (world["lead"].id, "team_lead")]

    # The second physician takes it late; the times to acknowledgement and advice are recorded.
    second = As(app.test_client(), world["second"])
    taken = second.post(f"/api/consults/{consult_id}/acknowledge")
    assert taken.status_code == 200, taken.get_json()
    assert taken.get_json()["status"] == "acknowledged"
    assert taken.get_json()["seconds_to_acknowledge"] == 50 * 60
    assert second.post(f"/api/consults/{consult_id}/acknowledge").status_code == 409
    # The first physician, asked before, can no longer answer over her colleague.
    first = As(app.test_client(), world["first"])
    assert first.post(f"/api/consults/{consult_id}/advice", json={"advice": "Niets doen."}).status_code == 409
    clock.advance(minutes=4)
    advised = second.post(f"/api/consults/{consult_id}/advice", json={"advice": "Geef 2,5 mg morfine s.c."})
    assert advised.status_code == 200 and advised.get_json()["status"] == "advised"
    assert advised.get_json()["seconds_to_advice"] == 54 * 60
    assert kinds_by_user(receiver, subs)["nurse"] == ["consult_acknowledged", "consult_advised"]
    assert escalate(pusher) == 0


def test_acknowledged_in_time_stops_the_ladder(app, session, world, pusher, receiver, clock):
    subs = {name: subscribe(app, world[name], receiver) for name in ("first", "second", "lead")}
    consult_id = world["nurse_api"].post(f"/api/visits/{world['visit']['id']}/consults",
                                         json={"question": QUESTION}).get_json()["id"]
    clock.advance(minutes=3)
    first = As(app.test_client(), world["first"])
    assert first.post(f"/api/consults/{consult_id}/acknowledge").status_code == 200
    clock.advance(minutes=30)
    assert escalate(pusher) == 0
    assert kinds_by_user(receiver, subs) == {"first": ["consult"], "second": [], "lead": []}
    assert consult_row(session, consult_id).seconds_to_acknowledge == 180


def test_nobody_on_call_goes_to_the_team_lead_at_once(app, session, world, pusher, receiver, clock):
    clock.advance(hours=7)  # past the on-call shifts of the fixture (they end 6 h after START)
    subs = {name: subscribe(app, world[name], receiver) for name in ("first", "lead")}
    asked = world["nurse_api"].post(f"/api/visits/{world['visit']['id']}/consults", json={"question": QUESTION})
    assert asked.status_code == 201 and asked.get_json()["physician_id"] is None
    assert kinds_by_user(receiver, subs) == {"first": [], "lead": ["consult_unanswered"]}
    assert escalate(pusher) == 0


def test_a_physician_off_the_roster_or_of_another_team_is_not_asked(app, session, world, pusher, receiver):
    make_physician(session, name="Niet ingeroosterd")
    make_physician(session, team="fact", name="Ander team")
    body = world["nurse_api"].post(f"/api/visits/{world['visit']['id']}/consults", json={"question": QUESTION})
    assert body.get_json()["physician_id"] == world["first"].id


def test_the_clock_runs_the_consult_escalation(app):
    scheduler = build_scheduler(app)
    assert "consults.escalate" in {job.id for job in scheduler.get_jobs()}
