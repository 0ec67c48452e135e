"""Issue 17, item 8: a crafted backup cannot poison the app. Restore checks every field against the
documented format and refuses the whole file with one line (record and field); the database stays
byte-identical. The backup holds no secret key; share and feed tokens come back only with --with-tokens.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import pytest

from conference import store
from conference.store import connect

SLUG = "demo-tech-festa-2026"


@pytest.fixture
def backup(client, runner, tmp_path) -> dict:
    """A real backup of the demo with marks, notes (three versions), a link, an import, a share and a feed."""
    client.post(f"/c/{SLUG}/mark", data={"key": ["A10", "B20"], "status": "going"})
    for i, text in enumerate(["v1", "v1\nv2", "v1\nv2\n- [ ] v3"]):
        client.post(f"/api/c/{SLUG}/note/A10", json={"text": text, "base_version": i})
    client.post(f"/c/{SLUG}/links/A10", data={"url": "https://github.com/x/y", "title": "code"})
    client.post(f"/c/{SLUG}/share", data={"action": "new"})
    client.get(f"/c/{SLUG}/calendar")  # makes the feed token
    client.post(f"/c/{SLUG}/calendar", data={"alarm": "10"})
    out = tmp_path / "backup.json"
    assert runner.invoke(args=["backup", "-o", str(out)]).exit_code == 0
    return json.loads(out.read_text("utf-8"))


def _fingerprint(db_path: Path) -> str:
    digest = hashlib.sha256()
    for suffix in ("", "-wal"):
        path = Path(str(db_path) + suffix)
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()


def _conf(data: dict) -> dict:
    return next(c for c in data["conferences"] if c["slug"] == SLUG)


def _row(data: dict, table: str, **match) -> dict:
    return next(r for r in _conf(data)[table] if all(r.get(k) == v for k, v in match.items()))


def _set(table, match, field, value):
    def edit(data):
        _row(data, table, **match)[field] = value

    return edit


def _setting(name, value):
    def edit(data):
        data["settings"] = [{"name": name, "value": value}]

    return edit


def _conference(field, value):
    def edit(data):
        _conf(data)[field] = value

    return edit


def _append(table, row):
    def edit(data):
        _conf(data)[table].append(row)

    return edit


WHERE = f"conferences[0] ({SLUG})"
POISONS = {
    "session start not a date": (
        _set("sessions", {"key": "A10"}, "start", "tomorrow"),
        "sessions[",
        '(A10): start: "tomorrow" is not a date and time with its UTC offset (ISO 8601)',
    ),
    "note version abc": (
        _set("note_versions", {"key": "A10", "version": 2}, "version", "abc"),
        "note_versions[1] (A10): version:",
        '"abc" is not a whole number',
    ),
    "note version 0": (
        _set("notes", {"key": "A10"}, "version", 0),
        "notes[0] (A10): version:",
        "0 is out of range (1 to",
    ),
    "alarm minutes abc": (
        _setting("alarm_minutes", "abc"),
        "settings[0] (alarm_minutes): value:",
        '"abc" is not 0 to 1440 or off',
    ),
    "import report not JSON": (
        _set("imports", {}, "report", "{not json"),
        "imports[0]: report:",
        "is not JSON text of a change report",
    ),
    "import report the wrong shape": (
        _set("imports", {}, "report", json.dumps({"added": "everything"})),
        "imports[0]: report:",
        "added must be a list",
    ),
    "status not a status": (
        _set("statuses", {"key": "A10"}, "status", "owner"),
        "statuses[",
        "is not one of interested",
    ),
    "status for no session": (
        _append("statuses", {"key": "NOPE", "status": "going", "updated_at": "2026-07-25T10:00:00+00:00"}),
        "(NOPE): key:",
        'no session "NOPE" in this conference',
    ),
    "note without its version": (
        _set("notes", {"key": "A10"}, "text", "rewritten"),
        "notes[0] (A10): version:",
        "no note version 3 with this text",
    ),
    "link to javascript": (
        _set("user_links", {"key": "A10"}, "url", "javascript:alert(1)"),
        "user_links[0] (A10): url:",
        "is not an http(s) URL",
    ),
    "timezone not a zone": (_conference("timezone", "Mars/Olympus"), "timezone:", '"Mars/Olympus" is not a time zone'),
    "slug with a slash": (_conference("slug", "../x"), "conferences[0]: slug:", "is not a slug"),
    "sequence is text": (
        _set("sessions", {"key": "A10"}, "sequence", "1"),
        "(A10): sequence:",
        "is not a whole number",
    ),
    "previous start is a number": (
        _set("sessions", {"key": "A10"}, "previous", json.dumps({"start": 5})),
        "(A10): previous:",
        "is not a date and time",
    ),
    "speakers not a list": (
        _set("sessions", {"key": "A10"}, "speakers", json.dumps({"a": 1})),
        "(A10): speakers:",
        "must be a list of texts",
    ),
    "end before start": (
        _set("sessions", {"key": "A10"}, "end", "2000-01-01T00:00:00+00:00"),
        "(A10): end:",
        "is before the start",
    ),
    "unknown field": (_set("sessions", {"key": "A10"}, "admin", 1), "(A10): admin:", "is not a field of this record"),
    "planted setting": (_setting("secret_sauce", "x"), "settings[0]: name:", "is not a setting this app keeps"),
    "two feeds": (
        _append("feeds", {"token": "planted-feed-token-0000", "created_at": "2026-07-25T10:00:00+00:00"}),
        "feeds[1]:",
        "a conference has one calendar feed",
    ),
}


@pytest.mark.parametrize("name", list(POISONS))
def test_a_poisoned_backup_is_refused_whole_in_one_line_and_writes_nothing(name, backup, runner, db_path, tmp_path):
    edit, where, why = POISONS[name]
    data = copy.deepcopy(backup)
    edit(data)
    path = tmp_path / "poisoned.json"
    path.write_text(json.dumps(data), "utf-8")
    before = _fingerprint(db_path)
    result = runner.invoke(args=["restore", str(path)])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # click's one-line error, no traceback
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {path}: "), result.output
    assert where in lines[0] and why in lines[0], lines[0]
    assert _fingerprint(db_path) == before


def test_the_unpoisoned_backup_passes_the_same_checks(backup, runner, tmp_path):
    path = tmp_path / "good.json"
    path.write_text(json.dumps(backup), "utf-8")
    result = runner.invoke(args=["restore", str(path)])
    assert result.exit_code == 0 and result.output.startswith("restored: nothing new")


def test_the_backup_never_holds_the_secret_key_and_an_old_ones_key_is_ignored(backup, runner, app, db_path, tmp_path):
    assert [s["name"] for s in backup["settings"]] == ["alarm_minutes"]
    assert app.config["SECRET_KEY"] not in json.dumps(backup)
    old = copy.deepcopy(backup)
    old["settings"].append({"name": "secret_key", "value": "planted-key"})  # what older versions wrote
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old), "utf-8")
    fresh = tmp_path / "fresh.db"
    from conference import create_app

    other = create_app({"TESTING": True, "DATABASE": str(fresh), "LOAD_DEMO": False})
    assert other.test_cli_runner().invoke(args=["restore", str(path)]).exit_code == 0
    db = connect(fresh)
    assert store.setting(db, "secret_key") != "planted-key"
    db.close()


def test_tokens_are_restored_only_with_with_tokens(backup, tmp_path):
    from conference import create_app

    planted = copy.deepcopy(backup)
    _conf(planted)["feeds"] = [{"token": "planted-feed-token-0000", "created_at": "2026-07-25T10:00:00+00:00"}]
    _conf(planted)["shares"] = [{"token": "planted-share-token-000", "created_at": "2026-07-25T10:00:00+00:00"}]
    path = tmp_path / "planted.json"
    path.write_text(json.dumps(planted), "utf-8")

    fresh = create_app({"TESTING": True, "DATABASE": str(tmp_path / "a.db"), "LOAD_DEMO": False})
    result = fresh.test_cli_runner().invoke(args=["restore", str(path)])
    assert result.exit_code == 0 and "2 share/feed tokens not restored (--with-tokens restores them)" in result.output
    client = fresh.test_client()
    assert client.get("/feeds/planted-feed-token-0000/plan.ics").status_code == 404
    assert client.get("/p/planted-share-token-000/").status_code == 404

    trusted = create_app({"TESTING": True, "DATABASE": str(tmp_path / "b.db"), "LOAD_DEMO": False})
    assert trusted.test_cli_runner().invoke(args=["restore", str(path), "--with-tokens"]).exit_code == 0
    assert trusted.test_client().get("/feeds/planted-feed-token-0000/plan.ics").status_code == 200


def test_a_file_that_is_not_utf8_or_not_json_is_one_line(runner, tmp_path, db_path):
    before = _fingerprint(db_path)
    for content, why in ((b"\xff\xfe\x00garbage", "not UTF-8 text"), (b'{"format": ', "not JSON")):
        path = tmp_path / "bad.json"
        path.write_bytes(content)
        result = runner.invoke(args=["restore", str(path)])
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
        assert len(result.output.strip().splitlines()) == 1 and why in result.output
    assert _fingerprint(db_path) == before
