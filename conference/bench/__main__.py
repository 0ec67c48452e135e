"""`python -m conference.bench [--safety | --phone] [--quick]`: measure what attendees feel; write docs/benchmarks.md.

Without --safety: import (with its floor), grid render and bytes, note autosave latency, exports,
memory, and the phone measure (FOSDEM's busiest day on emulated slow 4G; --phone runs only that). With --safety: the 60-second load run (50 attendees on 2 gunicorn workers) and the SIGKILL
fault run. Timings are printed and recorded, never asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import requests
from defusedxml.ElementTree import fromstring

from .. import create_app, importer, merge, store
from ..exports import EXPORTERS, ics, report
from ..exports.ics import CalendarOptions
from ..parsers import parse
from ..store import connect
from ..views import exports as export_views
from ..views import pagecache
from .server import ROOT, Gunicorn, csrf_session, fault_run, free_port
from .synthetic import synthetic_timetable

CORPUS = ROOT / "tests" / "corpus"  # the tests' copies of the real timetables (tests/corpus/SOURCES.md)
DOC = ROOT / "docs" / "benchmarks.md"


def largest_corpus_file() -> Path:
    files = [
        p for p in CORPUS.glob("*/*") if p.suffix in (".xml", ".json", ".ics", ".csv") and p.parent.name != "schema"
    ]
    return max(files, key=lambda p: p.stat().st_size)


def stats(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p = lambda q: ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]  # noqa: E731
    return {
        "n": len(samples),
        "median": statistics.median(samples),
        "p95": p(0.95),
        "p99": p(0.99),
        "min": ordered[0],
        "max": ordered[-1],
    }


def ms(x: float) -> str:
    return f"{x * 1000:.1f} ms"


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def fresh_db(directory: Path, name: str):
    path = directory / name
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    db = connect(path)
    store.migrate(db)
    return db


def import_file(db, data: bytes, name: str, slug: str = ""):
    """What the import form does with an upload (the same importer.run)."""
    request = importer.ImportRequest(data=data, filename=name, slug=slug)
    return importer.run(db, request, allow_private=False, default_timezone="Asia/Tokyo")


# --- the measurements ---------------------------------------------------------------------------


def bench_import(work: Path, source: Path, runs: int) -> dict:
    data = source.read_bytes()
    _fmt, timetable = parse(data, filename=source.name)
    rows = [{**merge.row(s), "conference_id": 1} for s in timetable.sessions]
    first, again, floor = [], [], []
    for i in range(runs):
        db = fresh_db(work, f"import-{i}.db")
        first.append(timed(lambda db=db: import_file(db, data, source.name)))
        again.append(timed(lambda db=db: import_file(db, data, source.name)))
        db.close()
        floor_db = connect(work / f"floor-{i}.db")

        def floor_run(floor_db=floor_db):
            fromstring(data, forbid_dtd=True) if source.suffix == ".xml" else json.loads(data)
            store.insert_rows_as_they_are(floor_db, rows)

        floor.append(timed(floor_run))
        floor_db.close()
    a, b, f = stats(first), stats(again), stats(floor)
    return {
        "file": f"{source.parent.name}/{source.name}",
        "bytes": len(data),
        "sessions": len(rows),
        "import": a,
        "reimport": b,
        "floor": f,
        "ratio": a["median"] / f["median"],
        "reimport_ratio": b["median"] / a["median"],
    }


def build_big_db(work: Path, source: Path):
    path = work / "big.db"
    app = create_app({"DATABASE": str(path), "LOAD_DEMO": False})
    db = connect(path)
    import_file(db, source.read_bytes(), source.name, slug="largest")
    store.apply_import(db, "synthetic", synthetic_timetable(), source="synthetic")
    db.close()
    return path, app


def busiest_day(db, slug: str) -> str:
    conf = store.conference(db, slug)
    counts: dict = {}
    for s in store.planned_sessions(db, conf, abstracts=False):
        if s.day:
            counts[s.day] = counts.get(s.day, 0) + 1
    day = max(counts, key=counts.get)
    return day.isoformat(), counts[day]


def bench_grid(app, path: Path, slug: str, runs: int) -> dict:
    db = connect(path)
    day, count = busiest_day(db, slug)
    total = len(store.planned_sessions(db, store.conference(db, slug), abstracts=False))
    db.close()
    client = app.test_client()
    url = f"/c/{slug}/?day={day}"
    client.get(url)
    cold = lambda: (pagecache.PAGES.clear(), client.get(url))  # noqa: E731 -- rendered from scratch
    samples = [timed(cold) for _ in range(runs)]
    kept = [timed(lambda: client.get(url)) for _ in range(runs)]
    page = client.get(url, headers={"Accept-Encoding": "gzip"})
    html = gzip.decompress(page.data).decode()
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    third_party = [a for a in assets if a.startswith(("http://", "https://", "//"))]
    sent = {"html": len(page.data)}
    for asset in assets:
        response = client.get(asset, headers={"Accept-Encoding": "gzip"})
        sent[asset.split("?")[0].rsplit("/", 1)[-1]] = len(response.data)
    raw = len(html.encode())
    return {
        "slug": slug,
        "day": day,
        "day_sessions": count,
        "sessions": total,
        "render": stats(samples),
        "kept": stats(kept),
        "bytes": sent,
        "total_gz": sum(sent.values()),
        "html_raw": raw,
        "third_party": third_party,
    }


def bench_exports(path: Path, slug: str, runs: int, changed: int = 10) -> dict:
    """The calendars as the app builds them (views.exports.calendar: load, export, keep), and the report.

    "first build": nothing kept (a fresh process). "cold": no kept file, the event texts of earlier
    builds kept (what follows any change of the timetable, plan or reminder). "after a re-import":
    `changed` sessions retitled by a re-import, then the file built again (only they go through icalendar).
    """
    db = connect(path)
    conf = store.conference(db, slug)
    keys = [s.key for s in store.planned_sessions(db, conf, abstracts=False) if not s.is_break]
    store.set_status(db, conf, keys, "attended")
    out = {"sessions": len(keys), "changed": changed}
    everything = CalendarOptions(alarm_minutes=None)
    plan_options = CalendarOptions(alarm_minutes=store.alarm_minutes(db))

    def build(name: str, options: CalendarOptions, *, events: bool) -> float:
        export_views.CALENDARS.clear()
        if events:
            ics.EVENTS.clear()
        return timed(lambda: export_views.calendar(db, conf, name, options))

    out["ics_all_first"] = stats([build("timetable-ics", everything, events=True) for _ in range(runs)])
    out["ics_all"] = stats([build("timetable-ics", everything, events=False) for _ in range(runs)])
    out["ics_all_cached"] = stats(
        [timed(lambda: export_views.calendar(db, conf, "timetable-ics", everything)) for _ in range(runs)]
    )
    source = largest_corpus_file()
    _fmt, timetable = parse(source.read_bytes(), filename=source.name)
    samples = []
    for i in range(runs):
        for s in timetable.sessions[:changed]:
            s.title = f"{s.title.split(' [rev')[0]} [rev {i}]"
        store.apply_import(db, slug, timetable, source=source.name, fmt="frab-xml")
        conf = store.conference(db, slug)
        export_views.CALENDARS.clear()
        samples.append(timed(lambda conf=conf: export_views.calendar(db, conf, "timetable-ics", everything)))
    out["ics_all_reimport"] = stats(samples)
    out["ics_plan_first"] = stats([build("plan-ics", plan_options, events=True) for _ in range(runs)])
    out["ics_plan"] = stats([build("plan-ics", plan_options, events=False) for _ in range(runs)])
    exporter = EXPORTERS["report"]

    def report_run() -> None:
        sessions = store.planned_sessions(db, conf, abstracts=exporter.abstracts)
        exporter(conf, sessions, store.note_texts(db, conf), report.Options(preset="hugo"))

    out["report"] = stats([timed(report_run) for _ in range(runs)])
    store.set_status(db, conf, keys, None)
    db.close()
    return out


def latency_run(
    base: str,
    slug: str,
    keys: list[str],
    seconds: float,
    per_second: float | None = None,
    browse_every: float | None = None,
) -> dict:
    """Clients saving notes (closed loop, or `per_second`) and optionally loading the grid; latencies per kind."""
    stop = threading.Event()
    saves, grids, errors = [], [], []
    lock = threading.Lock()

    def attendee(key: str):
        http, token = csrf_session(base)
        version, n = 0, 0
        next_browse = time.monotonic() + (browse_every or 0)
        while not stop.is_set():
            started = time.perf_counter()
            n += 1
            body = {"text": f"{key}: line {n}\n" * 3, "base_version": version, "save_id": f"{key}-{n}"}
            try:
                response = http.post(
                    f"{base}/api/c/{slug}/note/{key}", json=body, headers={"X-CSRFToken": token}, timeout=30
                )
                took = time.perf_counter() - started
                with lock:
                    if response.status_code == 200:
                        version = response.json()["version"]
                        saves.append(took)
                    else:
                        errors.append(f"save {response.status_code}")
                if browse_every and time.monotonic() >= next_browse:
                    t0 = time.perf_counter()
                    page = http.get(f"{base}/c/{slug}/", headers={"Accept-Encoding": "gzip"}, timeout=30)
                    with lock:
                        (
                            grids.append(time.perf_counter() - t0)
                            if page.status_code == 200
                            else errors.append(f"grid {page.status_code}")
                        )
                    next_browse += browse_every
            except requests.RequestException as exc:
                with lock:
                    errors.append(type(exc).__name__)
            if per_second:
                stop.wait(max(0.0, 1 / per_second - (time.perf_counter() - started)))

    threads = [threading.Thread(target=attendee, args=(k,)) for k in keys]
    started = time.monotonic()
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    elapsed = time.monotonic() - started
    return {
        "clients": len(keys),
        "seconds": elapsed,
        "saves": stats(saves) if saves else None,
        "saves_count": len(saves),
        "grid": stats(grids) if grids else None,
        "grid_count": len(grids),
        "errors": errors,
    }


def bench_autosave(path: Path, seconds: float) -> dict:
    db = connect(path)
    keys = [s.key for s in store.planned_sessions(db, store.conference(db, "largest")) if not s.is_break][:50]
    db.close()
    server = Gunicorn(path, workers=2, threads=8)
    server.start()
    try:
        one = latency_run(server.url, "largest", keys[:1], seconds)
        fifty = latency_run(server.url, "largest", keys, seconds)
    finally:
        server.stop()
    return {"one": one, "fifty": fifty}


def bench_memory(work: Path, source: Path) -> dict:
    """Peak RSS of `python app.py` after importing the largest file through the UI and browsing it."""
    db = work / "memory.db"
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "CONFERENCE_DB": str(db)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                requests.get(base + "/login", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.05)
        http, token = csrf_session(base)
        with source.open("rb") as f:
            http.post(
                base + "/import",
                files={"file": (source.name, f)},
                data={"slug": "largest"},
                headers={"X-CSRFToken": token},
                timeout=60,
            )
        grid = http.get(base + "/c/largest/", timeout=30).text
        for day in sorted(set(re.findall(r"day=(\d{4}-\d\d-\d\d)", grid))):
            http.get(f"{base}/c/largest/?day={day}", timeout=30)
        for path in ("list", "my", "now", "report", "calendar", "timetable.ics"):
            http.get(f"{base}/c/largest/{path}", timeout=30)
        for key in re.findall(r'data-key="([^"]+)"', grid)[:50]:
            http.get(f"{base}/c/largest/s/{key}", timeout=30)
        status = Path(f"/proc/{proc.pid}/status").read_text()
        peak = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))
        now = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return {"peak_kb": peak, "rss_kb": now}


# --- safety: load and fault ---------------------------------------------------------------------


def bench_load(work: Path, seconds: float) -> dict:
    path = work / "load.db"
    create_app({"DATABASE": str(path), "LOAD_DEMO": False})
    db = connect(path)
    import_file(db, largest_corpus_file().read_bytes(), "largest", slug="largest")
    keys = [s.key for s in store.planned_sessions(db, store.conference(db, "largest")) if not s.is_break][
        :50
    ]  # one note each
    db.close()
    server = Gunicorn(path, workers=2, threads=8)
    server.start()
    try:
        result = latency_run(server.url, "largest", keys, seconds, per_second=1.0, browse_every=5.0)
    finally:
        server.stop()
    return result


def _worker_peaks(master: int) -> dict[int, int]:
    """Peak RSS (VmHWM, kB) of each gunicorn worker (the master's children)."""
    peaks = {}
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    for pid in children:
        with contextlib.suppress(OSError, AttributeError):
            status = Path(f"/proc/{pid}/status").read_text()
            peaks[int(pid)] = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))
    return peaks


