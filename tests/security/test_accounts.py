"""Findings 1, 15, 16 (issue 12): account lifecycle, confusable usernames, a login throttle without lock-out."""
from sqlmodel import select

from backend.audit.models import AuditEvent
from tests.factories import PASSWORD, assert_error, login, make_call, make_user


def _admin(client, session):
    admin = make_user(session, role="admin")
    return admin, {"X-CSRF-Token": login(client, admin.username)}


def test_tokens_only_for_machine_accounts_and_every_account_action_names_the_admin(app, client, session):
    admin, h = _admin(client, session)
    nurse, hap = make_user(session), make_user(session, role="hap")
    for person in ("admin", "nurse", "coordinator", "team_lead"):
        user = nurse if person == "nurse" else make_user(session, role=person)
        assert_error(client.post("/api/tokens", json={"username": user.username, "label": "x"}, headers=h), 422)
    created = client.post("/api/tokens", json={"username": hap.username, "label": "HAP"}, headers=h)
    assert created.status_code == 201
    listed = client.get("/api/tokens").get_json()
    assert [(t["username"], t["label"], t["created_by"]) for t in listed] == [(hap.username, "HAP", admin.username)]
    assert all("token" not in t and "token_hash" not in t for t in listed)
    machine = app.test_client()
    bearer = {"Authorization": f"Bearer {created.get_json()['token']}"}
    assert machine.get("/api/auth/me", headers=bearer).status_code == 200
    assert client.get("/api/tokens").get_json()[0]["last_used_at"] is not None
    assert client.delete(f"/api/tokens/{listed[0]['id']}", headers=h).status_code == 204
    assert_error(machine.get("/api/auth/me", headers=bearer), 401)
    session.commit()
    events = session.exec(select(AuditEvent).where(AuditEvent.action.like("account.%"))
                          .order_by(AuditEvent.id)).all()
    assert [(e.action, e.user_id) for e in events] == [("account.token.create", admin.id),
                                                        ("account.token.revoke", admin.id)]


def test_deactivating_a_nurse_ends_her_sessions_and_tokens_at_once(app, client, session):
    admin, h = _admin(client, session)
    nurse = make_user(session)
    phone = app.test_client()
    login(phone, nurse.username)
    assert phone.get("/api/auth/me").status_code == 200
    users = client.get("/api/users").get_json()
    assert {"id", "username", "role", "name", "team", "active"} <= set(users[0])
    response = client.patch(f"/api/users/{nurse.id}", json={"active": False}, headers=h)
    assert response.status_code == 200 and response.get_json()["active"] is False
    assert_error(phone.get("/api/auth/me"), 401)
    assert_error(phone.post("/api/auth/login", json={"username": nurse.username, "password": PASSWORD}), 401)
    session.commit()
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "account.user.update")).one()
    assert event.user_id == admin.id and event.detail["target_user_id"] == nurse.id


def test_an_admin_reads_no_client_data_even_through_a_token(app, client, session):
    _, h = _admin(client, session)
    call = make_call(session)
    assert_error(client.get(f"/api/clients/{call.client_id}"), 403)


def test_usernames_differing_only_in_case_are_one_username(client, session):
    _, h = _admin(client, session)
    body = {"username": "anna", "password": "lang-genoeg-1", "role": "nurse", "name": "Anna", "team": "acute"}
    assert client.post("/api/users", json=body, headers=h).status_code == 201
    for confusable in ("ANNA", "Anna", " anna"):
        response = client.post("/api/users", json={**body, "username": confusable}, headers=h)
        assert response.status_code in (409, 422), confusable


def test_a_stranger_cannot_lock_a_user_out_and_a_post_behind_one_address_keeps_working(app, session):
    nurse, colleague = make_user(session), make_user(session)
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    for _ in range(app.config["LOGIN_MAX_FAILURES"] * 3):
        attacker.post("/api/auth/login", json={"username": nurse.username, "password": "fout"})
    assert_error(attacker.post("/api/auth/login", json={"username": nurse.username, "password": PASSWORD}), 429)
    at_work = app.test_client()
    at_work.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert at_work.post("/api/auth/login", json={"username": nurse.username, "password": PASSWORD}).status_code == 200
    # one colleague's typos behind the post's NAT don't block the others there
    for _ in range(app.config["LOGIN_MAX_FAILURES"] * 3):
        at_work.post("/api/auth/login", json={"username": colleague.username, "password": "fout"})
    assert at_work.post("/api/auth/login", json={"username": nurse.username, "password": PASSWORD}).status_code == 200
