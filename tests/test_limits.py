"""Issue 17, heavy and hostile input: download deadlines that cover the headers, title lookups off the
request threads, NAT64, the session cap, big days in parts, nested JSON, reused save ids, report
template limits, long note histories, keys with "../", and page-cache slots no data can spell.
"""

from __future__ import annotations

import json
import re
import select
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from conference import create_app, store
from conference.bench.server import Gunicorn, csrf_session
from conference.errors import FetchError, NonPublicAddress
from conference.exports import EXPORTERS, report
from conference.fetch import fetch, page_title
from conference.store import connect

from .conftest import CSRFClient

ROOT = Path(__file__).resolve().parents[1]
SLUG = "demo-tech-festa-2026"


class Dripping:
    """A raw HTTP server on 127.0.0.1 that sends its status line and headers one byte every `every`
    seconds (a read timeout restarts with each byte), then a small complete page. It records whether
    the client hung up while the headers were still dripping (`cut`) or got them all (`finished`)."""

    def __init__(self, every: float = 0.2, header_bytes: int = 40):
        self.every, self.header_bytes = every, header_bytes
        self.cut, self.finished = threading.Event(), threading.Event()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn):
        body = b"<html><head><title>finally</title></head></html>"
        head = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * self.header_bytes + b"\r\n"
        tail = b"Content-Type: text/html\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
        try:
            conn.recv(65536)
            for byte in head:
                conn.sendall(bytes([byte]))
                time.sleep(self.every)
                readable, _, _ = select.select([conn], [], [], 0)
                if readable and not conn.recv(1, socket.MSG_PEEK):
                    raise ConnectionAbortedError  # the client hung up
            self.finished.set()
            conn.sendall(tail + body)
        except OSError:
            self.cut.set()
        finally:
            conn.close()

    def close(self):
        self.sock.close()


@pytest.fixture
def empty_app(db_path):
    app = create_app({"TESTING": True, "DATABASE": str(db_path), "LOAD_DEMO": False})
    app.test_client_class = CSRFClient
    return app


# --- 5. deadlines cover the whole exchange --------------------------------------------------------


def test_a_server_dripping_its_headers_is_cut_off_at_the_deadline():
    slow = Dripping(every=0.2, header_bytes=60)  # ~13 s of headers, each byte well within the read timeout
    try:
        with pytest.raises(FetchError, match=r"took longer than 1\.5 s"):
            fetch(slow.url, allow_private=True, deadline=1.5)
        # Cut off while the headers were still coming, not once they were all in.
        assert slow.cut.wait(10) and not slow.finished.is_set()
    finally:
        slow.close()


def test_a_title_lookup_against_a_dripping_server_gives_up():
    slow = Dripping(every=0.2, header_bytes=60)
    try:
        assert page_title(slow.url, allow_private=True, deadline=1.0) is None
        assert slow.cut.wait(10) and not slow.finished.is_set()
    finally:
        slow.close()


def test_nat64_addresses_are_not_public():
    """64:ff9b::7f00:1 is 127.0.0.1 through a NAT64 translator."""
    for address in ("64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b:1::1"):
        with pytest.raises(NonPublicAddress, match="non-public"):
            fetch(f"http://[{address}]:8080/timetable.json", deadline=5)


class Hanging:
    """An HTTP server whose pages answer only when released; it notices a client that gives up."""

    def __init__(self):
        import http.server

        self.release = threading.Event()
        self.waiting = 0
        self.abandoned = 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                with lock:
                    outer.waiting += 1
                try:
                    while not outer.release.wait(0.05):
                        readable, _, _ = select.select([self.connection], [], [], 0)
                        if readable and not self.connection.recv(1, socket.MSG_PEEK):
                            with lock:
                                outer.abandoned += 1  # the client gave up (its deadline)
                            return
                    body = f"<title>Deck {self.path}</title>".encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                finally:
                    with lock:
                        outer.waiting -= 1

            def log_message(self, *_args):
                pass

        lock = threading.Lock()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.slow
