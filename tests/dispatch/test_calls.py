"""Call intake and the state machine through the API."""
import pytest

from tests.factories import login, make_call, make_client, make_user

NEW_CLIENT = {"name": "Mevrouw Test", "birth_date": "1938-04-02", "address": "Brink 1", "postcode": "7411br",
              "city": "Deventer", "lat": 52.2525, "lon": 6.159, "bsn": "111222333"}


def call_body(**overrides):
    body = {"client": NEW_CLIENT, "team": "acute", "category": "catheter", "urgency": "U3",
            "complaint": "Katheter verstopt", "source": "hap", "caller_name": "Dochter"}
    body.update(overrides)
    return body


@pytest.fixture
def hap(session):
    return make_user(session, role="hap")


def test_hap_raises_a_call_with_a_new_client(client, session, hap, clock):
    csrf = login(client, hap.username)
    response = client.post("/api/calls", json=call_body(), headers={"X-CSRF-Token": csrf})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "open"
    assert body["nurse_id"] is None
    assert body["urgency"] == "U3"
    assert body["target_at"] == "2026-11-25T04:00:00+00:00"  # U3: 2 h after intake at 02:00
    assert body["client"]["postcode"] == "7411 BR"
    events = client.get(f"/api/calls/{body['id']}/events").get_json()
    assert [(e["type"], e["from_status"], e["to_status"]) for e in events] == [("created", None, "open")]


@pytest.mark.parametrize("urgency", ["U0", "U1"])
def test_life_threatening_urgency_is_refused_with_112(client, session, hap, urgency):
    csrf = login(client, hap.username)
    response = client.post("/api/calls", json=call_body(urgency=urgency), headers={"X-CSRF-Token": csrf})
    assert response.status_code == 422
    body = response.get_json()
    assert "112" in body["message"]
    assert body["code"] == 422 and body["status"] == "Unprocessable Entity"
    assert client.get("/api/calls").get_json() == []


def test_full_life_of_a_call(client, session, hap):
    coordinator = make_user(session, role="coordinator")
    nurse = make_user(session, role="nurse")
    call = make_call(session, by=hap)
    csrf = login(client, coordinator.username)
    r = client.post(f"/api/calls/{call.id}/offer", json={"nurse_id": nurse.id}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.get_json()["status"] == "offered" and r.get_json()["nurse_id"] == nurse.id
    csrf = login(client, nurse.username)
    h = {"X-CSRF-Token": csrf}
    assert client.post(f"/api/calls/{call.id}/accept", headers=h).get_json()["status"] == "accepted"
    assert client.get("/api/auth/me").get_json()["availability"] == "busy"
    assert client.post(f"/api/calls/{call.id}/status", json={"status": "on_site"}, headers=h).status_code == 409
    assert client.post(f"/api/calls/{call.id}/status", json={"status": "en_route"}, headers=h).status_code == 200
    assert client.post(f"/api/calls/{call.id}/status", json={"status": "on_site"}, headers=h).status_code == 200
    events = client.get(f"/api/calls/{call.id}/events").get_json()
    assert [e["type"] for e in events] == ["created", "offered", "accepted", "en_route", "on_site"]


def test_accept_of_a_call_offered_to_another_nurse_is_409(client, session, hap):
    coordinator = make_user(session, role="coordinator")
    anna, bram = make_user(session), make_user(session)
    call = make_call(session, by=hap)
    login(client, coordinator.username)
    csrf = login(client, coordinator.username)
    client.post(f"/api/calls/{call.id}/offer", json={"nurse_id": anna.id}, headers={"X-CSRF-Token": csrf})
    csrf = login(client, bram.username)
    response = client.post(f"/api/calls/{call.id}/accept", headers={"X-CSRF-Token": csrf})
    assert response.status_code == 409
    assert response.get_json()["code"] == 409


def test_hap_sees_only_its_organisations_calls(client, session):
    ours, theirs = make_user(session, role="hap"), make_user(session, role="hap", organisation="HAP Zutphen")
    mine = make_call(session, by=ours)
    other = make_call(session, by=theirs)
    login(client, ours.username)
    assert [c["id"] for c in client.get("/api/calls").get_json()] == [mine.id]
    assert client.get(f"/api/calls/{other.id}").status_code == 403


def test_cancel_frees_the_nurse(client, session, hap):
    nurse = make_user(session)
    call = make_call(session, by=hap)
    csrf = login(client, nurse.username)
    client.post(f"/api/calls/{call.id}/accept", headers={"X-CSRF-Token": csrf})
    csrf = login(client, hap.username)
    r = client.post(f"/api/calls/{call.id}/cancel", json={"reason": "Huisarts gaat zelf"},
                    headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.get_json()["status"] == "cancelled"
    session.refresh(nurse)
    assert nurse.availability == "available"
    again = client.post(f"/api/calls/{call.id}/cancel", json={"reason": "nogmaals"}, headers={"X-CSRF-Token": csrf})
    assert again.status_code == 409


def test_client_from_call_is_visible_to_team_but_not_other_team(client, session, hap):
    call = make_call(session, by=hap, client=make_client(session, created_team=None))
    acute = make_user(session, role="coordinator")
    fact = make_user(session, role="coordinator", team="fact")
    login(client, acute.username)
    assert client.get(f"/api/clients/{call.client_id}").status_code == 200
    login(client, fact.username)
    assert client.get(f"/api/clients/{call.client_id}").status_code == 403


def test_hap_raises_a_call_for_a_known_client_after_looking_her_up(client, session, hap):
    known = make_client(session, created_team="fact", bsn="111222333")
    csrf = login(client, hap.username)
    body = call_body(client_id=known.id)
    del body["client"]
    assert client.post("/api/calls", json=body, headers={"X-CSRF-Token": csrf}).status_code == 403
    found = client.get("/api/clients?bsn=111222333&birth_date=1935-05-01").get_json()
    assert [c["id"] for c in found] == [known.id]
    response = client.post("/api/calls", json=body, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 201
    assert client.get(f"/api/clients/{known.id}").status_code == 200
