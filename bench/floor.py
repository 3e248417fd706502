"""Floor benchmark: what one request costs in this stack when it does only what a dispatch step must.

    .venv/bin/python bench/floor.py [--clients 20] [--requests 3000] [--pg-url postgresql+psycopg://…/<scratch>]

Issue 14 asks for ≤ 3 ms of worker CPU per request over the dispatch cycle (≈ 9.4 × the bare Flask endpoint on
the machine it was measured on). This bench tells how much of that the stack itself takes, under the same
gunicorn settings as `bench/dispatch.py` (2 workers × 4 threads, 20 concurrent clients), side by side in one run:

  bare     Flask returning a constant JSON object (the ceiling `bench/dispatch.py` compares with);
  floor    the same stack as Wijkspoed with none of its code: Flask, flask-smorest (a response schema,
           marshmallow-sqlalchemy), a SQLModel session on the same engine settings (`backend.db.make_engine`),
           and only the statements a step cannot do without —
             read:   the bearer token's user (one joined select), the call by id, one audit row, commit, dump;
             write:  the same, plus the conditional UPDATE of the call and its event row (an accept);
  app      Wijkspoed itself: `GET /api/auth/me` (what every request pays before its own work: token, user,
           team, hooks, the response's audit check) and `GET /api/calls/{id}` (one call read, audited).

Each line gives requests/s and the workers' CPU per request (user + system from /proc, as `bench/dispatch.py`
measures it) and its ratio to the bare endpoint's. Figures are printed, never asserted; take them on a quiet
machine (load average < 1 before the run). SQLite by default; with --pg-url the floor and the app also run
on PostgreSQL (that database is wiped).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from dispatch import (bare_ceiling, free_port, new_call, reset_database, seed, start_gunicorn, stop,  # noqa: E402
                      summary, timed_requests)

from tests.push_receiver import PushReceiver  # noqa: E402

FLOOR_APP = textwrap.dedent('''
    """The stack with none of Wijkspoed's code: the statements an accept cannot do without."""
    import hashlib
    import os
    from datetime import datetime, timezone

    import sqlalchemy as sa
    from flask import Flask, g, request
    from flask.views import MethodView
    from flask_smorest import Api, Blueprint, abort
    from marshmallow_sqlalchemy import SQLAlchemyAutoSchema
    from sqlmodel import JSON, Field, Session, SQLModel, select

    from backend.db import UTCDateTime, make_engine


    class FloorUser(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        name: str
        role: str
        team: str


    class FloorToken(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        user_id: int = Field(foreign_key="flooruser.id")
        token_hash: str = Field(index=True, unique=True)


    class FloorCall(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        client_id: int
        team: str
        urgency: str
        category: str
        status: str
        nurse_id: int | None = None
        complaint: str
        created_at: datetime = Field(sa_type=UTCDateTime)
        updated_at: datetime = Field(sa_type=UTCDateTime)
        accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


    class FloorEvent(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        call_id: int = Field(index=True)
        at: datetime = Field(sa_type=UTCDateTime)
        type: str
        actor_id: int
        detail: dict = Field(default_factory=dict, sa_type=JSON)


    class FloorAudit(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        at: datetime = Field(sa_type=UTCDateTime)
        user_id: int
        action: str
        client_id: int | None = None
        request_id: str


    class CallSchema(SQLAlchemyAutoSchema):
        class Meta:
            model = FloorCall


    engine = make_engine(os.environ["FLOOR_DATABASE_URL"])
    TOKEN = select(FloorUser).join(FloorToken, FloorToken.user_id == FloorUser.id).where(
        FloorToken.token_hash == sa.bindparam("token_hash"))
    AUDIT = sa.insert(FloorAudit)


    def setup(calls: int) -> str:
        SQLModel.metadata.drop_all(engine)
        SQLModel.metadata.create_all(engine)
        now = datetime.now(timezone.utc)
        with Session(engine) as session:
            nurse = FloorUser(name="Verpleegkundige", role="nurse", team="acute")
            session.add(nurse)
            session.flush()
            session.add(FloorToken(user_id=nurse.id, token_hash=hashlib.sha256(b"floor-token").hexdigest()))
            session.add_all([FloorCall(client_id=i, team="acute", urgency="U3", category="fall_assessment",
                                       status="open", complaint="Gevallen", created_at=now, updated_at=now)
                             for i in range(1, calls + 1)])
            session.commit()
        return "floor-token"


    app = Flask(__name__)
    app.config.update(API_TITLE="floor", API_VERSION="1", OPENAPI_VERSION="3.0.3")
    api = Api(app)
    blp = Blueprint("floor", __name__)


    def session_user_and_call(call_id: int):
        """The request's session, the bearer token's user (one joined select) and the call."""
        session = g.session = Session(engine, expire_on_commit=False)
        token = request.headers.get("Authorization", "").partition(" ")[2]
        user = session.exec(TOKEN, params={"token_hash": hashlib.sha256(token.encode()).hexdigest()}).first()
        if user is None:
            abort(401)
        return session, user, session.get(FloorCall, call_id)


    def audit_and_commit(session, user, call, action: str, now: datetime) -> None:
        session.execute(AUDIT, [{"at": now, "user_id": user.id, "action": action, "client_id": call.client_id,
                                 "request_id": "r"}])
        session.commit()


    @app.teardown_request
    def close(_exc):
        session = g.pop("session", None)
        if session is not None:
            session.close()


    @blp.route("/floor/calls/<int:call_id>")
    class CallView(MethodView):
        @blp.response(200, CallSchema)
        def get(self, call_id):
            session, user, call = session_user_and_call(call_id)
            audit_and_commit(session, user, call, "call.read", datetime.now(timezone.utc))
            return call


    @blp.route("/floor/calls/<int:call_id>/accept")
    class AcceptView(MethodView):
        @blp.response(200, CallSchema)
        def post(self, call_id):
            session, user, call = session_user_and_call(call_id)
            now = datetime.now(timezone.utc)
            # Open ↔ accepted, so the bench can repeat it: one conditional UPDATE, as a real accept does.
            to = "accepted" if call.status == "open" else "open"
            done = session.execute(sa.update(FloorCall).where(FloorCall.id == call_id, FloorCall.status == call.status)
                                   .values(status=to, nurse_id=user.id, accepted_at=now, updated_at=now)
                                   .execution_options(synchronize_session=False)).rowcount
            if done != 1:
                abort(409)
            call.status, call.nurse_id, call.accepted_at, call.updated_at = to, user.id, now, now
            session.add(FloorEvent(call_id=call_id, at=now, type=to, actor_id=user.id, detail={"by": "floor"}))
            audit_and_commit(session, user, call, "call.accept", now)
            return call


    api.register_blueprint(blp)
''')


def report(name: str, result: dict, bare_ms: float | None) -> None:
    print(summary(name, result["latencies"], result["elapsed"]))
    ratio = f" ({result['cpu_ms'] / bare_ms:.1f} × bare)" if bare_ms else ""
    failed = f"; {result['failures']} non-200 answers" if result["failures"] else ""
    print(f"    worker CPU per request {result['cpu_ms']:7.2f} ms{ratio}{failed}", flush=True)


def line(name: str, base: str, proc, args, bare_ms: float, *, method: str, paths: list[str], token: str) -> None:
    """Time one kind of request (--requests of them from --clients threads) and print its line."""
    report(name, timed_requests(base, proc, method=method, paths=paths, token=token, clients=args.clients,
                                total=args.requests), bare_ms)


def floor(url: str, tmp: Path, args, bare_ms: float) -> None:
    env = dict(os.environ, FLOOR_DATABASE_URL=url, PYTHONPATH=f"{tmp}:{ROOT}")
    reset_database(url)
    token = subprocess.run([sys.executable, "-c", f"import bench_floor; print(bench_floor.setup({args.calls}))"],
                           cwd=tmp, env=env, check=True, capture_output=True, text=True).stdout.strip()
    port = free_port()
    proc = start_gunicorn("bench_floor:app", env, port, tmp)
    try:
        base = f"http://127.0.0.1:{port}"
        calls = range(1, args.calls + 1)
        line("floor read", base, proc, args, bare_ms, method="GET", paths=[f"/floor/calls/{i}" for i in calls],
             token=token)
        line("floor write (accept)", base, proc, args, bare_ms, method="POST",
             paths=[f"/floor/calls/{i}/accept" for i in calls], token=token)
    finally:
        stop(proc)


def app(url: str, args, bare_ms: float) -> None:
    reset_database(url)
    with PushReceiver() as receiver:
        env = dict(os.environ, DATABASE_URL=url, PUSH_ALLOWED_HOSTS="127.0.0.1", SESSION_COOKIE_SECURE="0",
                   PUSH_DELIVERY="thread")
        tokens = seed(url, env, nurses=10, receiver=receiver)
        port = free_port()
        proc = start_gunicorn("backend:create_app()", env, port, ROOT)
        try:
            base = f"http://127.0.0.1:{port}"
            hap = requests.Session()
            hap.headers["Authorization"] = f"Bearer {tokens['hap']}"
            ids = [hap.post(f"{base}/api/calls", json=new_call("acute", i), timeout=60).json()["id"]
                   for i in range(args.calls)]
            line("app GET /api/auth/me", base, proc, args, bare_ms, method="GET", paths=["/api/auth/me"],
                 token=tokens["coord"])
            line("app GET /api/calls/{id}", base, proc, args, bare_ms, method="GET",
                 paths=[f"/api/calls/{i}" for i in ids], token=tokens["coord"])
        finally:
            stop(proc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--calls", type=int, default=50, help="calls the reads and accepts go round")
    parser.add_argument("--pg-url", default=None, help="a PostgreSQL database this bench may wipe")
    args = parser.parse_args(argv)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{args.clients} concurrent clients, {args.requests} requests a line; {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="wijkspoed-floor-") as tmp:
        tmp = Path(tmp)
        (tmp / "bench_floor.py").write_text(FLOOR_APP)
        latencies, elapsed, bare_ms = bare_ceiling(clients=args.clients, total=args.requests)
        bare = {"latencies": latencies, "elapsed": elapsed, "cpu_ms": bare_ms, "failures": 0}
        print("\n== the ceiling")
        report("bare GET /json", bare, None)
        databases = [("SQLite", f"sqlite:///{tmp}/floor.db", f"sqlite:///{tmp}/app.db")]
        if args.pg_url:
            databases.append(("PostgreSQL", args.pg_url, args.pg_url))
        for name, floor_url, app_url in databases:
            print(f"\n== {name}")
            floor(floor_url, tmp, args, bare["cpu_ms"])
            app(app_url, args, bare["cpu_ms"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
