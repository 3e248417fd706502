"""Two replays of the same offline write racing each other: one visit, and both get the same answer."""
import threading
import uuid

from sqlmodel import func, select

from backend.idempotency import IdempotencyKey
from backend.visits.models import Visit
from tests.visits.conftest import As


def test_concurrent_replays_of_one_write_make_one_visit(app, session, nurse, call):
    body = {"id": str(uuid.uuid4()), "call_id": call.id}
    phones = [As(app.test_client(), nurse) for _ in range(2)]  # two tabs, or an outbox replayed twice
    start = threading.Barrier(len(phones))
    answers = [None] * len(phones)

    def replay(i):
        start.wait(timeout=30)
        answers[i] = phones[i].post("/api/visits", json=body, key="outbox-race")

    threads = [threading.Thread(target=replay, args=(i,)) for i in range(len(phones))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert [a.status_code for a in answers] == [201, 201], [a.get_json() for a in answers]
    assert answers[0].get_json() == answers[1].get_json()
    session.commit()
    assert session.scalar(select(func.count()).select_from(Visit)) == 1
    assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 1
