"""Findings 6 and 9 (issue 12): hostile values in any field of any operation are a 4xx, never a 500, never stored.

Every string field of every operation (from /api/openapi.json, body and query) gets a lone surrogate and a
NUL; every integer field 2**64; every date or date-time field a moment Python or the database can't hold;
every operation with a JSON body 60,000 brackets. The guard answers before authentication, so these run
without logging in; the date checks run after the arguments are loaded, so they run as every role.
"""
import json

import pytest

from tests.factories import PASSWORD, START, login, make_world
from tests.security.openapi_cases import fields, operations, request_with

LONE_SURROGATE = "a\ud800b"
NUL = "a\x00b"
HUGE = 2**64
BAD_MOMENTS = {"date-time": ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "1000-01-01T00:00:00Z"],
               "date": ["0001-01-01", "9999-12-31", "1000-01-01"]}


@pytest.fixture
def spec(client):
    return client.get("/api/openapi.json").get_json()


def _send(client, field, value, headers=None):
    kwargs = request_with(client.spec, field, value)
    body = kwargs.pop("json", None)
    if body is not None:
        # json.dumps keeps a lone surrogate as the escape "\ud800", as an attacker sends it
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return client.open(field.path, method=field.method, headers=headers or {}, **kwargs)


def _refusals(client, spec, predicate, value, expected=(422,)):
    client.spec = spec
    wrong = []
    checked = 0
    for field in fields(spec):
        if not predicate(field):
            continue
        checked += 1
        response = _send(client, field, value)
        if response.status_code not in expected:
            wrong.append(f"{field}: {response.status_code}")
    return checked, wrong


def test_a_lone_surrogate_in_every_string_field_is_422(client, spec):
    # (a query string is UTF-8 on the wire: it can't carry a lone surrogate, NUL below covers queries)
    checked, wrong = _refusals(client, spec, lambda f: f.type == "string" and f.location == "json", LONE_SURROGATE)
    assert checked > 80
    assert not wrong, wrong


def test_nul_in_every_string_field_is_422(client, spec):
    checked, wrong = _refusals(client, spec, lambda f: f.type == "string", NUL)
    assert checked > 100
    assert not wrong, wrong


def test_a_huge_integer_in_every_body_integer_field_is_422(client, spec):
    checked, wrong = _refusals(client, spec, lambda f: f.type == "integer" and f.location == "json", HUGE)
    assert checked > 10
    assert not wrong, wrong


@pytest.mark.parametrize("role", ["admin", "hap", "coordinator", "bram"])
def test_a_huge_integer_in_every_query_integer_field_is_422_for_every_role(app, session, spec, role):
    w = make_world(session)
    client = app.test_client()
    login(client, getattr(w, role).username)
    checked, wrong = _refusals(client, spec, lambda f: f.type == "integer" and f.location == "query", HUGE,
                               expected=(403, 422))
    assert checked > 5
    assert not wrong, wrong


def test_bad_text_in_path_and_form_is_refused(client, session):
    """The unauthenticated share page and its HTML form (finding 9) refuse NUL and lone surrogates too."""
    for path in ("/api/shared/handovers/a%00b", "/overdracht/a%00b"):
        assert client.get(path).status_code == 422
    response = client.post("/overdracht/sometoken/bevestigen", data={"name": NUL})
    assert response.status_code == 422
    response = client.post("/api/shared/handovers/sometoken/acknowledge",
                           data=json.dumps({"name": LONE_SURROGATE}), content_type="application/json")
    assert response.status_code == 422
    response = client.post("/api/auth/login", data=json.dumps({"username": LONE_SURROGATE, "password": "x"}),
                           content_type="application/json")
    assert response.status_code == 422


def test_deep_json_is_refused_before_parsing_on_every_operation(client, spec):
    deep = "[" * 60_000 + "]" * 60_000
    wrong = []
    for method, path, body, _ in operations(spec):
        if body is None:
            continue
        response = client.open(path, method=method, data=deep, content_type="application/json")
        if response.status_code != 400:
            wrong.append(f"{method} {path}: {response.status_code}")
    assert not wrong, wrong


@pytest.mark.parametrize("role", ["admin", "hap", "coordinator", "team_lead", "bram"])
def test_dates_out_of_range_in_every_date_field_are_4xx_never_500(app, session, spec, role):
    w = make_world(session)
    client = app.test_client()
    client.spec = spec
    user = getattr(w, role)
    csrf = login(client, user.username, PASSWORD)
    wrong, checked = [], 0
    for field in fields(spec):
        if field.format not in BAD_MOMENTS or field.path.endswith("/logout"):
            continue
        for moment in BAD_MOMENTS[field.format]:
            checked += 1
            response = _send(client, field, moment, headers={"X-CSRF-Token": csrf})
            if response.status_code >= 500 or response.status_code < 400:
                wrong.append(f"{field} = {moment}: {response.status_code}")
    assert checked > 10
    assert not wrong, wrong


def test_a_sync_cursor_of_year_one_is_422(app, session):
    import base64
    w = make_world(session)
    client = app.test_client()
    login(client, w.bram.username)
    for raw in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"):
        cursor = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
        assert client.get(f"/api/sync/pull?cursor={cursor}").status_code == 422
    assert START  # the clock of the world