def heavy_import(work: Path, name: str, data: bytes, filename: str) -> dict:
    """Upload `data` through the import form of gunicorn (2 workers x 8 threads) while one attendee
    autosaves without pause; then search it once (the index is built then). Worker memory, the
    import's time, the worst autosave wait."""
    path = work / f"heavy-{name}.db"
    create_app({"DATABASE": str(path)})  # migrated, demo loaded: the autosaving attendee's notes go there
    server = Gunicorn(path, workers=2, threads=8)
    server.start()
    stop = threading.Event()
    saves: list[tuple[float, float]] = []
    errors: list[str] = []

    def autosave() -> None:
        http, token = csrf_session(server.url)
        version, n = 0, 0
        while not stop.is_set():
            n += 1
            started = time.perf_counter()
            try:
                response = http.post(
                    f"{server.url}/api/c/demo-tech-festa-2026/note/A10",
                    json={"text": f"line {n}\n", "base_version": version, "save_id": f"h-{n}"},
                    headers={"X-CSRFToken": token},
                    timeout=60,
                )
                if response.status_code == 200:
                    version = response.json()["version"]
                    saves.append((started, time.perf_counter() - started))
                else:
                    errors.append(f"save {response.status_code}")
            except requests.RequestException as exc:
                errors.append(type(exc).__name__)
            stop.wait(0.05)

    try:
        before = _worker_peaks(server.proc.pid)
        saver = threading.Thread(target=autosave)
        saver.start()
        quiet = time.perf_counter()
        time.sleep(3.0)  # the baseline: the same autosaves with no import running
        http, token = csrf_session(server.url)
        t0 = time.perf_counter()
        response = http.post(
            f"{server.url}/import",
            files={"file": (filename, data)},
            data={"slug": "heavy"},
            headers={"X-CSRFToken": token},
            timeout=600,
            allow_redirects=False,
        )
        t1 = time.perf_counter()
        answer = response.status_code
        if answer == 303 and "/imports/" not in response.headers.get("Location", ""):
            answer = 200  # not imported: the form asks to confirm or to choose fields
        message = ""
        if answer != 303:
            found = re.search(r'class="error"[^>]*>([^<]+)<', response.text)
            message = found.group(1) if found else response.text[:200]
        t2 = time.perf_counter()
        if answer == 303:
            http.get(f"{server.url}/c/heavy/list", params={"q": "Kubernetes"}, timeout=600)
        t3 = time.perf_counter()
        time.sleep(0.5)
        stop.set()
        saver.join(timeout=120)
        after = _worker_peaks(server.proc.pid)
    finally:
        stop.set()
        server.stop()
    baseline = [took for started, took in saves if quiet <= started < t0]
    during = [took for started, took in saves if t0 <= started <= t1]
    searching = [took for started, took in saves if t2 <= started <= t3]
    return {
        "name": name,
        "bytes": len(data),
        "status": answer,
        "message": message,
        "seconds": t1 - t0,
        "search_seconds": t3 - t2,
        "peak_kb": max(after.values()),
        "start_kb": max(before.values()),
        "baseline_worst": max(baseline) if baseline else None,
        "saves": len(during),
        "worst_save": max(during) if during else None,
        "search_saves": len(searching),
        "worst_search_save": max(searching) if searching else None,
        "errors": errors,
    }


