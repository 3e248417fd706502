"""User and token administration, for every role."""
import pytest
from sqlmodel import select

from backend.identity.models import ApiToken, User
from tests.factories import PASSWORD, assert_error, assert_only_the_attempt_kept, login, make_user, row_counts

ROLES = ["nurse", "coordinator", "hap", "team_lead", "admin"]
NEW_NURSE = {"username": "nieuwe.nurse", "password": "lang-genoeg-1", "role": "nurse", "name": "Nieuwe Nurse",
             "team": "acute", "skills": ["catheter", "wound_care"], "base_lat": 52.25, "base_lon": 6.16}


def _as(client, session, role, **kw):
    user = make_user(session, role=role, **kw)
    return user, {"X-CSRF-Token": login(client, user.username)}


@pytest.mark.parametrize("role, expected", [("admin", 201), ("nurse", 403), ("coordinator", 403),
                                            ("hap", 403), ("team_lead", 403)])
def test_only_an_admin_creates_users(app, client, session, role, expected):
    _, h = _as(client, session, role)
    before = row_counts(app.extensions["db_engine"])
    response = client.post("/api/users", json=NEW_NURSE, headers=h)
    if expected == 201:
        assert response.status_code == 201, response.get_json()
        body = response.get_json()
        assert {k: body[k] for k in ("username", "role", "name", "team", "skills")} == {
            "username": "nieuwe.nurse", "role": "nurse", "name": "Nieuwe Nurse", "team": "acute",
            "skills": ["catheter", "wound_care"]}
        assert "password" not in body and "password_hash" not in body
        assert client.post("/api/auth/login", json={"username": "nieuwe.nurse",
                                                   "password": "lang-genoeg-1"}).status_code == 200
    else:
        assert_error(response, expected)
        assert_only_the_attempt_kept(before, row_counts(app.extensions["db_engine"]), expected)


def test_creating_users_without_login_is_401(client):
    assert_error(client.post("/api/users", json=NEW_NURSE), 401)


def test_password_is_stored_as_argon2id(client, session):
    _, h = _as(client, session, "admin")
    client.post("/api/users", json=NEW_NURSE, headers=h)
    session.commit()
    stored = session.exec(select(User).where(User.username == "nieuwe.nurse")).one()
    assert stored.password_hash.startswith("$argon2id$") and "lang-genoeg-1" not in stored.password_hash


def test_duplicate_username_is_409(app, client, session):
    _, h = _as(client, session, "admin")
    make_user(session, username="nieuwe.nurse")
    before = row_counts(app.extensions["db_engine"])
    assert_error(client.post("/api/users", json=NEW_NURSE, headers=h), 409)
    assert row_counts(app.extensions["db_engine"]) == before


@pytest.mark.parametrize("role", ["nurse", "coordinator", "team_lead"])
def test_team_roles_need_a_team(app, client, session, role):
    _, h = _as(client, session, "admin")
    before = row_counts(app.extensions["db_engine"])
    body = assert_error(client.post("/api/users", json={**NEW_NURSE, "role": role, "team": None}, headers=h), 422)
    assert "team" in body["errors"]
    assert row_counts(app.extensions["db_engine"]) == before


@pytest.mark.parametrize("role, expected", [("admin", 200), ("coordinator", 200), ("team_lead", 200),
                                            ("nurse", 403), ("hap", 403)])
def test_listing_users(client, session, role, expected):
    make_user(session, role="nurse", team="fact")
    make_user(session, role="nurse", team="acute")
    me, h = _as(client, session, role)
    response = client.get("/api/users")
    if expected != 200:
        assert_error(response, expected)
        return
    teams = {u["team"] for u in response.get_json()}
    if role == "admin":
        assert {"acute", "fact"} <= teams
    else:
        assert teams == {"acute"}
    assert all("password_hash" not in u for u in response.get_json())


def test_coordinator_cannot_list_another_team_through_the_filter(client, session):
    make_user(session, role="nurse", team="fact")
    _as(client, session, "coordinator")
    assert client.get("/api/users?team=fact").get_json() == []


@pytest.mark.parametrize("role, expected", [("admin", 201), ("nurse", 403), ("coordinator", 403),
                                            ("hap", 403), ("team_lead", 403)])
def test_only_an_admin_creates_tokens(app, client, session, role, expected):
    machine = make_user(session, role="hap")
    _, h = _as(client, session, role)
    before = row_counts(app.extensions["db_engine"])
    response = client.post("/api/tokens", json={"username": machine.username, "label": "koppeling"}, headers=h)
    if expected == 201:
        assert response.status_code == 201
        assert response.get_json()["token"].startswith("wsp_")
        session.commit()
        assert [(t.user_id, t.label) for t in session.exec(select(ApiToken)).all()] == [(machine.id, "koppeling")]
    else:
        assert_error(response, expected)
        assert_only_the_attempt_kept(before, row_counts(app.extensions["db_engine"]), expected)


def test_token_for_unknown_user_is_404_and_writes_nothing(app, client, session):
    _, h = _as(client, session, "admin")
    before = row_counts(app.extensions["db_engine"])
    assert_error(client.post("/api/tokens", json={"username": "niemand", "label": "x"}, headers=h), 404)
    assert_only_the_attempt_kept(before, row_counts(app.extensions["db_engine"]), 404)


def test_each_token_is_different_and_shown_once(client, session):
    machine = make_user(session, role="hap")
    _, h = _as(client, session, "admin")
    first = client.post("/api/tokens", json={"username": machine.username, "label": "a"}, headers=h).get_json()
    second = client.post("/api/tokens", json={"username": machine.username, "label": "a"}, headers=h).get_json()
    assert first["token"] != second["token"]


def test_factories_password_works(client, session):
    user = make_user(session)
    assert client.post("/api/auth/login", json={"username": user.username, "password": PASSWORD}).status_code == 200
