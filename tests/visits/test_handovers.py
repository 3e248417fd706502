"""Warm handovers: SBAR, the link without an account, confirmation, expiry, revocation, FHIR, alerts."""
import pytest
from sqlmodel import select

from backend.audit.models import AuditEvent
from backend.dispatch.models import CallEvent
from backend.visits import handovers
from backend.visits.models import Handover
from tests.factories import make_user
from tests.visits.conftest import VITALS, As, open_visit, validate_bundle

SBAR = {"recipient_type": "home_care", "recipient_name": "Thuiszorg De Berkel",
        "situation": "Katheter verstopt, vervangen.", "background": "Prostaatcarcinoom, CAD sinds 2024.",
        "assessment": "Geen tekenen van infectie.", "recommendation": "Morgen controle urineproductie."}


@pytest.fixture
def visit(client, session, nurse, call):
    api = As(client, nurse)
    api.put(f"/api/clients/{call.client_id}/wishes",
            json={"resuscitation": "no", "hospital_admission": "no", "preferred_place_of_care": "thuis",
                  "agreed_with": "cliënt en zoon, met de huisarts", "agreed_on": "2026-03-01"})
    api.post(f"/api/clients/{call.client_id}/contacts",
             json={"name": "Jan de Boer", "relation": "zoon", "phone": "06-11112222", "is_mantelzorger": True,
                   "involvement": "first_contact"})
    visit = open_visit(api, call)
    api.post(f"/api/visits/{visit['id']}/vitals", json=VITALS)
    api.patch(f"/api/visits/{visit['id']}", json={
        "version": 1, "medication": [{"name": "Nitrofurantoïne", "change": "started", "dose": "2dd 100 mg"}]})
    return visit


def write_handover(api, visit, **changes):
    response = api.post("/api/handovers", json={"visit_id": visit["id"], **SBAR, **changes})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_handover_carries_the_record_and_is_confirmed_through_its_link(client, session, nurse, call, visit):
    api = As(client, nurse)
    handover = write_handover(api, visit)
    assert handover["share_url"].endswith(f"/overdracht/{handover['share_token']}")
    assert handover["expires_at"] == "2026-11-28T02:00:00+00:00"  # 72 hours
    assert handover["medication_changes"][0]["name"] == "Nitrofurantoïne"
    assert handover["wishes"]["resuscitation_label"] == "Niet reanimeren"
    assert handover["contacts"][0]["name"] == "Jan de Boer"

    client.post("/api/auth/logout", headers={"X-CSRF-Token": api.csrf})
    shared = client.get(f"/api/shared/handovers/{handover['share_token']}")
    assert shared.status_code == 200
    body = shared.get_json()
    assert body["situation"] == SBAR["situation"] and body["client"]["name"]
    assert body["author_name"] == "Verpleegkundige Bos"
    assert body["latest_vitals"]["news2"]["score"] == 0
    assert "share_token" not in body and "token_hash" not in body

    ack = client.post(f"/api/shared/handovers/{handover['share_token']}/acknowledge", json={"name": "Zr. Pieters"})
    assert ack.status_code == 200
    assert ack.get_json() == {"acknowledged_at": "2026-11-25T02:00:00+00:00", "acknowledged_by": "Zr. Pieters"}
    again = client.post(f"/api/shared/handovers/{handover['share_token']}/acknowledge", json={"name": "Iemand"})
    assert again.get_json()["acknowledged_by"] == "Zr. Pieters"  # the first confirmation stands

    api = As(client, nurse)
    seen = api.get(f"/api/handovers/{handover['id']}").get_json()
    assert seen["acknowledged_by"] == "Zr. Pieters"
    events = api.get(f"/api/calls/{call.id}/events").get_json()
    types = [e["type"] for e in events]
    assert types.count("handover_created") == 1 and types.count("handover_acknowledged") == 1
    assert events[-1]["detail"]["acknowledged_by"] == "Zr. Pieters"
    session.commit()
    reads = session.exec(select(AuditEvent).where(AuditEvent.action.like("handover.shared.%"))).all()
    assert {(e.action, e.user_name) for e in reads} == {
        ("handover.shared.read", "Thuiszorg De Berkel"), ("handover.shared.acknowledge", "Zr. Pieters")}


