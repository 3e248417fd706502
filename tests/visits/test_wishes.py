"""Client wishes and contacts: recorded with versions, shown on every visit, kept within the team."""
from tests.factories import make_user
from tests.visits.conftest import As, open_visit


def test_wishes_are_recorded_changed_with_a_version_and_shown_on_the_visit(client, session, nurse, call):
    api = As(client, nurse)
    path = f"/api/clients/{call.client_id}/wishes"
    assert api.get(path).get_json()["recorded"] is False
    first = api.put(path, json={"resuscitation": "no", "hospital_admission": "after_consultation",
                                "preferred_place_of_death": "thuis", "agreed_with": "cliënt en huisarts",
                                "agreed_on": "2026-06-01", "home_care_provider": "Thuiszorg De Berkel"})
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["version"] == 1
    changed = api.put(path, json={"version": 1, "other_agreements": "Geen sondevoeding."})
    assert changed.get_json()["version"] == 2
    stale = api.put(path, json={"version": 1, "resuscitation": "yes"})
    assert stale.status_code == 409
    assert stale.get_json()["current"]["resuscitation"] == "no"
    assert api.put(path, json={"resuscitation": "yes"}).status_code == 422  # a change names its version
    assert api.put(path, json={"version": 2, "resuscitation": "misschien"}).status_code == 422

    contact = api.post(f"/api/clients/{call.client_id}/contacts",
                       json={"name": "Els", "relation": "dochter", "is_mantelzorger": True,
                             "involvement": "representative"})
    assert contact.status_code == 201
    visit = open_visit(api, call)
    assert visit["wishes"]["resuscitation_label"] == "Niet reanimeren"
    assert visit["wishes"]["other_agreements"] == "Geen sondevoeding."
    assert visit["contacts"][0]["involvement_label"].startswith("Wettelijk vertegenwoordiger")
    assert api.delete(f"/api/clients/{call.client_id}/contacts/{contact.get_json()['id']}").status_code == 204
    assert api.get(path).get_json()["contacts"] == []


def test_wishes_stay_within_the_team(client, session, nurse, call):
    stranger = make_user(session, role="nurse", team="fact")
    api = As(client, stranger)
    assert api.put(f"/api/clients/{call.client_id}/wishes", json={"resuscitation": "yes"}).status_code == 403
    assert api.post(f"/api/clients/{call.client_id}/contacts", json={"name": "X"}).status_code == 403
