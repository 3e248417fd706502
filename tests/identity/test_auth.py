"""Logging in and out, the session cookie, CSRF, bearer tokens and login throttling."""
import pytest
from sqlmodel import Session, select

from backend import create_app
from backend.audit.models import AuditEvent
from backend.identity.models import LoginAttempt, LoginSession
from tests.factories import PASSWORD, assert_error, bearer, login, make_call, make_client, make_user, row_counts


def test_login_returns_user_and_csrf_token_and_sets_a_session_cookie(client, session):
    nurse = make_user(session, name="Anna de Vries")
    response = client.post("/api/auth/login", json={"username": nurse.username, "password": PASSWORD})
    assert response.status_code == 200
    body = response.get_json()
    assert body["user"] == {**body["user"], "id": nurse.id, "username": nurse.username, "role": "nurse",
                            "name": "Anna de Vries"}
    assert "password_hash" not in body["user"] and "password" not in body["user"]
    assert len(body["csrf_token"]) >= 32
    cookie = client.get_cookie("wijkspoed_session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Strict"
    me = client.get("/api/auth/me").get_json()
    assert me["id"] == nurse.id and me["csrf_token"] == body["csrf_token"]


@pytest.mark.parametrize("username, password", [
    ("known", "verkeerd-wachtwoord"),
    ("onbekend", PASSWORD),
])
def test_wrong_credentials_are_401_and_counted(client, session, username, password):
    make_user(session, username="known")
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    assert_error(response, 401)
    assert client.get_cookie("wijkspoed_session") is None
    session.commit()
    assert [(a.username, a.ip) for a in session.exec(select(LoginAttempt)).all()] == [(username, "127.0.0.1")]


def test_inactive_user_cannot_log_in(client, session):
    user = make_user(session, active=False)
    assert_error(client.post("/api/auth/login", json={"username": user.username, "password": PASSWORD}), 401)


def test_session_secret_is_stored_only_as_a_digest(client, session):
    user = make_user(session)
    login(client, user.username)
    secret_cookie = client.get_cookie("wijkspoed_session").value
    session.commit()
    rows = session.exec(select(LoginSession)).all()
    assert len(rows) == 1 and rows[0].user_id == user.id and len(rows[0].id) == 64
    assert rows[0].id not in secret_cookie


def test_me_without_login_is_401(client):
    assert_error(client.get("/api/auth/me"), 401)


def test_logout_ends_the_session_on_the_server_too(app, client, session):
    user = make_user(session)
    csrf = login(client, user.username)
    copied_cookie = client.get_cookie("wijkspoed_session").value
    assert client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert_error(client.get("/api/auth/me"), 401)
    thief = app.test_client()
    thief.set_cookie("wijkspoed_session", copied_cookie)
    assert_error(thief.get("/api/auth/me"), 401)
    session.commit()
    assert session.exec(select(LoginSession)).all() == []


def test_logout_without_login_is_401(client):
    assert_error(client.post("/api/auth/logout"), 401)


def test_session_expires_after_twelve_hours(client, session, clock):
    user = make_user(session)
    login(client, user.username)
    clock.advance(hours=11, minutes=59)
    assert client.get("/api/auth/me").status_code == 200
    clock.advance(minutes=2)
    assert_error(client.get("/api/auth/me"), 401)


# -- CSRF ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [{}, {"X-CSRF-Token": "verkeerd"}, {"X-CSRF-Token": ""}])
def test_cookie_session_without_the_right_csrf_token_is_403_and_writes_nothing(app, client, session, headers):
    hap = make_user(session, role="hap")
    login(client, hap.username)
    before = row_counts(app.extensions["db_engine"])
    body = {"name": "Mevrouw Test", "birth_date": "1938-04-02", "address": "Brink 1", "postcode": "7411 BR",
            "city": "Deventer", "lat": 52.25, "lon": 6.16}
    assert "CSRF" in assert_error(client.post("/api/clients", json=body, headers=headers), 403)["message"]
    assert row_counts(app.extensions["db_engine"]) == before


def test_csrf_token_of_another_session_is_refused(app, client, session):
    first, second = make_user(session, role="coordinator"), make_user(session, role="coordinator")
    other_csrf = login(app.test_client(), second.username)
    login(client, first.username)
    call = make_call(session)
    before = row_counts(app.extensions["db_engine"])
    response = client.post(f"/api/calls/{call.id}/cancel", json={"reason": "x"},
                           headers={"X-CSRF-Token": other_csrf})
    assert_error(response, 403)
    assert row_counts(app.extensions["db_engine"]) == before


def test_safe_methods_need_no_csrf_token(client, session):
    user = make_user(session)
    login(client, user.username)
    assert client.get("/api/calls").status_code == 200


# -- bearer tokens -----------------------------------------------------------------------------------

def test_admin_creates_a_token_and_the_machine_uses_it_without_csrf(app, client, session):
    admin = make_user(session, role="admin")
    hap = make_user(session, role="hap")
    csrf = login(client, admin.username)
    response = client.post("/api/tokens", json={"username": hap.username, "label": "HAP-koppeling Deventer"},
                           headers={"X-CSRF-Token": csrf})
    assert response.status_code == 201
    token = response.get_json()["token"]
    machine = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert machine.get("/api/auth/me", headers=headers).get_json()["username"] == hap.username
    body = {"client": {"name": "Mevrouw Test", "birth_date": "1938-04-02", "address": "Brink 1",
                       "postcode": "7411 BR", "city": "Deventer", "lat": 52.25, "lon": 6.16},
            "team": "acute", "category": "catheter", "urgency": "U3", "complaint": "Katheter", "source": "hap"}
    created = machine.post("/api/calls", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    session.commit()
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "call.create")).all()
    assert [(e.user_id, e.on_behalf_of) for e in events] == [(hap.id, "HAP-koppeling Deventer")]