@pytest.mark.parametrize("missing", ["situation", "background", "assessment", "recommendation"])
def test_all_four_sbar_parts_are_required(client, session, nurse, visit, missing):
    api = As(client, nurse)
    body = {"visit_id": visit["id"], **SBAR}
    body[missing] = ""
    assert api.post("/api/handovers", json=body).status_code == 422
    del body[missing]
    assert api.post("/api/handovers", json=body).status_code == 422
    session.commit()
    assert session.exec(select(Handover)).all() == []


def test_bad_recipient_type_is_refused(client, nurse, visit):
    api = As(client, nurse)
    assert api.post("/api/handovers", json={"visit_id": visit["id"], **SBAR, "recipient_type": "buurman"}
                    ).status_code == 422


def test_an_expired_link_is_gone(client, session, nurse, visit, clock):
    handover = write_handover(As(client, nurse), visit, expires_in_hours=2)
    token = handover["share_token"]
    clock.advance(hours=1, minutes=59)
    assert client.get(f"/api/shared/handovers/{token}").status_code == 200
    clock.advance(minutes=1)
    assert client.get(f"/api/shared/handovers/{token}").status_code == 404
    assert client.post(f"/api/shared/handovers/{token}/acknowledge", json={"name": "X"}).status_code == 404


def test_a_revoked_link_stops_at_once(client, session, nurse, visit):
    api = As(client, nurse)
    handover = write_handover(api, visit)
    assert api.post(f"/api/handovers/{handover['id']}/revoke").status_code == 200
    assert client.get(f"/api/shared/handovers/{handover['share_token']}").status_code == 404


def test_a_wrong_token_is_404_and_the_attempt_is_audited(client, session):
    response = client.get("/api/shared/handovers/not-a-real-token")
    assert response.status_code == 404
    assert response.get_json()["code"] == 404
    session.commit()
    attempt = session.exec(select(AuditEvent).where(AuditEvent.action == "handover.shared.read")).one()
    assert attempt.outcome == "denied" and attempt.detail["reason"] == "unknown" and attempt.ip


def test_fhir_export_is_a_valid_stu3_document(client, session, nurse, visit):
    api = As(client, nurse)
    handover = write_handover(api, visit)
    response = api.get(f"/api/handovers/{handover['id']}/fhir")
    assert response.status_code == 200
    assert response.mimetype == "application/fhir+json"
    bundle = response.get_json()
    parsed = validate_bundle(bundle)
    assert parsed.type == "document"
    composition = bundle["entry"][0]["resource"]
    assert [s["title"] for s in composition["section"][:4]] == ["Situatie", "Achtergrond", "Beoordeling", "Advies"]
    stranger = make_user(session, role="coordinator", team="fact")
    assert As(client, stranger).get(f"/api/handovers/{handover['id']}/fhir").status_code == 403


def test_unconfirmed_handovers_alert_the_coordinator_once(client, session, nurse, call, visit, clock):
    handover = write_handover(As(client, nurse), visit)
    session.commit()
    limit = 240  # the acute team's default handover_ack_alert_minutes
    clock.advance(minutes=limit - 1)
    assert handovers.alert_unacknowledged(session, now=clock.now()) == []
    clock.advance(minutes=1)
    assert handovers.alert_unacknowledged(session, now=clock.now()) == [handover["id"]]
    assert handovers.alert_unacknowledged(session, now=clock.now()) == []
    events = session.exec(select(CallEvent).where(CallEvent.call_id == call.id,
                                                  CallEvent.type == "handover_unacknowledged")).all()
    assert len(events) == 1
    coordinator = make_user(session, role="coordinator")
    listed = As(client, coordinator).get("/api/handovers?unacknowledged=true").get_json()
    assert [h["id"] for h in listed] == [handover["id"]]


def test_a_confirmed_handover_never_alerts(client, session, nurse, visit, clock):
    handover = write_handover(As(client, nurse), visit)
    client.post(f"/api/shared/handovers/{handover['share_token']}/acknowledge", json={"name": "Huisarts Smit"})
    session.commit()
    clock.advance(days=1)
    assert handovers.alert_unacknowledged(session, now=clock.now()) == []
