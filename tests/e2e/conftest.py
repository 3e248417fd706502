"""End-to-end fixtures: the real server (gunicorn) on a free port, a fresh database, headless Chromium."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from tests.databases import fresh_database, worker_suffix
from tests.e2e.helpers import PASSWORD, Api
from tests.geo_server import FakeGeocoderServer

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "pwa" / "dist"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
# The screens poll (the board's calls every 4 s, the nurse's phone every 5 s): an expect about what somebody
# else did waits one poll plus the request, also on a loaded CI machine (Playwright's default is 5 s).
expect.set_options(timeout=10_000)



def _database_url(tmp: Path) -> str:
    """A database of its own: SQLite in tmp, or `<TEST_DATABASE_URL's db>_e2e` (`_e2e_gw0` per xdist worker)."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base or not base.startswith("postgresql"):
        return f"sqlite:///{tmp / 'e2e.db'}"
    return fresh_database(base, "_e2e" + worker_suffix())


class Server:
    def __init__(self, base: str, env: dict):
        self.base = base
        self.env = env
        self._paths = None

    def api(self, username: str) -> Api:
        return Api(self.base, username)

    def require(self, *paths: str) -> None:
        """Skip (saying why) when this build of the backend lacks an endpoint the story needs.

        A backend without one of them fails the browser test with the missing endpoints named, not a 404.
        """
        if self._paths is None:
            self._paths = set(requests.get(f"{self.base}/api/openapi.json", timeout=10).json()["paths"])
        missing = [p for p in paths if p not in self._paths]
        if missing:
            pytest.fail(f"backend has no {', '.join(missing)}")


def _flask(env: dict, *args: str) -> str:
    out = subprocess.run([sys.executable, "-m", "flask", "--app", "backend", *args], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr + out.stdout
    return out.stdout


@pytest.fixture(scope="session")
def geocoder():
    """The local stand-in for the PDOK Locatieserver that the server looks addresses up in."""
    with FakeGeocoderServer() as fake:
        yield fake


@pytest.fixture
def geo(geocoder):
    """The fake geocoder, answering again after the test (a test may take it down)."""
    geocoder.mode = "ok"
    yield geocoder
    geocoder.mode = "ok"


@pytest.fixture(scope="session")
def server(geocoder):
    """The real app under gunicorn, migrated, with the users of the story."""
    assert (DIST / "index.html").is_file(), "pwa/dist is missing: run `make install` (npm ci && npm run build) first"
    tmp = Path(tempfile.mkdtemp(prefix="wijkspoed-e2e-"))
    env = {
        "GEOCODER_URL": geocoder.url,
        "GEOCODER_TIMEOUT_SECONDS": "1",
        **os.environ,
        "DATABASE_URL": _database_url(tmp),
        "WIJKSPOED_INSTANCE": str(tmp),
        "SECRET_KEY": uuid.uuid4().hex,
        "PUSH_ALLOWED_HOSTS": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }
    _flask(env, "db", "upgrade")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-b", "127.0.0.1:0", "--workers", "2", "--threads", "4",
         "--access-logfile", "-", "backend:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        port = None
        deadline = time.monotonic() + 60
        log = []
        while time.monotonic() < deadline and port is None:
            line = proc.stderr.readline()
            if not line and proc.poll() is not None:
                break
            log.append(line)
            m = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", line)
            if m:
                port = int(m.group(1))
        assert port, "gunicorn did not start:\n" + "".join(log)
        # Keep reading the server's log so a full pipe never blocks it.
        threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
        base = f"http://127.0.0.1:{port}"
        env["PUBLIC_BASE_URL"] = base
        srv = Server(base, env)
        _flask(env, "users", "create", "--username", "admin", "--password", PASSWORD, "--role", "admin", "--name", "Beheer")
        admin = srv.api("admin")
        people = [
            dict(username="hap", role="hap", name="Triagist HAP Noord"),
            dict(username="coord", role="coordinator", name="Coördinator Carla", team="acute"),
            dict(username="nurse", role="nurse", name="Verpleegkundige Noor", team="acute", base_lat=52.09, base_lon=5.12,
                 skills=["catheter", "iv_therapy", "palliative", "wound_care", "pg_crisis"]),
        ]
        for person in people:
            admin.post("/api/users", {**person, "password": PASSWORD}, expect=201)
        yield srv
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is not installed (apt-get install chromium; .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def new_page(browser, server):
    """Open a page in a fresh browser context (its own cookies, storage and service worker)."""
    contexts = []

    def make(viewport=None, **kw):
        ctx = browser.new_context(service_workers="allow", viewport=viewport or {"width": 1280, "height": 900},
                                  base_url=server.base, locale="nl-NL", timezone_id="Europe/Amsterdam", **kw)
        contexts.append(ctx)
        page = ctx.new_page()
        page.errors = []
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        return page

    yield make
    for ctx in contexts:
        ctx.close()
