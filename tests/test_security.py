"""Access, CSRF, headers, hostile input and exports, backups: each test fails if its protection goes."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from flask.testing import FlaskClient

from conference import create_app, store
from conference.store import connect

from .conftest import CSRFClient
from .routes import demo_values, every_route

ROOT = Path(__file__).resolve().parents[1]
SLUG = "demo-tech-festa-2026"
REMOTE = {"REMOTE_ADDR": "192.0.2.10"}


@pytest.fixture
def locked(db_path):
    app = create_app({"TESTING": True, "DATABASE": str(db_path), "PASSWORD": "correct horse battery staple"})
    app.test_client_class = CSRFClient
    return app


# --- access -----------------------------------------------------------------------------------


def test_without_password_only_loopback_is_answered(client):
    assert client.get("/", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200
    assert client.get("/", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    denied = client.get(f"/c/{SLUG}/", environ_base=REMOTE)
    assert denied.status_code == 403 and "CONFERENCE_PASSWORD" in denied.get_data(as_text=True)
    # Behind a local reverse proxy the real client is named in X-Forwarded-For.
    assert client.get("/", headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 403
    assert (
        client.post(f"/api/c/{SLUG}/note/A10", json={"text": "x", "base_version": 0}, environ_base=REMOTE).status_code
        == 403
    )


def test_secret_links_work_from_anywhere(client):
    client.post(f"/c/{SLUG}/mark", data={"key": "A10", "status": "going"})
    page = client.get(f"/c/{SLUG}/calendar").get_data(as_text=True)
    feed = re.search(r'value="http://localhost(/feeds/[^"]+)"', page).group(1)
    assert client.get(feed, environ_base=REMOTE).status_code == 200
    assert client.get("/feeds/not-a-token/plan.ics", environ_base=REMOTE).status_code == 404


def test_a_new_share_link_or_feed_url_ends_the_old_one_and_the_old_one_says_so(client):
    """Each secret is 24 random bytes (32 URL-safe characters) and there is one per conference: making a new
    one, or revoking, ends the old one at once, and whoever still holds it is told why in their language."""

    def share_link() -> str | None:
        found = re.search(
            r'id="share-link" type="text" readonly value="http://localhost/p/([^"/]+)/"',
            client.get(f"/c/{SLUG}/share").get_data(as_text=True),
        )
        return found.group(1) if found else None

    def feed_token() -> str:
        page = client.get(f"/c/{SLUG}/calendar").get_data(as_text=True)
        return re.search(r'value="http://localhost/feeds/([^"/]+)/plan.ics"', page).group(1)

    def refused(path: str, lang: str) -> str:
        answer = client.get(path, environ_base=REMOTE, headers={"Accept-Language": lang})
        assert answer.status_code == 404, path
        return re.search(r'<p class="error">(.*?)</p>', answer.get_data(as_text=True)).group(1)

    assert share_link() is None  # none until the attendee makes one
    client.post(f"/c/{SLUG}/share", data={"action": "new"})
    first = share_link()
    client.post(f"/c/{SLUG}/share", data={"action": "new"})
    second = share_link()
    feed = feed_token()
    client.post(f"/c/{SLUG}/calendar", data={"action": "regenerate"})
    new_feed = feed_token()
    for token in (first, second, feed, new_feed):
        assert re.fullmatch(r"[A-Za-z0-9_-]{32}", token), token
    assert len({first, second, feed, new_feed}) == 4
    assert client.get(f"/p/{second}/", environ_base=REMOTE).status_code == 200
    assert client.get(f"/feeds/{new_feed}/plan.ics", environ_base=REMOTE).status_code == 200
    assert refused(f"/p/{first}/", "en") == "This link was revoked or never existed."
    assert refused(f"/feeds/{feed}/plan.ics", "en") == "No such feed (the link was regenerated or never existed)."
    assert (
        refused(f"/feeds/{feed}/plan.ics", "ja") == "そのフィードはありません（リンクが作り直されたか、存在しません）。"
    )
    client.post(f"/c/{SLUG}/share", data={"action": "revoke"})
    assert share_link() is None
    assert refused(f"/p/{second}/", "ja") == "このリンクは取り消されたか、存在しません。"


def test_password_mode_login_rate_limit_and_logout(locked):
    client = locked.test_client()
    response = client.get(f"/c/{SLUG}/", environ_base=REMOTE)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    assert (
        client.post(f"/api/c/{SLUG}/note/A10", json={"text": "x", "base_version": 0}, environ_base=REMOTE).status_code
        == 401
    )
    for _ in range(5):
        assert client.post("/login", data={"password": "guess"}, environ_base=REMOTE).status_code == 401
    assert (
        client.post("/login", data={"password": "correct horse battery staple"}, environ_base=REMOTE).status_code == 429
    )
    other = locked.test_client()  # another address is not blocked by this one's failures
    ok = other.post(
        "/login?next=/c/demo-tech-festa-2026/",
        data={"password": "correct horse battery staple"},
        environ_base={"REMOTE_ADDR": "198.51.100.4"},
    )
    assert ok.status_code == 303 and ok.headers["Location"] == "/c/demo-tech-festa-2026/"
    assert other.get(f"/c/{SLUG}/", environ_base={"REMOTE_ADDR": "198.51.100.4"}).status_code == 200
    other.post("/logout", environ_base={"REMOTE_ADDR": "198.51.100.4"})
    assert other.get(f"/c/{SLUG}/", environ_base={"REMOTE_ADDR": "198.51.100.4"}).status_code == 302


def test_password_mode_keeps_feeds_reachable_by_token(locked):
    db = connect(locked.config["DATABASE"])
    token = store.feed_token(db, store.conference(db, SLUG))
    db.close()
    assert locked.test_client().get(f"/feeds/{token}/plan.ics", environ_base=REMOTE).status_code == 200


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_python_app_py_refuses_a_public_host_without_password(tmp_path):
    env = {"CONFERENCE_DB": str(tmp_path / "x.db"), "PATH": "/usr/bin:/bin"}
    refused = subprocess.run(
        [sys.executable, "app.py", "--host", "0.0.0.0", "--port", str(_free_port())],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert refused.returncode == 2 and "Refusing to serve on 0.0.0.0 without a password" in refused.stderr
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--host", "0.0.0.0", "--port", str(port)],
        cwd=ROOT,
        env={**env, "CONFERENCE_PASSWORD": "pw"},
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as response:
                    assert b'type="password"' in response.read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the app did not start with a password")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# --- CSRF and headers ---------------------------------------------------------------------------


def test_a_write_without_the_token_is_refused_and_our_script_gets_a_fresh_one(client):
    """Every state-changing route is walked in test_every_route.py; here, what the refusal says."""
    assert client.post(f"/c/{SLUG}/mark", data={"key": "A10", "status": "going"}, no_csrf=True).status_code == 400
    refused = client.post(
        f"/api/c/{SLUG}/note/A10",
        json={"text": "x", "base_version": 0},
        headers={"Accept": "application/json"},
        no_csrf=True,
    )
    assert refused.status_code == 400 and refused.get_json()["error"] == "csrf" and refused.get_json()["csrf_token"]
    assert client.post(f"/c/{SLUG}/mark", data={"key": "A10", "status": "going"}).status_code == 303


def test_a_kept_timetable_page_gives_each_device_its_own_token(app):
    """The grid and the agenda are rendered once and kept; each device that opens them gets a page whose
    token is its own (the meta the scripts read, the forms), so a second phone can mark talks too."""
    for path in (f"/c/{SLUG}/", f"/c/{SLUG}/agenda"):
        devices = [FlaskClient(app) for _ in range(2)]  # browsers of their own: own sessions, no token sent
        pages = [device.get(path).get_data(as_text=True) for device in devices]  # the second gets the kept page
        tokens = []
        for device, html in zip(devices, pages, strict=True):
            meta = re.search(r'<meta name="csrf-token" content="([^"]+)">', html).group(1)
            assert set(re.findall(r'name="csrf_token" value="([^"]+)"', html)) == {meta}, path
            tokens.append(meta)
            marked = device.post(f"/c/{SLUG}/mark", data={"key": "A10", "status": "going", "csrf_token": meta})
            assert marked.status_code == 303, path
            saved = device.post(
                f"/api/c/{SLUG}/note/A10", json={"text": path, "base_version": 0}, headers={"X-CSRFToken": meta}
            )
            assert saved.status_code in (200, 409), path  # past the CSRF check: the note's version decides
        assert tokens[0] != tokens[1], path


def test_security_headers_and_no_inline_script_on_every_page(app, client):
    """Every page and file, walked from the url_map with the demo's real arguments, and a missing page."""
    routes = [r.url for r in every_route(app, {"GET"}, demo_values(app))] + ["/nope"]
    assert len(routes) >= 35
    for path in routes:
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["Referrer-Policy"] == "same-origin", path
        if response.mimetype == "text/html":
            html = response.get_data(as_text=True)
            assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == [], path
            assert re.findall(r"\son[a-z]+=", html) == [], path


