"""Finding 4 (issue 12): the audit's request id is made by the server; the client's is kept beside it."""
from sqlmodel import select

from backend.audit.models import AuditEvent
from tests.factories import login, make_call, make_user


def test_a_forged_request_id_is_kept_only_as_client_request_id(client, session):
    nurse = make_user(session)
    call = make_call(session)
    login(client, nurse.username)
    response = client.get(f"/api/clients/{call.client_id}", headers={"X-Request-ID": "FORGED-by-anna"})
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] != "FORGED-by-anna"
    session.commit()
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "client.read")).one()
    assert event.request_id == response.headers["X-Request-ID"]
    assert event.client_request_id == "FORGED-by-anna"
