"""The nurse screen's start-up work as main-thread CPU time, which a loaded machine hardly changes (Lighthouse's
total blocking time does: 10 ms to 2 s with the load).

    python bench/nurse_cpu.py [runs]        # the built pwa/dist, as bench/lighthouse.py serves it

Logs the nurse in (pwa_budget.start_server, headless Chromium at Lighthouse's mobile size), then reloads her screen
`runs` times under a Chromium trace, unthrottled as Lighthouse's simulated mode loads it. Per reload: the renderer's
main-thread task CPU time (`tdur`), and cpuTBT = Σ max(0, 4 × tdur − 50 ms) over the tasks after the first
contentful paint — Lighthouse's simulated total blocking time (4× CPU) as a quiet machine would see it, roughly.
"""
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pwa_budget import ARGS, CHROMIUM, login_nurse, start_server  # noqa: E402

CATEGORIES = "devtools.timeline,disabled-by-default-devtools.timeline,v8.execute,blink.user_timing,loading,toplevel"


def trace_reload(ctx, page):
    """Reload her screen in a fresh tab under a trace; return the trace events."""
    page.close()
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    events, done = [], []
    cdp.on("Tracing.dataCollected", lambda e: events.extend(e["value"]))
    cdp.on("Tracing.tracingComplete", lambda e: done.append(1))
    cdp.send("Tracing.start", {"categories": CATEGORIES, "transferMode": "ReportEvents"})
    page.goto("/")
    page.get_by_test_id("availability").wait_for()
    page.wait_for_timeout(3000)
    cdp.send("Tracing.end")
    while not done:
        page.wait_for_timeout(100)
    return page, events


def measure(events) -> tuple[float, float, list]:
    """Main-thread CPU (ms), cpuTBT (ms) and the tasks after FCP over 8 ms (start, CPU ms) of one reload."""
    mains = {(e["pid"], e["tid"]) for e in events
             if e.get("name") == "thread_name" and e["args"]["name"] == "CrRendererMain"}
    fcp = [e for e in events if e.get("name") == "firstContentfulPaint"][-1]
    nav = [e for e in events if e.get("name") == "navigationStart" and e["pid"] == fcp["pid"] and e["ts"] <= fcp["ts"]
           and "http" in str(e.get("args", {}).get("data", {}).get("documentLoaderURL", ""))][-1]
    tasks = sorted((e for e in events if e.get("name") == "RunTask" and e.get("ph") == "X" and e["pid"] == fcp["pid"]
                    and (e["pid"], e["tid"]) in mains and e["ts"] >= nav["ts"]), key=lambda e: e["ts"])
    after = [e for e in tasks if e["ts"] >= fcp["ts"]]
    cpu = sum(e.get("tdur", 0) for e in tasks) / 1000
    tbt = sum(max(0.0, 4 * e.get("tdur", 0) / 1000 - 50) for e in after)
    big = [(round((e["ts"] - nav["ts"]) / 1000), round(e["tdur"] / 1000, 1)) for e in after if e.get("tdur", 0) > 8000]
    return cpu, tbt, big


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    from playwright.sync_api import sync_playwright

    proc, base = start_server(Path(tempfile.mkdtemp(prefix="wijkspoed-cpu-")))
    results = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            ctx = browser.new_context(viewport={"width": 412, "height": 823}, device_scale_factor=1.75, is_mobile=True,
                                      has_touch=True, base_url=base, service_workers="allow")
            page = ctx.new_page()
            page.goto("/")
            login_nurse(page)
            page.wait_for_timeout(1500)
            page, _ = trace_reload(ctx, page)  # warm-up reload, not counted
            for i in range(runs):
                page, events = trace_reload(ctx, page)
                cpu, tbt, big = measure(events)
                results.append((cpu, tbt))
                print(f"reload {i + 1}: main-thread CPU {cpu:.0f} ms, cpuTBT {tbt:.0f} ms, tasks after FCP > 8 ms "
                      f"(start ms, CPU ms): {big}")
        print(f"median: main-thread CPU {statistics.median(r[0] for r in results):.0f} ms, "
              f"cpuTBT {statistics.median(r[1] for r in results):.0f} ms")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