def test_an_autosave_is_answered_while_twenty_title_lookups_hang(tmp_path):
    """gunicorn 2 workers x 8 threads, as in production: 20 links added with a title lookup against a
    server that does not answer. Lookups run in a small background pool, so the request threads stay
    free: every add-link and an autosave are answered while the lookups still hang (none given up)."""
    db_path = tmp_path / "g.db"
    create_app({"DATABASE": str(db_path)})
    hanging = Hanging()
    server = Gunicorn(db_path, workers=2, threads=8)
    server.start()
    try:
        http, token = csrf_session(server.url)

        def add(i: int) -> int:
            return http.post(
                f"{server.url}/c/{SLUG}/links/A10",
                data={"url": f"{hanging.url}/deck-{i}", "lookup": "1", "csrf_token": token},
                allow_redirects=False,
                timeout=120,
            ).status_code

        with ThreadPoolExecutor(20) as pool:
            answers = list(pool.map(add, range(20)))
        assert answers == [303] * 20
        saved = http.post(
            f"{server.url}/api/c/{SLUG}/note/A20",
            json={"text": "still saving", "base_version": 0},
            headers={"X-CSRFToken": token},
            timeout=120,
        )
        assert saved.status_code == 200
        assert hanging.abandoned == 0 and hanging.waiting > 0  # answered while the lookups still hang
        hanging.release.set()
        for _ in range(600):  # the lookups finish in the background and fill the titles in
            db = connect(db_path)
            titles = [
                x.title
                for x in store.planned_session(db, store.conference(db, SLUG), "A10").links
                if x.url.startswith(hanging.url)
            ]
            db.close()
            if titles.count("") == 0:
                break
            time.sleep(0.1)
        assert sorted(titles) == sorted(f"Deck /deck-{i}" for i in range(20))
    finally:
        server.stop()
        hanging.close()


def test_a_full_lookup_pool_refuses_more_at_once(db_path, app, http_server):
    from conference.titles import TitleLookups

    pool = TitleLookups(workers=1, queue=0)
    release = threading.Event()
    http_server.put("/slow", lambda out: release.wait(30), "text/html", **{"Content-Length": "0"})
    try:
        assert pool.submit(str(db_path), 1, 1, http_server.url + "/slow", allow_private=True) is True
        assert pool.submit(str(db_path), 1, 2, http_server.url + "/slow", allow_private=True) is False  # full
    finally:
        release.set()
        assert pool.wait(timeout=60)


def test_the_lookup_pool_runs_two_at_once_and_keeps_thirty_two_waiting(db_path, app):
    """The app's pool as made (2 workers, 32 waiting): 35 links added at once against a server that does
    not answer yet. Two lookups reach the server, 32 more wait their turn, the 35th is not taken (that
    link stays untitled); released, the waiting ones all run."""
    from conference.titles import TitleLookups

    hanging = Hanging()
    before = set(threading.enumerate())
    pool = TitleLookups()
    try:
        taken = [pool.submit(str(db_path), 1, n, f"{hanging.url}/deck-{n}", allow_private=True) for n in range(35)]
        assert taken == [True] * 34 + [False]
        lookups = [t for t in set(threading.enumerate()) - before if t.name.startswith("title-lookup")]
        for _ in range(200):  # until the workers' requests have arrived
            if hanging.waiting >= len(lookups):
                break
            time.sleep(0.05)
        assert len(lookups) == 2 and hanging.waiting == 2
        hanging.release.set()
        assert pool.wait(timeout=60)
        assert pool.submit(str(db_path), 1, 99, f"{hanging.url}/deck-99", allow_private=True) is True  # room again
    finally:
        hanging.release.set()
        assert pool.wait(timeout=60)
        hanging.close()


# --- 7. heavy input ---------------------------------------------------------------------------------


def _csv(rows: int, rooms: int = 10, day: date = date(2026, 7, 25)) -> bytes:
    lines = ["id,date,start,end,room,title"]
    for n in range(rows):
        room, slot = n % rooms, n // rooms
        start = datetime(2026, 7, 25, 8, 0) + timedelta(minutes=5 * slot)
        lines.append(
            f"r{n},{day.isoformat()},{start:%H:%M},{start + timedelta(minutes=5):%H:%M},Room {room:02d},Talk {n}"
        )
    return ("\n".join(lines) + "\n").encode()


