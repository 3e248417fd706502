"""Helpers for visit tests: a nurse holding a call, and a logged-in API user that sends keys."""
import itertools
import uuid

import pytest
from fhir.resources.STU3.bundle import Bundle

from backend.dispatch import service as dispatch
from tests.factories import START, actor, login, make_call, make_client, make_user

_keys = itertools.count(1)

VITALS = {"measured_at": "2026-11-25T02:00:00+00:00", "resp_rate": 16, "spo2": 97, "on_oxygen": False,
          "systolic_bp": 130, "heart_rate": 72, "consciousness": "A", "temperature": 37.0}


class As:
    """A logged-in user of the API: JSON requests with CSRF and, for writes, an Idempotency-Key."""

    def __init__(self, client, user):
        self.client, self.user = client, user
        self.csrf = login(client, user.username)

    def _headers(self, key):
        headers = {"X-CSRF-Token": self.csrf}
        if key is not False:
            headers["Idempotency-Key"] = key or f"key-{next(_keys)}"
        return headers

    def get(self, path, **kw):
        return self.client.get(path, **kw)

    def post(self, path, json=None, key=None):
        return self.client.post(path, json=json, headers=self._headers(key))

    def patch(self, path, json=None, key=None):
        return self.client.patch(path, json=json, headers=self._headers(key))

    def put(self, path, json=None):
        return self.client.put(path, json=json, headers=self._headers(False))

    def delete(self, path):
        return self.client.delete(path, headers=self._headers(False))


def held_call(session, nurse, *, client=None, status="accepted", **overrides):
    """Make a call and let `nurse` accept it (and move it on to `status`)."""
    call = make_call(session, client=client or make_client(session), team=nurse.team, **overrides)
    dispatch.accept_call(session, actor=actor(nurse), call_id=call.id, now=START)
    if status in ("en_route", "on_site"):
        dispatch.set_call_status(session, actor=actor(nurse), call_id=call.id, status="en_route", now=START)
    if status == "on_site":
        dispatch.set_call_status(session, actor=actor(nurse), call_id=call.id, status="on_site", now=START)
    return call


@pytest.fixture
def nurse(session):
    return make_user(session, role="nurse", name="Verpleegkundige Bos")


@pytest.fixture
def call(session, nurse):
    return held_call(session, nurse)


def validate_bundle(bundle: dict):
    """Parse a bundle with fhir.resources (STU3); raise pydantic's ValidationError when it is not valid."""
    return Bundle.model_validate(bundle)


def open_visit(api, call, **body):
    """Open a visit for `call` through the API and return its JSON."""
    response = api.post("/api/visits", json={"id": str(uuid.uuid4()), "call_id": call.id, **body})
    assert response.status_code == 201, response.get_json()
    return response.get_json()
