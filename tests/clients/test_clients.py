"""Registering, looking up and reading clients: roles, visibility, BSN 11-check, postcode, audit."""
import pytest
from sqlmodel import select

from backend.audit.models import AuditEvent
from backend.clients.validation import is_valid_bsn, normalise_postcode
from tests.factories import assert_error, assert_only_the_attempt_kept, login, make_call, make_client, make_user, row_counts

NEW = {"name": "Mevrouw Test", "birth_date": "1938-04-02", "address": "Brink 1", "postcode": "7411 BR",
       "city": "Deventer", "lat": 52.2525, "lon": 6.159, "phone": "0570-123456", "bsn": "111222333",
       "gp_name": "Dr. Kamphuis"}


def _as(client, session, role, **kw):
    user = make_user(session, role=role, **kw)
    return user, {"X-CSRF-Token": login(client, user.username)}


def _events(session, **where):
    session.commit()
    query = select(AuditEvent).order_by(AuditEvent.id)
    for key, value in where.items():
        query = query.where(getattr(AuditEvent, key) == value)
    return list(session.exec(query).all())


@pytest.mark.parametrize("role, expected", [("hap", 201), ("coordinator", 201), ("nurse", 201),
                                            ("team_lead", 201), ("admin", 403)])
def test_register_a_client_per_role(app, client, session, role, expected):
    user, h = _as(client, session, role)
    before = row_counts(app.extensions["db_engine"])
    response = client.post("/api/clients", json=NEW, headers=h)
    if expected != 201:
        assert_error(response, expected)
        assert_only_the_attempt_kept(before, row_counts(app.extensions["db_engine"]), expected)
        return
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["id"] > 0 and body["bsn"] == "111222333" and body["postcode"] == "7411 BR"
    assert body["birth_date"] == "1938-04-02" and body["created_at"].endswith("+00:00")
    assert [(e.user_id, e.role, e.action, e.client_id, e.outcome) for e in _events(session)] == [
        (user.id, role, "client.create", body["id"], "ok")]
    # whoever registered the client can read it back
    assert client.get(f"/api/clients/{body['id']}").status_code == 200


def test_register_without_login_is_401(client):
    assert_error(client.post("/api/clients", json=NEW), 401)


def test_duplicate_bsn_is_409_naming_no_bsn_and_keeps_only_the_attempt(app, client, session):
    make_client(session, bsn="111222333")
    _, h = _as(client, session, "hap")
    before = row_counts(app.extensions["db_engine"])
    body = assert_error(client.post("/api/clients", json=NEW, headers=h), 409)
    assert "bsn" not in body.get("errors", {}) and "BSN ingeschreven" not in body["message"]
    assert row_counts(app.extensions["db_engine"]) == {**before, "audit_events": before["audit_events"] + 1}


# -- BSN and postcode ------------------------------------------------------------------------------

@pytest.mark.parametrize("bsn, stored", [
    ("111222333", "111222333"),
    ("12345672", "012345672"),  # 8 digits: a leading zero was dropped somewhere
    (None, None),
])
def test_bsn_passing_the_11_check_is_accepted(client, session, bsn, stored):
    _, h = _as(client, session, "coordinator")
    response = client.post("/api/clients", json={**NEW, "bsn": bsn}, headers=h)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["bsn"] == stored


@pytest.mark.parametrize("bsn", [
    "123456789",   # fails the 11-check
    "111222334",   # one digit off
    "000000000",   # all zeros pass the arithmetic but are no BSN
    "11122233",    # 8 digits failing the check
    "1234567",     # too short
    "1234567890",  # too long
    "12345678a",
    "",
    " 111222333",
])
def test_bsn_failing_the_11_check_is_422_and_writes_nothing(app, client, session, bsn):
    _, h = _as(client, session, "coordinator")
    before = row_counts(app.extensions["db_engine"])
    body = assert_error(client.post("/api/clients", json={**NEW, "bsn": bsn}, headers=h), 422)
    assert "bsn" in body["errors"]["json"]
    assert row_counts(app.extensions["db_engine"]) == before


