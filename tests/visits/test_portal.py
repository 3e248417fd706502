"""The client-visible dossier: exactly the client's own data and who looked at it."""
from sqlmodel import select

from backend.audit.models import AuditEvent
from tests.factories import make_client, make_user
from tests.visits.conftest import VITALS, As, held_call, open_visit


def test_portal_shows_exactly_the_clients_record_and_its_access_log(client, session, nurse, clock):
    mine, other = make_client(session, name="Mevrouw Jansen"), make_client(session, name="Meneer Pietersen")
    call = held_call(session, nurse, client=mine)
    api = As(client, nurse)
    visit = open_visit(api, call)
    api.post(f"/api/visits/{visit['id']}/vitals", json=VITALS)
    api.put(f"/api/clients/{mine.id}/wishes", json={"resuscitation": "no", "agreed_with": "cliënt zelf"})
    api.post(f"/api/visits/{visit['id']}/complete", json={"outcome": "home_resolved"})
    api.post("/api/handovers", json={"visit_id": visit["id"], "recipient_type": "gp", "recipient_name": "Huisarts Smit",
                                     "situation": "S", "background": "B", "assessment": "A", "recommendation": "R"})
    colleague = make_user(session, role="nurse", name="Collega Vos")
    other_call = held_call(session, colleague, client=other)
    open_visit(As(client, colleague), other_call)

    api = As(client, nurse)
    made = api.post(f"/api/clients/{mine.id}/portal-links", json={"recipient_name": "Dochter Els"})
    assert made.status_code == 201
    link = made.get_json()
    assert link["url"].endswith(f"/portaal/{link['token']}") and link["expires_at"] == "2026-12-09T02:00:00+00:00"
    client.post("/api/auth/logout", headers={"X-CSRF-Token": api.csrf})

    clock.advance(hours=1)
    response = client.get(f"/api/portal/{link['token']}")
    assert response.status_code == 200
    dossier = response.get_json()
    assert dossier["client"]["name"] == "Mevrouw Jansen" and "bsn" not in dossier["client"]
    assert [c["id"] for c in dossier["calls"]] == [call.id]
    assert dossier["calls"][0]["status_label"] == "Afgerond"
    assert dossier["calls"][0]["closing_note"] == "Uitkomst: Thuis opgelost."
    assert [v["id"] for v in dossier["visits"]] == [visit["id"]]
    assert dossier["visits"][0]["outcome_label"] == "Thuis opgelost"
    assert len(dossier["handovers"]) == 1 and dossier["handovers"][0]["recipient_name"] == "Huisarts Smit"
    assert dossier["wishes"]["resuscitation_label"] == "Niet reanimeren"
    assert "Pietersen" not in response.get_data(as_text=True) and "Collega Vos" not in response.get_data(as_text=True)
    log = dossier["access_log"]
    assert log[0]["who"] == "Dochter Els" and log[0]["what"] == "heeft uw dossier ingezien"  # this view itself
    assert {e["who"] for e in log} >= {"Verpleegkundige Bos", "Dochter Els"}
    assert any(e["action"] == "visit.create" and e["role_label"] == "verpleegkundige" for e in log)
    session.commit()
    views = session.exec(select(AuditEvent).where(AuditEvent.action == "portal.read")).all()
    assert len(views) == 1 and views[0].client_id == mine.id and views[0].user_name == "Dochter Els"


def test_a_revoked_portal_link_stops_at_once(client, session, nurse):
    call = held_call(session, nurse)
    api = As(client, nurse)
    link = api.post(f"/api/clients/{call.client_id}/portal-links", json={"recipient_name": "Cliënt"}).get_json()
    assert client.get(f"/api/portal/{link['token']}").status_code == 200
    assert api.delete(f"/api/clients/{call.client_id}/portal-links/{link['id']}").status_code == 204
    assert client.get(f"/api/portal/{link['token']}").status_code == 404
    listed = api.get(f"/api/clients/{call.client_id}/portal-links").get_json()
    assert listed[0]["revoked_at"] and "token" not in listed[0]


def test_a_portal_link_expires(client, session, nurse, clock):
    call = held_call(session, nurse)
    api = As(client, nurse)
    link = api.post(f"/api/clients/{call.client_id}/portal-links",
                    json={"recipient_name": "Cliënt", "expires_in_days": 1}).get_json()
    clock.advance(days=1)
    assert client.get(f"/api/portal/{link['token']}").status_code == 404


def test_a_wrong_portal_token_is_404_and_audited(client, session):
    assert client.get("/api/portal/raden-lukt-niet").status_code == 404
    session.commit()
    attempt = session.exec(select(AuditEvent).where(AuditEvent.action == "portal.read")).one()
    assert attempt.outcome == "denied" and attempt.client_id is None


def test_portal_links_are_for_the_clients_team_only(client, session, nurse):
    call = held_call(session, nurse)
    stranger = make_user(session, role="coordinator", team="fact")
    api = As(client, stranger)
    assert api.post(f"/api/clients/{call.client_id}/portal-links", json={"recipient_name": "X"}).status_code == 403
    hap = make_user(session, role="hap")
    assert As(client, hap).post(f"/api/clients/{call.client_id}/portal-links",
                                json={"recipient_name": "X"}).status_code == 403
    api = As(client, nurse)
    assert api.post(f"/api/clients/{call.client_id}/portal-links",
                    json={"recipient_name": "X", "expires_in_days": 400}).status_code == 422
    assert api.post(f"/api/clients/{call.client_id}/portal-links", json={}).status_code == 422