# --- hostile input ------------------------------------------------------------------------------


def test_upload_over_the_limit_is_refused_with_a_message(db_path):
    app = create_app({"TESTING": True, "DATABASE": str(db_path), "MAX_CONTENT_LENGTH": 1024 * 1024})
    app.test_client_class = CSRFClient
    client = app.test_client()
    big = b"title,start\n" + b"x" * (2 * 1024 * 1024)
    response = client.post(
        "/import", data={"file": (__import__("io").BytesIO(big), "big.csv")}, content_type="multipart/form-data"
    )
    assert response.status_code == 413 and "larger than the 1 MB limit; nothing was imported" in response.get_data(
        as_text=True
    )
    assert create_app({"TESTING": True, "DATABASE": str(db_path)}).config["MAX_CONTENT_LENGTH"] == 20 * 1024 * 1024


def test_utf16_excel_text_and_unknown_encoding(runner, tmp_path):
    tsv = tmp_path / "excel.txt"
    tsv.write_bytes("タイトル\t日付\t開始\t終了\nユニコード\t2026-07-25\t10:00\t10:30\n".encode("utf-16"))
    assert runner.invoke(args=["import", str(tsv), "--slug", "u16"]).exit_code == 0
    result = runner.invoke(args=["import", str(tsv), "--slug", "u16b", "--format", "csv", "--encoding", "klingon"])
    assert result.exit_code == 1 and "cannot read the file as klingon" in result.output


