"""Finding 12 (issue 12): the portal's JSON names no internal staff ids."""
from tests.factories import make_client, make_user
from tests.visits.conftest import VITALS, As, held_call, open_visit

STAFF_ID_KEYS = {"nurse_id", "recorded_by_id", "author_id", "actor_id", "user_id", "created_by_id"}


def _keys(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


def test_the_portal_names_no_staff_ids(client, session):
    nurse = make_user(session, skills=["catheter"])
    mine = make_client(session)
    call = held_call(session, nurse, client=mine)
    api = As(client, nurse)
    visit = open_visit(api, call)
    api.post(f"/api/visits/{visit['id']}/vitals", json=VITALS)
    api.post(f"/api/visits/{visit['id']}/notes", json={"text": "Rustig."})
    api.post("/api/handovers", json={"visit_id": visit["id"], "recipient_type": "gp", "recipient_name": "Huisarts",
                                     "situation": "S", "background": "B", "assessment": "A", "recommendation": "R"})
    link = api.post(f"/api/clients/{mine.id}/portal-links", json={"recipient_name": "Els"}).get_json()
    body = client.get(f"/api/portal/{link['token']}").get_json()
    assert body["visits"] and body["visits"][0]["vitals"]
    assert not STAFF_ID_KEYS & set(_keys(body))
