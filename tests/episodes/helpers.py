"""Helpers for continuity tests: a nurse on site at a client with a mantelzorger, and a completed visit."""
import uuid
from datetime import timedelta

from backend.visits.models import ClientContact
from tests.factories import START, make_client, make_user
from tests.visits.conftest import As, held_call, open_visit

FOLLOW_UP_AT = START + timedelta(days=1, hours=7)   # 26 Nov 09:00 UTC, 10:00 in Amsterdam


def carer(session, client, **overrides) -> ClientContact:
    """Add a mantelzorger to a client."""
    values = {"id": str(uuid.uuid4()), "client_id": client.id, "name": "Els de Vries", "relation": "dochter",
              "phone": "0612345678", "is_mantelzorger": True, "involvement": "first_contact",
              "created_at": START, "updated_at": START}
    values.update(overrides)
    contact = ClientContact(**values)
    session.add(contact)
    session.commit()
    return contact


def visit_on_site(client_app, session, nurse=None, *, client=None, **call_overrides):
    """Return (api as the nurse, the call, the open visit JSON) for a fresh call she holds."""
    nurse = nurse or make_user(session, role="nurse", name="Verpleegkundige Bos")
    call = held_call(session, nurse, client=client or make_client(session), **call_overrides)
    api = As(client_app, nurse)
    return api, call, open_visit(api, call)


def complete_with_follow_up(api, visit, when=FOLLOW_UP_AT, question="Wond controleren, verband wisselen."):
    response = api.post(f"/api/visits/{visit['id']}/complete",
                        json={"outcome": "follow_up_visit", "follow_up_at": when.isoformat(),
                              "referral_question": question})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def as_user(app, user) -> As:
    """A logged-in API user with a browser (cookie jar) of its own."""
    return As(app.test_client(), user)