def bench_heavy(work: Path) -> list[dict]:
    """Issue 17's heavy uploads: 20 MB of CSV and of ICS within the cap, and over the cap (refused)."""
    from .synthetic import heavy_csv, heavy_ics

    return [
        heavy_import(work, "csv", heavy_csv(20_000, 20_000_000), "heavy.csv"),
        heavy_import(work, "ics", heavy_ics(20_000, 20_000_000), "heavy.ics"),
        heavy_import(work, "csv-over", heavy_csv(268_000, 19_500_000), "over.csv"),
        heavy_import(work, "ics-over", heavy_ics(100_000, 19_500_000), "over.ics"),
    ]


# --- output ---------------------------------------------------------------------------------------


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError, AttributeError):
        cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text()).group(1).strip()
    return f"{platform.node()}: {os.cpu_count()} cores, {cpu}, Linux {platform.release()}, Python {platform.python_version()}"


def spread(s: dict) -> str:
    return f"{ms(s['median'])} (p95 {ms(s['p95'])}, min {ms(s['min'])}, max {ms(s['max'])}, n={s['n']})"


def perf_table(r: dict) -> list[str]:
    imp, lines = r["import"], []
    target = lambda ok: "met" if ok else "NOT met"  # noqa: E731
    lines.append("| figure | result | target |")
    lines.append("|---|---|---|")
    lines.append(
        f"| import of `{imp['file']}` ({imp['bytes'] / 1e6:.2f} MB, {imp['sessions']} sessions) | {spread(imp['import'])} | |"
    )
    lines.append(
        f"| floor: parse the same bytes with the parser library + `insert_all` the same rows | {spread(imp['floor'])} | |"
    )
    lines.append(f"| import / floor | **{imp['ratio']:.2f}x** | < 2x: {target(imp['ratio'] < 2)} |")
    lines.append(
        f"| re-import of the unchanged file | {spread(imp['reimport'])} = **{imp['reimport_ratio']:.2f}x** the first import | < 1x: {target(imp['reimport_ratio'] < 1)} |"
    )
    for g in r["grids"]:
        lines.append(
            f"| grid render, `{g['slug']}` busiest day ({g['day']}, {g['day_sessions']} of {g['sessions']} sessions) | {spread(g['render'])} | p95 < 100 ms: {target(g['render']['p95'] < 0.1)} |"
        )
        lines.append(
            f"| the same page again, unchanged data (kept rendered; token and nonce filled in) | {spread(g['kept'])} | |"
        )
        parts = ", ".join(f"{k} {v / 1024:.1f} KB" for k, v in g["bytes"].items())
        lines.append(
            f"| bytes sent for that page, gzip (HTML {g['html_raw'] / 1024:.0f} KB raw) | **{g['total_gz'] / 1024:.1f} KB** ({parts}) | < 150 KB: {target(g['total_gz'] < 150 * 1024)} |"
        )
        lines.append(
            f"| requests to third-party hosts from that page | {len(g['third_party'])} | 0: {target(not g['third_party'])} |"
        )
    a = r["autosave"]
    for label, run in (("1 client", a["one"]), ("50 concurrent clients", a["fifty"])):
        s = run["saves"]
        lines.append(
            f"| note autosave round trip, {label} (gunicorn 2 workers x 8 threads, 127.0.0.1) | p50 {ms(s['median'])}, p99 {ms(s['p99'])} ({run['saves_count']} saves in {run['seconds']:.0f} s, {len(run['errors'])} errors) | |"
        )
    grid_median = min(g["render"]["median"] for g in r["grids"][:1])
    e = r["exports"]
    lines.append(
        f"| whole-timetable .ics, {e['sessions']} sessions, first build in a fresh process (nothing kept: every event through icalendar) | {spread(e['ics_all_first'])} | |"
    )
    lines.append(
        f"| whole-timetable .ics, cold (no kept file; each event's text kept from earlier builds) | {spread(e['ics_all'])} | < 150 ms: {target(e['ics_all']['median'] < 0.150)} |"
    )
    lines.append(
        f"| whole-timetable .ics after a re-import that retitled {e['changed']} sessions (only those rebuilt) | {spread(e['ics_all_reimport'])} | < 150 ms: {target(e['ics_all_reimport']['median'] < 0.150)} |"
    )
    lines.append(
        f"| the same .ics again, unchanged state (kept file; what feed polling costs) | {spread(e['ics_all_cached'])} | < grid ({ms(grid_median)}): {target(e['ics_all_cached']['median'] < grid_median)} |"
    )
    lines.append(
        f"| plan .ics, {e['sessions']} sessions planned: first build / cold with kept events | {spread(e['ics_plan_first'])} / {spread(e['ics_plan'])} | |"
    )
    lines.append(
        f"| blog report (Hugo), {e['sessions']} sessions attended | {spread(e['report'])} | < grid ({ms(grid_median)}): {target(e['report']['median'] < grid_median)} |"
    )
    m = r["memory"]
    lines.append(
        f"| server peak RSS after importing and browsing the largest timetable (`python app.py`) | {m['peak_kb'] / 1024:.0f} MB (now {m['rss_kb'] / 1024:.0f} MB) | |"
    )
    return lines


