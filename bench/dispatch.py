"""Dispatch benchmark: gunicorn on SQLite and PostgreSQL, N concurrent HAP clients and nurses.

    .venv/bin/python bench/dispatch.py [--clients 20] [--cycles 400] [--nurses 200] \
        [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/wijkspoed_bench] [--only sqlite|postgresql]

For each database it migrates a fresh schema, seeds a team of --nurses available nurses (each with
a push subscription at a local push receiver), starts `gunicorn 'backend:create_app()'` with the
Procfile's settings, and then measures:
  1. the dispatch cycle create → recommend → offer → accept (then cancel, untimed, to free the nurse),
     per step throughput and p50/p95/p99, and requests per second over the cycle's requests;
  2. call-to-push: POST /api/calls on a team with auto-offer on, until the push for that call
     is decrypted at the local receiver;
  3. the board (--boards 20 --board-calls 50 --board-seconds 60): that many coordinators' boards open on a
     team with that many open calls (half of them offered) while the cycle runs, polling every 4 s as the
     PWA does, the old way (`old`: the list, then `GET /api/calls/{id}/events` for every offered call) and
     the new way (`new`: one `GET /api/calls?updated_since=…&include=events`); requests/s and the audit rows
     the boards caused per minute (--board-modes old,new; --boards 0 skips it). With --board-team CODE the boards
     watch a team of their own (seeded), so the cycle does not change their picture;
  4. the ceiling: a bare Flask JSON endpoint on the same gunicorn settings.
Figures are printed, never asserted. The PostgreSQL database named by --pg-url is wiped.

With --profile DIR the workers run under cProfile (bench/gunicorn_profile.py: every thread, CPU time), only
the warm-up and the cycle are run, and DIR gets each worker's pstats file and <database>-top.txt, the top
functions by cumulative CPU time over both workers (the profiler itself roughly doubles the CPU per request,
so take the shares from it, and the figures from a run without --profile).
"""
from __future__ import annotations

import argparse
import itertools
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.push_receiver import PushReceiver  # noqa: E402  (the same receiver the tests use)

CENTRE = (52.2550, 6.1630)  # Deventer
GUNICORN_ARGS = ["--workers", os.environ.get("WEB_WORKERS", "2"), "--threads", os.environ.get("WEB_THREADS", "4"),
                 "--timeout", "120"]  # a shared 2-core machine can stall a worker past the default 30 s


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1)))))
    return ordered[k]


def summary(name, values, elapsed=None):
    ms = [v * 1000 for v in values]
    rate = f"{len(values) / elapsed:8.1f}/s" if elapsed else " " * 10
    return (f"  {name:<22} n={len(ms):<5} {rate}  p50 {pct(ms, 50):7.1f} ms  p95 {pct(ms, 95):7.1f} ms  "
            f"p99 {pct(ms, 99):7.1f} ms  max {max(ms) if ms else float('nan'):7.1f} ms")


