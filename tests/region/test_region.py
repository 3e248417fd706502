"""The region as data: organisations, teams with postcode areas, and calls routed by postcode and kind."""
import pytest

from backend.identity.models import Team
from backend.region import service as region
from tests.factories import login, make_client, make_user


def _as(client, session, role, **overrides):
    user = make_user(session, role=role, **overrides)
    return user, {"X-CSRF-Token": login(client, user.username)}


def _add_team(session, code, kind, postcodes):
    session.add(Team(code=code, name=code.title(), kind=kind, postcodes=postcodes))
    session.commit()


CALL = {"category": "catheter", "urgency": "U3", "complaint": "Katheter verstopt.", "source": "hap"}
NEW_CLIENT = {"name": "Mevrouw Jansen", "birth_date": "1936-02-03", "address": "Houtmarkt 3", "city": "Zutphen",
              "lat": 52.14, "lon": 6.19}


@pytest.mark.parametrize("postcode, expected", [("7411 BR", "acute"), ("7201 AB", "zutphen"),
                                                ("7231", "zutphen"), ("7439ZZ", "acute")])
def test_route_picks_the_team_whose_area_covers_the_postcode(session, postcode, expected):
    _add_team(session, "zutphen", "acute", ["7200-7231"])
    assert region.route_team(session, postcode=postcode, kind="acute").code == expected


def test_parse_range_refuses_reversed_and_malformed_ranges():
    assert region.parse_range("7412-7429") == (7412, 7429)
    for bad in ("7429-7412", "741", "abcd", "7411-", "0999"):
        with pytest.raises(ValueError):
            region.parse_range(bad)


def test_call_without_team_is_routed_by_postcode(client, session):
    _add_team(session, "zutphen", "acute", ["7200-7231"])
    _, headers = _as(client, session, "hap")
    response = client.post("/api/calls", json={**CALL, "client": {**NEW_CLIENT, "postcode": "7201 AB"}},
                           headers=headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["team"] == "zutphen"


def test_pg_crisis_goes_to_the_fact_team_and_team_kind_overrides(client, session):
    _, headers = _as(client, session, "hap")
    body = {**CALL, "category": "pg_crisis", "client": {**NEW_CLIENT, "postcode": "7411 BR"}}
    assert client.post("/api/calls", json=body, headers=headers).get_json()["team"] == "fact"
    body = {**CALL, "team_kind": "fact", "client": {**NEW_CLIENT, "postcode": "7412 AA", "name": "B"}}
    assert client.post("/api/calls", json=body, headers=headers).get_json()["team"] == "fact"


def test_known_client_is_routed_by_her_postcode(client, session):
    hap, headers = _as(client, session, "hap")
    known = make_client(session, created_team=None, created_org=hap.organisation, postcode="7415 CD")
    response = client.post("/api/calls", json={**CALL, "client_id": known.id}, headers=headers)
    assert response.status_code == 201 and response.get_json()["team"] == "acute"


def test_no_team_covers_the_postcode_is_a_422_naming_it(client, session):
    _, headers = _as(client, session, "hap")
    before = client.get("/api/calls", headers=headers)
    response = client.post("/api/calls", json={**CALL, "client": {**NEW_CLIENT, "postcode": "1012 AB"}},
                           headers=headers)
    assert response.status_code == 422
    assert "1012 AB" in response.get_json()["message"]
    assert client.get("/api/calls", headers=headers).get_json() == before.get_json()


def test_unknown_team_code_is_a_422_from_the_teams_table(client, session):
    _, headers = _as(client, session, "hap")
    response = client.post("/api/calls", json={**CALL, "team": "nergens",
                                               "client": {**NEW_CLIENT, "postcode": "7411 BR"}}, headers=headers)
    assert response.status_code == 422
    assert "nergens" in response.get_json()["message"]


def test_a_team_added_by_the_admin_is_valid_at_once(client, session):
    _, admin = _as(client, session, "admin")
    response = client.post("/api/teams", json={"code": "zutphen", "name": "Acuut Zutphen", "kind": "acute",
                                               "postcodes": ["7200-7231", "7240"]}, headers=admin)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["postcodes"] == ["7200-7231", "7240"]
    response = client.post("/api/users", json={"username": "zoe", "password": "wachtwoord-123", "role": "nurse",
                                               "name": "Zoë", "team": "zutphen"}, headers=admin)
    assert response.status_code == 201
    assert client.post("/api/users", json={"username": "zed", "password": "wachtwoord-123", "role": "nurse",
                                           "name": "Zed", "team": "nergens"}, headers=admin).status_code == 422
    teams = {t["code"]: t for t in client.get("/api/teams", headers=admin).get_json()}
    assert teams["zutphen"]["kind"] == "acute" and teams["acute"]["postcodes"] == ["7400-7439"]


@pytest.mark.parametrize("body", [
    {"code": "x", "name": "X", "kind": "acute", "postcodes": ["7429-7412"]},
    {"code": "x", "name": "X", "kind": "acute", "postcodes": ["74"]},
    {"code": "x", "name": "X", "kind": "hap", "postcodes": []},
    {"code": "Has Space", "name": "X", "kind": "acute", "postcodes": []},
    {"code": "acute", "name": "X", "kind": "acute", "postcodes": []},
])
def test_bad_teams_are_refused(client, session, body):
    _, admin = _as(client, session, "admin")
    response = client.post("/api/teams", json=body, headers=admin)
    assert response.status_code in (409, 422)
    session.commit()
    assert session.get(Team, "x") is None


def test_organisations_are_rows_and_a_hap_user_belongs_to_one(client, session):
    _, admin = _as(client, session, "admin")
    response = client.post("/api/organisations", json={"name": "HAP Apeldoorn", "kind": "hap"}, headers=admin)
    assert response.status_code == 201
    org_id = response.get_json()["id"]
    assert client.post("/api/organisations", json={"name": "HAP Apeldoorn", "kind": "hap"},
                       headers=admin).status_code == 409
    assert client.post("/api/organisations", json={"name": "X", "kind": "bakery"}, headers=admin).status_code == 422
    response = client.post("/api/users", json={"username": "hap.apd", "password": "wachtwoord-123", "role": "hap",
                                               "name": "Triage", "organisation_id": org_id}, headers=admin)
    assert response.status_code == 201 and response.get_json()["organisation_id"] == org_id
    assert client.post("/api/users", json={"username": "hap.x", "password": "wachtwoord-123", "role": "hap",
                                           "name": "T", "organisation_id": 9999}, headers=admin).status_code == 422
    names = [o["name"] for o in client.get("/api/organisations", headers=admin).get_json()]
    assert "HAP Apeldoorn" in names
    _, nurse = _as(client, session, "nurse")
    assert client.post("/api/organisations", json={"name": "Y", "kind": "hap"}, headers=nurse).status_code == 403
    assert client.post("/api/teams", json={"code": "y", "name": "Y", "kind": "acute", "postcodes": []},
                       headers=nurse).status_code == 403