def test_only_http_links_are_ever_rendered(runner, client, tmp_path):
    xml = (
        (ROOT / "tests/fixtures/mini.xml")
        .read_text("utf-8")
        .replace(
            "<room>Track A</room>\n        <title>Kubernetes 入門</title>",
            "<room>Track A</room>\n        <url>javascript:alert(1)</url>\n        <title>Kubernetes 入門</title>",
        )
        .replace(
            'href="https://speakerdeck.com/example/k8s"', 'href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;"'
        )
    )
    path = tmp_path / "evil.xml"
    path.write_text(xml, "utf-8")
    assert runner.invoke(args=["import", str(path), "--slug", "evil"]).exit_code == 0
    html = client.get("/c/evil/s/11111111-0000-4000-8000-000000000001").get_data(as_text=True)
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert not [h for h in hrefs if h.lower().startswith(("javascript:", "data:"))]
    assert (
        client.post(
            "/c/evil/links/11111111-0000-4000-8000-000000000001", data={"url": "javascript:alert(1)"}
        ).status_code
        == 400
    )


def test_abstracts_keep_their_formatting_and_lose_what_loads_or_runs(runner, client, tmp_path):
    """A timetable's abstract comes as HTML (frab, Sessionize) or Markdown (pretalx); either shows its
    formatting and links, never a script, an event handler, an image that loads from another site, an
    ftp address. Markdown's raw HTML stays text."""
    html = (
        '<p>Read <a href="ftp://example.org/f" hreflang="ja">the file</a> and <a href="https://example.org/deck"'
        ' title="Slides">the deck</a>.<img src="https://tracker.example/p.gif" alt="x" width="1"></p>'
        '<table><tr><td colspan="2" onclick="alert(1)">x</td></tr></table>'
    )
    markdown = (
        '**Bold** [deck](https://example.org/d "Deck") ![](https://tracker.example/p.gif) <script>alert(1)</script>'
    )
    xml = (
        (ROOT / "tests/fixtures/mini.xml")
        .read_text("utf-8")
        .replace("<title>Kubernetes 入門</title>", f"<title>Kubernetes 入門</title><abstract>{escape(html)}</abstract>")
        .replace(
            "<title>SRE のはじめかた</title>", f"<title>SRE のはじめかた</title><abstract>{escape(markdown)}</abstract>"
        )
    )
    path = tmp_path / "abstracts.xml"
    path.write_text(xml, "utf-8")
    assert runner.invoke(args=["import", str(path), "--slug", "abstracts"]).exit_code == 0
    rel = 'rel="noopener noreferrer nofollow"'
    shown = {
        "11111111-0000-4000-8000-000000000001": (
            f'<p>Read <a {rel}>the file</a> and <a href="https://example.org/deck" title="Slides" {rel}>the deck</a>.'
            "<img></p><table><tbody><tr><td>x</td></tr></tbody></table>"
        ),
        "11111111-0000-4000-8000-000000000003": (
            f'<p><strong>Bold</strong> <a href="https://example.org/d" title="Deck" {rel}>deck</a> <img>'
            " &lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
        ),
    }
    for key, abstract in shown.items():
        page = client.get(f"/c/abstracts/s/{key}").get_data(as_text=True)
        assert page.split('<section class="abstract"><h2>Abstract</h2>')[1].split("</section>")[0] == abstract


