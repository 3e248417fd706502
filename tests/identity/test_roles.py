"""Every foundation endpoint for every role (and without credentials): allowed or refused.

One fresh region per row (tests.factories.make_world): the HAP user raised the acute calls, the nurse is
the one the endpoint is about (anna was offered `offered`, bram holds `held`, chris is free).
"""
import pytest

from tests.factories import PASSWORD, assert_error, bearer, make_world

ROLES = ("admin", "hap", "coordinator", "team_lead", "nurse", None)
INTAKE = {"hap", "coordinator", "team_lead", "nurse"}
NEW_CLIENT = {"name": "Mevrouw Test", "birth_date": "1938-04-02", "address": "Brink 1", "postcode": "7411 BR",
              "city": "Deventer", "lat": 52.2525, "lon": 6.159}

# name: (method, path(w), body(w), which nurse acts, allowed roles, success code)
ENDPOINTS = {
    "GET /api/auth/me": ("get", lambda w: "/api/auth/me", None, "chris", set(ROLES) - {None}, 200),
    "POST /api/auth/logout": ("post", lambda w: "/api/auth/logout", None, "chris", set(ROLES) - {None}, 204),
    "GET /api/users": ("get", lambda w: "/api/users", None, "chris", {"admin", "coordinator", "team_lead"}, 200),
    "POST /api/users": ("post", lambda w: "/api/users", lambda w: {
        "username": "nieuw", "password": "lang-genoeg-1", "role": "hap", "name": "Nieuw"}, "chris", {"admin"}, 201),
    "POST /api/tokens": ("post", lambda w: "/api/tokens", lambda w: {"username": w.hap.username, "label": "k"},
                         "chris", {"admin"}, 201),
    "GET /api/clients": ("get", lambda w: f"/api/clients?bsn={w.client.bsn}&birth_date=1935-05-01", None, "chris",
                         INTAKE, 200),
    "POST /api/clients": ("post", lambda w: "/api/clients", lambda w: NEW_CLIENT, "chris", INTAKE, 201),
    "GET /api/clients/{id}": ("get", lambda w: f"/api/clients/{w.open.client_id}", None, "chris", INTAKE, 200),
    "GET /api/calls": ("get", lambda w: "/api/calls", None, "chris", INTAKE, 200),
    "POST /api/calls": ("post", lambda w: "/api/calls", lambda w: {
        "client": {"name": "Nieuwe cliënt", "birth_date": "1936-01-01", "address": "Brink 2", "postcode": "7411 BR",
                   "city": "Deventer", "lat": 52.25, "lon": 6.16},
        "team": "acute", "category": "catheter", "urgency": "U3", "complaint": "x", "source": "gp"},
        "chris", INTAKE, 201),
    "GET /api/calls/{id}": ("get", lambda w: f"/api/calls/{w.open.id}", None, "chris", INTAKE, 200),
    "GET /api/calls/{id}/events": ("get", lambda w: f"/api/calls/{w.open.id}/events", None, "chris", INTAKE, 200),
    "POST offer": ("post", lambda w: f"/api/calls/{w.open.id}/offer", lambda w: {"nurse_id": w.chris.id}, "chris",
                   {"coordinator", "team_lead"}, 200),
    "POST accept": ("post", lambda w: f"/api/calls/{w.open.id}/accept", None, "chris", {"nurse"}, 200),
    "POST decline": ("post", lambda w: f"/api/calls/{w.offered.id}/decline", lambda w: {}, "anna", {"nurse"}, 200),
    "POST status": ("post", lambda w: f"/api/calls/{w.held.id}/status", lambda w: {"status": "en_route"}, "bram",
                    {"nurse"}, 200),
    "POST cancel": ("post", lambda w: f"/api/calls/{w.open.id}/cancel", lambda w: {"reason": "x"}, "chris",
                    {"hap", "coordinator", "team_lead"}, 200),
    "POST triage": ("post", lambda w: f"/api/calls/{w.open.id}/triage", lambda w: {"urgency": "U4", "reason": "x"},
                    "chris", {"hap", "coordinator", "team_lead"}, 200),
    "GET /api/audit": ("get", lambda w: "/api/audit", None, "chris", {"admin", "team_lead"}, 200),
}
CASES = [
    pytest.param(name, role, spec[5] if role in spec[4] else (401 if role is None else 403),
                 id=f"{name} as {role or 'anonymous'}")
    for name, spec in ENDPOINTS.items() for role in ROLES
]


@pytest.mark.parametrize("name, role, expected", CASES)
def test_endpoint_per_role(client, session, name, role, expected):
    w = make_world(session)
    method, path, body, nurse, _allowed, _ok = ENDPOINTS[name]
    user = getattr(w, nurse if role == "nurse" else role) if role else None
    headers = bearer(session, user) if user else {}
    kwargs = {"json": body(w)} if body else {}
    response = getattr(client, method)(path(w), headers=headers, **kwargs)
    if expected >= 400:
        assert_error(response, expected)
    else:
        assert response.status_code == expected, response.get_json()


@pytest.mark.parametrize("role", [r for r in ROLES if r])
def test_every_role_logs_in_with_a_cookie_and_sees_itself(client, session, role):
    w = make_world(session)
    user = getattr(w, "chris" if role == "nurse" else role)
    response = client.post("/api/auth/login", json={"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    assert response.get_json()["user"]["role"] == role
    assert client.get("/api/auth/me").get_json()["id"] == user.id


FOUNDATION_OPERATIONS = {
    "GET /api/auth/me": ("get", "/api/auth/me"), "POST /api/auth/logout": ("post", "/api/auth/logout"),
    "GET /api/users": ("get", "/api/users"), "POST /api/users": ("post", "/api/users"),
    "POST /api/tokens": ("post", "/api/tokens"), "GET /api/clients": ("get", "/api/clients"),
    "POST /api/clients": ("post", "/api/clients"), "GET /api/clients/{id}": ("get", "/api/clients/{client_id}"),
    "GET /api/calls": ("get", "/api/calls"), "POST /api/calls": ("post", "/api/calls"),
    "GET /api/calls/{id}": ("get", "/api/calls/{call_id}"),
    "GET /api/calls/{id}/events": ("get", "/api/calls/{call_id}/events"),
    **{f"POST {a}": ("post", f"/api/calls/{{call_id}}/{a}")
       for a in ("offer", "accept", "decline", "status", "cancel", "triage")},
    "GET /api/audit": ("get", "/api/audit"),
}


def test_the_matrix_covers_every_foundation_operation(app):
    """Every operation of the foundation (login aside: it is anyone's) is in the matrix and in the schema."""
    spec = app.test_client().get("/api/openapi.json").get_json()
    documented = {(m, p) for p, ops in spec["paths"].items() for m in ops}
    assert set(FOUNDATION_OPERATIONS) == set(ENDPOINTS)
    assert set(FOUNDATION_OPERATIONS.values()) <= documented
