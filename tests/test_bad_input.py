"""A table of bad inputs against every write endpoint: each gets a 4xx in the one error shape
{code, status, message, errors?} and changes nothing (row counts of every table before == after).

Each endpoint also has an "ok" row with its valid request, so the table proves the refusals come from the bad
part of the request and not from a broken set-up.
"""
from types import SimpleNamespace

import pytest

from tests.factories import PASSWORD, assert_error, assert_only_the_attempt_kept, bearer, make_client, make_user, make_world, row_counts

UNKNOWN = 999_999
HUGE = 2**63  # beyond any integer column: must be a 404, not a 500
NEW_CLIENT = {"name": "Mevrouw Test", "birth_date": "1938-04-02", "address": "Brink 1", "postcode": "7411 BR",
              "city": "Deventer", "lat": 52.2525, "lon": 6.159, "bsn": "111222333"}


# name: (who, path(w), valid body(w) or None, expected ok status, required fields, wrong types)
ENDPOINTS = {
    "login": (None, lambda w: "/api/auth/login", lambda w: {"username": w.hap.username, "password": PASSWORD}, 200,
              ["username", "password"], {"username": 12, "password": ["geheim"]}),
    "logout": ("hap", lambda w: "/api/auth/logout", None, 204, [], {}),
    "users": ("admin", lambda w: "/api/users", lambda w: {
        "username": "nieuw", "password": "lang-genoeg-1", "role": "nurse", "name": "Nieuw", "team": "acute",
        "skills": ["catheter"], "base_lat": 52.2, "base_lon": 6.1}, 201,
        ["username", "password", "role", "name"],
        {"skills": "catheter", "base_lat": "noord", "role": 5, "team": ["acute"], "name": None}),
    "tokens": ("admin", lambda w: "/api/tokens", lambda w: {"username": w.hap.username, "label": "koppeling"}, 201,
               ["username", "label"], {"label": 5, "username": {"id": 1}}),
    "clients": ("hap", lambda w: "/api/clients", lambda w: NEW_CLIENT, 201,
                ["name", "birth_date", "address", "postcode", "city"],  # lat, lon: found by the geocoder
                {"lat": "noord", "birth_date": 19380402, "bsn": 111222333, "name": True}),
    "calls": ("coordinator", lambda w: "/api/calls", lambda w: {
        "client_id": w.client.id, "team": "acute", "category": "catheter", "urgency": "U3",
        "complaint": "Katheter verstopt", "source": "gp"}, 201,
        ["category", "urgency", "complaint", "source"],  # no team: routed by postcode (tests/region)
        {"client_id": "een", "urgency": 3, "complaint": ["x"], "client": "Mevrouw Test", "caller_phone": 612345678}),
    "offer": ("coordinator", lambda w: f"/api/calls/{w.open.id}/offer", lambda w: {"nurse_id": w.chris.id}, 200,
              ["nurse_id"], {"nurse_id": "chris"}),
    "accept": ("chris", lambda w: f"/api/calls/{w.open.id}/accept", None, 200, [], {}),
    "decline": ("anna", lambda w: f"/api/calls/{w.offered.id}/decline", lambda w: {"reason": "Nog bij cliënt"}, 200,
                [], {"reason": 5}),
    "status": ("bram", lambda w: f"/api/calls/{w.held.id}/status", lambda w: {"status": "en_route"}, 200,
               ["status"], {"status": 1}),
    "cancel": ("coordinator", lambda w: f"/api/calls/{w.open.id}/cancel", lambda w: {"reason": "Zelf opgelost"}, 200,
               ["reason"], {"reason": 5}),
    "triage": ("coordinator", lambda w: f"/api/calls/{w.open.id}/triage",
               lambda w: {"urgency": "U2", "reason": "Erger"}, 200, ["urgency", "reason"], {"urgency": 2}),
}

