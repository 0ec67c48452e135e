"""Every download of a Japanese-named conference, through real HTTP servers on 127.0.0.1.

The failure this guards against lives in the server's header encoding (a raw Japanese file name in
Content-Disposition: werkzeug's server drops the connection, gunicorn answers 500), which Flask's test
client never sees. So each download is fetched from `python app.py` (werkzeug's dev server, as users
start it) and from gunicorn, with http.client (which keeps repeated headers apart: one Date only).
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

from conference import store
from conference.bench.server import Gunicorn
from tests.japanese_day import CANCELLED, make_day

pytestmark = pytest.mark.slow  # python app.py and gunicorn in other processes

ROOT = Path(__file__).resolve().parents[1]


class DevServer:
    """`python app.py --port P` on a database file: the werkzeug server exactly as users run it."""

    def __init__(self, db: Path):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        env = {**os.environ, "CONFERENCE_DB": str(db)}
        self.proc = subprocess.Popen(
            [sys.executable, "app.py", "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise AssertionError("python app.py did not start") from None
                time.sleep(0.1)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("downloads")
    db = tmp / "conference.db"
    slug = make_day(db, tmp)
    conn = store.connect(db)
    conf = store.conference(conn, slug)
    feed = store.feed_token(conn, conf)
    conn.close()
    return db, slug, feed


@pytest.fixture(scope="module", params=["python app.py", "gunicorn"])
def server(request, day):
    db = day[0]
    if request.param == "gunicorn":
        running = Gunicorn(db, workers=1)
        running.start()
        yield running.port
        running.stop()
    else:
        running = DevServer(db)
        yield running.port
        running.stop()


def get(port: int, path: str) -> tuple[int, http.client.HTTPMessage, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.msg, response.read()
    finally:
        connection.close()


def names(disposition: str) -> tuple[str, str]:
    """(filename, filename*) of an RFC 6266 attachment header, the second decoded from UTF-8''…."""
    assert disposition.startswith("attachment; "), disposition
    params = dict(part.strip().split("=", 1) for part in disposition.split(";")[1:])
    plain = params["filename"]
    assert plain.startswith('"') and plain.endswith('"'), disposition
    star = params["filename*"]
    assert star.startswith("UTF-8''"), disposition
    return plain[1:-1], unquote(star[len("UTF-8''") :], encoding="utf-8", errors="strict")


def downloads(slug: str) -> dict[str, tuple[str, str]]:
    """path -> (the name a browser saves, its ASCII fallback). The conference is named "夏のテック祭り 2026"
    (no hashtag): the saved names keep its words, which here are its slug's too."""
    base = f"/c/{quote(slug)}"
    ascii_base = "conference-2026"  # kanji have no romanised form without a dictionary
    found = {
        f"{base}/plan.ics": (f"{slug}-plan.ics", f"{ascii_base}-plan.ics"),
        f"{base}/plan.ics?interested=1": (f"{slug}-plan-interested.ics", f"{ascii_base}-plan-interested.ics"),
        f"{base}/plan.ics?notes=1": (f"{slug}-plan-notes.ics", f"{ascii_base}-plan-notes.ics"),
        f"{base}/timetable.ics": (f"{slug}.ics", f"{ascii_base}.ics"),
        f"{base}/plan.csv": (f"{slug}-plan.csv", f"{ascii_base}-plan.csv"),
        f"{base}/notes.zip": (f"{slug}-notes.zip", f"{ascii_base}-notes.zip"),
        f"{base}/ics/A10": (f"{slug}-A10.ics", f"{ascii_base}-A10.ics"),
    }
    for preset in ("hugo", "hatena", "zenn", "qiita", "markdown"):
        name = f"{ascii_base}-report.md"
        found[f"{base}/report?preset={preset}&download=1"] = (name, name)
    name = f"2026-07-25-{ascii_base}-report.md"  # Jekyll: the event's first day, or it skips the post
    found[f"{base}/report?preset=jekyll&download=1"] = (name, name)
    return found


def test_every_download_of_a_japanese_named_conference_works_on_both_servers(day, server):
    _db, slug, _feed = day
    assert slug == "夏のテック祭り-2026"
    for path, (utf8_name, ascii_name) in downloads(slug).items():
        status, headers, body = get(server, path)
        assert status == 200, path
        assert body, path
        assert headers.get_all("Date") and len(headers.get_all("Date")) == 1, path
        [disposition] = headers.get_all("Content-Disposition")
        assert disposition.isascii()
        plain, decoded = names(disposition)
        assert decoded == utf8_name, path
        assert plain == ascii_name and plain.isascii() and '"' not in plain and "\\" not in plain, path


def test_one_date_header_on_feeds_static_files_and_pages(day, server):
    _db, slug, feed = day
    for path in (f"/feeds/{feed}/plan.ics", "/static/app.css", "/", f"/c/{quote(slug)}/report"):
        status, headers, _body = get(server, path)
        assert status == 200, path
        assert len(headers.get_all("Date")) == 1, (path, headers.get_all("Date"))


def test_the_report_is_the_draft_of_the_day(day, server):
    _db, slug, _feed = day
    status, _headers, body = get(server, f"/c/{quote(slug)}/report?preset=hugo&download=1")
    text = body.decode("utf-8")
    assert status == 200 and text.startswith("---\ntitle: 夏のテック祭り 2026 登壇・参加レポート\n")
    cancelled = text.split("\n## 中止になったセッション\n")[1].split("\n## ")[0]  # never under 参加したセッション
    assert f"{CANCELLED}: [セキュリティ診断の実際](https://speakerdeck.com/example/security)（中止）" in cancelled
    assert "- tags:" not in text and "timetable" not in text  # the uploaded file's name is no tag
