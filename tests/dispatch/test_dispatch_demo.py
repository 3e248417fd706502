"""The demo region end to end: HAP raises a call, the top nurse's phone gets the push, one accept wins."""
from sqlmodel import select

from backend.demo import DEMO_PASSWORD, load_all
from backend.identity.models import User
from tests.dispatch.dispatch_fixtures import receiver, pusher  # noqa: F401
from tests.factories import login


def test_demo_call_reaches_the_top_nurse_and_a_second_accept_is_409(app, session, pusher, receiver, clock):  # noqa: F811
    load_all(session, now=clock.now())
    users = {u.username: u for u in session.exec(select(User)).all()}

    lead = app.test_client()
    lead_h = {"X-CSRF-Token": login(lead, "teamlead", DEMO_PASSWORD)}
    assert lead.patch("/api/teams/acute", json={"auto_offer": True}, headers=lead_h).status_code == 200
    token_of = {}
    for name in ("anna", "bram", "chantal", "eva"):
        nurse = app.test_client()
        h = {"X-CSRF-Token": login(nurse, name, DEMO_PASSWORD)}
        sub = receiver.subscription()
        token_of[name] = sub["endpoint"].rsplit("/", 1)[1]
        assert nurse.post("/api/push/subscriptions", json=sub, headers=h).status_code == 201

    coordinator = app.test_client()
    login(coordinator, "coordinator", DEMO_PASSWORD)
    hap = app.test_client()
    hap_h = {"X-CSRF-Token": login(hap, "hap", DEMO_PASSWORD)}
    created = hap.post("/api/calls", headers=hap_h, json={
        "team": "acute", "category": "catheter", "urgency": "U3", "source": "hap",
        "complaint": "Katheter lekt, cliënt onrustig.",
        "client": {"name": "Mevrouw Jansen", "birth_date": "1936-02-11", "address": "Brink 12",
                   "postcode": "7411BT", "city": "Deventer", "lat": 52.2535, "lon": 6.1600},
    })
    assert created.status_code == 201, created.get_json()
    call_id = created.get_json()["id"]
    top = coordinator.get(f"/api/calls/{call_id}/recommendations").get_json()
    offered_to = coordinator.get(f"/api/calls/{call_id}").get_json()["nurse_id"]
    assert offered_to == top[0]["nurse_id"] and "heeft dit aanbod nu" in top[0]["reasons"]
    by_id = {u.id: u for u in users.values()}
    top_nurse, other = by_id[offered_to].username, by_id[top[1]["nurse_id"]].username
    [push] = [m for m in receiver.delivered() if m.payload["call_id"] == call_id]
    assert push.token == token_of[top_nurse]
    assert push.payload["type"] == "offer" and push.payload["urgency"] == "U3"

    nurse = app.test_client()
    nurse_h = {"X-CSRF-Token": login(nurse, top_nurse, DEMO_PASSWORD)}
    assert nurse.post(f"/api/calls/{call_id}/accept", headers=nurse_h).status_code == 200
    second = app.test_client()
    second_h = {"X-CSRF-Token": login(second, other, DEMO_PASSWORD)}
    refused = second.post(f"/api/calls/{call_id}/accept", headers=second_h)
    assert refused.status_code == 409 and refused.get_json()["code"] == 409
