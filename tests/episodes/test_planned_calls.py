"""Follow-up visits become planned calls: planned → open at their time (injected clock), moved, cancelled."""
from datetime import timedelta

from sqlmodel import select

from backend.dispatch import planned
from backend.dispatch.models import Call, CallEvent
from backend.outcomes import service as outcomes
from tests.episodes.helpers import FOLLOW_UP_AT, as_user, complete_with_follow_up, visit_on_site
from tests.factories import START, actor, make_user


def _planned(session, visit_id) -> Call:
    session.commit()
    return session.exec(select(Call).where(Call.previous_visit_id == visit_id)).one()


def test_a_follow_up_visit_becomes_a_planned_call(app, client, session):
    api, call, visit = visit_on_site(client, session, category="wound_care")
    complete_with_follow_up(api, visit)
    follow = _planned(session, visit["id"])
    assert (follow.status, follow.client_id, follow.team, follow.category) == ("planned", call.client_id, "acute",
                                                                                "wound_care")
    assert follow.planned_for == FOLLOW_UP_AT and follow.target_at == FOLLOW_UP_AT
    assert "Wond controleren" in follow.complaint
    # The team sees it among its planned calls; it is no running work yet.
    coordinator = make_user(session, role="coordinator")
    staff = as_user(app, coordinator)
    listed = staff.get("/api/calls?status=planned").get_json()
    assert [c["id"] for c in listed] == [follow.id]
    assert listed[0]["planned_for"] == FOLLOW_UP_AT.isoformat() and listed[0]["previous_visit_id"] == visit["id"]
    assert listed[0]["client"]["id"] == call.client_id
    assert follow.id not in [c["id"] for c in staff.get("/api/calls?status=open").get_json()]
    # A planned call is no offer yet: accepting it is a 409.
    assert api.post(f"/api/calls/{follow.id}/accept").status_code == 409


def test_a_planned_call_opens_at_its_time_minus_the_lead_time_and_reaches_the_recommendations(app, client, session,
                                                                                              clock):
    api, call, visit = visit_on_site(client, session, category="wound_care")
    complete_with_follow_up(api, visit)
    follow = _planned(session, visit["id"])
    lead = timedelta(minutes=30)  # the team's default
    assert planned.open_due_planned(session, now=FOLLOW_UP_AT - lead - timedelta(seconds=1)) == 0
    assert session.get(Call, follow.id, populate_existing=True).status == "planned"
    assert planned.open_due_planned(session, now=FOLLOW_UP_AT - lead) == 1
    assert planned.open_due_planned(session, now=FOLLOW_UP_AT - lead) == 0  # idempotent: a second run does nothing
    opened = session.get(Call, follow.id, populate_existing=True)
    assert opened.status == "open" and opened.lead_alert_at == FOLLOW_UP_AT
    event = session.exec(select(CallEvent).where(CallEvent.call_id == follow.id, CallEvent.type == "opened")).one()
    assert (event.from_status, event.to_status, event.actor_id) == ("planned", "open", None)
    # Now it is ordinary open work: the coordinator's recommendation list ranks the nurse who is free again.
    clock.set(FOLLOW_UP_AT - lead)
    coordinator = as_user(app, make_user(session, role="coordinator"))
    response = coordinator.get(f"/api/calls/{follow.id}/recommendations")
    assert response.status_code == 200
    assert api.user.id in [r["nurse_id"] for r in response.get_json()]
    assert follow.id in [c["id"] for c in coordinator.get("/api/calls?status=open").get_json()]


def test_the_lead_time_is_a_team_setting(app, client, session):
    api, call, visit = visit_on_site(client, session)
    complete_with_follow_up(api, visit)
    follow = _planned(session, visit["id"])
    admin = as_user(app, make_user(session, role="admin"))
    assert admin.patch("/api/teams/acute", json={"planned_lead_minutes": 90}).status_code == 200
    assert planned.open_due_planned(session, now=FOLLOW_UP_AT - timedelta(minutes=91)) == 0
    assert planned.open_due_planned(session, now=FOLLOW_UP_AT - timedelta(minutes=90)) == 1
    assert session.get(Call, follow.id, populate_existing=True).status == "open"


def test_reschedule_by_the_nurse_of_the_visit_and_the_coordinator(app, client, session, clock):
    api, call, visit = visit_on_site(client, session)
    complete_with_follow_up(api, visit)
    follow = _planned(session, visit["id"])
    later = FOLLOW_UP_AT + timedelta(hours=3)
    response = api.post(f"/api/calls/{follow.id}/reschedule",
                        json={"planned_for": later.isoformat(), "reason": "Cliënt is dan bij de huisarts."})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["planned_for"] == later.isoformat() and response.get_json()["status"] == "planned"
    events = api.get(f"/api/calls/{follow.id}/events").get_json()
    assert events[-1]["type"] == "rescheduled" and events[-1]["detail"]["reason"] == "Cliënt is dan bij de huisarts."
    # The old time no longer opens it; the new one does.
    assert planned.open_due_planned(session, now=FOLLOW_UP_AT) == 0
    coordinator = as_user(app, make_user(session, role="coordinator"))
    earlier = FOLLOW_UP_AT - timedelta(hours=2)
    assert coordinator.post(f"/api/calls/{follow.id}/reschedule",
                            json={"planned_for": earlier.isoformat(), "reason": "Past beter."}).status_code == 200
    # In the past, or without a reason: 422, nothing changed.
    assert coordinator.post(f"/api/calls/{follow.id}/reschedule",
                            json={"planned_for": (START - timedelta(hours=1)).isoformat(),
                                  "reason": "x"}).status_code == 422
    assert coordinator.post(f"/api/calls/{follow.id}/reschedule",
                            json={"planned_for": later.isoformat()}).status_code == 422
    session.commit()
    assert session.get(Call, follow.id, populate_existing=True).planned_for == earlier