def test_csv_export_never_starts_a_formula(client, runner, tmp_path):
    csv = tmp_path / "f.csv"
    csv.write_text(
        'title,date,start,end,room,speakers\n"=HYPERLINK(""http://evil"")",2026-07-25,10:00,10:45,"+cmd|calc","@SUM(1)"\n',
        "utf-8",
    )
    runner.invoke(args=["import", str(csv), "--slug", "f"])
    key = json.loads(runner.invoke(args=["sessions", "f", "--json"]).stdout)[0]["key"]
    client.post("/c/f/mark", data={"key": key, "status": "going"})
    client.post(f"/api/c/f/note/{key}", json={"text": "-1+2", "base_version": 0})
    rows = client.get("/c/f/plan.csv").get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert rows[1].split(",")[4].startswith("\"'=HYPERLINK")
    assert "'+cmd|calc" in rows[1] and "'@SUM(1)" in rows[1] and rows[1].endswith("'-1+2")


# --- backups ----------------------------------------------------------------------------------


# What a backup does not carry, and why (a table missing from both lists fails the round trip below).
NOT_BACKED_UP = {
    "_sqlite_migrations": "the schema's own history: the fresh database has migrated itself",
    "sessions_fts": "the search index, rebuilt from the sessions",
    "sessions_fts_config": "the search index",
    "sessions_fts_data": "the search index",
    "sessions_fts_docsize": "the search index",
    "sessions_fts_idx": "the search index",
    "login_failures": "this server's limiter, not the attendee's data",
    "logins": "this server's open logins: a backup must not log anyone in elsewhere",
    "known_devices": "this server's devices",
    "pending_imports": "uploads waiting a day at most in this server's import form",
    "import_undo": "the last import's undo on this server",
}
SETTINGS_NOT_BACKED_UP = {
    "secret_key": "whoever holds a backup must not be able to sign this app's cookies",
    "search_index_stale": "the search index's state on this server",
    "alarm_revision": "this server's count of reminder changes (its feeds' SEQUENCE)",
}
# Columns that name rows of this database (numbered here, numbered anew there): compared through what they
# point to (a conference by its slug), never by number.
LOCAL_IDS = {"id", "conference_id"}


def _tables(db) -> dict[str, list[tuple]]:
    """Every table's rows, by the conference's slug instead of its id, sorted: the database's content."""
    slugs = {row["id"]: row["slug"] for row in db.query("select id, slug from conferences")}
    found = {}
    for (table,) in db.execute("select name from sqlite_master where type = 'table' order by name").fetchall():
        if table in NOT_BACKED_UP:
            continue
        rows = []
        for row in db.query(f"select * from [{table}]"):
            if table == "settings" and (row["name"] in SETTINGS_NOT_BACKED_UP or row["name"].startswith("modified:")):
                continue  # see SETTINGS_NOT_BACKED_UP; "modified:…" are this server's Last-Modified records
            kept = tuple(sorted((k, v) for k, v in row.items() if k not in LOCAL_IDS))
            rows.append((slugs.get(row.get("conference_id"), ""), *kept))
        found[table] = sorted(rows, key=repr)
    return found


