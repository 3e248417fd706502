"""Bad input anywhere in visits: a 4xx in the one error shape, and nothing written."""

import pytest
from sqlmodel import func, select

from backend.idempotency import IdempotencyKey
from backend.visits import models
from tests.visits.conftest import VITALS, As, open_visit

TABLES = [models.Visit, models.VitalSigns, models.VisitNote, models.Handover, models.PortalLink,
          models.ClientWishes, models.ClientContact, IdempotencyKey]


def snapshot(session):
    session.commit()
    return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) for m in TABLES}


BAD = [
    ("post", "/api/visits", {"call_id": 1, "id": "geen-uuid"}, None),
    ("post", "/api/visits", [1, 2], None),
    ("post", "/api/visits", {"call_id": 1, "arrived_at": "gisteren"}, None),
    ("post", "/api/visits", {"call_id": 1}, "x" * 200),
    ("patch", "/api/visits/{visit}", {"version": "twee"}, None),
    ("patch", "/api/visits/{visit}", {"version": 1, "actions": "alles"}, None),
    ("patch", "/api/visits/{visit}", {"version": 1, "client_informed": "misschien"}, None),
    ("post", "/api/visits/{visit}/vitals", {**VITALS, "on_oxygen": "soms"}, None),
    ("post", "/api/visits/{visit}/vitals", {**VITALS, "measured_at": "2026-11-25T02:00:00"}, None),  # no offset
    ("post", "/api/visits/{visit}/vitals", {**VITALS, "spo2_scale": 3}, None),
    ("post", "/api/visits/{visit}/notes", {"text": ""}, None),
    ("post", "/api/visits/{visit}/notes", {"text": "x" * 5001}, None),
    ("post", "/api/visits/{visit}/complete", {}, None),
    ("post", "/api/visits/{visit}/complete", {"outcome": "seh", "referral_question": "x",
                                               "departed_at": "2026-11-25T01:00:00+00:00"}, None),
    ("post", "/api/visits/{visit}/complete", {"outcome": "follow_up_visit", "follow_up_at": "morgen"}, None),
    ("post", "/api/handovers", {"visit_id": "geen-uuid"}, None),
    ("post", "/api/handovers", {"visit_id": "7d0c5a4e-2f1b-4c3d-9e8f-0a1b2c3d4e5f", "recipient_type": "gp", "recipient_name": "X",
                                "situation": "S", "background": "B", "assessment": "A", "recommendation": "R"}, None),
    ("post", "/api/handovers", {"visit_id": "{visit}", "recipient_type": "gp", "recipient_name": "X",
                                "situation": "S", "background": "B", "assessment": "A", "recommendation": "R",
                                "expires_in_hours": 0}, None),
    ("put", "/api/clients/{client}/wishes", {"agreed_on": "vorig jaar"}, None),
    ("put", "/api/clients/{client}/wishes", {"resuscitation": "no", "extra": 1}, None),
    ("post", "/api/clients/{client}/contacts", {"name": "X", "email": "geen-mail"}, None),
    ("post", "/api/clients/{client}/contacts", {"name": "X", "involvement": "altijd"}, None),
    ("post", "/api/clients/{client}/portal-links", {"recipient_name": ""}, None),
    ("post", "/api/clients/999999/portal-links", {"recipient_name": "X"}, None),
    ("delete", "/api/clients/{client}/portal-links/" + "7d0c5a4e-2f1b-4c3d-9e8f-0a1b2c3d4e5f", None, None),
    ("post", "/api/shared/handovers/onbekend/acknowledge", {"name": "X"}, None),
]


@pytest.mark.parametrize("method,path,body,key", BAD)
def test_bad_input_is_4xx_and_writes_nothing(client, session, nurse, call, method, path, body, key):
    api = As(client, nurse)
    visit = open_visit(api, call)
    before = snapshot(session)
    path = path.format(visit=visit["id"], client=call.client_id)
    if isinstance(body, dict):
        body = {k: (v.format(visit=visit["id"]) if isinstance(v, str) and "{visit}" in v else v)
                for k, v in body.items()}
    if method == "delete":
        response = api.delete(path)
    elif method == "put":
        response = api.put(path, json=body)
    else:
        response = getattr(api, method)(path, json=body, key=key)
    assert 400 <= response.status_code < 500, response.get_json()
    error = response.get_json()
    assert error["code"] == response.status_code and error["status"] and error["message"]
    assert snapshot(session) == before
