"""Lighthouse (mobile preset) on the built PWA as the app serves it: the login page and the nurse's screen.

    npm install --prefix /tmp/lh lighthouse@12.2.3     # once; 13.x wants Node 22
    LIGHTHOUSE=/tmp/lh/node_modules/.bin/lighthouse python bench/lighthouse.py

Runs the real app (gunicorn, temporary SQLite database, see `pwa_budget.start_server`) and one headless
Chromium with a remote-debugging port: Lighthouse audits the login page first, then Playwright logs the nurse in
in the same browser and Lighthouse audits `/` again without resetting storage (her screen, from the device).
Prints the four category scores per page; the JSON reports go to test-artifacts/lighthouse/.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pwa_budget import ARGS, CHROMIUM, ROOT, login_nurse, start_server  # noqa: E402

LIGHTHOUSE = os.environ.get("LIGHTHOUSE", "/tmp/lh/node_modules/.bin/lighthouse")
OUT = ROOT / "test-artifacts" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def audit(url: str, port: int, name: str, keep_storage: bool) -> dict:
    report = OUT / f"{name}.json"
    cmd = [LIGHTHOUSE, url, f"--port={port}", "--output=json", f"--output-path={report}", "--quiet",
           f"--only-categories={','.join(CATEGORIES)}", "--max-wait-for-load=30000"]
    if keep_storage:
        cmd.append("--disable-storage-reset")
    subprocess.run(cmd, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=300)
    data = json.loads(report.read_text())
    scores = {c: round(100 * (data["categories"][c]["score"] or 0)) for c in CATEGORIES}
    failed = [a["id"] for a in data["audits"].values()
              if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") == "binary"]
    metrics = {k: round(data["audits"][k]["numericValue"]) for k in
               ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time")}
    return {"scores": scores, "failed_binary_audits": failed, "metrics_ms": metrics,
            "final_url": data.get("finalDisplayedUrl")}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="wijkspoed-lh-"))
    proc, base = start_server(tmp)
    port = free_port()
    chrome = subprocess.Popen([CHROMIUM, "--headless=new", f"--remote-debugging-port={port}",
                               f"--user-data-dir={tmp / 'profile'}", *ARGS, "about:blank"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(2)
        results = {"login": audit(f"{base}/", port, "login", keep_storage=False)}
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
            page = browser.contexts[0].new_page()
            page.goto(f"{base}/")
            login_nurse(page)
            page.close()
            results["nurse"] = audit(f"{base}/", port, "nurse", keep_storage=True)
        for name, r in results.items():
            print(name, json.dumps(r, ensure_ascii=False))
    finally:
        chrome.terminate()
        chrome.wait(timeout=10)
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
