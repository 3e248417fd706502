"""Sync pull: the nurse's own current work since her cursor, and nothing more."""
from tests.factories import make_call, make_client, make_user
from tests.visits.conftest import VITALS, As, held_call, open_visit


def test_pull_returns_only_her_own_current_work(client, session, nurse, clock):
    mine = held_call(session, nurse, client=make_client(session, name="Mevrouw Mijn"))
    colleague = make_user(session, role="nurse")
    held_call(session, colleague, client=make_client(session, name="Meneer Collega"))
    make_call(session, client=make_client(session, name="Mevrouw Open"))  # open, nobody's yet
    fact_nurse = make_user(session, role="nurse", team="fact")
    held_call(session, fact_nurse, client=make_client(session, name="Meneer Fact"))

    api = As(client, nurse)
    api.put(f"/api/clients/{mine.client_id}/wishes", json={"hospital_admission": "no"})
    clock.advance(minutes=1)
    first = api.get("/api/sync/pull")
    assert first.status_code == 200
    body = first.get_json()
    assert body["full"] is True and body["current_call_ids"] == [mine.id]
    assert [c["id"] for c in body["calls"]] == [mine.id]
    assert [c["name"] for c in body["clients"]] == ["Mevrouw Mijn"]
    assert [w["hospital_admission"] for w in body["wishes"]] == ["no"]
    assert body["visits"] == []
    text = first.get_data(as_text=True)
    assert "Collega" not in text and "Mevrouw Open" not in text and "Fact" not in text

    # Nothing changed: a pull with the cursor brings nothing.
    clock.advance(minutes=1)
    quiet = api.get(f"/api/sync/pull?cursor={body['cursor']}").get_json()
    assert quiet["full"] is False and quiet["current_call_ids"] == [mine.id]
    assert quiet["calls"] == quiet["clients"] == quiet["wishes"] == quiet["visits"] == []

    # A visit and vitals made since come along; the call moved on (on site), so it comes too.
    clock.advance(minutes=1)
    visit = open_visit(api, mine)
    api.post(f"/api/visits/{visit['id']}/vitals", json={**VITALS, "measured_at": clock.now().isoformat()})
    clock.advance(minutes=1)
    changed = api.get(f"/api/sync/pull?cursor={quiet['cursor']}").get_json()
    assert [v["id"] for v in changed["visits"]] == [visit["id"]]
    assert len(changed["visits"][0]["vitals"]) == 1
    assert [c["status"] for c in changed["calls"]] == ["on_site"]

    # Completed: no longer her current work, so the phone drops it.
    clock.advance(minutes=1)
    api.post(f"/api/visits/{visit['id']}/complete", json={"outcome": "home_resolved"})
    clock.advance(minutes=1)
    after = api.get(f"/api/sync/pull?cursor={changed['cursor']}").get_json()
    assert after["current_call_ids"] == [] and after["calls"] == [] and after["visits"] == []


def test_pull_is_for_nurses_and_refuses_a_bad_cursor(client, session, nurse):
    api = As(client, nurse)
    assert api.get("/api/sync/pull?cursor=%%%").status_code == 422
    assert api.get("/api/sync/pull?cursor=bm90LWEtZGF0ZQ").status_code == 422
    coordinator = make_user(session, role="coordinator")
    assert As(client, coordinator).get("/api/sync/pull").status_code == 403
