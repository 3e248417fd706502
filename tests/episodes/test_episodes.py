"""Episodes: a client's crisis from the first call until the handover back to regular care."""
from datetime import timedelta

from backend.dispatch import planned
from backend.dispatch.models import Call
from tests.episodes.helpers import FOLLOW_UP_AT, as_user, carer, complete_with_follow_up, visit_on_site
from tests.factories import START, make_client, make_user
from tests.visits.conftest import As, held_call, open_visit

GOALS = ["Weer zelf naar de bakker kunnen lopen.", "Mijn dochter hoeft niet elke nacht te komen."]


def _start(api, *, client_id, case_manager_id, **extra):
    response = api.post("/api/episodes", json={"client_id": client_id, "case_manager_id": case_manager_id,
                                               "goals": GOALS, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _handover(api, visit_id):
    response = api.post("/api/handovers", json={
        "visit_id": visit_id, "recipient_type": "home_care", "recipient_name": "Thuiszorg De Linde",
        "situation": "Crisis voorbij.", "background": "Delier bij urineweginfectie.", "assessment": "Stabiel.",
        "recommendation": "Dagelijkse ADL-hulp hervatten."})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_an_episode_holds_the_clients_calls_and_visits_until_it_closes(app, client, session, clock):
    client_row = make_client(session)
    els = carer(session, client_row)
    api, first, visit = visit_on_site(client, session, client=client_row, category="pg_crisis")
    nurse = api.user
    episode = _start(api, client_id=client_row.id, case_manager_id=nurse.id,
                     network=[{"contact_id": els.id, "role": "Slaapt de eerste nachten bij moeder."}])
    assert episode["status"] == "active" and episode["goals"] == GOALS and episode["case_manager_id"] == nurse.id
    assert episode["first_call_id"] == first.id and episode["started_at"] == first.created_at.isoformat()
    assert [c["id"] for c in episode["calls"]] == [first.id]
    assert [v["id"] for v in episode["visits"]] == [visit["id"]]
    assert episode["network"][0]["name"] == "Els de Vries"
    assert episode["network"][0]["role"] == "Slaapt de eerste nachten bij moeder."
    assert episode["ediz"]["latest"] is None and episode["signals"] == []

    # EDIZ at the first visit, then the visit ends with a follow-up: a planned call in the episode's plan.
    api.post(f"/api/visits/{visit['id']}/ediz", json={"contact_id": els.id, "answers": [2] * 5 + [0] * 4})
    clock.advance(minutes=50)
    complete_with_follow_up(api, visit)
    got = api.get(f"/api/episodes/{episode['id']}").get_json()
    assert [c["status"] for c in got["calls"]] == ["completed", "planned"]
    assert [c["planned_for"] for c in got["planned"]] == [FOLLOW_UP_AT.isoformat()]
    assert got["last_visit"]["id"] == visit["id"] and got["last_visit"]["outcome"] == "follow_up_visit"
    assert "Vervolgbezoek" in got["last_visit"]["summary"]
    assert got["ediz"]["latest"]["score"] == 5 and got["ediz"]["high"] is False
    last, entry = got["last_visit"], got["ediz"]["latest"]
    assert set(last) == {"id", "call_id", "nurse_id", "nurse_name", "status", "arrived_at", "completed_at", "outcome",
                         "outcome_label", "news2_score", "news2_band", "summary"}
    assert (last["call_id"], last["nurse_id"], last["nurse_name"], last["status"]) == (
        first.id, nurse.id, nurse.name, "completed")
    assert last["outcome_label"] and last["outcome_label"] != "follow_up_visit"  # the Dutch label
    assert last["completed_at"].endswith("+00:00") and last["arrived_at"] is not None
    assert set(entry) == {"id", "visit_id", "contact_id", "contact_name", "score", "high", "created_at"}
    assert (entry["visit_id"], entry["contact_id"], entry["contact_name"], entry["high"]) == (
        visit["id"], els.id, "Els de Vries", False)
    assert entry["created_at"].endswith("+00:00")

    # The follow-up opens, the nurse visits again; the mantelzorger's burden has risen to high.
    planned.open_due_planned(session, now=FOLLOW_UP_AT - timedelta(minutes=30))
    follow = got["planned"][0]
    session.commit()
    second_call = session.get(Call, follow["id"])
    clock.set(FOLLOW_UP_AT)
    api = As(client, nurse)  # a day later: she logs in again
    assert api.post(f"/api/calls/{second_call.id}/accept").status_code == 200
    second = open_visit(api, second_call, previous_visit_id=visit["id"])
    response = api.post(f"/api/visits/{second['id']}/ediz", json={"contact_id": els.id, "answers": [3] * 8 + [0]})
    assert response.get_json()["episode_id"] == episode["id"]
    got = api.get(f"/api/episodes/{episode['id']}").get_json()
    assert [v["id"] for v in got["visits"]] == [visit["id"], second["id"]]
    assert [s["score"] for s in got["ediz"]["scores"]] == [5, 8]
    assert got["ediz"]["trend"] == "up" and got["ediz"]["high"] is True
    assert got["signals"][0]["code"] == "ediz_high" and "Els de Vries" in got["signals"][0]["message"]

    # Stable again: the handover carries the signal, and closing the episode hands the client back.
    api.post(f"/api/visits/{second['id']}/complete", json={"outcome": "regular_home_care"})
    handover = _handover(api, second["id"])
    carried = next(c for c in handover["contacts"] if c["id"] == els.id)
    assert carried["ediz"]["score"] == 8 and "hoge belasting" in carried["signal"]
    bundle = api.get(f"/api/handovers/{handover['id']}/fhir").get_json()
    assert "hoge belasting" in str(bundle)
    page = app.test_client().get(f"/overdracht/{handover['share_token']}")
    assert page.status_code == 200 and "hoge belasting" in page.get_data(as_text=True)
    clock.advance(minutes=5)
    closed = api.post(f"/api/episodes/{episode['id']}/close", json={"handover_id": handover["id"]})
    assert closed.status_code == 200, closed.get_json()
    assert closed.get_json()["status"] == "closed" and closed.get_json()["handover_id"] == handover["id"]
    again = api.post(f"/api/episodes/{episode['id']}/close", json={"handover_id": handover["id"]}, key="other")
    assert again.status_code == 409
    # A call after the close is not the episode's.
    clock.advance(days=1)
    session.commit()  # end this session's read, so it may write
    later = held_call(session, make_user(session, role="nurse"), client=client_row, now=clock.now())
    api = As(client, nurse)
    assert later.id not in [c["id"] for c in api.get(f"/api/episodes/{episode['id']}").get_json()["calls"]]
    # A new crisis may start a new episode now.
    lead = as_user(app, make_user(session, role="team_lead"))
    assert lead.post("/api/episodes", json={"client_id": client_row.id, "case_manager_id": nurse.id,
                                            "goals": ["Thuis blijven wonen."]}).status_code == 201


def test_one_running_episode_per_client_and_team(app, client, session):
    api, call, visit = visit_on_site(client, session)
    _start(api, client_id=call.client_id, case_manager_id=api.user.id)
    response = api.post("/api/episodes", json={"client_id": call.client_id, "case_manager_id": api.user.id,
                                               "goals": ["Nog een."]})
    assert response.status_code == 409


def test_episode_input_checks(app, client, session):
    api, call, visit = visit_on_site(client, session)
    coordinator = make_user(session, role="coordinator")
    fact_nurse = make_user(session, role="nurse", team="fact")
    base = {"client_id": call.client_id, "case_manager_id": api.user.id, "goals": GOALS}
    for body, field in (({**base, "case_manager_id": coordinator.id}, "case_manager_id"),
                        ({**base, "case_manager_id": fact_nurse.id}, "case_manager_id"),
                        ({**base, "network": [{"contact_id": "00000000-0000-0000-0000-000000000000"}]}, "network"),
                        ({**base, "call_id": 999999}, "call_id")):
        response = api.post("/api/episodes", json=body)
        assert response.status_code == 422 and field in response.get_json()["errors"], (field, response.get_json())
    for body in ({**base, "goals": []}, {**base, "goals": [""]}, {k: v for k, v in base.items() if k != "goals"}):
        assert api.post("/api/episodes", json=body).status_code == 422


def test_role_and_team_checks(app, client, session):
    api, call, visit = visit_on_site(client, session)
    episode = _start(api, client_id=call.client_id, case_manager_id=api.user.id)
    fact_nurse = as_user(app, make_user(session, role="nurse", team="fact"))
    assert fact_nurse.get(f"/api/episodes/{episode['id']}").status_code == 403
    assert fact_nurse.get(f"/api/episodes?client_id={call.client_id}").get_json() == []
    assert fact_nurse.post("/api/episodes", json={"client_id": call.client_id, "case_manager_id": api.user.id,
                                                  "goals": GOALS, "team": "acute"}).status_code == 403
    hap = as_user(app, make_user(session, role="hap"))
    assert hap.get(f"/api/episodes/{episode['id']}").status_code == 403
    admin = as_user(app, make_user(session, role="admin"))
    assert admin.get(f"/api/episodes/{episode['id']}").status_code == 403
    assert api.get("/api/episodes/999999").status_code == 404
    # A colleague of the team reads it (and finds it by client, for her offer card), but only the case manager or
    # the team lead closes it.
    colleague = as_user(app, make_user(session, role="nurse", name="Collega"))
    assert colleague.get(f"/api/episodes/{episode['id']}").status_code == 200
    found = colleague.get(f"/api/episodes?client_id={call.client_id}&status=active").get_json()
    assert [e["id"] for e in found] == [episode["id"]] and found[0]["goals"] == GOALS
    api.post(f"/api/visits/{visit['id']}/complete", json={"outcome": "home_resolved"})
    handover = _handover(api, visit["id"])
    assert colleague.post(f"/api/episodes/{episode['id']}/close",
                          json={"handover_id": handover["id"]}).status_code == 403
    other = _handover_of_other_client(app, session)
    response = api.post(f"/api/episodes/{episode['id']}/close", json={"handover_id": other})
    assert response.status_code == 422 and "handover_id" in response.get_json()["errors"]
    lead = as_user(app, make_user(session, role="team_lead"))
    assert lead.post(f"/api/episodes/{episode['id']}/close", json={"handover_id": handover["id"]}).status_code == 200


def _handover_of_other_client(app, session):
    nurse = make_user(session, role="nurse", name="Derde")
    call = held_call(session, nurse, client=make_client(session))
    api = as_user(app, nurse)
    visit = open_visit(api, call)
    api.post(f"/api/visits/{visit['id']}/complete", json={"outcome": "home_resolved"})
    return _handover(api, visit["id"])["id"]


def test_the_plan_of_planned_visits_and_updates(app, client, session):
    api, call, visit = visit_on_site(client, session, category="pg_crisis")
    episode = _start(api, client_id=call.client_id, case_manager_id=api.user.id)
    days = [START + timedelta(days=d, hours=7) for d in (1, 2, 3)]
    for day in days:
        response = api.post(f"/api/episodes/{episode['id']}/planned-visits",
                            json={"planned_for": day.isoformat(), "note": "Dagelijkse controle."})
        assert response.status_code == 201 and response.get_json()["status"] == "planned"
        assert response.get_json()["category"] == "pg_crisis"
    got = api.get(f"/api/episodes/{episode['id']}").get_json()
    assert [c["planned_for"] for c in got["planned"]] == [d.isoformat() for d in days]
    colleague = as_user(app, make_user(session, role="nurse", name="Collega"))
    assert colleague.post(f"/api/episodes/{episode['id']}/planned-visits",
                          json={"planned_for": days[0].isoformat()}).status_code == 403
    response = api.patch(f"/api/episodes/{episode['id']}", json={"goals": ["Rustig slapen."]})
    assert response.status_code == 200 and response.get_json()["goals"] == ["Rustig slapen."]
    assert colleague.patch(f"/api/episodes/{episode['id']}", json={"goals": ["x"]}).status_code == 403


def test_started_from_a_follow_up_the_episode_begins_at_the_crisis_call(app, client, session):
    client_row = make_client(session)
    els = carer(session, client_row)
    api, first, visit = visit_on_site(client, session, client=client_row)
    complete_with_follow_up(api, visit)
    follow = api.get("/api/calls?status=planned").get_json()[0]
    lead = as_user(app, make_user(session, role="team_lead"))
    episode = _start(lead, client_id=client_row.id, case_manager_id=api.user.id, call_id=follow["id"])
    assert episode["first_call_id"] == first.id
    assert [c["id"] for c in episode["calls"]] == [first.id, follow["id"]]
    # Without a network named, every current contact is in it, without a role yet.
    assert [(m["contact_id"], m["role"]) for m in episode["network"]] == [(els.id, None)]
