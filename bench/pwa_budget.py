"""PWA budgets, measured and reported (not asserted).

    python bench/pwa_budget.py            # builds nothing: run `make install` first

1. App shell JavaScript + CSS, gzipped (budget < 100 KB).
2. First load on a throttled "slow 4G" profile (DevTools preset: 562.5 ms latency, 1.6 Mbit/s down,
   750 kbit/s up) with 4× CPU slowdown, until the login form can be used (budget < 3 s).
3. A reload while offline (served by the service worker), logged in as a nurse, until her screen can be
   used (budget < 1 s).
Runs the real app (gunicorn) on a free port with a temporary SQLite database and headless Chromium.
"""
import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "pwa" / "dist"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SLOW_4G = {"offline": False, "latency": 562.5, "downloadThroughput": 1.6e6 / 8 * 0.9, "uploadThroughput": 750e3 / 8 * 0.9}


def shell_size() -> tuple[int, list[str]]:
    """Gzipped bytes of the JS and CSS the shell (index.html) loads."""
    html = (DIST / "index.html").read_text()
    files = re.findall(r'(?:src|href)="/(assets/[^"]+\.(?:js|css))"', html)
    total = sum(len(gzip.compress((DIST / f).read_bytes(), 9)) for f in files)
    return total, files


def start_server(tmp: Path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}", "WIJKSPOED_INSTANCE": str(tmp),
           "SECRET_KEY": "bench-only"}
    flask = [sys.executable, "-m", "flask", "--app", "backend"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "users", "create", "--username", "nurse", "--password", "wachtwoord-123", "--role", "nurse",
                    "--team", "acute"], cwd=ROOT, env=env, check=True, capture_output=True)
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-b", "127.0.0.1:0", "--workers", "1", "--threads", "4",
                             "backend:create_app()"], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    while True:
        line = proc.stderr.readline()
        m = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", line)
        if m:
            return proc, m.group(1)
        if not line and proc.poll() is not None:
            raise SystemExit("gunicorn did not start")


def login_nurse(page) -> None:
    """Log the bench's nurse in on the open login form and wait for her screen (the push step answered "Later")."""
    page.get_by_label("Gebruikersnaam").fill("nurse")
    page.get_by_label("Wachtwoord").fill("wachtwoord-123")
    page.get_by_role("button", name="Inloggen").click()
    step = page.get_by_test_id("push-step")
    step.or_(page.get_by_test_id("availability")).first.wait_for()
    if step.is_visible():  # the first-login step about notifications
        step.get_by_role("button", name="Later").click()
    page.get_by_test_id("availability").wait_for()


def main() -> None:
    size, files = shell_size()
    print(f"app shell JS+CSS gzipped: {size / 1024:.1f} KB ({', '.join(files)}) — budget 100 KB")
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="wijkspoed-bench-"))
    proc, base = start_server(tmp)
    import urllib.request

    for path in ("/", "/api/auth/me"):  # a warm server, as a phone meets it
        try:
            urllib.request.urlopen(base + path, timeout=10).read()
        except Exception:
            pass
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            ctx = browser.new_context(service_workers="allow", viewport={"width": 390, "height": 844}, base_url=base)
            page = ctx.new_page()
            cdp = ctx.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            cdp.send("Network.emulateNetworkConditions", SLOW_4G)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
            t0 = time.perf_counter()
            page.goto("/", wait_until="commit")
            page.get_by_role("button", name="Inloggen").wait_for()
            first = time.perf_counter() - t0
            nav = page.evaluate("() => { const n = performance.getEntriesByType('navigation')[0]; return {dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd, req: n.requestStart, resp: n.responseEnd}; }")
            if os.environ.get("BENCH_VERBOSE"):
                print("    navigation", nav)
            if os.environ.get("BENCH_VERBOSE"):
                for r in page.evaluate("() => performance.getEntriesByType('resource').map(r => [r.name, Math.round(r.startTime), Math.round(r.responseEnd), r.transferSize])"):
                    print("   ", r)
            print(f"first load, slow 4G + 4x CPU: login form usable after {first:.2f} s "
                  f"(DOMContentLoaded {nav['dcl'] / 1000:.2f} s) — budget 3 s")

            cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
            cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
            page.evaluate("() => navigator.serviceWorker.ready")
            login_nurse(page)
            ctx.set_offline(True)
            t0 = time.perf_counter()
            page.reload(wait_until="commit")
            page.get_by_test_id("availability").wait_for()
            offline = time.perf_counter() - t0
            print(f"reload while offline (4x CPU): nurse screen usable after {offline:.2f} s — budget 1 s")
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