def safety_table(r: dict) -> list[str]:
    load, fault = r["load"], r["fault"]
    lines = ["| figure | result |", "|---|---|"]
    s, g = load["saves"], load["grid"]
    lines.append(
        f"| load: {load['clients']} attendees, autosave once a second + grid every 5 s, {load['seconds']:.0f} s, gunicorn 2 workers x 8 threads | **{len(load['errors'])} errors** |"
    )
    lines.append(
        f"| autosave latency under load ({load['saves_count']} saves) | p50 {ms(s['median'])}, p95 {ms(s['p95'])}, p99 {ms(s['p99'])}, max {ms(s['max'])} |"
    )
    lines.append(
        f"| grid latency under load ({load['grid_count']} pages) | p50 {ms(g['median'])}, p95 {ms(g['p95'])}, p99 {ms(g['p99'])}, max {ms(g['max'])} |"
    )
    lines.append(
        f"| fault: SIGKILL of gunicorn {fault['kills']} times while 4 clients save ({fault['seconds']:.0f} s) | {fault['acked']} saves answered 2xx, **{len(fault['lost'])} lost**, integrity_check {fault['integrity']}, {len(fault['errors'])} errors |"
    )
    for h in r.get("heavy", []):
        what = {
            "csv": "a 20,000-session CSV",
            "ics": "a 20,000-event ICS",
            "csv-over": "a 268,000-row CSV (over the cap)",
            "ics-over": "a 100,000-event ICS (over the cap)",
        }[h["name"]]
        worst = ms(h["worst_save"]) if h["worst_save"] is not None else "no save began meanwhile"
        if h["status"] == 303:
            outcome = f"imported in **{h['seconds']:.1f} s**"
            search = (
                f"; first search after it (index built aside) {h['search_seconds']:.1f} s, worst autosave meanwhile"
                f" {ms(h['worst_search_save']) if h['worst_search_save'] is not None else '-'}"
            )
        else:
            outcome = f"refused ({h['status']}: {h['message'].strip()}) in **{h['seconds']:.2f} s**"
            search = ""
        lines.append(
            f"| heavy upload through the import form: {what}, {h['bytes'] / 1e6:.1f} MB, one attendee autosaving"
            f" meanwhile (gunicorn 2 workers x 8 threads) | {outcome}; worker peak RSS **{h['peak_kb'] / 1024:.0f} MB**"
            f" (at start {h['start_kb'] / 1024:.0f} MB); worst autosave during the import **{worst}**"
            f" ({h['saves']} saves; worst in the 3 s before it {ms(h['baseline_worst'] or 0)}){search};"
            f" {len(h['errors'])} errors |"
        )
    return lines


