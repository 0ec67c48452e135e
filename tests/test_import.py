"""Importing: CLI and UI, file, stdin, paste and URL over real HTTP; refresh keeps the attendee's data."""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

import pytest

from conference.errors import BadInput, FetchError, NonPublicAddress
from conference.fetch import fetch
from conference.store import connect

FIXTURES = Path(__file__).parent / "fixtures"
MINI = json.loads((FIXTURES / "mini.json").read_text("utf-8"))


def mini_json(edit=None) -> bytes:
    doc = json.loads(json.dumps(MINI))
    if edit:
        edit(doc["schedule"]["conference"]["days"][0]["rooms"])
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def rows(db_path, slug):
    db = connect(db_path)
    try:
        return {
            r["key"]: r
            for r in db.query(
                "select s.* from sessions s join conferences c on c.id = s.conference_id where c.slug = ?", [slug]
            )
        }
    finally:
        db.close()


def test_cli_import_file_then_reimport_changes_nothing(runner, db_path):
    first = runner.invoke(args=["import", str(FIXTURES / "mini.xml")])
    assert first.exit_code == 0, first.output
    assert first.output.splitlines()[0] == "mini-festa-2026: 3 added, 0 changed, 0 cancelled, 0 removed, 0 unchanged"
    before = rows(db_path, "mini-festa-2026")
    again = runner.invoke(args=["import", str(FIXTURES / "mini.xml")])
    assert again.output.splitlines()[0] == "mini-festa-2026: 0 added, 0 changed, 0 cancelled, 0 removed, 3 unchanged"
    assert rows(db_path, "mini-festa-2026") == before


def test_cli_import_from_stdin_with_options(runner, db_path):
    csv = b"title,start\nOpening,09:30\n"
    result = runner.invoke(
        args=[
            "import",
            "-",
            "--slug",
            "tiny",
            "--name",
            "Tiny",
            "--date",
            "2026-07-25",
            "--duration",
            "30",
            "--timezone",
            "Asia/Tokyo",
        ],
        input=csv,
    )
    assert result.exit_code == 0, result.output
    [row] = rows(db_path, "tiny").values()
    assert (row["start"], row["end"]) == ("2026-07-25T09:30:00+09:00", "2026-07-25T10:00:00+09:00")