# Refusals that depend on who asks or on what the request points at: (endpoint, case, who, path, body, code)
SPECIFIC = [
    # unknown ids in the path
    *[(name, "unknown id", None, lambda w, n=name: ENDPOINTS[n][1](w).replace(f"/{w.open.id}/", f"/{UNKNOWN}/")
       .replace(f"/{w.offered.id}/", f"/{UNKNOWN}/").replace(f"/{w.held.id}/", f"/{UNKNOWN}/"), None, 404)
      for name in ("offer", "accept", "decline", "status", "cancel", "triage")],
    *[(name, "id beyond any integer", None, lambda w, n=name: ENDPOINTS[n][1](w)
       .replace(f"/{w.open.id}/", f"/{HUGE}/").replace(f"/{w.offered.id}/", f"/{HUGE}/")
       .replace(f"/{w.held.id}/", f"/{HUGE}/"), None, 404)
      for name in ("offer", "accept", "decline", "status", "cancel", "triage")],
    # unknown ids in the body
    ("calls", "unknown client_id", None, None, lambda w: {**ENDPOINTS["calls"][2](w), "client_id": UNKNOWN}, 422),
    ("calls", "client_id beyond range", None, None, lambda w: {**ENDPOINTS["calls"][2](w), "client_id": HUGE}, 422),
    ("calls", "both client_id and client", None, None,
     lambda w: {**ENDPOINTS["calls"][2](w), "client": NEW_CLIENT}, 422),
    ("calls", "neither client_id nor client", None, None,
     lambda w: {k: v for k, v in ENDPOINTS["calls"][2](w).items() if k != "client_id"}, 422),
    ("calls", "new client with a bad BSN", None, None,
     lambda w: {**{k: v for k, v in ENDPOINTS["calls"][2](w).items() if k != "client_id"},
                "client": {**NEW_CLIENT, "bsn": "123456789"}}, 422),
    ("calls", "unknown category", None, None, lambda w: {**ENDPOINTS["calls"][2](w), "category": "hoofdpijn"}, 422),
    ("calls", "unknown team", None, None, lambda w: {**ENDPOINTS["calls"][2](w), "team": "nacht"}, 422),
    ("calls", "no team for the postcode", None, None, lambda w: {
        **{k: v for k, v in ENDPOINTS["calls"][2](w).items() if k not in ("team", "client_id")},
        "client": {**NEW_CLIENT, "postcode": "1012 AB"}}, 422),
    ("calls", "empty complaint", None, None, lambda w: {**ENDPOINTS["calls"][2](w), "complaint": ""}, 422),
    ("offer", "unknown nurse", None, None, lambda w: {"nurse_id": UNKNOWN}, 422),
    ("offer", "not a nurse", None, None, lambda w: {"nurse_id": w.coordinator.id}, 422),
    ("offer", "nurse id zero", None, None, lambda w: {"nurse_id": 0}, 422),
    ("tokens", "unknown user", None, None, lambda w: {"username": "niemand", "label": "x"}, 404),
    ("users", "unknown role", None, None, lambda w: {**ENDPOINTS["users"][2](w), "role": "root"}, 422),
    ("users", "short password", None, None, lambda w: {**ENDPOINTS["users"][2](w), "password": "kort"}, 422),
    ("users", "taken username", None, None, lambda w: {**ENDPOINTS["users"][2](w), "username": w.hap.username}, 409),
    ("status", "not a nurse status", None, None, lambda w: {"status": "completed"}, 422),
    ("triage", "unknown urgency", None, None, lambda w: {"urgency": "U9", "reason": "x"}, 422),
    ("cancel", "empty reason", None, None, lambda w: {"reason": ""}, 422),
    ("login", "wrong password", None, None, lambda w: {"username": w.hap.username, "password": "fout-fout"}, 401),
    # a NUL character in text: PostgreSQL cannot store it (it was a 500 there), so refused at the boundary
    ("login", "NUL in text", None, None, lambda w: {"username": "ha\x00p", "password": PASSWORD}, 422),
    ("users", "NUL in text", None, None, lambda w: {**ENDPOINTS["users"][2](w), "name": "Nieu\x00w"}, 422),
    ("clients", "NUL in text", None, None, lambda w: {**NEW_CLIENT, "address": "Brink\x00 1"}, 422),
    ("calls", "NUL in text", None, None, lambda w: {**ENDPOINTS["calls"][2](w), "complaint": "Pijn\x00"}, 422),
    ("calls", "NUL in a key", None, None, lambda w: {**ENDPOINTS["calls"][2](w), "x\x00": 1}, 422),
    ("cancel", "NUL in text", None, None, lambda w: {"reason": "\x00"}, 422),
    # wrong role
    ("users", "wrong role", "coordinator", None, None, 403),
    ("tokens", "wrong role", "hap", None, None, 403),
    ("clients", "wrong role", "admin", None, None, 403),
    ("calls", "wrong role", "admin", None, None, 403),
    ("offer", "wrong role", "chris", None, None, 403),
    ("accept", "wrong role", "coordinator", None, None, 403),
    ("decline", "wrong role", "coordinator", None, None, 403),
    ("status", "wrong role", "hap", None, None, 403),
    ("cancel", "wrong role", "chris", None, None, 403),
    ("triage", "wrong role", "bram", None, None, 403),
    # another team's (or organisation's) data
    ("calls", "another team", None, None, lambda w: {**ENDPOINTS["calls"][2](w), "team": "fact"}, 403),
    ("calls", "a client outside your work", None, None,
     lambda w: {**ENDPOINTS["calls"][2](w), "client_id": w.fact_client.id}, 403),
    ("offer", "another team's call", None, lambda w: f"/api/calls/{w.fact.id}/offer", None, 403),
    ("offer", "another team's nurse", None, None, lambda w: {"nurse_id": w.fact_nurse.id}, 422),
    ("accept", "another team's call", None, lambda w: f"/api/calls/{w.fact.id}/accept", None, 403),
    ("decline", "another team's call", None, lambda w: f"/api/calls/{w.fact.id}/decline", None, 403),
    ("status", "another team's call", None, lambda w: f"/api/calls/{w.fact.id}/status", None, 403),
    ("status", "another nurse's call", "chris", None, None, 403),
    ("cancel", "another team's call", None, lambda w: f"/api/calls/{w.fact.id}/cancel", None, 403),
    ("cancel", "another organisation's call", "other_hap", None, None, 403),
    ("triage", "another team's call", None, lambda w: f"/api/calls/{w.fact.id}/triage", None, 403),
    ("triage", "another organisation's call", "other_hap", None, None, 403),
]