def test_reschedule_refusals(app, client, session):
    api, call, visit = visit_on_site(client, session)
    complete_with_follow_up(api, visit)
    follow = _planned(session, visit["id"])
    body = {"planned_for": (FOLLOW_UP_AT + timedelta(hours=1)).isoformat(), "reason": "Anders."}
    other_nurse = as_user(app, make_user(session, role="nurse", name="Andere collega"))
    assert other_nurse.post(f"/api/calls/{follow.id}/reschedule", json=body).status_code == 403
    fact_coordinator = as_user(app, make_user(session, role="coordinator", team="fact"))
    assert fact_coordinator.post(f"/api/calls/{follow.id}/reschedule", json=body).status_code == 403
    hap = as_user(app, make_user(session, role="hap"))
    assert hap.post(f"/api/calls/{follow.id}/reschedule", json=body).status_code == 403
    # Once open it is no longer planned: 409 with the status it has now.
    planned.open_due_planned(session, now=FOLLOW_UP_AT)
    lead = as_user(app, make_user(session, role="team_lead"))
    response = lead.post(f"/api/calls/{follow.id}/reschedule", json=body)
    assert response.status_code == 409 and response.get_json()["current_status"] == "open"


def test_cancel_a_planned_call_with_a_reason(app, client, session):
    api, call, visit = visit_on_site(client, session)
    complete_with_follow_up(api, visit)
    follow = _planned(session, visit["id"])
    coordinator = as_user(app, make_user(session, role="coordinator"))
    assert coordinator.post(f"/api/calls/{follow.id}/cancel", json={}).status_code == 422
    response = coordinator.post(f"/api/calls/{follow.id}/cancel", json={"reason": "Cliënt opgenomen."})
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    assert response.get_json()["cancel_reason"] == "Cliënt opgenomen."
    assert planned.open_due_planned(session, now=FOLLOW_UP_AT) == 0
    assert api.post(f"/api/calls/{follow.id}/cancel", json={"reason": "x"}).status_code == 403  # a nurse can't
    response = coordinator.post(f"/api/calls/{follow.id}/reschedule",
                                json={"planned_for": FOLLOW_UP_AT.isoformat(), "reason": "Toch."})
    assert response.status_code == 409


def test_a_follow_up_time_in_the_past_is_refused_and_nothing_is_saved(app, client, session):
    api, call, visit = visit_on_site(client, session)
    response = api.post(f"/api/visits/{visit['id']}/complete",
                        json={"outcome": "follow_up_visit", "follow_up_at": (START - timedelta(hours=1)).isoformat()})
    assert response.status_code == 422 and "follow_up_at" in response.get_json()["errors"]
    session.commit()
    assert session.get(Call, call.id, populate_existing=True).status == "on_site"
    assert session.exec(select(Call).where(Call.status == "planned")).all() == []


def test_outcomes_leave_planned_calls_out_of_the_response_and_the_recalls(app, client, session, clock):
    api, call, visit = visit_on_site(client, session)
    complete_with_follow_up(api, visit)
    follow = _planned(session, visit["id"])
    planned.open_due_planned(session, now=FOLLOW_UP_AT - timedelta(minutes=30))
    # The nurse takes the follow-up and arrives two hours after the planned time.
    from backend.dispatch import service as dispatch
    nurse = api.user
    late = FOLLOW_UP_AT + timedelta(hours=2)
    dispatch.accept_call(session, actor=actor(nurse), call_id=follow.id, now=late)
    dispatch.set_call_status(session, actor=actor(nurse), call_id=follow.id, status="en_route", now=late)
    dispatch.set_call_status(session, actor=actor(nurse), call_id=follow.id, status="on_site", now=late)
    lead = make_user(session, role="team_lead")
    figures = outcomes.period_figures(session, actor=actor(lead), now=late + timedelta(days=1),
                               start=START - timedelta(days=1), end=late + timedelta(days=1))
    assert figures.calls.total == 2
    assert figures.response.on_site == 1  # only the triaged call has an NTS response
    assert figures.recalls_72h == 0       # the planned follow-up is no re-call


def test_the_clock_job_opens_planned_calls_at_the_apps_injected_time(app, client, session, clock):
    from backend.clock import build_scheduler

    api, call, visit = visit_on_site(client, session)
    complete_with_follow_up(api, visit)
    follow = _planned(session, visit["id"])
    [job] = [j for j in build_scheduler(app).get_jobs() if j.id == "dispatch.open_planned"]
    assert job.max_instances == 1 and job.coalesce
    assert job.func(*job.args) == 0  # the clock says 02:00; the visit is planned for tomorrow 09:00
    clock.set(FOLLOW_UP_AT - timedelta(minutes=30))
    assert job.func(*job.args) == 1
    session.commit()
    assert session.get(Call, follow.id, populate_existing=True).status == "open"
