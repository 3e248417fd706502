"""Schemathesis against /api/openapi.json, in-process (WSGI), as admin, nurse, coordinator and HAP user.

Every operation gets generated requests, valid and invalid, on a database with the demo region loaded; no
response may be a 500 or break the documented schema: schemathesis' default checks run, response-schema
conformance among them, and the schemas are closed (marshmallow's `unknown=RAISE` documents
`additionalProperties: false`), so a field a route sends but its schema does not name fails. The number of
examples is bounded so a run stays well under a minute per database: SCHEMATHESIS_MAX_EXAMPLES (default 5 per
operation, mode and role) and SCHEMATHESIS_SEED (default: derandomised, so CI sees the same cases every run) widen or vary it.

The stateful phase follows the document's OpenAPI links (backend/openapi_links.py): it creates a call, a client,
a visit, … and goes on with what the answer names (offer, accept, vitals, complete), each scenario on a freshly
loaded demo region; SCHEMATHESIS_SCENARIOS (default 10 per role) and SCHEMATHESIS_STEPS (default 8) bound it.
"""
import os

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, strategies as st
from hypothesis.stateful import initialize, multiple
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.generation.stateful.state_machine import StepInput
from schemathesis.specs.openapi.checks import positive_data_acceptance, response_schema_conformance
from sqlmodel import Session, select

from backend.clients.models import Client
from backend.demo import DEMO_PASSWORD, load_all
from backend.dispatch.models import Call
from backend.placements.models import Placement
from backend.visits.models import Visit
from backend.identity.service import ensure_teams
from tests.databases import empty_tables
from tests.factories import START, login

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "5"))
SCENARIOS = int(os.environ.get("SCHEMATHESIS_SCENARIOS", "10"))
STEPS = int(os.environ.get("SCHEMATHESIS_STEPS", "8"))
SEED = os.environ.get("SCHEMATHESIS_SEED")
SESSION_COOKIE = "wijkspoed_session"

# positive_data_acceptance expects every schema-valid request to be accepted. Ours answers 422 to well-formed
# requests that break a domain rule JSON Schema cannot state: urgency U0/U1 (→ "bel 112"), exactly one of
# client_id / client, a team for a nurse, a BSN that fails the 11-check, a client_id that does not exist.
EXCLUDED_CHECKS = [positive_data_acceptance]
assert response_schema_conformance not in EXCLUDED_CHECKS  # the point of the run: answers match their schemas


def _settings():
    return hypothesis.settings(
        max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=SEED is None,
        phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
    )


def _cookie_auth(client, username):
    """Log in through the API; the case carries the session cookie and the CSRF header."""
    csrf = login(client, username, DEMO_PASSWORD)
    return {"cookies": {SESSION_COOKIE: client.get_cookie(SESSION_COOKIE).value}, "headers": {"X-CSRF-Token": csrf}}


def _bearer_auth(admin_client, admin_csrf, username):
    """Create a machine token through the API (as admin); the case carries only Authorization."""
    response = admin_client.post("/api/tokens", json={"username": username, "label": f"fuzz {username}"},
                                 headers={"X-CSRF-Token": admin_csrf})
    assert response.status_code == 201
    return {"cookies": {}, "headers": {"Authorization": f"Bearer {response.get_json()['token']}"}}


def _auth_for(app, username, via):
    """Log in as `username` (admin makes the HAP's token) and return what each case must carry."""
    admin_client = app.test_client()
    admin = _cookie_auth(admin_client, "admin")
    if username == "admin":
        return admin
    if via == "cookie":
        return _cookie_auth(app.test_client(), username)
    return _bearer_auth(admin_client, admin["headers"]["X-CSRF-Token"], username)


ROLES = [("admin", "cookie"), ("anna", "cookie"), ("coordinator", "cookie"), ("hap", "bearer")]


@pytest.fixture
def demo(app):
    """Load the demo region and return its ids, so generated requests also reach real calls and clients."""
    with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
        load_all(session, now=START)
        return {
            "call_id": list(session.exec(select(Call.id)).all()),
            "client_id": list(session.exec(select(Client.id)).all()),
        }


def _schema_for(app, auth):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)

    class Credentials:
        def get(self, case, context):
            return auth

        def set(self, case, data, context):
            case.cookies = {**(case.cookies or {}), **data["cookies"]}
            case.headers = {**(case.headers or {}), **data["headers"]}

    schema.auth(refresh_interval=None)(Credentials)
    return schema


def _strategy(operation, mode, ids):
    """Generated cases; for an operation on an id, also cases on the ids the demo region really has."""
    strategies = [operation.as_strategy(generation_mode=mode)]
    if mode == GenerationMode.POSITIVE:
        for name in {p.name for p in operation.path_parameters} & ids.keys():
            strategies += [operation.as_strategy(generation_mode=mode, path_parameters={name: value})
                           for value in ids[name]]
    return st.one_of(strategies)