def test_cli_import_failure_is_one_line_exit_1_and_writes_nothing(runner, db_path, tmp_path):
    runner.invoke(args=["import", str(FIXTURES / "mini.csv"), "--slug", "mini"])
    before = rows(db_path, "mini")
    bad = tmp_path / "bad.csv"
    # One bad row among good ones is skipped (tests/test_wild.py); a file with no usable row is refused.
    bad.write_text("タイトル,日付,開始,終了\nB,2026-07-25,11:00,10:00\n", encoding="utf-8")
    result = runner.invoke(args=["import", str(bad), "--slug", "mini"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: bad.csv: csv: line 2, column '終了': ends (10:00) before it starts (11:00); nothing was imported"
    )
    assert rows(db_path, "mini") == before


def test_cli_unknown_timezone_is_refused(runner):
    result = runner.invoke(args=["import", str(FIXTURES / "mini.csv"), "--timezone", "Mars/Olympus"])
    assert result.exit_code == 1 and "is not a time zone" in result.output


def test_upload_and_paste_in_the_ui(client, db_path):
    with (FIXTURES / "mini-fortee.json").open("rb") as f:
        response = client.post(
            "/import", data={"file": (f, "timetable.json"), "slug": "fortee-mini"}, content_type="multipart/form-data"
        )
    assert response.status_code == 303
    report = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>4</strong> added" in report
    assert len(rows(db_path, "fortee-mini")) == 4
    pasted = (FIXTURES / "mini.csv").read_text("utf-8")
    response = client.post("/import", data={"text": pasted, "slug": "pasted"})
    assert response.status_code == 303 and len(rows(db_path, "pasted")) == 4
    grid = client.get("/c/pasted/").get_data(as_text=True)
    assert "Observability &lt;b&gt;101&lt;/b&gt;" in grid and "<b>101</b>" not in grid


def test_ui_error_names_the_problem_and_keeps_the_form(client):
    response = client.post("/import", data={"text": '{"schedule": {"conference": {"days": [', "slug": "x"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "pasted text: json: line 1 column 39: invalid JSON" in html
    assert 'value="x"' in html
    assert client.get("/c/x/").status_code == 404


def _tables(db_path) -> dict[str, int]:
    db = connect(db_path)
    try:
        return {name: db[name].count for name in ("conferences", "sessions", "imports", "pending_imports")}
    finally:
        db.close()


def test_a_plain_text_file_is_refused_as_not_a_timetable(client, runner, db_path, tmp_path):
    """Visual review: "hello world / not a timetable" uploaded in the form got the column-mapping page."""
    letter = tmp_path / "hello.txt"
    letter.write_bytes(b"hello world\nnot a timetable\n")
    before = _tables(db_path)
    for lang, words in (
        ("en", "hello.txt: csv: line 1: not a timetable: no line has columns"),
        ("ja", "hello.txt: csv: 1 行目: タイムテーブルではありません: 列に分かれた行がなく"),
    ):
        with letter.open("rb") as f:
            response = client.post(
                "/import",
                data={"file": (f, "hello.txt"), "slug": "hello"},
                content_type="multipart/form-data",
                headers={"Accept-Language": lang},
            )
        html = response.get_data(as_text=True)
        assert response.status_code == 400, lang  # the form again with the refusal, not the mapping page
        assert words in html and "'hello world'; 'not a timetable'" in html.replace("&#39;", "'"), lang
        assert "map_title" not in html
    result = runner.invoke(args=["import", str(letter), "--slug", "hello"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: hello.txt: csv: line 1: not a timetable: ")
    assert _tables(db_path) == before and client.get("/c/hello/").status_code == 404
    # A one-column file whose header names a field is a timetable (of titles without times yet).
    titles = tmp_path / "titles.csv"
    titles.write_text("title\nOpening\nClosing\n", encoding="utf-8")
    assert runner.invoke(args=["import", str(titles), "--slug", "titles"]).exit_code == 0
    assert len(rows(db_path, "titles")) == 2


def test_url_import_then_refresh_reports_changes_and_keeps_marks_notes_and_links(client, runner, http_server, db_path):
    http_server.put("/mini/schedule.json", mini_json(), "application/json")
    url = http_server.url + "/mini/schedule.json"
    response = client.post("/import", data={"url": url})
    assert response.status_code == 303, response.get_data(as_text=True)
    slug = "mini-festa-2026"
    b10, a20, a10 = (f"11111111-0000-4000-8000-00000000000{n}" for n in (2, 3, 1))
    # The attendee marks B10 and A20, writes notes on B10 and adds a slide link to A10.
    client.post(f"/c/{slug}/mark", data={"key": [b10, a20], "status": "going"})
    client.post(f"/api/c/{slug}/note/{b10}", json={"text": "great talk\n- [ ] try it", "base_version": 0})
    client.post(f"/c/{slug}/links/{a10}", data={"url": "https://speakerdeck.com/me/k8s-v2"})

    def organisers_change(rooms):
        a = rooms["Track A"]
        a[0]["title"] = "Kubernetes 入門 (改訂版)"  # retitled
        a[1]["date"] = "2026-07-25T13:15:00+09:00"  # moved
        a[1]["start"] = "13:15"
        rooms["Track B"] = []  # B10 dropped: it carries a mark, so it is kept as cancelled
        a.append({**a[0], "guid": "new-1", "code": "A30", "title": "New talk", "date": "2026-07-25T14:00:00+09:00"})

    http_server.put("/mini/schedule.json", mini_json(organisers_change), "application/json")
    grid = client.get(f"/c/{slug}/").get_data(as_text=True)
    assert "Refresh from the source" in grid
    response = client.post(f"/c/{slug}/refresh")
    assert response.status_code == 303
    report = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>1</strong> added" in report and "<strong>2</strong> changed" in report
    assert "<strong>1</strong> cancelled" in report
    # Times as the conference's clock shows them, talks named by their codes.
    assert re.search(r">A20: [^<]+</a>\s*<ul><li>Start: <del>Sat, Jul 25 13:00</del> → Sat, Jul 25 13:15</li>", report)
    assert "Title: <del>Kubernetes 入門</del> → Kubernetes 入門 (改訂版)" in report
    assert ">A30: New talk</a>" in report
    after = rows(db_path, slug)
    assert after[b10]["cancelled"] == 1 and after[a20]["start"] == "2026-07-25T13:15:00+09:00"
    sessions = {s["key"]: s for s in json.loads(runner.invoke(args=["sessions", slug, "--json"]).stdout)}
    assert sessions[b10]["status"] == "attended" and sessions[b10]["cancelled"] is True
    assert sessions[a20]["status"] == "going"
    assert "https://speakerdeck.com/me/k8s-v2" in [x["url"] for x in sessions[a10]["links"]]
    assert runner.invoke(args=["note", slug, b10]).stdout == "great talk\n- [ ] try it\n"
    # The cancelled session stays on "my day", flagged, with its notes.
    assert "Cancelled" in client.get(f"/c/{slug}/my").get_data(as_text=True)
    assert http_server.hits == ["/mini/schedule.json", "/mini/schedule.json"]


def test_refresh_failure_changes_nothing(client, http_server, db_path):
    http_server.put("/s.json", mini_json(), "application/json")
    client.post("/import", data={"url": http_server.url + "/s.json"})
    before = rows(db_path, "mini-festa-2026")
    http_server.put("/s.json", b"<html><body>maintenance</body></html>", "text/html")
    response = client.post("/c/mini-festa-2026/refresh")
    assert response.status_code == 502
    assert "an HTML page, not a timetable" in response.get_data(as_text=True)
    assert rows(db_path, "mini-festa-2026") == before


# --- fetch: the limits a URL import runs under, against real servers --------------------------


def test_http_errors_redirect_loops_and_schemes_are_named(http_server):
    with pytest.raises(FetchError, match=r"answered HTTP 404"):
        fetch(http_server.url + "/missing", allow_private=True)
    http_server.put("/a", b"", status=302, Location="/b")
    http_server.put("/b", b"", status=302, Location="/a")
    with pytest.raises(FetchError, match=r"redirect loop"):
        fetch(http_server.url + "/a", allow_private=True)
    for i in range(7):
        http_server.put(f"/r{i}", b"", status=302, Location=f"/r{i + 1}")
    with pytest.raises(FetchError, match=r"more than 5 redirects"):
        fetch(http_server.url + "/r0", allow_private=True)
    with pytest.raises(FetchError, match=r"only http and https"):
        fetch("file:///etc/passwd", allow_private=True)


def test_redirect_is_followed_to_the_timetable(http_server):
    http_server.put("/old", b"", status=301, Location="/new.json")
    http_server.put("/new.json", mini_json(), "application/json")
    got = fetch(http_server.url + "/old", allow_private=True)
    assert got.url.endswith("/new.json") and got.content == mini_json()


def test_oversized_downloads_are_cut_off(http_server):
    http_server.put("/big", b"x" * 2048)
    with pytest.raises(FetchError, match=r"limit"):
        fetch(http_server.url + "/big", max_bytes=1024, allow_private=True)

    def endless(out):  # no Content-Length: the cap must count while streaming
        for _ in range(64):
            out.write(b"y" * 1024)

    http_server.routes["/stream"] = (200, {"Connection": "close", "Content-Length": ""}, endless)
    with pytest.raises(FetchError, match=r"limit"):
        fetch(http_server.url + "/stream", max_bytes=8 * 1024, allow_private=True)


def dripping(finished: threading.Event | None = None, cut: threading.Event | None = None):
    """A body of 40 bytes sent one every 0.25 s (10 s in all); `finished` or `cut` is set as it ends."""

    def drip(out):
        try:
            for _ in range(40):
                out.write(b"x")
                out.flush()
                time.sleep(0.25)
            if finished:
                finished.set()
        except OSError:
            if cut:
                cut.set()

    return drip


def test_a_slow_drip_is_stopped_at_the_deadline(http_server):
    http_server.routes["/slow"] = (200, {"Content-Length": "40"}, dripping())
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"took longer than 1 s"):
        fetch(http_server.url + "/slow", deadline=1, allow_private=True)
    assert time.monotonic() - started < 5


def test_a_redirect_to_a_slow_drip_is_cut_at_the_deadline_and_named_by_the_url_given(http_server):
    """The redirect's connection is closed (Connection: close) by the time the deadline passes; cutting
    the download must still reach the dripping one, and the message names the URL the user gave."""
    cut, finished = threading.Event(), threading.Event()
    http_server.put("/old.json", b"", status=302, Location="/slow.json", Connection="close")
    http_server.routes["/slow.json"] = (200, {"Content-Length": "40"}, dripping(finished, cut))
    with pytest.raises(FetchError) as failed:
        fetch(http_server.url + "/old.json", deadline=1.0, allow_private=True)
    assert str(failed.value) == f"{http_server.url}/old.json took longer than 1 s; download stopped"
    assert cut.wait(10) and not finished.is_set()  # the server saw the download given up, not finished


def test_private_addresses_are_refused_unless_allowed(http_server):
    http_server.put("/t.json", mini_json())
    with pytest.raises(NonPublicAddress, match=r"non-public address"):
        fetch(http_server.url + "/t.json")  # the default: only public addresses
    with pytest.raises(NonPublicAddress, match=r"non-public address"):
        fetch(http_server.url + "/t.json", allow_private=False)
    assert fetch(http_server.url + "/t.json", allow_private=True).content == mini_json()


def test_every_corpus_file_imports_and_reimports_unchanged(tmp_path):
    from conference import importer, store

    from .conftest import CORPUS
    from .test_parsers import COUNTS, NEEDS

    db = connect(tmp_path / "corpus.db")
    store.migrate(db)
    for relpath, count in sorted(COUNTS.items()):
        path = CORPUS / relpath
        needs = NEEDS.get(path.name)
        options = (
            {"date": needs.date.isoformat(), "duration": needs.duration, "timezone": needs.timezone} if needs else {}
        )
        slug = relpath.replace("/", "-").replace(".", "-")  # the 39C3 XML and JSON are one conference: keep apart
        request = importer.ImportRequest(source=str(path), slug=slug, **options)

        def run(request=request):
            return importer.run(db, request, allow_private=False, default_timezone="Asia/Tokyo", local_files=True)

        first = run()
        assert len(first.added) == count, relpath
        again = run()
        assert (again.slug, len(again.added), again.changed, again.cancelled, again.removed, again.unchanged) == (
            first.slug,
            0,
            [],
            [],
            [],
            count,
        ), relpath
    assert len(store.conferences(db)) == len(COUNTS)
    db.close()


def test_the_connected_address_is_checked_even_when_dns_said_otherwise(http_server):
    """DNS rebinding: a name that looked public at check time connects to loopback. The socket's peer decides."""
    from conference.fetch import BlockedAddress, public_session

    http_server.put("/t.json", mini_json())
    with pytest.raises(BlockedAddress, match=r"127\.0\.0\.1, a non-public address"):
        public_session().get(http_server.url + "/t.json", timeout=5)


def test_a_parse_error_keeps_its_format_line_and_field_through_the_importer(db_path, app, tmp_path):
    from conference import importer, store
    from conference.errors import ParseError

    bad = tmp_path / "bad.csv"
    bad.write_text("タイトル,日付,開始,終了\nB,2026-07-25,11:00,10:00\nC,2026-07-25,13:00,12:00\n", encoding="utf-8")
    db = store.connect(db_path)
    request = importer.ImportRequest(source=str(bad), slug="bad")
    with pytest.raises(ParseError) as caught:
        importer.run(db, request, allow_private=False, default_timezone="Asia/Tokyo", local_files=True)
    error = caught.value
    assert (error.source, error.fmt, error.line, error.field) == ("bad.csv", "csv", 2, "line 2, column '終了'")
    assert str(error) == (
        "bad.csv: csv: line 2, column '終了': ends (10:00) before it starts (11:00);"
        " 1 other item could not be used either; nothing was imported"
    )
    # The web form never reads a local path, whatever it is given.
    with pytest.raises(BadInput, match="not an http"):
        importer.run(db, request, allow_private=False, default_timezone="Asia/Tokyo")
    db.close()


def test_with_a_password_url_imports_may_not_reach_this_machine(db_path, http_server):
    from conference import create_app

    http_server.put("/t.json", mini_json(), "application/json")
    locked = create_app({"TESTING": True, "DATABASE": str(db_path), "PASSWORD": "pw"})
    assert locked.config["FETCH_ALLOW_PRIVATE"] is False
    result = locked.test_cli_runner().invoke(args=["import", http_server.url + "/t.json"])
    assert result.exit_code == 1 and "non-public address; refused" in result.output
    assert http_server.hits == []  # refused before connecting: the name resolves to loopback
    open_app = create_app({"TESTING": True, "DATABASE": str(db_path)})  # loopback-only, no password
    assert open_app.config["FETCH_ALLOW_PRIVATE"] is True
    assert open_app.test_cli_runner().invoke(args=["import", http_server.url + "/t.json"]).exit_code == 0


def test_the_track_is_kept_shown_and_follows_a_reimport(runner, client, db_path, tmp_path):
    """The track a timetable gives each talk is stored: the session page, `sessions --json` and the
    calendar show it, and a re-import that only moves a talk to another track updates it."""

    def with_tracks(names):
        def edit(rooms):
            for event, track in zip(rooms["Track A"] + rooms["Track B"], names, strict=True):
                event["track"] = track

        return mini_json(edit)

    source = tmp_path / "tracks.json"
    source.write_bytes(with_tracks(["Cloud Native", "SRE", "Observability"]))
    assert runner.invoke(args=["import", str(source), "--slug", "tracks"]).exit_code == 0
    key = "11111111-0000-4000-8000-000000000001"
    listed = {s["key"]: s["track"] for s in json.loads(runner.invoke(args=["sessions", "tracks", "--json"]).stdout)}
    assert listed == {
        key: "Cloud Native",
        "11111111-0000-4000-8000-000000000003": "SRE",
        "11111111-0000-4000-8000-000000000002": "Observability",
    }
    assert rows(db_path, "tracks")[key]["track"] == "Cloud Native"
    assert "Cloud Native" in client.get(f"/c/tracks/s/{key}").get_data(as_text=True)
    client.post("/c/tracks/mark", data={"key": key, "status": "going"})
    assert "CATEGORIES:Cloud Native" in client.get("/c/tracks/plan.ics").get_data(as_text=True)
    source.write_bytes(with_tracks(["Platform", "SRE", "Observability"]))
    assert runner.invoke(args=["import", str(source), "--slug", "tracks"]).exit_code == 0
    assert rows(db_path, "tracks")[key]["track"] == "Platform"
    assert "CATEGORIES:Platform" in client.get("/c/tracks/plan.ics").get_data(as_text=True)