def reset_database(url: str) -> None:
    import sqlalchemy as sa

    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def seed(url: str, env: dict, *, nurses: int, receiver: PushReceiver, boards: int = 0,
         board_team: str = "acute") -> dict:
    """Migrate with the real CLI, then seed users, tokens and subscriptions; return the tokens."""
    subprocess.run([sys.executable, "-m", "flask", "--app", "backend", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    os.environ.update({k: v for k, v in env.items() if k in ("DATABASE_URL", "PUSH_ALLOWED_HOSTS")})
    from sqlmodel import Session, select

    from backend.db import make_engine
    from backend import registry
    from backend.push.models import PushSubscription
    from backend.identity import service as identity
    from backend.identity.credentials import new_token
    from backend.identity.models import Organisation, Team, User
    from backend.timeutil import utcnow

    registry.import_models()
    engine = make_engine(url)
    now = utcnow()
    rng = random.Random(7)
    password_hash = identity.hash_password("bench-wachtwoord-123")
    tokens: dict = {"nurses": {}}
    with Session(engine) as session:
        identity.ensure_teams(session)
        session.get(Team, "fact").auto_offer = True  # the call-to-push phase raises calls for 'fact'
        if session.get(Team, board_team) is None:  # boards on a team of their own: the cycle leaves it alone
            session.add(Team(code=board_team, name=f"Bordteam {board_team}", kind="acute"))
        hap_org = Organisation(name="HAP Bench", kind="hap")
        session.add(hap_org)
        session.commit()
        staff = [
            User(username="hap", password_hash=password_hash, role="hap", name="HAP Bench",
                 organisation_id=hap_org.id, created_at=now),
            User(username="coord", password_hash=password_hash, role="coordinator", name="Coördinator",
                 team="acute", created_at=now),
            User(username="coord-fact", password_hash=password_hash, role="coordinator", name="Coördinator F",
                 team="fact", created_at=now),
        ]
        staff += [User(username=f"board-{i}", password_hash=password_hash, role="coordinator",
                       name=f"Coördinator bord {i}", team=board_team, created_at=now) for i in range(boards)]
        session.add_all(staff)
        teams = {"acute": nurses, "fact": 20}
        teams.setdefault(board_team, 30)
        for team, count in teams.items():
            for i in range(count):
                lat = CENTRE[0] + rng.uniform(-0.15, 0.15)
                lon = CENTRE[1] + rng.uniform(-0.25, 0.25)
                session.add(User(username=f"{team}-n{i}", password_hash=password_hash, role="nurse",
                                 name=f"Verpleegkundige {team} {i}", team=team, skills=["iv_therapy"],
                                 base_lat=lat, base_lon=lon, availability="available",
                                 availability_set_at=now, created_at=now))
        session.commit()
        for user in session.exec(select(User)).all():
            token = new_token(session, user=user, label="bench", now=now)[1]  # any role: the bench acts as each
            if user.username.startswith("board-"):
                tokens.setdefault("boards", {})[user.id] = token
            elif user.role == "nurse":
                tokens["nurses"][user.id] = token
                sub = receiver.subscription()
                session.add(PushSubscription(user_id=user.id, endpoint=sub["endpoint"], p256dh=sub["keys"]["p256dh"],
                                             auth=sub["keys"]["auth"], created_at=now))
            else:
                tokens[user.username] = token
        session.commit()
    engine.dispose()
    return tokens


def start_gunicorn(app_spec: str, env: dict, port: int, cwd: Path, extra=()) -> subprocess.Popen:
    cmd = [str(Path(sys.executable).parent / "gunicorn"), app_spec, "--bind", f"127.0.0.1:{port}",
           *GUNICORN_ARGS, "--log-level", "warning", *extra]
    log = open(Path(tempfile.gettempdir()) / f"bench-gunicorn-{port}.log", "w+")
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=log)
    proc.log = log  # a file, not a pipe: a full pipe would stall gunicorn
    deadline = time.monotonic() + 120  # a loaded machine starts gunicorn slowly
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz" if "backend" in app_spec
                         else f"http://127.0.0.1:{port}/json", timeout=10)
            return proc
        except requests.RequestException:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(log.read())
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def worker_cpu_seconds(master_pid: int) -> float:
    """Return the CPU time (user + system) used so far by gunicorn's workers (children of the master)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master_pid:  # ppid
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    return total


def stop(proc: subprocess.Popen) -> None:
    if proc.log.closed:  # stopped already
        return
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    proc.log.seek(0)
    problems = [line for line in proc.log.read().splitlines() if "ERROR" in line or "CRITICAL" in line]
    if problems:
        print(f"  gunicorn reported {len(problems)} errors, e.g. {problems[0][:200]} (log: {proc.log.name})")
    proc.log.close()


def new_call(team: str, i: int, category: str = "iv_therapy") -> dict:
    rng = random.Random(i)
    return {
        "team": team, "category": category, "urgency": "U3", "complaint": f"Bench melding {i}", "source": "hap",
        "client": {"name": f"Bench Cliënt {i}", "birth_date": "1938-04-02", "address": f"Brink {i}",
                   "postcode": "7411 BR", "city": "Deventer",
                   "lat": CENTRE[0] + rng.uniform(-0.1, 0.1), "lon": CENTRE[1] + rng.uniform(-0.15, 0.15)},
    }


class Timings:
    def __init__(self):
        self.lock = threading.Lock()
        self.values = defaultdict(list)
        self.errors = defaultdict(int)

    def add(self, step, seconds):
        with self.lock:
            self.values[step].append(seconds)

    def error(self, step, status):
        with self.lock:
            self.errors[f"{step}:{status}"] += 1


CALL_NUMBERS = itertools.count()


def dispatch_cycles(base: str, tokens: dict, *, clients: int, cycles: int) -> tuple[Timings, float, int]:
    """Run create → recommend → offer → accept with `clients` concurrent simulated HAP/coordinator/nurse."""
    timings = Timings()
    claimed: set[int] = set()
    claimed_lock = threading.Lock()
    local = threading.local()
    counter = CALL_NUMBERS  # one numbering for every run: the same client twice would be a likely match (409)
    counter_lock = threading.Lock()
    requests_done = [0]

    def http(token):
        sessions = getattr(local, "sessions", None)
        if sessions is None:
            sessions = local.sessions = {}
        if token not in sessions:
            s = requests.Session()
            s.headers["Authorization"] = f"Bearer {token}"
            sessions[token] = s
        return sessions[token]

    def timed(step, method, token, path, **kw):
        t0 = time.perf_counter()
        try:
            response = http(token).request(method, base + path, timeout=60, **kw)
        except requests.RequestException as exc:
            timings.error(step, type(exc).__name__)
            return SimpleNamespace(status_code=599, json=lambda: [])
        elapsed = time.perf_counter() - t0
        with counter_lock:
            requests_done[0] += 1
        if response.status_code < 300:
            timings.add(step, elapsed)
        else:
            timings.error(step, response.status_code)
        return response

    def cycle(_):
        with counter_lock:
            i = next(counter)
        created = timed("create", "POST", tokens["hap"], "/api/calls", json=new_call("acute", i))
        if created.status_code != 201:
            return
        call_id = created.json()["id"]
        recs = timed("recommend", "GET", tokens["coord"], f"/api/calls/{call_id}/recommendations").json()
        nurse_id = None
        with claimed_lock:
            for rec in recs:
                if rec["nurse_id"] not in claimed:
                    nurse_id = rec["nurse_id"]
                    claimed.add(nurse_id)
                    break
        if nurse_id is None:
            return
        try:
            offered = timed("offer", "POST", tokens["coord"], f"/api/calls/{call_id}/offer", json={"nurse_id": nurse_id})
            if offered.status_code == 200:
                timed("accept", "POST", tokens["nurses"][nurse_id], f"/api/calls/{call_id}/accept")
            # Free the nurse for the next cycle (not part of the measured cycle).
            try:
                http(tokens["coord"]).post(base + f"/api/calls/{call_id}/cancel", json={"reason": "bench"},
                                           timeout=30)
            except requests.RequestException as exc:  # a keep-alive connection closed under load: count it
                timings.error("cancel", type(exc).__name__)
        finally:
            with claimed_lock:
                claimed.discard(nurse_id)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(cycle, range(cycles)))
    elapsed = time.perf_counter() - started
    return timings, elapsed, requests_done[0]


def call_to_push(base: str, tokens: dict, receiver: PushReceiver, *, clients: int, calls: int) -> list[float]:
    """Time from POST /api/calls (auto-offer team) to the decrypted push for that call at the receiver.

    The receiver stamps a push on arrival; one matcher thread reads each new push once and wakes the client
    whose call it offers, so the clients wait without polling (20 threads scanning every push received so far,
    in the process that stamps them, would add their own CPU to the figure).
    """
    results = []
    lock = threading.Lock()
    arrived: dict[int, float] = {}  # call id → when its offer arrived
    waiting: dict[int, threading.Event] = {}
    done = threading.Event()
    local = threading.local()

    def match():
        seen = 0
        with receiver._cond:
            while not done.is_set():
                for message in receiver.messages[seen:]:
                    payload = message.payload or {}
                    if payload.get("type") == "offer" and 200 <= message.status < 300:
                        with lock:
                            arrived.setdefault(payload.get("call_id"), message.received_at)
                            event = waiting.get(payload.get("call_id"))
                        if event is not None:
                            event.set()
                seen = len(receiver.messages)
                receiver._cond.wait(0.5)

    def one(i):
        s = getattr(local, "s", None)
        if s is None:
            s = local.s = requests.Session()
            s.headers["Authorization"] = f"Bearer {tokens['hap']}"
        t0 = time.monotonic()
        response = s.post(base + "/api/calls", json=new_call("fact", 100000 + i, category="wound_care"), timeout=30)
        if response.status_code != 201:
            return
        call_id = response.json()["id"]
        event = threading.Event()
        with lock:
            waiting[call_id] = event
            if call_id in arrived:
                event.set()
        if event.wait(10):
            with lock:
                results.append(arrived[call_id] - t0)
            s.post(base + f"/api/calls/{call_id}/cancel", json={"reason": "bench"}, timeout=30)

    matcher = threading.Thread(target=match, daemon=True)
    matcher.start()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(one, range(calls)))
    done.set()
    with receiver._cond:
        receiver._cond.notify_all()
    matcher.join()
    return results


BOARD_POLL_SECONDS = 4.0  # pwa/src/calls.js POLL_MS


def open_board_calls(base: str, tokens: dict, *, calls: int, team: str) -> list[int]:
    """Raise `calls` open calls on the board's team and offer half of them (a nurse each); return their ids."""
    hap = requests.Session()
    hap.headers["Authorization"] = f"Bearer {tokens['hap']}"
    coord = requests.Session()  # one of the boards' coordinators (of the boards' team)
    coord.headers["Authorization"] = f"Bearer {next(iter(tokens['boards'].values()))}"
    ids = []
    for i in range(calls):
        response = hap.post(base + "/api/calls", json=new_call(team, 500000 + i), timeout=60)
        response.raise_for_status()
        ids.append(response.json()["id"])
    for call_id in ids[: calls // 2]:
        recs = coord.get(base + f"/api/calls/{call_id}/recommendations", timeout=60).json()
        if recs:
            coord.post(base + f"/api/calls/{call_id}/offer", json={"nurse_id": recs[-1]["nurse_id"]}, timeout=60)
    return ids


def audit_rows(url: str, user_ids) -> dict:
    """Audit rows written for these users so far, by action."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            ids = ", ".join(str(int(i)) for i in user_ids)
            return dict(conn.exec_driver_sql(
                f"SELECT action, count(*) FROM audit_events WHERE user_id IN ({ids}) GROUP BY action").all())
    finally:
        engine.dispose()


def boards_scenario(base: str, url: str, tokens: dict, *, mode: str, seconds: float, clients: int) -> dict:
    """Every board opens (its first poll: the whole picture), then polls as the PWA does for `seconds` while the
    dispatch cycle runs beside it. Requests and audit rows are counted for the opening and the open board apart."""
    boards = tokens["boards"]
    latencies: list[float] = []
    lock = threading.Lock()
    counts = {"requests": 0, "errors": 0}

    def get(s, path):
        t0 = time.perf_counter()
        try:
            response = s.get(base + path, timeout=60)
        except requests.RequestException:
            with lock:
                counts["errors"] += 1
            return None
        with lock:
            latencies.append(time.perf_counter() - t0)
            counts["requests"] += 1
            if response.status_code != 200:
                counts["errors"] += 1
        return response.json() if response.status_code == 200 else None

    def poll(board):
        query = {} if board["since"] is None else {"updated_since": board["since"]}
        if mode == "new":
            query["include"] = "events"
        calls = get(board["http"], "/api/calls" + ("?" + urlencode(query) if query else "")) or []
        for call in calls:
            board["seen"][call["id"]] = call
        changed = [c.get("changed_at") or c["updated_at"] for c in calls]
        if changed:
            board["since"] = max(changed)
        if mode == "old":  # the old board: the events of every offered call, every poll
            for call in [c for c in board["seen"].values() if c["status"] == "offered"]:
                get(board["http"], f"/api/calls/{call['id']}/events")

    def open_board(token):
        board = {"http": requests.Session(), "seen": {}, "since": None}
        board["http"].headers["Authorization"] = f"Bearer {token}"
        poll(board)
        return board

    rows_at_start = audit_rows(url, boards)
    with ThreadPoolExecutor(max_workers=len(boards)) as pool:
        opened = list(pool.map(open_board, boards.values()))
    opening = {"requests": counts["requests"], "audit_rows": sum(audit_rows(url, boards).values())
               - sum(rows_at_start.values())}
    counts["requests"] = 0
    latencies.clear()
    stop_at = time.monotonic() + seconds

    def keep_open(board, offset):
        time.sleep(offset)  # boards were opened at different moments
        while time.monotonic() < stop_at:
            started = time.monotonic()
            poll(board)
            time.sleep(max(0.0, BOARD_POLL_SECONDS - (time.monotonic() - started)))

    cycle_requests = [0]

    def cycles():
        while time.monotonic() < stop_at:
            _, _, done = dispatch_cycles(base, tokens, clients=clients, cycles=clients)
            cycle_requests[0] += done

    rows_before = audit_rows(url, boards)
    started = time.perf_counter()
    cycle_thread = threading.Thread(target=cycles)
    cycle_thread.start()
    with ThreadPoolExecutor(max_workers=len(boards)) as pool:
        step = BOARD_POLL_SECONDS / max(1, len(boards))
        list(pool.map(keep_open, opened, [i * step for i in range(len(boards))]))
    elapsed = time.perf_counter() - started
    cycle_thread.join()
    cycle_elapsed = time.perf_counter() - started
    rows_after = audit_rows(url, boards)
    by_action = {action: n - rows_before.get(action, 0) for action, n in rows_after.items()
                 if n - rows_before.get(action, 0)}
    rows = sum(by_action.values())
    return {"mode": mode, "requests": counts["requests"], "rps": counts["requests"] / elapsed,
            "audit_per_min": rows * 60 / elapsed, "audit_by_action": by_action, "latencies": latencies,
            "errors": counts["errors"], "cycle_rps": cycle_requests[0] / cycle_elapsed, "elapsed": elapsed,
            "opening": opening}


def print_board(result: dict, boards: int, calls: int) -> None:
    print(f"  board ({result['mode']}): {boards} boards, {calls} open calls, {result['elapsed']:.0f} s: "
          f"{result['rps']:.1f} board requests/s, {result['audit_per_min']:.0f} audit rows/min "
          f"(cycle beside it: {result['cycle_rps']:.1f} requests/s)"
          + (f", {result['errors']} errors" if result["errors"] else ""))
    print(f"    audit rows by action: {result['audit_by_action']}; opening the boards (before the timed window): "
          f"{result['opening']['requests']} requests, {result['opening']['audit_rows']} audit rows")
    print(summary(f"board poll ({result['mode']})", result["latencies"]))


BARE_APP = textwrap.dedent('''
    from flask import Flask, jsonify
    app = Flask(__name__)

    @app.get("/json")
    def hello():
        return jsonify({"ok": True, "status": "open"})
''')


def timed_requests(base: str, proc, *, method: str, paths: list[str], clients: int, total: int,
                   token: str | None = None) -> dict:
    """Warm every worker up, then send `total` requests (round the `paths`) from `clients` threads; return the
    latencies, the elapsed time, the workers' CPU per request (ms) and how many answers were not 200."""
    local = threading.local()
    latencies: list[float] = []
    lock = threading.Lock()
    failures = []

    def one(i: int) -> None:
        s = getattr(local, "s", None)
        if s is None:
            s = local.s = requests.Session()
            if token:
                s.headers["Authorization"] = f"Bearer {token}"
        started = time.perf_counter()
        response = s.request(method, base + paths[i % len(paths)], timeout=60)
        with lock:
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                failures.append(response.status_code)

    list(ThreadPoolExecutor(max_workers=clients).map(one, range(clients * 10)))  # warm up
    latencies.clear()
    failures.clear()
    cpu_before = worker_cpu_seconds(proc.pid)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(one, range(total)))
    elapsed = time.perf_counter() - started
    cpu_ms = (worker_cpu_seconds(proc.pid) - cpu_before) * 1000 / total
    return {"latencies": latencies, "elapsed": elapsed, "cpu_ms": cpu_ms, "failures": len(failures)}


