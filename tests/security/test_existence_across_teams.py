"""Finding 13 (issue 12): a client-chosen id that is already taken gets one answer — 422 on `id`, "kies een
ander id" — whether the row holding it is another team's (which she may not see) or one of her own under
another parent. Nothing is written; a fresh id then works."""
import uuid
from types import SimpleNamespace

import pytest
from sqlmodel import func, select

from backend.visits.models import ClientContact, Handover, Visit, VisitNote, VitalSigns
from tests.factories import make_client, make_user
from tests.visits.conftest import VITALS, As, held_call
from tests.visits.test_handovers import SBAR


def _new(api, path, body):
    response = api.post(path, json={"id": str(uuid.uuid4()), **body})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _rows(api, call, client):
    """Make, through the API, one row of every kind with a client-chosen id; return their ids."""
    visit = _new(api, "/api/visits", {"call_id": call.id})
    ids = {"visit": visit["id"]}
    ids["vitals"] = _new(api, f"/api/visits/{visit['id']}/vitals", VITALS)["id"]
    ids["note"] = _new(api, f"/api/visits/{visit['id']}/notes", {"text": "Eerder bezoek."})["id"]
    ids["handover"] = _new(api, "/api/handovers", {"visit_id": visit["id"], **SBAR})["id"]
    ids["contact"] = _new(api, f"/api/clients/{client.id}/contacts", {"name": "Jan de Boer"})["id"]
    return ids


@pytest.fixture
def world(session, app):
    """Rows of every kind of an acute nurse (which the fact team may not see) and of a fact colleague (which
    it may); a fact nurse with an open visit and one with a held call without a visit yet."""
    def nurse_with_call(team, client):
        nurse = make_user(session, team=team)
        return As(app.test_client(), nurse), held_call(session, nurse, client=client)

    acute_client = make_client(session)
    fact_clients = [make_client(session, created_team="fact") for _ in range(3)]
    acute = _rows(*nurse_with_call("acute", acute_client), acute_client)
    own = _rows(*nurse_with_call("fact", fact_clients[0]), fact_clients[0])
    writer, writer_call = nurse_with_call("fact", fact_clients[1])
    parent = _new(writer, "/api/visits", {"call_id": writer_call.id})
    arriving, arriving_call = nurse_with_call("fact", fact_clients[2])
    return SimpleNamespace(acute=acute, own=own, writer=writer, parent=parent, arriving=arriving,
                           arriving_call=arriving_call, client=fact_clients[1])


KINDS = {
    "visit": (Visit, lambda w: (w.arriving, "/api/visits", {"call_id": w.arriving_call.id})),
    "vitals": (VitalSigns, lambda w: (w.writer, f"/api/visits/{w.parent['id']}/vitals", VITALS)),
    "note": (VisitNote, lambda w: (w.writer, f"/api/visits/{w.parent['id']}/notes", {"text": "Nieuwe notitie."})),
    "handover": (Handover, lambda w: (w.writer, "/api/handovers", {"visit_id": w.parent["id"], **SBAR})),
    "contact": (ClientContact, lambda w: (w.writer, f"/api/clients/{w.client.id}/contacts", {"name": "Els"})),
}


def _shape(response):
    body = dict(response.get_json())
    body.pop("request_id", None)
    return response.status_code, body


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_taken_id_gets_the_same_answer_whoever_holds_it(session, world, kind):
    model, request = KINDS[kind]
    fact_api, path, body = request(world)
    acute, own = world.acute, world.own
    before = session.scalar(select(func.count()).select_from(model))

    foreign = fact_api.post(path, json={**body, "id": acute[kind]})
    mine_elsewhere = fact_api.post(path, json={**body, "id": own[kind]})

    assert foreign.status_code == 422, foreign.get_json()
    assert foreign.get_json()["errors"] == {"id": ["Dit id is al in gebruik; kies een ander id."]}
    assert _shape(foreign) == _shape(mine_elsewhere)
    text = str(foreign.get_json()).lower()
    assert "bestaat" not in text and "team" not in text
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(model)) == before
    # and the phone's next choice goes through
    assert fact_api.post(path, json={**body, "id": str(uuid.uuid4())}).status_code == 201


def test_replaying_her_own_write_is_still_recognised(session, world):
    fact_api, parent, client = world.writer, world.parent, world.client
    contact = {"id": str(uuid.uuid4()), "name": "Piet"}
    first = fact_api.post(f"/api/clients/{client.id}/contacts", json=contact)
    again = fact_api.post(f"/api/clients/{client.id}/contacts", json=contact)
    assert first.status_code == 201 and again.status_code == 201
    assert again.get_json()["id"] == first.get_json()["id"]
    vitals = {**VITALS, "id": str(uuid.uuid4())}
    assert fact_api.post(f"/api/visits/{parent['id']}/vitals", json=vitals).status_code == 201
    assert fact_api.post(f"/api/visits/{parent['id']}/vitals", json=vitals).status_code == 409
