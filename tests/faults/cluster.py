"""A throwaway PostgreSQL cluster on a free port, and real app processes: the bodies of the fault tests.

The machine's own PostgreSQL is never touched: `initdb`/`pg_ctl` from the Debian package run as the
`postgres` user on a data directory under /tmp, and `restart()`/`stop()`/`start()` are the faults.
Also used by bench/faults.py.
"""
from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def why_not_available() -> str | None:
    """Return why a throwaway cluster can't be made here, or None."""
    if not (PG_BIN / "initdb").exists():
        return f"no initdb in {PG_BIN}"
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return "no postgres user"
    if os.geteuid() != 0 and pwd.getpwuid(os.geteuid()).pw_name != "postgres":
        return "needs root (to run pg_ctl as postgres) or the postgres user"
    return None


def wait_until(predicate, *, timeout: float, interval: float = 0.05, what: str = "condition"):
    """Poll `predicate` until it returns something truthy (return it) or `timeout` passes (raise)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


class Cluster:
    """One PostgreSQL cluster of our own: start, stop, restart -m fast."""

    def __init__(self, database: str = "faults"):
        self.dir = Path(tempfile.mkdtemp(prefix="wijkspoed-faults-", dir="/tmp"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.database = database
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _pg(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)

    def create(self) -> "Cluster":
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self._pg("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = "
                       f"'{self.dir}'\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                       "max_connections = 200\nshared_buffers = 32MB\n")
        self.start()
        self._pg("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", self.database)
        return self

    def start(self) -> None:
        self._pg("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"), "-w", "-t", "60", "start")

    def stop(self) -> None:
        self._pg("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def restart(self) -> None:
        self._pg("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"), "-m", "fast", "-w", "-t", "60",
                 "restart")

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def env_for(url: str, **extra) -> dict:
    """The environment of an app process on this database."""
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "faults-secret", "PUSH_ALLOWED_HOSTS": "127.0.0.1",
           "PYTHONPATH": str(ROOT), "WIJKSPOED_TEST_PASSWORD_COST": "low"}
    env.update({k: str(v) for k, v in extra.items()})
    return env


class Web:
    """`gunicorn 'backend:create_app()'` on a free port: a real web instance."""

    def __init__(self, url: str, *, workers: int = 2, threads: int = 4, log: Path | None = None, **env):
        self.log = log or Path(tempfile.mkstemp(prefix="wijkspoed-web-", suffix=".log")[1])
        self._command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "--threads", str(threads),
                         "--graceful-timeout", "2", "backend:create_app()"]
        self._env = env_for(url, **env)
        self.port_tries = 3  # a free port can be taken by another test process before gunicorn binds it
        self._spawn()

    def _spawn(self) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [*self._command, "-b", f"127.0.0.1:{self.port}"],
            cwd=ROOT, env=self._env, stdout=open(self.log, "w"), stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 120) -> None:
        import requests

        def up():
            if self.process.poll() is not None:
                self.port_tries -= 1
                if "Address already in use" in self.log.read_text() and self.port_tries > 0:
                    self._spawn()  # lost the port race: another port, same instance
                    return False
                raise AssertionError(f"gunicorn exited: {self.log.read_text()[-2000:]}")
            try:
                return requests.get(self.base + "/healthz", timeout=1).status_code == 200
            except requests.RequestException:
                return False

        wait_until(up, timeout=timeout, what="gunicorn to serve /healthz")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Clock:
    """`python -m backend.clock`: a real clock process (SIGKILL it to inject a dead clock)."""

    def __init__(self, url: str, *, log: Path | None = None, **env):
        self.log = log or Path(tempfile.mkstemp(prefix="wijkspoed-clock-", suffix=".log")[1])
        self.process = subprocess.Popen([sys.executable, "-m", "backend.clock"], cwd=ROOT, env=env_for(url, **env),
                                        stdout=open(self.log, "w"), stderr=subprocess.STDOUT)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