def bare_ceiling(*, clients: int, total: int) -> tuple[list[float], float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "bench_bare.py").write_text(BARE_APP)
        port = free_port()
        proc = start_gunicorn("bench_bare:app", dict(os.environ), port, Path(tmp))
        try:
            result = timed_requests(f"http://127.0.0.1:{port}", proc, method="GET", paths=["/json"],
                                    clients=clients, total=total)
            return result["latencies"], result["elapsed"], result["cpu_ms"]
        finally:
            stop(proc)


# Frames that are a pool thread waiting for work: cProfile books the wait on `SimpleQueue.get` (and so on
# the pool's `_worker` loop around it) with figures that match no CPU the worker used (the workers' CPU from
# /proc matches the total without them), so they are left out of the table and of the total.
IDLE_FRAMES = ("<method 'get' of '_queue.SimpleQueue' objects>", "thread.py:69(_worker)")


def write_profile(directory: Path, name: str, *, top: int, requests_done: int) -> None:
    """Merge the workers' profiles and write the top functions by cumulative CPU time to <name>-top.txt."""
    import pstats

    files = sorted(directory.glob("worker-*.prof"))
    if not files:
        print(f"  no worker profile in {directory} (did the workers exit cleanly?)")
        return
    stats = pstats.Stats(*map(str, files))
    stats.strip_dirs()
    rows = []
    for (path, line, func), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():
        label = f"{path}:{line}({func})" if path != "~" else func
        if label in IDLE_FRAMES:
            continue
        rows.append((cumtime, tottime, calls, label))
    total = sum(row[1] for row in rows)
    rows.sort(reverse=True)
    lines = [f"bench/dispatch.py --profile: {name}, {len(files)} gunicorn workers, warm-up and cycle "
             f"({requests_done} requests timed), every thread, CPU time (cProfile, time.thread_time)",
             f"total CPU in Python frames {total:.1f} s (the pools' idle wait left out: {', '.join(IDLE_FRAMES)})",
             "", f"{'ncalls':>9} {'tottime':>9} {'cumtime':>9} {'cum %':>6}  function"]
    for cumtime, tottime, calls, label in rows[:top]:
        lines.append(f"{calls:>9} {tottime:>9.2f} {cumtime:>9.2f} {100 * cumtime / total:>5.1f}%  {label}")
    target = directory / f"{name.lower()}-top.txt"
    target.write_text("\n".join(lines) + "\n")
    for f in files:
        f.rename(directory / f"{name.lower()}-{f.name}")
    print(f"  profile: {target}")