@pytest.mark.parametrize("value, valid", [
    ("111222333", True), ("012345672", True), ("12345672", True), ("123456789", False),
    ("000000000", False), ("abcdefghi", False), ("1112223330", False),
])
def test_is_valid_bsn(value, valid):
    assert is_valid_bsn(value) is valid


@pytest.mark.parametrize("postcode, stored", [
    ("7411 BR", "7411 BR"), ("7411BR", "7411 BR"), ("7411 br", "7411 BR"), (" 7411br ", "7411 BR"),
    ("1000 AA", "1000 AA"),
])
def test_postcode_is_normalised(client, session, postcode, stored):
    _, h = _as(client, session, "nurse")
    response = client.post("/api/clients", json={**NEW, "postcode": postcode, "bsn": None}, headers=h)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["postcode"] == stored


@pytest.mark.parametrize("postcode", [
    "0411 BR",    # no postcode starts with 0
    "7411 SA", "7411 SD", "7411 SS",  # letter pairs the post never issues
    "74111 BR", "741 BR", "7411 B", "7411 BRR", "7411-BR", "ABCD EF", "", "7411  BR",
])
def test_bad_postcode_is_422_and_writes_nothing(app, client, session, postcode):
    _, h = _as(client, session, "nurse")
    before = row_counts(app.extensions["db_engine"])
    body = assert_error(client.post("/api/clients", json={**NEW, "postcode": postcode}, headers=h), 422)
    assert "postcode" in body["errors"]["json"]
    assert row_counts(app.extensions["db_engine"]) == before


def test_normalise_postcode():
    assert normalise_postcode("7411br") == "7411 BR"
    assert normalise_postcode("7411 sa") is None


@pytest.mark.parametrize("field, value", [
    ("lat", 48.85), ("lon", 2.35), ("birth_date", "2999-01-01"), ("birth_date", "1850-01-01"),
    ("phone", "bel me"), ("name", ""), ("birth_date", "02-04-1938"),
])
def test_implausible_client_fields_are_422(client, session, field, value):
    _, h = _as(client, session, "hap")
    body = assert_error(client.post("/api/clients", json={**NEW, field: value}, headers=h), 422)
    assert field in body["errors"]["json"]


# -- lookup ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role, expected", [("hap", 200), ("coordinator", 200), ("nurse", 200),
                                            ("team_lead", 200), ("admin", 403)])
def test_lookup_per_role(client, session, role, expected):
    known = make_client(session, bsn="111222333")
    _, h = _as(client, session, role, **({"team": "fact"} if role in ("coordinator", "nurse", "team_lead") else {}))
    response = client.get("/api/clients?bsn=111222333&birth_date=1935-05-01")
    if expected != 200:
        assert_error(response, expected)
        return
    assert [c["id"] for c in response.get_json()] == [known.id]


def test_lookup_needs_both_exact_bsn_and_birth_date_and_is_audited(client, session):
    known = make_client(session, bsn="012345672")
    user, _ = _as(client, session, "hap")
    assert client.get("/api/clients?bsn=12345672&birth_date=1935-05-01").get_json()[0]["id"] == known.id
    assert client.get("/api/clients?bsn=012345672&birth_date=1935-05-02").get_json() == []
    assert client.get("/api/clients?bsn=012345673&birth_date=1935-05-01").get_json() == []
    events = _events(session, action="client.lookup")
    assert [(e.user_id, e.client_id, e.detail["found"]) for e in events] == [
        (user.id, known.id, True), (user.id, None, False), (user.id, None, False)]


@pytest.mark.parametrize("query", [
    "", "bsn=111222333", "birth_date=1935-05-01", "bsn=abc&birth_date=1935-05-01",
    "bsn=111222333&birth_date=gisteren", "bsn=1112223331&birth_date=1935-05-01",
])
def test_lookup_without_exact_keys_is_422_and_not_a_list_of_everyone(client, session, query):
    make_client(session, bsn="111222333")
    _as(client, session, "hap")
    assert_error(client.get(f"/api/clients?{query}"), 422)


@pytest.mark.parametrize("query", ["name=a", "name=%20%20", "name=de&bsn=111222333&birth_date=1935-05-01",
                                   "bsn=111222333&name=de"])
