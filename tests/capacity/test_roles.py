"""Role × endpoint: every region, capacity and placement endpoint for every role, and the foundation's
client-data endpoints for the two new roles (bed_manager, regional_coordinator)."""
import pytest

from backend.placements import service
from tests.capacity.helpers import bed_world, headers
from tests.factories import START, actor, make_user

ROLES = ("admin", "hap", "coordinator", "team_lead", "nurse", "bed_manager", "regional_coordinator", None)
ALL = set(ROLES) - {None}
STAFF = {"nurse", "coordinator", "team_lead"}


def _world(session):
    w = bed_world(session)
    w.admin = make_user(session, role="admin", team=None)
    w.hap = make_user(session, role="hap")
    w.team_lead = make_user(session, role="team_lead")
    data = {"client_id": w.client_id, "bed_type": "elv_low", "question": "?"}
    by = actor(w.coordinator)
    w.requested = service.create_placement(session, actor=by, data=data, now=START)
    w.offered = service.create_placement(session, actor=by, data=data, now=START)
    service.offer_placement(session, actor=actor(w.regio), placement_id=w.offered.id, location_id=w.elv.id, now=START)
    w.accepted = service.create_placement(session, actor=by, data=data, now=START)
    service.offer_placement(session, actor=actor(w.regio), placement_id=w.accepted.id, location_id=w.elv.id, now=START)
    service.accept_placement(session, actor=actor(w.bm), placement_id=w.accepted.id, now=START)
    return w


USERS = {"bed_manager": "bm", "regional_coordinator": "regio"}

# name: (method, path(w), body(w), allowed roles, success code)
ENDPOINTS = {
    "GET /api/organisations": ("get", lambda w: "/api/organisations", None, ALL, 200),
    "POST /api/organisations": ("post", lambda w: "/api/organisations",
                                lambda w: {"name": "HAP Epe", "kind": "hap"}, {"admin"}, 201),
    "GET /api/teams": ("get", lambda w: "/api/teams", None, ALL, 200),
    "POST /api/teams": ("post", lambda w: "/api/teams",
                        lambda w: {"code": "epe", "name": "Epe", "kind": "acute", "postcodes": ["8160-8166"]},
                        {"admin"}, 201),
    "POST /api/locations": ("post", lambda w: "/api/locations", lambda w: {
        "organisation_id": w.carinova.id, "name": "Nieuw", "address": "Brink 3", "postcode": "7411 AB",
        "lat": 52.2, "lon": 6.1, "bed_types": ["grz"]}, {"admin"}, 201),
    "GET /api/capacity": ("get", lambda w: "/api/capacity", None, ALL - {"admin"}, 200),
    "PUT /api/capacity": ("put", lambda w: f"/api/capacity/{w.elv.id}/elv_low", lambda w: {"free": 3},
                          {"bed_manager", "regional_coordinator"}, 200),
    "GET /api/capacity/history": ("get", lambda w: "/api/capacity/history", None,
                                  {"regional_coordinator", "team_lead", "bed_manager"}, 200),
    "POST /api/placements": ("post", lambda w: "/api/placements",
                             lambda w: {"client_id": w.client_id, "bed_type": "grz", "question": "?"},
                             {"nurse", "coordinator", "regional_coordinator"}, 201),
    "GET /api/placements": ("get", lambda w: "/api/placements", None,
                            STAFF | {"bed_manager", "regional_coordinator"}, 200),
    "GET /api/placements/{id}": ("get", lambda w: f"/api/placements/{w.offered.id}", None,
                                 STAFF | {"bed_manager", "regional_coordinator"}, 200),
    "GET /api/placements/{id}/events": ("get", lambda w: f"/api/placements/{w.offered.id}/events", None,
                                        STAFF | {"bed_manager", "regional_coordinator"}, 200),
    "POST offer": ("post", lambda w: f"/api/placements/{w.requested.id}/offer", lambda w: {"location_id": w.elv.id},
                   {"coordinator", "regional_coordinator"}, 200),
    "POST accept": ("post", lambda w: f"/api/placements/{w.offered.id}/accept", None, {"bed_manager"}, 200),
    "POST decline": ("post", lambda w: f"/api/placements/{w.offered.id}/decline", lambda w: {"reason": "vol"},
                     {"bed_manager"}, 200),
    "POST admitted": ("post", lambda w: f"/api/placements/{w.accepted.id}/admitted", None, {"bed_manager"}, 200),
    "POST cancel": ("post", lambda w: f"/api/placements/{w.requested.id}/cancel", lambda w: {"reason": "x"},
                    {"coordinator", "regional_coordinator"}, 200),  # the requester (a coordinator) or the region
}
CASES = [
    pytest.param(name, role, spec[4] if role in spec[3] else (401 if role is None else 403),
                 id=f"{name} as {role or 'anonymous'}")
    for name, spec in ENDPOINTS.items() for role in ROLES
]
# The new roles see no client data through the foundation's endpoints.
FOUNDATION = {
    "GET /api/calls": lambda w: "/api/calls",
    "GET /api/calls/{id}": lambda w: f"/api/calls/{w.call.id}",
    "GET /api/clients/{id}": lambda w: f"/api/clients/{w.client_id}",
    "GET /api/audit": lambda w: "/api/audit",
}


def _user(w, role):
    return getattr(w, USERS.get(role, role))


@pytest.mark.parametrize("name, role, expected", CASES)
def test_endpoint_per_role(client, session, name, role, expected):
    w = _world(session)
    method, path, body, _allowed, _ok = ENDPOINTS[name]
    h = headers(client, _user(w, role)) if role else {}
    response = getattr(client, method)(path(w), json=body(w) if body else None, headers=h)
    assert response.status_code == expected, response.get_json()


@pytest.mark.parametrize("role", ["bed_manager", "regional_coordinator"])
@pytest.mark.parametrize("name", list(FOUNDATION))
def test_new_roles_get_no_client_data_from_the_foundation(client, session, name, role):
    w = _world(session)
    response = client.get(FOUNDATION[name](w), headers=headers(client, _user(w, role)))
    assert response.status_code in (403, 404), response.get_json()
