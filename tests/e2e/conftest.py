"""End-to-end fixtures: the real server (gunicorn) on a free port, a fresh database, headless Chromium."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "pwa" / "dist"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE = ROOT / "pwa" / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "wachtwoord-123"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.e2e


def _database_url(tmp: Path) -> str:
    """A database of its own: SQLite in tmp, or `<TEST_DATABASE_URL's db>_e2e` on PostgreSQL."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base or not base.startswith("postgresql"):
        return f"sqlite:///{tmp / 'e2e.db'}"
    import psycopg

    head, name = base.rsplit("/", 1)
    name = name.split("?")[0] + "_e2e"
    admin = head.replace("postgresql+psycopg", "postgresql") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{head}/{name}"


class Api:
    """A logged-in API user, as an outside client would be (cookie session + CSRF)."""

    def __init__(self, base: str, username: str, password: str = PASSWORD):
        self.base = base
        self.s = requests.Session()
        # The session cookie is Secure; the test server is plain http on 127.0.0.1 (a secure context for browsers).
        self.s.cookies.set_policy(DefaultCookiePolicy(secure_protocols=("https", "wss", "http")))
        r = self.s.post(f"{base}/api/auth/login", json={"username": username, "password": password}, timeout=10)
        r.raise_for_status()
        self.user = r.json()["user"]
        self.s.headers["X-CSRF-Token"] = r.json()["csrf_token"]

    def call(self, method: str, path: str, expect: int | tuple = (200, 201, 204), **kw) -> requests.Response:
        r = self.s.request(method, f"{self.base}{path}", timeout=10, **kw)
        expected = expect if isinstance(expect, tuple) else (expect,)
        assert r.status_code in expected, f"{method} {path} → {r.status_code} {r.text[:500]}"
        return r

    def get(self, path, **kw):
        return self.call("GET", path, **kw).json()

    def post(self, path, json=None, **kw):
        r = self.call("POST", path, json=json if json is not None else {}, **kw)
        return r.json() if r.content else None


class Server:
    def __init__(self, base: str, env: dict):
        self.base = base
        self.env = env

    def api(self, username: str) -> Api:
        return Api(self.base, username)


def _flask(env: dict, *args: str) -> str:
    out = subprocess.run([sys.executable, "-m", "flask", "--app", "backend", *args], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr + out.stdout
    return out.stdout


@pytest.fixture(scope="session")
def server():
    """The real app under gunicorn, migrated, with the users of the story."""
    assert (DIST / "index.html").is_file(), "pwa/dist is missing: run `make install` (npm ci && npm run build) first"
    tmp = Path(tempfile.mkdtemp(prefix="wijkspoed-e2e-"))
    env = {
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
    try:
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
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
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


def login(page, username: str):
    page.goto("/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("button", name="Uitloggen").wait_for()


def screenshot(page, name: str):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def assert_accessible(page, name: str):
    """axe-core finds no serious or critical violation on this screen."""
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"accessibility violations on {name}:\n" + "\n".join(bad)