def _generic_cases():
    for name, (who, _path, body, ok, required, wrong_types) in ENDPOINTS.items():
        yield name, "ok", ok
        if name != "login":
            yield name, "anonymous", 401
        yield name, "too large", 413
        if body is None:
            continue
        yield name, "malformed JSON", 400
        yield name, "not an object", 422
        yield name, "unknown field", 422
        for field in required:
            yield name, f"missing {field}", 422
        if required:
            yield name, "form instead of JSON", 422
        for field in wrong_types:
            yield name, f"wrong type {field}", 422


CASES = [pytest.param(n, c, code, id=f"{n}: {c}") for n, c, code in _generic_cases()] + [
    pytest.param(n, c, code, id=f"{n}: {c}") for n, c, *_rest, code in SPECIFIC]
SPECIFIC_BY_ID = {(n, c): (who, path, body) for n, c, who, path, body, _ in SPECIFIC}


def _request(w, name, case):
    """Return (who, path, kwargs for client.post) for one row of the table."""
    who, path, body, _ok, _required, wrong_types = ENDPOINTS[name]
    path = path(w)
    valid = body(w) if body else None
    kwargs = {"json": valid} if valid is not None else {}
    if (name, case) in SPECIFIC_BY_ID:
        s_who, s_path, s_body = SPECIFIC_BY_ID[(name, case)]
        who = s_who or who
        path = s_path(w) if s_path else path
        kwargs = {"json": s_body(w)} if s_body else kwargs
    elif case == "anonymous":
        who = None
    elif case == "too large":
        kwargs = {"json": {**(valid or {}), "padding": "x" * (257 * 1024)}}
    elif case == "malformed JSON":
        kwargs = {"data": '{"reason": "half', "content_type": "application/json"}
    elif case == "not an object":
        kwargs = {"json": [valid]}
    elif case == "unknown field":
        kwargs = {"json": {**valid, "is_admin": True}}
    elif case.startswith("missing "):
        kwargs = {"json": {k: v for k, v in valid.items() if k != case.removeprefix("missing ")}}
    elif case == "form instead of JSON":
        kwargs = {"data": {k: str(v) for k, v in valid.items() if not isinstance(v, (list, dict))}}
    elif case.startswith("wrong type "):
        field = case.removeprefix("wrong type ")
        kwargs = {"json": {**valid, field: wrong_types[field]}}
    return who, path, kwargs