def test_name_search_needs_two_characters_and_not_a_bsn_as_well(client, session, query):
    _as(client, session, "hap")
    body = assert_error(client.get(f"/api/clients?{query}"), 422)
    assert "naam" in body["message"].lower() or "bsn" in body["message"].lower()


def test_name_search_finds_only_clients_of_the_own_work_and_is_audited(client, session):
    hap = make_user(session, role="hap", organisation="HAP Noord")
    other = make_user(session, role="hap", organisation="HAP Zuid")
    ours = make_call(session, by=hap, client=make_client(session, name="Mevrouw A. van Dijk", created_team=None)).client_id
    make_call(session, by=hap, client=make_client(session, name="De heer B. Dijkstra", created_team=None))
    make_call(session, by=other, client=make_client(session, name="Mevrouw C. van Dijk", created_team=None))
    make_client(session, name="Mevrouw D. van Dijk", created_team="fact")
    login(client, hap.username)
    found = client.get("/api/clients?name=van%20DIJK").get_json()
    assert [c["id"] for c in found] == [ours]
    assert {c["name"] for c in client.get("/api/clients?name=dijk").get_json()} == {
        "Mevrouw A. van Dijk", "De heer B. Dijkstra"}
    assert client.get("/api/clients?name=dijk&birth_date=1935-05-02").get_json() == []
    assert client.get("/api/clients?name=%25%25").get_json() == []  # no wildcard: a % is a character
    shown = [e.client_id for e in _events(session, user_id=hap.id) if e.client_id is not None]
    assert ours in shown


def test_name_search_of_a_team_sees_its_own_work(client, session):
    _as(client, session, "coordinator", team="fact")
    make_client(session, name="Mevrouw E. Fact", created_team="fact")
    make_client(session, name="Mevrouw F. Acuut", created_team="acute")
    assert [c["name"] for c in client.get("/api/clients?name=mevrouw").get_json()] == ["Mevrouw E. Fact"]


# -- reading one client --------------------------------------------------------------------------------

@pytest.mark.parametrize("role, team, expected", [
    ("nurse", "acute", 200), ("coordinator", "acute", 200), ("team_lead", "acute", 200),
    ("nurse", "fact", 403), ("coordinator", "fact", 403), ("team_lead", "fact", 403),
    ("hap", None, 200), ("admin", None, 403),
])
def test_read_a_client_through_the_teams_work(client, session, role, team, expected):
    hap = make_user(session, role="hap")
    call = make_call(session, by=hap, client=make_client(session, created_team=None))
    user, _ = _as(client, session, role, team=team)
    response = client.get(f"/api/clients/{call.client_id}")
    if expected == 200:
        assert response.status_code == 200
        assert response.get_json()["id"] == call.client_id
    else:
        assert_error(response, expected)
    if role != "admin":
        events = _events(session, action="client.read")
        assert [(e.user_id, e.client_id, e.outcome) for e in events] == [
            (user.id, call.client_id, "ok" if expected == 200 else "denied")]


def test_hap_of_another_organisation_cannot_read_the_client(client, session):
    call = make_call(session, by=make_user(session, role="hap"), client=make_client(session, created_team=None))
    _as(client, session, "hap", organisation="HAP Zutphen")
    assert_error(client.get(f"/api/clients/{call.client_id}"), 403)


def test_a_client_registered_by_a_team_is_visible_to_that_team_only(client, session):
    registered = make_client(session, created_team="fact")
    _as(client, session, "nurse", team="fact")
    assert client.get(f"/api/clients/{registered.id}").status_code == 200
    _as(client, session, "nurse", team="acute")
    assert_error(client.get(f"/api/clients/{registered.id}"), 403)


def test_unknown_client_is_404(client, session):
    _as(client, session, "nurse")
    assert_error(client.get("/api/clients/999999"), 404)
    assert_error(client.get("/api/clients/99999999999999999999"), 404)


def test_read_without_login_is_401_and_not_audited(client, session):
    known = make_client(session)
    assert_error(client.get(f"/api/clients/{known.id}"), 401)
    assert _events(session) == []