def test_over_twenty_thousand_sessions_is_refused_where_the_count_ran_over(empty_app, db_path, tmp_path):
    big = tmp_path / "big.csv"
    big.write_bytes(b"title,date,start,end\n" + b"t,2026-07-25,10:00,10:05\n" * 60_000)
    result = empty_app.test_cli_runner().invoke(args=["import", str(big), "--slug", "big"])
    assert result.exit_code == 1
    assert "big.csv: csv: line 20002: more than 20,000 sessions; a conference holds at most 20,000" in result.output
    ics = tmp_path / "big.ics"
    event = (
        "BEGIN:VEVENT\r\nUID:e{n}\r\nSUMMARY:t\r\nDTSTART:20260725T010000Z\r\nDTEND:20260725T020000Z\r\nEND:VEVENT\r\n"
    )
    ics.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + "".join(event.format(n=n) for n in range(20_001)) + "END:VCALENDAR\r\n"
    )
    result = empty_app.test_cli_runner().invoke(args=["import", str(ics), "--slug", "big"])
    assert result.exit_code == 1 and "big.ics: ics: 20,001 sessions; a conference holds at most 20,000" in result.output
    db = connect(db_path)
    assert store.conferences(db) == []
    db.close()


def test_a_full_day_is_shown_in_parts_by_room_and_the_list_in_pages(client, runner, tmp_path):
    path = tmp_path / "full.csv"
    path.write_bytes(_csv(700, rooms=14))  # 700 sessions in one day, 50 per room
    assert runner.invoke(args=["import", str(path), "--slug", "full"]).exit_code == 0
    first = client.get("/c/full/").get_data(as_text=True)
    parts = re.findall(r'<a href="(/c/full/\?day=2026-07-25&amp;page=\d)"[^>]*>([^<]+)</a>', first)
    assert [label for _href, label in parts] == ["Room 00 – Room 11", "Room 12 – Room 13"]
    blocks = [
        len(re.findall(r'class="block[ "]', client.get(href.replace("&amp;", "&")).get_data(as_text=True)))
        for href, _label in parts
    ]
    assert blocks == [600, 100]
    assert client.get("/c/full/?page=3").status_code == 404
    listing = client.get("/c/full/list").get_data(as_text=True)
    assert listing.count('class="item"') == 500 and "1–500 of 700" in listing
    rest = client.get("/c/full/list?page=2").get_data(as_text=True)
    assert rest.count('class="item"') == 200 and "501–700 of 700" in rest
    assert client.get("/c/full/list?page=3").status_code == 404


def test_an_import_that_races_a_new_note_keeps_the_noted_session(db_path, app):
    """The diff is built before the write lock; if a note arrives meanwhile, it is built again inside."""
    from conference.model import Session, Timetable

    db = connect(db_path)
    conf = store.conference(db, SLUG)
    sessions = store.planned_sessions(db, conf)
    dropped = sessions[-1].key
    smaller = Timetable(
        sessions=[
            Session(key=s.key, title=s.title, start=s.start, end=s.end, room=s.room, code=s.code)
            for s in sessions
            if s.key != dropped
        ],
        timezone=conf.timezone,
    )
    holder = connect(db_path)
    holder.conn.execute("BEGIN IMMEDIATE")  # someone else is writing: the import waits for the lock
    done = threading.Event()

    def run_import() -> None:
        store.apply_import(connect(db_path), SLUG, smaller)
        done.set()

    worker = threading.Thread(target=run_import, daemon=True)
    worker.start()
    time.sleep(1.0)  # the import has built its diff aside by now (the session: removed) and waits
    store.save_note(holder, conf, dropped, "mine", 0)  # joins the holder's open transaction
    holder.conn.execute("COMMIT")
    worker.join(timeout=60)
    assert done.is_set()
    kept = store.planned_session(db, conf, dropped)
    assert kept.cancelled  # kept as cancelled (the attendee wrote on it), not deleted
    assert len(store.planned_sessions(db, conf)) == len(sessions)
    db.close()
    holder.close()


