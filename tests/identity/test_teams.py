"""Team settings: response targets drive a call's target time; only the team's own lead may change them."""
from tests.factories import login, make_call, make_client, make_user


def test_team_lead_changes_her_teams_targets_and_new_calls_follow(client, session):
    lead = make_user(session, role="team_lead")
    csrf = login(client, lead.username)
    response = client.patch("/api/teams/acute", json={"target_u3_minutes": 90, "auto_offer": True},
                            headers={"X-CSRF-Token": csrf})
    assert response.status_code == 200
    assert response.get_json()["target_u3_minutes"] == 90
    call = make_call(session, urgency="U3")
    assert (call.target_at - call.created_at).total_seconds() == 90 * 60


def test_team_lead_cannot_change_another_team(client, session):
    lead = make_user(session, role="team_lead", team="fact")
    csrf = login(client, lead.username)
    response = client.patch("/api/teams/acute", json={"target_u3_minutes": 90}, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 403
    assert client.get("/api/teams").get_json()[0]["target_u3_minutes"] == 120


def test_nurse_cannot_change_team_settings(client, session):
    nurse = make_user(session)
    csrf = login(client, nurse.username)
    assert client.patch("/api/teams/acute", json={"auto_offer": True},
                        headers={"X-CSRF-Token": csrf}).status_code == 403


def test_team_lead_reads_audit_of_her_teams_clients_only(client, session):
    ours = make_call(session, team="acute")
    theirs = make_call(session, team="fact", client=make_client(session, created_team="fact"))
    lead = make_user(session, role="team_lead")
    login(client, lead.username)
    events = client.get("/api/audit").get_json()
    assert {e["client_id"] for e in events} == {ours.client_id}
    assert client.get(f"/api/audit?client_id={theirs.client_id}").get_json() == []