def write_section(name: str, command: str, lines: list[str]) -> None:
    text = (
        DOC.read_text("utf-8")
        if DOC.exists()
        else "# Benchmarks\n\nFigures from this machine, recorded by the command above each table. Timings are never test assertions.\n"
    )
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    block = "\n".join(
        [
            f"<!-- bench:{name} -->",
            f"Command: `{command}` — {stamp}, {machine()}",
            "",
            *lines,
            f"<!-- /bench:{name} -->",
        ]
    )
    pattern = re.compile(rf"<!-- bench:{name} -->.*?<!-- /bench:{name} -->", re.S)
    text = pattern.sub(lambda _m: block, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + block + "\n"
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(text, "utf-8")


def bench_phone(args) -> None:
    """Light on a phone (conference/bench/phone.py): its own section of docs/benchmarks.md."""
    from . import phone

    print("phone: FOSDEM 2026's busiest day on emulated slow 4G with 4x CPU throttling …", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        lines = phone.table(phone.measure(Path(tmp), quick=args.quick))
    print("\n".join(lines))
    if not args.no_write:
        command = "python -m conference.bench" + (" --phone" if args.phone else "") + (" --quick" if args.quick else "")
        write_section("phone", command, lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m conference.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--safety", action="store_true", help="the load run (60 s) and the fault run instead")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (for a smoke run; figures are noisier)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument("--phone", action="store_true", help="only the phone measure (slow 4G, 4x CPU; chromium)")
    args = parser.parse_args(argv)
    if not args.safety:
        bench_phone(args)
    if args.phone:
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if args.safety:
            seconds = 10 if args.quick else 60
            print(f"load: 50 attendees for {seconds} s …", flush=True)
            load = bench_load(work, seconds)
            print("fault: SIGKILL runs …", flush=True)
            fault_db = work / "fault.db"
            create_app({"DATABASE": str(fault_db)})
            fault = fault_run(
                fault_db, "demo-tech-festa-2026", ["A10", "B10", "C10", "D10"], kills=3 if args.quick else 8
            )
            print("heavy uploads: 20 MB CSV and ICS …", flush=True)
            heavy = bench_heavy(work)
            lines = safety_table({"load": load, "fault": fault, "heavy": heavy})
            command = "python -m conference.bench --safety" + (" --quick" if args.quick else "")
            name = "safety"
        else:
            runs = 3 if args.quick else 7
            source = largest_corpus_file()
            print(f"import: {source.name} x{runs} …", flush=True)
            result = {"import": bench_import(work, source, runs)}
            path, app = build_big_db(work, source)
            print("grid …", flush=True)
            result["grids"] = [
                bench_grid(app, path, slug, 20 if args.quick else 60) for slug in ("largest", "synthetic")
            ]
            print("exports …", flush=True)
            result["exports"] = bench_exports(path, "largest", 3 if args.quick else 7)
            print("autosave …", flush=True)
            result["autosave"] = bench_autosave(path, 3 if args.quick else 10)
            print("memory …", flush=True)
            result["memory"] = bench_memory(work, source)
            lines = perf_table(result)
            command = "python -m conference.bench" + (" --quick" if args.quick else "")
            name = "perf"
    print("\n".join(lines))
    if not args.no_write:
        write_section(name, command, lines)
        print(f"\nwritten to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
