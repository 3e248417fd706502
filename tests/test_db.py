"""SQLite's write lock: the threads of one process queue for it on a lock of their own (backend.db)."""
import threading

import pytest
import sqlalchemy as sa

from backend import db


@pytest.fixture
def engine(tmp_path, monkeypatch):
    monkeypatch.setattr(db, "SQLITE_BUSY_SECONDS", 0.05)  # a refused wait fails fast instead of after 30 s
    engine = db.make_engine(f"sqlite:///{tmp_path / 'lock.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    yield engine
    engine.dispose()


def in_thread(engine) -> BaseException | int:
    """Run one short write transaction in another thread; return its error, or the table's row count."""
    outcome = []

    def write():
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql("INSERT INTO t VALUES (1)")
                outcome.append(conn.exec_driver_sql("SELECT count(*) FROM t").scalar())
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=write)
    thread.start()
    thread.join()
    return outcome[0]


@pytest.mark.parametrize("end", ["commit", "rollback", "close", "invalidate"])
def test_another_thread_waits_for_the_transaction_and_goes_once_it_ends(engine, end):
    conn = engine.connect()
    conn.exec_driver_sql("INSERT INTO t VALUES (1)")  # a transaction, holding the write lock
    refused = in_thread(engine)
    assert isinstance(refused, sa.exc.OperationalError)
    assert "another thread of this process" in str(refused)
    if end == "invalidate":
        conn.invalidate()
    if end in ("commit", "rollback"):
        getattr(conn, end)()
    conn.close()
    assert in_thread(engine) == (2 if end == "commit" else 1)


def test_a_begin_that_sqlite_refuses_leaves_the_queue_free(engine, tmp_path):
    # Another process (here: an engine of its own, with a queue of its own) holds SQLite's write lock.
    other = db.make_engine(f"sqlite:///{tmp_path / 'lock.db'}")
    holding = other.connect()
    holding.exec_driver_sql("INSERT INTO t VALUES (1)")
    refused = engine.connect()
    with pytest.raises(sa.exc.OperationalError) as error:
        refused.exec_driver_sql("INSERT INTO t VALUES (1)")
    assert "another thread" not in str(error.value)  # SQLite's own busy timeout, not this process's queue
    holding.commit()
    holding.close()
    assert in_thread(engine) == 2  # the refused BEGIN gave the queue back, though its connection is still open
    refused.close()
    other.dispose()


def test_threads_of_one_process_all_get_their_turn(engine, monkeypatch):
    monkeypatch.setattr(db, "SQLITE_BUSY_SECONDS", 30)  # they wait as long as production does
    outcomes = []
    threads = [threading.Thread(target=lambda: outcomes.extend(in_thread(engine) for _ in range(25)))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == list(range(1, 101))  # every write counted once, none refused
