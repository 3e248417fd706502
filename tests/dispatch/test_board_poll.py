"""The board's one incremental request: `GET /api/calls?updated_since=…&include=events` (issue 14)."""
from urllib.parse import quote

from sqlmodel import func, select

from backend.audit.models import AuditEvent
from backend.dispatch import service as dispatch
from tests.factories import START, actor, bearer, make_call, make_user


def audit_count(session) -> int:
    session.commit()  # a fresh read: see what the requests wrote
    return session.exec(select(func.count()).select_from(AuditEvent)).one()


def poll(client, headers, since=None):
    query = "include=events" + (f"&updated_since={quote(since)}" if since else "")
    response = client.get(f"/api/calls?{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_one_request_carries_events_and_delivery_and_an_empty_poll_logs_nothing(client, session, clock):
    coordinator = make_user(session, role="coordinator")
    nurse = make_user(session, role="nurse")
    board = bearer(session, coordinator)
    offered = make_call(session)
    quiet = make_call(session)
    dispatch.offer_call(session, actor=actor(coordinator), call_id=offered.id, nurse_id=nurse.id, now=START)

    first = {c["id"]: c for c in poll(client, board)}
    assert set(first) == {offered.id, quiet.id}
    assert first[offered.id]["delivery"] == "pending"
    assert [e["type"] for e in first[offered.id]["events"]] == ["created", "offered"]
    assert first[quiet.id]["delivery"] is None and first[quiet.id]["events"][0]["type"] == "created"
    since = max(c["changed_at"] for c in first.values())

    before = audit_count(session)
    assert poll(client, board, since) == []
    assert audit_count(session) == before  # nothing sent, nothing logged

    # The phone reports the offer shown: an event only (the call row is unchanged), and the board sees it.
    clock.advance(seconds=5)
    response = client.post(f"/api/calls/{offered.id}/delivery", json={"status": "shown"}, headers=bearer(session, nurse))
    assert response.status_code == 200, response.get_json()
    before = audit_count(session)
    again = poll(client, board, since)
    assert [(c["id"], c["delivery"]) for c in again] == [(offered.id, "delivered")]
    assert again[0]["changed_at"] > again[0]["updated_at"]
    assert audit_count(session) == before + 1  # the one client sent
    assert poll(client, board, again[0]["changed_at"]) == []


def test_without_include_the_list_is_as_before(client, session):
    coordinator = make_user(session, role="coordinator")
    make_call(session)
    calls = client.get("/api/calls", headers=bearer(session, coordinator)).get_json()
    assert len(calls) == 1 and not {"events", "delivery", "changed_at"} & set(calls[0])
    response = client.get("/api/calls?include=everything", headers=bearer(session, coordinator))
    assert response.status_code == 422


def test_another_team_sees_none_of_it(client, session):
    make_call(session)
    other = make_user(session, role="coordinator", team="fact")
    assert poll(client, bearer(session, other)) == []


def test_the_next_poll_starts_before_the_read_so_a_late_commit_is_not_lost(client, session, clock):
    """A slow request takes its `now` before a poll reads and commits after it, while a faster change commits
    in between: the newest change the poll saw is later than the slow one's, so only the answer's cursor
    (`X-Next-Since`) finds it. Once the lag has passed, a poll from the cursor is empty and logs nothing."""
    coordinator = make_user(session, role="coordinator")
    nurse = make_user(session, role="nurse")
    board = bearer(session, coordinator)
    slow, fast = make_call(session), make_call(session)
    clock.advance(minutes=5)
    slow_began = clock.now()
    clock.advance(seconds=2)
    dispatch.cancel_call(session, actor=actor(coordinator), call_id=fast.id, reason="dubbel", now=clock.now())

    response = client.get("/api/calls?include=events", headers=board)
    assert response.status_code == 200
    seen = {c["id"]: c["status"] for c in response.get_json()}
    assert seen == {slow.id: "open", fast.id: "cancelled"}
    newest = max(c["changed_at"] for c in response.get_json())
    cursor = response.headers["X-Next-Since"]
    dispatch.offer_call(session, actor=actor(coordinator), call_id=slow.id, nurse_id=nurse.id, now=slow_began)

    clock.advance(seconds=4)
    assert poll(client, board, newest) == []  # behind the newest change seen, the offer is lost
    again = client.get(f"/api/calls?include=events&updated_since={quote(cursor)}", headers=board)
    assert {c["id"]: c["status"] for c in again.get_json()}[slow.id] == "offered"

    clock.advance(seconds=11)
    later = client.get(f"/api/calls?include=events&updated_since={quote(again.headers['X-Next-Since'])}",
                       headers=board)
    clock.advance(seconds=4)
    before = audit_count(session)
    assert poll(client, board, later.headers["X-Next-Since"]) == []
    assert audit_count(session) == before