def test_token_is_stored_only_as_a_digest(client, session):
    from backend.identity.models import ApiToken

    hap = make_user(session, role="hap")
    header = bearer(session, hap)
    token = header["Authorization"].split()[1]
    session.commit()
    stored = session.exec(select(ApiToken)).one()
    assert token not in stored.token_hash and len(stored.token_hash) == 64


@pytest.mark.parametrize("header", [
    "Bearer wsp_onbekend", "Bearer ", "Basic dXNlcjpwYXNz", "wsp_zonder_schema", "Bearer  ",
])
def test_unknown_or_malformed_authorization_is_401(client, session, header):
    assert_error(client.get("/api/auth/me", headers={"Authorization": header}), 401)


def test_revoked_token_and_token_of_inactive_user_are_401(client, session):
    from backend.identity.models import ApiToken

    hap = make_user(session, role="hap")
    header = bearer(session, hap)
    assert client.get("/api/auth/me", headers=header).status_code == 200
    stored = session.exec(select(ApiToken)).one()
    stored.revoked_at = stored.created_at
    session.add(stored)
    session.commit()
    assert_error(client.get("/api/auth/me", headers=header), 401)
    other = make_user(session, role="hap")
    header = bearer(session, other)
    other.active = False
    session.add(other)
    session.commit()
    assert_error(client.get("/api/auth/me", headers=header), 401)


def test_a_bearer_token_takes_precedence_and_is_not_mixed_with_a_cookie(client, session):
    nurse = make_user(session)
    login(client, nurse.username)
    assert_error(client.get("/api/auth/me", headers={"Authorization": "Bearer wsp_onbekend"}), 401)


# -- throttling ------------------------------------------------------------------------------------

def _try(client, username, password):
    return client.post("/api/auth/login", json={"username": username, "password": password})


def test_after_max_failures_even_the_right_password_is_429(app, client, session, clock):
    user = make_user(session)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert _try(client, user.username, "fout-wachtwoord").status_code == 401
    body = assert_error(_try(client, user.username, PASSWORD), 429)
    assert body["retry_after"] == app.config["LOGIN_WINDOW_SECONDS"]
    clock.advance(seconds=app.config["LOGIN_WINDOW_SECONDS"] + 1)
    assert _try(client, user.username, PASSWORD).status_code == 200


def test_throttle_counter_is_shared_by_two_app_instances_on_one_database(app, session, database_url, clock):
    other_app = create_app({"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "another-secret",
                            "CLOCK": clock, "LOGIN_MAX_FAILURES": app.config["LOGIN_MAX_FAILURES"]})
    try:
        user = make_user(session)
        web1, web2 = app.test_client(), other_app.test_client()
        for n in range(app.config["LOGIN_MAX_FAILURES"]):
            assert _try(web1 if n % 2 else web2, user.username, "fout-wachtwoord").status_code == 401
        assert_error(_try(web1, user.username, PASSWORD), 429)
        assert_error(_try(web2, user.username, PASSWORD), 429)
    finally:
        other_app.extensions["db_engine"].dispose()


def test_one_address_guessing_many_names_is_throttled(app, client, session):
    """An address (a whole post behind one NAT) may fail many times as often as one name before it is stopped."""
    from backend.identity.service import ADDRESS_FAILURE_FACTOR

    user = make_user(session)
    limit = app.config["LOGIN_MAX_FAILURES"] * ADDRESS_FAILURE_FACTOR
    for n in range(limit):
        assert _try(client, f"raad{n}", "fout-wachtwoord").status_code == 401
    assert_error(_try(client, user.username, PASSWORD), 429)


def test_throttled_login_writes_nothing(app, client, session):
    user = make_user(session)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _try(client, user.username, "fout-wachtwoord")
    before = row_counts(app.extensions["db_engine"])
    assert_error(_try(client, user.username, PASSWORD), 429)
    assert_error(_try(client, user.username, "nog-een-poging"), 429)
    assert row_counts(app.extensions["db_engine"]) == before


def test_usernames_are_case_insensitive_at_login(client, session):
    """Usernames are stored lower-case (finding 15: no `ANNA` beside `anna`), so any case logs in."""
    make_user(session, username="anna")
    assert_error(_try(client, "anne", PASSWORD), 401)
    for typed in ("anna", "Anna", "ANNA"):
        assert _try(client, typed, PASSWORD).status_code == 200


def test_clients_of_a_deleted_session_are_not_readable(app, client, session):
    """A session removed on the server (e.g. by logout elsewhere) no longer opens client data."""
    nurse = make_user(session)
    visible = make_client(session)
    login(client, nurse.username)
    assert client.get(f"/api/clients/{visible.id}").status_code == 200
    with Session(app.extensions["db_engine"]) as other:
        for row in other.exec(select(LoginSession)).all():
            other.delete(row)
        other.commit()
    assert_error(client.get(f"/api/clients/{visible.id}"), 401)