def run_database(name: str, url: str, args) -> dict:
    print(f"\n== {name}: {url.split('@')[-1]}")
    reset_database(url)
    with PushReceiver() as receiver:
        env = dict(os.environ, DATABASE_URL=url, PUSH_ALLOWED_HOSTS="127.0.0.1", SESSION_COOKIE_SECURE="0",
                   PUSH_DELIVERY="thread")
        tokens = seed(url, env, nurses=args.nurses, receiver=receiver, boards=args.boards, board_team=args.board_team)
        port = free_port()
        extra = ()
        if args.profile:
            Path(args.profile).mkdir(parents=True, exist_ok=True)
            for old in Path(args.profile).glob("worker-*.prof"):
                old.unlink()
            env["BENCH_PROFILE_DIR"] = str(Path(args.profile).resolve())
            extra = ("-c", str(ROOT / "bench" / "gunicorn_profile.py"))
        proc = start_gunicorn("backend:create_app()", env, port, ROOT, extra)
        base = f"http://127.0.0.1:{port}"
        try:
            # Warm up every worker's connection pool and caches.
            dispatch_cycles(base, tokens, clients=args.clients, cycles=args.clients * 2)
            cpu_before = worker_cpu_seconds(proc.pid)
            timings, elapsed, requests_done = dispatch_cycles(base, tokens, clients=args.clients, cycles=args.cycles)
            cpu_ms = (worker_cpu_seconds(proc.pid) - cpu_before) * 1000 / requests_done
            print(f"  dispatch cycle: {args.cycles} cycles by {args.clients} clients in {elapsed:.1f} s, "
                  f"team of {args.nurses} nurses")
            for step in ("create", "recommend", "offer", "accept"):
                print(summary(step, timings.values[step], elapsed))
            rps = requests_done / elapsed
            print(f"  cycle requests/s       {rps:8.1f}  (all {requests_done} requests incl. the untimed cancel)")
            print(f"  worker CPU per request {cpu_ms:8.2f} ms (user + system, pushes included)")
            if timings.errors:
                print(f"  non-2xx answers: {dict(timings.errors)}")
            if args.profile:
                stop(proc)
                write_profile(Path(args.profile), name, top=args.profile_top, requests_done=requests_done)
                return {"rps": rps, "timings": timings, "pushes": [], "cpu_ms": cpu_ms, "boards": []}
            pushes = call_to_push(base, tokens, receiver, clients=args.clients, calls=args.push_calls)
            print(summary("call → push (auto)", pushes))
            board_results = []
            if args.boards:
                open_board_calls(base, tokens, calls=args.board_calls, team=args.board_team)
                for mode in args.board_modes.split(","):
                    board_results.append(boards_scenario(base, url, tokens, mode=mode, seconds=args.board_seconds,
                                                         clients=args.clients))
                    print_board(board_results[-1], args.boards, args.board_calls)
                if len(board_results) == 2 and board_results[1]["requests"]:
                    old, new = board_results
                    rows = (f"{old['audit_per_min'] / new['audit_per_min']:.1f}× the audit rows" if new["audit_per_min"]
                            else f"{old['audit_per_min']:.0f} against 0 audit rows per minute")
                    print(f"  board old/new, while open: {old['requests'] / new['requests']:.1f}× the requests, {rows}")
        finally:
            stop(proc)
    return {"rps": rps, "timings": timings, "pushes": pushes, "cpu_ms": cpu_ms, "boards": board_results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--cycles", type=int, default=400)
    parser.add_argument("--push-calls", type=int, default=200)
    parser.add_argument("--nurses", type=int, default=200)
    parser.add_argument("--pg-url", default=os.environ.get(
        "BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/wijkspoed_bench"))
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--boards", type=int, default=20, help="coordinators' boards open (0: no board scenario)")
    parser.add_argument("--board-calls", type=int, default=50, help="open calls on the boards' team")
    parser.add_argument("--board-team", default="acute",
                        help="the boards' team: 'acute' (the cycle's team, so their picture keeps changing) or "
                             "another code (a team of its own is seeded, so the picture holds still)")
    parser.add_argument("--board-seconds", type=float, default=60.0)
    parser.add_argument("--board-modes", default="old,new", help="old: per-call events polling; new: one request")
    parser.add_argument("--profile", metavar="DIR", help="cProfile the workers over warm-up and cycle into DIR")
    parser.add_argument("--profile-top", type=int, default=40, help="functions in <database>-top.txt")
    args = parser.parse_args()
    print(f"gunicorn {' '.join(GUNICORN_ARGS)}; {args.clients} concurrent clients; {os.cpu_count()} cores")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "sqlite"):
            results["sqlite"] = run_database("SQLite", f"sqlite:///{tmp}/bench.db", args)
        if args.only in (None, "postgresql"):
            results["postgresql"] = run_database("PostgreSQL", args.pg_url, args)
    latencies, elapsed, bare_cpu_ms = bare_ceiling(clients=args.clients, total=max(2000, args.cycles * 5))
    bare_rps = len(latencies) / elapsed
    print("\n== ceiling: bare Flask JSON endpoint, same gunicorn settings")
    print(summary("GET /json", latencies, elapsed))
    print(f"  worker CPU per request {bare_cpu_ms:8.2f} ms")
    for name, result in results.items():
        print(f"  {name}: cycle requests/s = {result['rps'] / bare_rps:.2f} × the bare endpoint; "
              f"CPU per request {result['cpu_ms'] / bare_cpu_ms:.1f} × the bare endpoint's")


if __name__ == "__main__":
    main()