def test_backup_restored_into_a_fresh_database_gives_every_table_back_row_for_row(runner, db_path, tmp_path, client):
    """The truth is the database itself: every table (but those NOT_BACKED_UP, each with its reason) of a
    fresh database after restore equals the original's, row for row; restoring twice adds nothing."""
    client.post(f"/c/{SLUG}/mark", data={"key": ["A10", "B20"], "status": "going"})
    for i, text in enumerate(["v1", "v1\nv2", "v1\nv2\n- [ ] v3"]):
        client.post(f"/api/c/{SLUG}/note/A10", json={"text": text, "base_version": i})
    client.post(f"/c/{SLUG}/links/A10", data={"url": "https://github.com/x/y", "title": "code"})
    client.post(f"/c/{SLUG}/links/B20", data={"url": "https://speakerdeck.com/x/y", "kind": "slides"})
    client.post(f"/c/{SLUG}/share", data={"action": "new"})
    client.get(f"/c/{SLUG}/calendar")  # the feed token
    client.post(f"/c/{SLUG}/calendar", data={"alarm": "10"})
    runner.invoke(args=["import", str(ROOT / "tests/fixtures/mini.xml"), "--slug", "mini"])
    runner.invoke(args=["import", str(ROOT / "tests/fixtures/mini.json"), "--slug", "mini"])  # a second import
    out = tmp_path / "backup.json"
    assert runner.invoke(args=["backup", "-o", str(out)]).exit_code == 0

    fresh_db = tmp_path / "fresh.db"
    fresh = create_app({"TESTING": True, "DATABASE": str(fresh_db), "LOAD_DEMO": False})
    first = fresh.test_cli_runner().invoke(args=["restore", str(out), "--with-tokens"])
    assert first.exit_code == 0 and "3 note_versions" in first.output
    again = fresh.test_cli_runner().invoke(args=["restore", str(out), "--with-tokens"])
    assert again.output.strip() == "restored: nothing new"
    original, restored = connect(db_path), connect(fresh_db)
    tables = {t for (t,) in original.execute("select name from sqlite_master where type = 'table'").fetchall()}
    expected = _tables(original)
    assert set(expected) == tables - set(NOT_BACKED_UP)  # each table is compared or has its reason
    assert all(expected[t] for t in ("user_links", "note_versions", "shares", "feeds", "statuses", "imports"))
    assert _tables(restored) == expected
    original.close()
    restored.close()


def test_restore_keeps_both_texts_when_versions_disagree(runner, client, db_path, tmp_path):
    client.post(f"/api/c/{SLUG}/note/C10", json={"text": "from the backup", "base_version": 0})
    out = tmp_path / "b.json"
    runner.invoke(args=["backup", "-o", str(out)])
    other_db = tmp_path / "other.db"
    other = create_app({"TESTING": True, "DATABASE": str(other_db)})
    conn = connect(other_db)
    store.save_note(conn, store.conference(conn, SLUG), "C10", "written on this machine", 0)
    assert other.test_cli_runner().invoke(args=["restore", str(out)]).exit_code == 0
    texts = [h["text"] for h in store.note_history(conn, store.conference(conn, SLUG), "C10")]
    assert texts == ["from the backup", "written on this machine"]
    conn.close()


def test_restore_refuses_what_is_not_a_backup(runner, tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text('{"hello": 1}', "utf-8")
    result = runner.invoke(args=["restore", str(bad)])
    assert result.exit_code == 1 and "not a conference backup" in result.output


def test_snapshot_while_notes_are_being_written_is_consistent(app, db_path, tmp_path, runner):
    stop = threading.Event()

    def writer():
        conn = connect(db_path)
        conf = store.conference(conn, SLUG)
        version = 0
        while not stop.is_set():
            version = store.save_note(conn, conf, "D10", f"line {version}", version).version
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    time.sleep(0.3)
    target = tmp_path / "snap.db"
    result = runner.invoke(args=["snapshot", "-o", str(target)])
    stop.set()
    thread.join()
    assert result.exit_code == 0
    snap = connect(target)
    assert snap.execute("pragma integrity_check").fetchone()[0] == "ok"
    note = snap.execute("select text, version from notes where key = 'D10'").fetchone()
    assert note is not None and note[0] == f"line {note[1] - 1}"
    assert snap.execute("select count(*) from note_versions where key = 'D10'").fetchone()[0] == note[1]
    snap.close()
    assert runner.invoke(args=["snapshot", "-o", str(target)]).exit_code == 1  # never overwrites


def test_behind_a_proxy_feed_links_carry_the_public_https_host(db_path):
    app = create_app({"TESTING": True, "DATABASE": str(db_path), "PASSWORD": "pw", "BEHIND_PROXY": True})
    app.test_client_class = CSRFClient
    client = app.test_client()
    proxy = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "conference.example.org",
        "X-Forwarded-For": "203.0.113.9",
    }
    client.post("/login", data={"password": "pw"}, headers=proxy)
    page = client.get(f"/c/{SLUG}/calendar", headers=proxy).get_data(as_text=True)
    assert (
        'value="https://conference.example.org/feeds/' in page
        and 'href="webcal://conference.example.org/feeds/' in page
    )


def test_logged_in_pages_offer_log_out(locked):
    client = locked.test_client()
    client.post("/login", data={"password": "correct horse battery staple"})
    html = client.get(f"/c/{SLUG}/").get_data(as_text=True)
    assert 'action="/logout"' in html
    client.post("/logout")
    assert client.get(f"/c/{SLUG}/").status_code == 302
