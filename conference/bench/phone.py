"""Light on a phone: FOSDEM 2026's busiest day on an emulated slow 4G phone.

Chromium (Debian's, driven by Playwright) with a 375 x 812 touch screen, Chrome DevTools Protocol network
emulation (150 ms latency, 1.6 Mbit/s down, 750 kbit/s up) and 4x CPU throttling, a fresh browser
profile for every load (nothing cached), the app under gunicorn on 127.0.0.1. "First talk" is when the
browser painted the first talk's title (Element Timing), from the start of the navigation.
Timings are printed and recorded, never asserted.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

import requests

from .server import ROOT, Gunicorn

SOURCE = ROOT / "tests" / "corpus" / "frab-xml" / "fosdem-2026-schedule.xml"
CHROMIUM = "/usr/bin/chromium"
NETWORK = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8}
CPU_SLOWDOWN = 4
TIMEOUT_MS = 180_000

# Mark the first talk's title as it is parsed, and note when the browser paints it.
FIRST_TALK = """(() => {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.identifier === "first-talk" && window.__firstTalk === undefined) {
        window.__firstTalk = entry.renderTime || entry.loadTime;
      }
    }
  }).observe({type: "element", buffered: true});
  const watch = new MutationObserver(() => {
    const title = document.querySelector("[data-key] .c-title, [data-key] .title, [data-key] .what");
    if (title) { title.setAttribute("elementtiming", "first-talk"); watch.disconnect(); }
  });
  watch.observe(document, {childList: true, subtree: true});
})();"""

FIGURES = """() => {
  const entries = [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")];
  const fcp = performance.getEntriesByName("first-contentful-paint")[0];
  return {
    elements: document.getElementsByTagName("*").length,
    bytes: entries.reduce((sum, e) => sum + (e.transferSize || 0), 0),
    html: performance.getEntriesByType("navigation")[0].decodedBodySize,
    fcp: fcp ? fcp.startTime : null,
    load: performance.getEntriesByType("navigation")[0].loadEventEnd,
  };
}"""


def busiest_day(db_path: Path, slug: str) -> tuple[str, int]:
    from .. import store

    db = store.connect(db_path)
    try:
        counts: dict = {}
        for s in store.planned_sessions(db, store.conference(db, slug), abstracts=False):
            if s.day:
                counts[s.day] = counts.get(s.day, 0) + 1
    finally:
        db.close()
    day = max(counts, key=counts.get)
    return day.isoformat(), counts[day]


def load_once(browser, url: str) -> dict:
    """One cold load on the emulated phone: when the first talk was painted, and what the page weighs."""
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True, service_workers="block"
    )
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", NETWORK)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        page.add_init_script(FIRST_TALK)
        page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        painted = None
        while painted is None and time.monotonic() < deadline:  # the page's CSP forbids wait_for_function's eval
            painted = page.evaluate("() => window.__firstTalk ?? null")
            if painted is None:
                time.sleep(0.05)
        if painted is None:
            raise RuntimeError(f"{url}: no talk painted within {TIMEOUT_MS / 1000:.0f} s")
        return {"first_talk": painted / 1000, **page.evaluate(FIGURES)}
    finally:
        context.close()


def measure(work: Path, quick: bool = False) -> dict:
    """The agenda, the grid and the all-days list of FOSDEM 2026's busiest day, each loaded cold N times."""
    from playwright.sync_api import sync_playwright

    from .. import create_app, importer, store

    db_path = work / "phone.db"
    create_app({"DATABASE": str(db_path), "LOAD_DEMO": False})
    db = store.connect(db_path)
    request = importer.ImportRequest(data=SOURCE.read_bytes(), filename=SOURCE.name, slug="fosdem")
    importer.run(db, request, allow_private=False, default_timezone="Europe/Brussels")
    db.close()
    day, count = busiest_day(db_path, "fosdem")
    pages = {
        "agenda": (f"/c/fosdem/agenda?day={day}", 3 if quick else 9),
        "grid": (f"/c/fosdem/?day={day}&view=grid", 2 if quick else 7),
        "list, all days": ("/c/fosdem/list", 1 if quick else 5),
    }
    server = Gunicorn(db_path, workers=2, threads=4)
    server.start()
    result = {
        "file": f"{SOURCE.parent.name}/{SOURCE.name}",
        "day": day,
        "day_sessions": count,
        "pages": {},
        "load_average": os.getloadavg()[0],  # other work on the machine shows in throttled timings
    }
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--disable-background-networking"])
            try:
                for name, (path, runs) in pages.items():
                    requests.get(server.url + path, timeout=60)  # the server keeps the rendered page, as in use
                    loads = [load_once(browser, server.url + path) for _ in range(runs)]
                    result["pages"][name] = {"path": path, "loads": loads}
                    first = [x["first_talk"] for x in loads]
                    print(
                        f"  {name}: first talk median {statistics.median(first):.2f} s, max {max(first):.2f} s",
                        flush=True,
                    )
            finally:
                browser.close()
    finally:
        server.stop()
    return result


def table(r: dict) -> list[str]:
    lines = [
        f"FOSDEM 2026 (`{r['file']}`), busiest day {r['day']} ({r['day_sessions']} sessions), on a 375 x 812 phone:",
        "CDP network emulation 150 ms / 1.6 Mbit/s down / 750 kbit/s up, 4x CPU throttling, nothing cached, "
        "the app under gunicorn (2 workers x 4 threads) on 127.0.0.1, rendered pages kept; "
        f"machine load average {r['load_average']:.1f} when the run began.",
        "",
        "| page | first talk painted: median | max | loads | elements | bytes sent (gzip) | HTML | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, page in r["pages"].items():
        loads = page["loads"]
        first = [x["first_talk"] for x in loads]
        elements = max(x["elements"] for x in loads)
        target = ""
        if name == "agenda":
            ok = max(first) <= 1.5 and elements < 5000
            target = f"every load ≤ 1.5 s, < 5,000 elements: {'met' if ok else 'NOT met'}"
        lines.append(
            f"| {name} (`{page['path']}`) | **{statistics.median(first):.2f} s** | {max(first):.2f} s | {len(loads)} "
            f"| {elements:,} | {loads[0]['bytes'] / 1024:.0f} KB | {loads[0]['html'] / 1024:.0f} KB | {target} |"
        )
    return lines