@pytest.mark.parametrize("name, case, expected", CASES)
def test_bad_input_is_refused_and_changes_nothing(app, client, session, name, case, expected):
    w = make_world(session)
    who, path, kwargs = _request(w, name, case)
    headers = bearer(session, getattr(w, who)) if who else {}
    engine = app.extensions["db_engine"]
    before = row_counts(engine)
    response = client.post(path, headers=headers, **kwargs)
    after = row_counts(engine)
    if case == "ok":
        assert response.status_code == expected, response.get_json()
        return
    body = assert_error(response, expected)
    assert set(body) <= {"code", "status", "message", "errors", "current_status", "retry_after"}, body
    if case == "wrong password":  # a failed login is counted, by design, and nothing else
        assert after == {**before, "login_attempts": before["login_attempts"] + 1}
    else:  # a refusal of a known user keeps the attempt in the audit trail (issue 12, finding 3)
        assert_only_the_attempt_kept(before, after, expected)


def test_every_write_endpoint_of_the_foundation_is_in_the_table(app):
    """Every foundation operation that writes has its rows here (and is still in the schema)."""
    from tests.identity.test_roles import FOUNDATION_OPERATIONS

    spec = app.test_client().get("/api/openapi.json").get_json()
    writes = {path for method, path in FOUNDATION_OPERATIONS.values() if method == "post"} | {"/api/auth/login"}
    ids = SimpleNamespace(id="{call_id}")
    covered = {ENDPOINTS[n][1](SimpleNamespace(open=ids, offered=ids, held=ids)) for n in ENDPOINTS}
    assert writes == covered
    assert writes <= {path for path, ops in spec["paths"].items() if "post" in ops}


def test_a_call_on_a_client_outside_your_work_does_not_open_that_client(app, client, session):
    elsewhere = make_client(session, created_team="fact")
    nurse = make_user(session)
    headers = bearer(session, nurse)
    response = client.post("/api/calls", headers=headers, json={
        "client_id": elsewhere.id, "team": "acute", "category": "catheter", "urgency": "U3",
        "complaint": "x", "source": "gp"})
    assert response.status_code in (403, 422)
    assert client.get(f"/api/clients/{elsewhere.id}", headers=headers).status_code == 403


def test_nul_characters_in_a_query_are_refused(app, client, session):
    """The table above covers bodies; a query string goes through the same parser."""
    headers = bearer(session, make_user(session, role="admin"))
    before = row_counts(app.extensions["db_engine"])
    assert "NUL" in str(assert_error(client.get("/api/audit?client_id=1%00", headers=headers), 422).get("errors"))
    assert row_counts(app.extensions["db_engine"]) == before
