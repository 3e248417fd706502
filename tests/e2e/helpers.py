"""Helpers shared by the end-to-end tests: paths, the API user, login, screenshots, axe-core."""
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE = ROOT / "pwa" / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "wachtwoord-123"
PHONE = {"width": 390, "height": 844}
AMSTERDAM = ZoneInfo("Europe/Amsterdam")  # the browser's time zone (conftest's new_page)


def local_today() -> date:
    """Today as the browser counts it: from 23:00 UTC (22:00 in summer) the UTC date is a day behind."""
    return datetime.now(AMSTERDAM).date()
class Api:
    """A logged-in API user, as an outside client would be (cookie session + CSRF)."""

    def __init__(self, base: str, username: str, password: str = PASSWORD):
        self.base = base
        self.s = requests.Session()
        r = self.s.post(f"{base}/api/auth/login", json={"username": username, "password": password}, timeout=10)
        r.raise_for_status()
        # The session cookie is Secure and the test server is plain http on 127.0.0.1 (a secure context for
        # browsers, not for requests' cookie jar): send it by hand, as a browser would.
        self.s.headers["Cookie"] = "; ".join(f"{c.name}={c.value}" for c in self.s.cookies)
        self.s.cookies.clear()
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


def login(page, username: str, push_step: str = "Later"):
    """Log in; a nurse's first-login push step is answered with `push_step` (or left open when None)."""
    page.goto("/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("button", name="Uitloggen").wait_for()
    if push_step and username.startswith("nurse"):
        step = page.get_by_test_id("push-step")
        home = page.get_by_test_id("availability")
        step.or_(home).first.wait_for()
        if step.is_visible():
            step.get_by_role("button", name=push_step).click()


def screenshot(page, name: str):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def assert_accessible(page, name: str):
    """axe-core finds no serious or critical violation on this screen."""
    if not page.evaluate("() => !!window.axe"):
        page.evaluate(AXE.read_text())  # evaluated, not a <script>: the app's CSP allows no inline scripts
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"accessibility violations on {name}:\n" + "\n".join(bad)