@pytest.mark.parametrize("username, via", ROLES)
def test_api_conforms_to_its_openapi_schema(app, demo, username, via):
    schema = _schema_for(app, _auth_for(app, username, via))
    # Logging out ends the cookie session the other operations need: fuzz it last.
    # /readyz answers 503 by design on this create_all schema (no migrations stamped): tests/test_operations.py.
    operations = sorted((op for op in (result.ok() for result in schema.get_all_operations()) if op.path != "/readyz"),
                        key=lambda op: op.path == "/api/auth/logout")
    assert len(operations) >= 20
    failures = {}
    for operation in operations:
        # An operation without parameters, body or login (GET /healthz) has no invalid request to make.
        raw = operation.definition.raw
        open_and_bare = not (raw.get("security") or raw.get("parameters") or raw.get("requestBody"))
        modes = (GenerationMode.POSITIVE,) if open_and_bare else (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        for mode in modes:
            seen = []

            @_settings()
            @given(case=_strategy(operation, mode, demo))
            def run(case):
                try:
                    case.call_and_validate(excluded_checks=EXCLUDED_CHECKS)
                except FailureGroup as group:
                    seen.append(str(group))

            if SEED is not None:
                run = hypothesis.seed(int(SEED))(run)
            run()
            if seen:
                failures[f"{operation.label} ({mode.value})"] = seen[0]
    assert not failures, "\n\n".join(f"== {label}\n{text}" for label, text in failures.items())


def test_the_document_links_the_main_flows(app):
    spec = app.test_client().get("/api/openapi.json").get_json()
    links = {(path, method, name) for path, operations in spec["paths"].items() for method, operation in
             operations.items() if method != "parameters" for response in operation["responses"].values()
             for name in response.get("links", {})}
    for expected in [("/api/calls", "post", "POST_calls_call_id_offer"), ("/api/calls", "post", "POST_visits"),
                     ("/api/calls/{call_id}/offer", "post", "POST_calls_call_id_accept"),
                     ("/api/visits", "post", "POST_visits_visit_id_vitals"),
                     ("/api/visits", "post", "POST_visits_visit_id_complete"),
                     ("/api/clients", "post", "GET_clients_client_id"),
                     ("/api/placements", "post", "POST_placements_placement_id_offer")]:
        assert expected in links


# Each scenario also starts from what the demo region already holds: a read of one of its calls, clients, visits
# or placements that this role may see feeds the same links a create does (a nurse creates no call of her own).
SEEDS = {"/api/calls/{call_id}": Call, "/api/clients/{client_id}": Client, "/api/visits/{visit_id}": Visit,
         "/api/placements/{placement_id}": Placement}


def _seed_rule(machine, path, ids, auth):
    operation = machine.schema[path]["GET"]
    name = path.rsplit("{", 1)[1].rstrip("}")

    @initialize(target=machine.bundles[f"GET {path} -> 200"], index=st.integers(min_value=0, max_value=len(ids) - 1))
    def seed(self, index):
        case = operation.Case(path_parameters={name: ids[index]}, cookies=dict(auth["cookies"]),
                              headers=dict(auth["headers"]))
        self.recorder.record_case(case=case)
        output = self._step(StepInput.initial(case))
        return output if output.response.status_code == 200 else multiple()

    return seed


@pytest.mark.parametrize("username, via", ROLES)
def test_stateful_scenarios_follow_the_links(app, username, via):
    """Chains of calls along the document's links: no 500, every answer matches its schema."""
    engine = app.extensions["db_engine"]
    auth = {}
    schema = _schema_for(app, auth).exclude(path="/api/auth/logout").exclude(path="/readyz")
    schema.config.phases.stateful.inference.algorithms = []  # the document's own links, not guessed ones
    machine = schema.as_state_machine()
    with Session(engine) as session:
        load_all(session, now=START)
        ids = {path: list(session.exec(select(model.id)).all()) for path, model in SEEDS.items()}

    class Scenario(machine):
        def setup(self):
            # Each scenario starts from the same region, so Hypothesis sees the same answers to the same steps.
            empty_tables(engine)
            with Session(engine) as session:
                ensure_teams(session)
                session.commit()
                load_all(session, now=START)
            auth.update(_auth_for(app, username, via))

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, excluded_checks=EXCLUDED_CHECKS, recorder=self.recorder)

    for path, found in ids.items():
        if found:
            setattr(Scenario, "seed_" + path.split("/")[2], _seed_rule(machine, path, found, auth))
    settings = hypothesis.settings(max_examples=SCENARIOS, stateful_step_count=STEPS, deadline=None, database=None,
                                   derandomize=SEED is None, phases=[Phase.generate, Phase.shrink],
                                   suppress_health_check=list(HealthCheck))
    Scenario.run(settings=settings)