# --- 10. nested JSON, save ids, report templates, history, keys ------------------------------------


def test_deeply_nested_json_is_a_named_error(client, tmp_path, runner):
    nested = "[" * 100_000 + "]" * 100_000
    answer = client.post(f"/api/c/{SLUG}/note/A10", data=nested, content_type="application/json")
    assert answer.status_code == 400 and answer.get_json() == {"error": "the JSON is nested too deeply"}
    upload = client.post(
        "/import",
        data={"file": (__import__("io").BytesIO(('{"schedule": ' + nested + "}").encode()), "deep.json")},
        content_type="multipart/form-data",
        follow_redirects=True,  # the upload waits in the import form's pending step, then is read
    )
    assert upload.status_code == 400 and "nested too deeply" in upload.get_data(as_text=True)
    yaml = client.post(
        "/import",
        data={"file": (__import__("io").BytesIO(("talks: " + nested).encode()), "deep.yaml")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert yaml.status_code == 400 and "nested too deeply" in yaml.get_data(as_text=True)
    backup = tmp_path / "deep.json"
    backup.write_text('{"format": "conference-backup", "version": 1, "conferences": ' + nested + "}")
    result = runner.invoke(args=["restore", str(backup)])
    assert result.exit_code == 1 and "nested too deeply" in result.output and "Traceback" not in result.output


def test_a_reused_save_id_with_new_text_is_a_conflict_not_a_silent_drop(client, db_path):
    url = f"/api/c/{SLUG}/note/B10"
    assert client.post(url, json={"text": "first", "base_version": 0, "save_id": "s1"}).status_code == 200
    retry = client.post(url, json={"text": "first", "base_version": 0, "save_id": "s1"})
    assert retry.status_code == 200 and retry.get_json()["version"] == 1  # a retry: answered, not applied twice
    reused = client.post(url, json={"text": "other words", "base_version": 1, "save_id": "s1"})
    assert reused.status_code == 409 and reused.get_json()["text"] == "first"
    db = connect(db_path)
    assert store.note(db, store.conference(db, SLUG), "B10").text == "first"
    db.close()


def _attended(db_path) -> tuple:
    db = connect(db_path)
    conf = store.conference(db, SLUG)
    store.set_status(db, conf, ["A10", "B20"], "attended")
    sessions = store.planned_sessions(db, conf)
    db.close()
    return conf, sessions


def test_custom_report_templates_are_stopped_in_time_and_size(app, db_path, runner, tmp_path):
    conf, sessions = _attended(db_path)
    run = lambda template, **kw: EXPORTERS["report"](conf, sessions, {}, report.Options(template=template, **kw))  # noqa: E731
    busy = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    with pytest.raises(report.ReportError, match=r"template: stopped: it ran longer than 1 s"):
        run(busy, time_limit=1.0)
    for template, why in (
        ("{{ 'x' * 1000000000 }}", "asks for 1,000,000,000"),
        ("{{ 'x'.ljust(1000000000) }}", "asks for 1,000,000,000"),
        ("{{ '{:>1000000000}'.format('x') }}", "formats with a width of a million or more"),
        ("{{ 'x'|center(1000000000) }}", "asks for 1,000,000,000"),
        (
            "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
            "builds a value",
        ),
    ):
        with pytest.raises(report.ReportError, match=re.escape(why)):
            run(template)
    assert run("{{ talks|length }} talks: {% for t in talks %}{{ t.code }} {% endfor %}") == "2 talks: A10 B20 "
    big = tmp_path / "big.md.j2"
    big.write_text("{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}")  # 100 MB of output
    result = runner.invoke(args=["report", SLUG, "--template", str(big)])
    assert result.exit_code == 1 and "writes more than 5,000,000 characters" in result.output


def test_a_long_note_history_comes_in_pages(client, db_path):
    for version in range(25):
        client.post(f"/api/c/{SLUG}/note/C10", json={"text": f"version {version + 1}", "base_version": version})
    first = client.get(f"/c/{SLUG}/history/C10").get_data(as_text=True)
    assert re.findall(r"<h2>v(\d+)", first) == [str(v) for v in range(25, 15, -1)]
    assert "Page 1 of 3 (25 versions)" in first and 'rel="next"' in first and 'rel="prev"' not in first
    last = client.get(f"/c/{SLUG}/history/C10?page=3").get_data(as_text=True)
    assert re.findall(r"<h2>v(\d+)", last) == ["5", "4", "3", "2", "1"] and 'rel="next"' not in last
    assert client.get(f"/c/{SLUG}/history/C10?page=4").status_code == 404


ODD_KEYS = ("../../etc/passwd", "a/../b", "/lead//x?y#z%41")


def _odd_keys_ics() -> str:
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:{key}\r\nSUMMARY:odd {i}\r\nDTSTART:20260725T0{i}0000Z\r\nDTEND:20260725T0{i}3000Z\r\nEND:VEVENT\r\n"
        for i, key in enumerate(ODD_KEYS, start=1)
    )
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + events + "END:VCALENDAR\r\n"


def test_session_keys_with_dots_and_slashes_open(client, runner, tmp_path):
    path = tmp_path / "odd.ics"
    path.write_text(_odd_keys_ics())
    assert runner.invoke(args=["import", str(path), "--slug", "odd"]).exit_code == 0
    grid = client.get("/c/odd/").get_data(as_text=True)
    links = re.findall(r'class="block-link" href="([^"]+)"', grid)
    assert all("/../" not in link and "//" not in link.split("/s/", 1)[1] for link in links)
    for i, link in enumerate(sorted(links, key=lambda x: grid.index(x)), start=1):
        page = client.get(link)
        assert page.status_code == 200 and f"odd {i}" in page.get_data(as_text=True), link
        note = link.replace("/c/odd/s/", "/api/c/odd/note/")
        assert client.post(note, json={"text": f"note {i}", "base_version": 0}).status_code == 200
    assert json.loads(runner.invoke(args=["sessions", "odd", "--json"]).stdout)[0]["key"] == ODD_KEYS[0]


@pytest.mark.browser
def test_a_browser_opens_a_session_whose_key_climbs_directories(page, live_server, runner, tmp_path):
    path = tmp_path / "odd.ics"
    path.write_text(_odd_keys_ics())
    assert runner.invoke(args=["import", str(path), "--slug", "odd"]).exit_code == 0
    page.goto(live_server.url + "/c/odd/")
    page.locator(".block", has_text="odd 1").locator("a.block-link").click()
    assert page.locator("h1").inner_text() == "odd 1"


# --- 9. page-cache slots --------------------------------------------------------------------------


@pytest.mark.slow
def test_no_timetable_text_can_fill_a_page_slot(client):
    old_slots = ("\x00csp-nonce\x00", "\x00csrf-token\x00")
    timetable = {
        "sessions": [
            {
                "id": "1",
                "title": f"Nonce {old_slots[0]} here",
                "startsAt": "2026-07-25T10:00:00",
                "endsAt": "2026-07-25T10:45:00",
                "roomId": 1,
            }
        ],
        "rooms": [{"id": 1, "name": f"Room {old_slots[1]}"}],
        "speakers": [],
    }
    imported = client.post(
        "/import",
        data={"text": json.dumps(timetable), "slug": "slot", "name": f"Conf {old_slots[0]}"},
    )
    assert imported.status_code == 303
    for _ in range(2):  # rendered, then served from the page cache
        response = client.get("/c/slot/")
        html = response.get_data(as_text=True)
        nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
        assert html.count(nonce) == 1  # only in the <style nonce=…> it belongs to
        assert "Nonce csp-nonce here" in html and "Conf csp-nonce" in html and "\x00" not in html
    markers = {
        subprocess.run(
            [sys.executable, "-c", "from conference.views.pagecache import NONCE_SLOT; print(repr(NONCE_SLOT))"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for _ in range(2)
    }
    assert len(markers) == 2 and repr(old_slots[0]) + "\n" not in markers  # random per process
