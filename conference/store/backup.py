"""All user data as documented JSON, and back; plus a consistent snapshot of the database file.

Backup format (`"format": "conference-backup"`, `"version": 1`). Every field is checked on restore
against this description; one field that does not fit refuses the whole file, naming the record and
the field, and nothing is written. "time" is ISO 8601 with its UTC offset ("2026-07-25T10:00:00+09:00"),
"date" is "2026-07-25", "text?" may be null; fields marked * are required.

    {"format"*, "version"*, "exported_at": time,
     "settings": [{"name"*: "alarm_minutes", "value"*: "0".."1440" | "off"}],
     "conferences": [{
        "slug"*: letters, digits, "-", "_" (at most 100), "name"*: text, "timezone"*: an IANA zone,
        "hashtag": one word without "#" (at most 50)?,
        "start_date", "end_date": date?, "url", "language", "source", "source_format": text?,
        "source_options": JSON text of an object?, "rooms": JSON text of a list of texts?,
        "imported_at", "plan_changed_at": time?, "is_demo": 0|1, "plan_version", "data_version": integer >= 0,
        "sessions": [{"key"*: text (at most 500), "title"*: text, "code", "subtitle", "abstract", "room",
                      "room_code", "track", "type", "language", "url": text?, "start", "end": time? (both or
                      neither, end not before start), "speakers": JSON text of a list of texts,
                      "links": JSON text of a list of {"url"*, "kind", "title"}, "is_break", "cancelled": 0|1,
                      "previous": JSON text of an object of the watched fields' old values?,
                      "sequence": integer >= 0, "updated_at": time?}],
        "statuses": [{"key"*: a session's key, "status"*: interested|going|attended|speaking|later,
                      "updated_at"*: time}],
        "notes": [{"key"*: a session's key, "text"*: text (at most 200,000), "version"*: integer >= 1 (a version
                   below with the same text), "updated_at": time?}],
        "note_versions": [{"key"*: a session's key, "version"*: integer >= 1 (once per key), "text"*: text,
                           "saved_at"*: time, "save_id": text?}],
        "user_links": [{"key"*: a session's key, "url"*: http(s) URL, "kind"*: slides|video|blog|code|other,
                        "title": text (at most 300), "added_at"*: time}],
        "shares": [{"token"*, "created_at"*: time, "photos": 0|1 (the link shows the photos)}],
        "feeds": [{"token"*, "created_at"*: time}],
        "imports": [{"at"*: time, "source", "format": text?, "report"*: JSON text of the change report}],
        "photos": [{"key"*: a session's key, "caption": text (at most 300), "taken"*: time, "added_at": time?,
                    "width"*, "height"*, "thumb_width"*, "thumb_height"*: pixels, "mimetype"*: image/jpeg|image/png,
                    "sha256"*: of the photo's bytes, "source_sha256": of the upload?,
                    "data"*: base64 of the photo's bytes, "thumb"*: base64 of its thumbnail (JPEG)}]}]}

Photos (issue 18) come back with the same bytes: each is checked before anything is written (its bytes
match `sha256`, Pillow reads them, and the thumbnail, as the picture and size stated) and matched by
session and sha256, so restoring twice adds nothing.

The backup never holds the app's secret key (a key in an older backup is ignored on restore). The
secret tokens of share links and calendar feeds are in it, but restored only when asked
(`restore --with-tokens`): a backup from elsewhere must not open this app's data to its links.

Restore never overwrites and never duplicates: what the database lacks is added (matched by
conference slug, session key, note version, link URL, token); a note version that exists with other
text is added on top as a newer version, so neither text is lost. Restoring twice changes nothing.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from ..errors import BadInput, Refused
from ..links import LINK_KINDS, safe_url
from ..merge import WATCHED
from ..messages import is_message_json
from ..model import now_utc, to_iso, zone
from ..notes import MAX_NOTE_CHARS
from ..planning import STATUSES
from .access import MAX_ALARM_MINUTES
from .connection import write
from .media import backup_photos, check_backup_photo, restore_photos

FORMAT, VERSION = "conference-backup", 1
PER_CONFERENCE = {
    "sessions": ("key",),
    "statuses": ("key",),
    "notes": ("key",),
    "note_versions": ("key", "version"),
    "user_links": ("key", "url"),
    "shares": ("token",),
    "feeds": ("token",),
    "imports": ("at", "source"),
}
TOKENS = ("shares", "feeds")
PHOTOS = "photos"  # the photos' records, apart from the tables above (their bytes live in photo_files)
_DROP = {"id", "conference_id"}
# Settings a backup carries; the others are the app's own (the secret key, the search index's state).
SETTINGS = ("alarm_minutes",)
# What older backups carried besides: the secret key, the search index's state, the reminder's revision
# count, the feeds' Last-Modified records ("modified:<file>:<conference id>", ids of another database).
IGNORED_SETTINGS = ("secret_key", "search_index_stale", "alarm_revision")
IGNORED_PREFIXES = ("modified:",)


def _rows(db: Database, table: str, conference_id: int) -> list[dict]:
    order = {"note_versions": "key, version", "imports": "id"}.get(table, "rowid")
    return [
        {k: v for k, v in row.items() if k not in _DROP}
        for row in db.query(f"select * from {table} where conference_id = ? order by {order}", [conference_id])
    ]


def backup(db: Database) -> dict:
    """Everything the attendee would miss: conferences, sessions, marks, notes with history, links.

    Not the secret key: whoever holds a backup must not be able to sign this app's cookies.
    """
    conferences = []
    for conf in db.query("select * from conferences order by slug"):
        item = {k: v for k, v in conf.items() if k != "id"}
        for table in PER_CONFERENCE:
            item[table] = _rows(db, table, conf["id"])
        item[PHOTOS] = backup_photos(db, conf["id"])
        conferences.append(item)
    marks = ", ".join("?" for _ in SETTINGS)
    settings = list(db.query(f"select name, value from settings where name in ({marks}) order by name", SETTINGS))
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": to_iso(now_utc()),
        "settings": settings,
        "conferences": conferences,
    }


class RestoreError(BadInput):
    """Not a backup this version can read; nothing was restored."""


def loads(text: str, source: str = "") -> dict:
    """A backup file's text as data; RestoreError (with the line) when it is not JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RestoreError(f"not JSON: {exc.msg} (column {exc.colno})", source=source, line=exc.lineno) from exc
    except RecursionError as exc:
        raise RestoreError("the JSON is nested too deeply", source=source) from exc


# --- checking a backup against the format, before anything is written -------------------------------


class _Bad(Exception):
    """One field that does not fit the format: why (the caller adds where)."""


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}.get(
        type(value), "a number"
    )


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def _text(*, required: bool = False, max_len: int | None = None, pattern: re.Pattern | None = None, what: str = ""):
    def check(value):
        if value is None:
            if required:
                raise _Bad("is missing")
            return
        if not isinstance(value, str):
            raise _Bad(f"must be text, not {_kind(value)}")
        if required and not value.strip():
            raise _Bad("must not be empty")
        if max_len is not None and len(value) > max_len:
            raise _Bad(f"is longer than {max_len:,} characters")
        if pattern is not None and not pattern.fullmatch(value):
            raise _Bad(f"{_show(value)} is not {what}")

    return check


def _integer(*, minimum: int = 0, maximum: int = 2**62, required: bool = False):
    def check(value):
        if value is None and not required:
            return
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Bad(f"{_show(value)} is not a whole number")
        if not minimum <= value <= maximum:
            raise _Bad(f"{value} is out of range ({minimum} to {maximum})")

    return check


def _flag(value):
    if value is not None and value not in (0, 1):  # True/False are 1/0 too
        raise _Bad(f"{_show(value)} is not 0 or 1")


def _moment(*, required: bool = False):
    def check(value):
        if value is None:
            if required:
                raise _Bad("is missing")
            return
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise _Bad(f"{_show(value)} is not a date and time with its UTC offset (ISO 8601)")

    return check


def _day(value):
    if value is None:
        return
    try:
        if not isinstance(value, str):
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise _Bad(f"{_show(value)} is not a date (YYYY-MM-DD)") from None


def _zone(value):
    _text(required=True)(value)
    try:
        zone(value)
    except BadInput:
        raise _Bad(f"{_show(value)} is not a time zone") from None


def _one_of(values: tuple[str, ...]):
    def check(value):
        if value not in values:
            raise _Bad(f"{_show(value)} is not one of {', '.join(values)}")

    return check


def _url(value):
    _text(required=True, max_len=4000)(value)
    if not safe_url(value):
        raise _Bad(f"{_show(value)} is not an http(s) URL")


def _json_text(inner: Callable[[Any], None], *, what: str, nullable: bool = True):
    def check(value):
        if value is None and nullable:
            return
        if not isinstance(value, str):
            raise _Bad(f"must be JSON text of {what}, not {_kind(value)}")
        try:
            decoded = json.loads(value)
        except (ValueError, RecursionError):
            raise _Bad(f"{_show(value)} is not JSON text of {what}") from None
        inner(decoded)

    return check


def _texts(value):
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise _Bad("must be a list of texts")


def _object(value):
    if not isinstance(value, dict):
        raise _Bad(f"must be an object, not {_kind(value)}")


def _links(value):
    if not isinstance(value, list):
        raise _Bad("must be a list of links")
    for i, link in enumerate(value):
        if not isinstance(link, dict) or not isinstance(link.get("url"), str):
            raise _Bad(f"link {i + 1} has no url")
        if set(link) - {"url", "kind", "title"} or not all(isinstance(v, str) for v in link.values()):
            raise _Bad(f"link {i + 1} is not {{url, kind, title}} texts")
        if link.get("kind", "") not in ("", *LINK_KINDS):
            raise _Bad(f"link {i + 1}: kind {_show(link['kind'])} is not one of {', '.join(LINK_KINDS)}")


def _previous(value):
    _object(value)
    for name, old in value.items():
        if name not in WATCHED:
            raise _Bad(f"{_show(name)} is not one of {', '.join(WATCHED)}")
        if name == "speakers":
            _texts(old)
        elif name in ("start", "end"):
            _moment()(old)
        else:
            _text()(old)


_ITEMS = ("added", "cancelled", "removed", "changed")  # entries {key, title} (changed: fields, details)
_TEXTS = ("notes", "skipped", "risks")
_COUNTS = ("unchanged", "before", "untimed", "untimed_in", "undone")


def _report(value):
    """An import's change report as merge.ChangeReport.as_json writes it (undo adds "undone")."""
    _object(value)
    unknown = set(value) - {*_ITEMS, *_TEXTS, *_COUNTS, "created", "recordings"}
    if unknown:
        raise _Bad(f"has the unknown part {_show(sorted(unknown)[0])}")
    for part in _ITEMS:
        items = value.get(part, [])
        if not isinstance(items, list):
            raise _Bad(f"{part} must be a list")
        for item in items:
            if (
                not isinstance(item, dict)
                or not isinstance(item.get("key"), str)
                or not isinstance(item.get("title"), str)
            ):
                raise _Bad(f"{part}: every entry needs a key and a title (texts)")
            if part == "changed":
                fields = item.get("fields", {})
                if not isinstance(fields, dict) or not all(
                    isinstance(v, list) and len(v) == 2 for v in fields.values()
                ):
                    raise _Bad("changed: fields must map names to [old, new]")
                details = item.get("details", [])
                if not isinstance(details, list) or not all(isinstance(d, str) for d in details):
                    raise _Bad("changed: details must be a list of texts")
    recordings = value.get("recordings", [])
    if not isinstance(recordings, list) or not all(
        isinstance(r, dict) and set(r) == {"key", "title", "url"} and all(isinstance(v, str) for v in r.values())
        for r in recordings
    ):
        raise _Bad("recordings: every entry needs a key, a title and a url (texts)")
    for part in _TEXTS:  # texts (reports written before messages were kept), or {"msgid", "params"}
        items = value.get(part, [])
        if not isinstance(items, list) or not all(isinstance(x, str) or is_message_json(x) for x in items):
            raise _Bad(f"{part} must be a list of texts or messages")
    for part in _COUNTS:
        try:
            _integer()(value.get(part, 0))
        except _Bad as exc:
            raise _Bad(f"{part}: {exc}") from None
    if not isinstance(value.get("created", False), bool):
        raise _Bad("created must be true or false")


_SLUG = re.compile(r"[\w-]{1,100}")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,200}")
TEXT = _text(max_len=1_000_000)

CONFERENCE = {
    "slug": _text(required=True, pattern=_SLUG, what="a slug (letters, digits, - and _)"),
    "name": _text(required=True, max_len=1000),
    "timezone": _zone,
    "start_date": _day,
    "end_date": _day,
    "url": TEXT,
    "language": TEXT,
    "source": TEXT,
    "source_format": TEXT,
    "source_options": _json_text(_object, what="an object"),
    "rooms": _json_text(_texts, what="a list of texts"),
    "imported_at": _moment(),
    "plan_changed_at": _moment(),
    "is_demo": _flag,
    "plan_version": _integer(),
    "data_version": _integer(),
    "hashtag": _text(pattern=re.compile(r"\w{0,50}"), what="a hashtag (one word, without #)"),
}
SESSION_KEY = _text(required=True, max_len=500)
TABLES: dict[str, dict[str, Callable[[Any], None]]] = {
    "sessions": {
        "key": SESSION_KEY,
        "title": _text(required=True, max_len=100_000),
        **{
            name: TEXT
            for name in ("code", "subtitle", "abstract", "room", "room_code", "track", "type", "language", "url")
        },
        "start": _moment(),
        "end": _moment(),
        "speakers": _json_text(_texts, what="a list of texts"),
        "links": _json_text(_links, what="a list of links"),
        "is_break": _flag,
        "cancelled": _flag,
        "previous": _json_text(_previous, what="an object"),
        "sequence": _integer(),
        "updated_at": _moment(),
    },
    "statuses": {"key": SESSION_KEY, "status": _one_of(STATUSES), "updated_at": _moment(required=True)},
    "notes": {
        "key": SESSION_KEY,
        "text": _text(required=False, max_len=MAX_NOTE_CHARS),
        "version": _integer(minimum=1, required=True),
        "updated_at": _moment(),
    },
    "note_versions": {
        "key": SESSION_KEY,
        "version": _integer(minimum=1, required=True),
        "text": _text(max_len=MAX_NOTE_CHARS),
        "saved_at": _moment(required=True),
        "save_id": _text(max_len=200),
    },
    "user_links": {
        "key": SESSION_KEY,
        "url": _url,
        "kind": _one_of(LINK_KINDS),
        "title": _text(max_len=300),
        "added_at": _moment(required=True),
    },
    "shares": {
        "token": _text(required=True, pattern=_TOKEN, what="a token"),
        "created_at": _moment(required=True),
        "photos": _flag,
    },
    "feeds": {"token": _text(required=True, pattern=_TOKEN, what="a token"), "created_at": _moment(required=True)},
    "imports": {
        "at": _moment(required=True),
        "source": TEXT,
        "format": TEXT,
        "report": _json_text(_report, what="a change report", nullable=False),
    },
}
REQUIRED_TEXT = {"notes": ("text",), "note_versions": ("text",)}


def _fields(where: str, item: Any, rules: dict[str, Callable[[Any], None]], required_text=()) -> None:
    if not isinstance(item, dict):
        raise RestoreError(f"{where}: must be an object, not {_kind(item)}")
    unknown = [k for k in item if k not in rules]
    if unknown:
        raise RestoreError(f"{where}: {unknown[0]}: is not a field of this record")
    for name, check in rules.items():
        value = item.get(name)
        try:
            if name in required_text and not isinstance(value, str):
                raise _Bad("is missing" if value is None else f"must be text, not {_kind(value)}")
            check(value)
        except _Bad as exc:
            raise RestoreError(f"{where}: {name}: {exc}") from None


def _list(where: str, value: Any) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise RestoreError(f"{where}: must be a list, not {_kind(value)}")
    return value


def check(data: Any) -> None:
    """Refuse (RestoreError, one line naming the record and the field) anything that is not a backup
    of the documented format: types, dates, ranges, session keys that exist, notes with their versions."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RestoreError("not a conference backup (format must be 'conference-backup')")
    if data.get("version") != VERSION:
        raise RestoreError(f"backup version {_show(data.get('version'))} is not supported (expected {VERSION})")
    unknown = set(data) - {"format", "version", "exported_at", "settings", "conferences"}
    if unknown:
        raise RestoreError(f"{sorted(unknown)[0]}: is not a part of a backup")
    _fields("the backup", {"exported_at": data.get("exported_at")}, {"exported_at": _moment()})
    for i, setting in enumerate(_list("settings", data.get("settings"))):
        where = f"settings[{i}]"
        _fields(where, setting, {"name": _text(required=True), "value": _text()})
        if setting["name"] in IGNORED_SETTINGS or setting["name"].startswith(IGNORED_PREFIXES):
            continue
        if setting["name"] not in SETTINGS:
            raise RestoreError(f"{where}: name: {_show(setting['name'])} is not a setting this app keeps")
        value = setting.get("value") or ""
        if value != "off" and not (value.isdigit() and 0 <= int(value) <= MAX_ALARM_MINUTES):
            raise RestoreError(
                f"{where} ({setting['name']}): value: {_show(value)} is not 0 to {MAX_ALARM_MINUTES} or off"
            )
    slugs: set[str] = set()
    for i, conf in enumerate(_list("conferences", data.get("conferences"))):
        where = f"conferences[{i}]"
        if not isinstance(conf, dict):
            raise RestoreError(f"{where}: must be an object, not {_kind(conf)}")
        _fields(where, {k: v for k, v in conf.items() if k not in PER_CONFERENCE and k != PHOTOS}, CONFERENCE)
        where = f"conferences[{i}] ({conf['slug']})"
        if conf["slug"] in slugs:
            raise RestoreError(f"{where}: slug: {_show(conf['slug'])} comes twice")
        slugs.add(conf["slug"])
        _check_conference(where, conf)


def _check_conference(where: str, conf: dict) -> None:
    rows = {table: _list(f"{where} {table}", conf.get(table)) for table in PER_CONFERENCE}
    for table, items in rows.items():
        for j, item in enumerate(items):
            label = f"{where} {table}[{j}]"
            if isinstance(item, dict) and isinstance(item.get("key"), str):
                label += f" ({item['key']})"
            _fields(label, item, TABLES[table], REQUIRED_TEXT.get(table, ()))
    if len(rows["feeds"]) > 1:
        raise RestoreError(f"{where} feeds[1]: a conference has one calendar feed")
    keys: set[str] = set()
    for j, s in enumerate(rows["sessions"]):
        label = f"{where} sessions[{j}] ({s['key']})"
        if s["key"] in keys:
            raise RestoreError(f"{label}: key: comes twice")
        keys.add(s["key"])
        if (s.get("start") is None) != (s.get("end") is None):
            raise RestoreError(f"{label}: {'end' if s.get('end') is None else 'start'}: is missing (both or neither)")
        if s.get("start") and datetime.fromisoformat(s["end"]) < datetime.fromisoformat(s["start"]):
            raise RestoreError(f"{label}: end: {s['end']} is before the start {s['start']}")
    versions: dict[tuple[str, int], str] = {}
    save_ids: set[tuple[str, str]] = set()
    for table in ("statuses", "notes", "note_versions", "user_links"):
        seen: set = set()
        for j, item in enumerate(rows[table]):
            label = f"{where} {table}[{j}] ({item['key']})"
            if item["key"] not in keys:
                raise RestoreError(f"{label}: key: no session {_show(item['key'])} in this conference")
            identity = tuple(item.get(k) for k in PER_CONFERENCE[table])
            if identity in seen:
                raise RestoreError(f"{label}: {'/'.join(PER_CONFERENCE[table])}: comes twice")
            seen.add(identity)
            if table == "note_versions":
                versions[(item["key"], item["version"])] = item["text"]
                if item.get("save_id"):
                    if (item["key"], item["save_id"]) in save_ids:
                        raise RestoreError(f"{label}: save_id: comes twice")
                    save_ids.add((item["key"], item["save_id"]))
    for j, n in enumerate(rows["notes"]):
        if versions.get((n["key"], n["version"])) != n["text"]:
            raise RestoreError(
                f"{where} notes[{j}] ({n['key']}): version: no note version {n['version']} with this text"
            )
    _check_photos(where, _list(f"{where} {PHOTOS}", conf.get(PHOTOS)), keys)


PHOTO_TIMES = {"taken": _moment(required=True), "added_at": _moment()}


def _check_photos(where: str, photos: list, keys: set[str]) -> None:
    """Each photo record: its fields (store.media.check_backup_photo: the bytes against their sha256, the
    picture and its size as Pillow reads them), its times, a session of this conference, once each."""
    seen: set[tuple[str, str]] = set()
    for j, item in enumerate(photos):
        label = f"{where} {PHOTOS}[{j}]"
        if isinstance(item, dict) and isinstance(item.get("key"), str):
            label += f" ({item['key']})"
        try:
            check_backup_photo(item)
        except BadInput as exc:
            raise RestoreError(f"{label}: {exc.field}: {exc.why}") from None
        _fields(label, {k: item.get(k) for k in PHOTO_TIMES}, PHOTO_TIMES)
        if item.get("key") not in keys:
            raise RestoreError(f"{label}: key: no session {_show(item.get('key'))} in this conference")
        if (item["key"], item["sha256"]) in seen:
            raise RestoreError(f"{label}: key/sha256: comes twice")
        seen.add((item["key"], item["sha256"]))


# --- restoring ----------------------------------------------------------------------------------


def tokens_in(data: dict) -> int:
    """How many share and feed tokens a (checked) backup holds."""
    return sum(len(conf.get(t) or []) for conf in data.get("conferences") or [] for t in TOKENS)


def restore(db: Database, data: dict, *, source: str = "", with_tokens: bool = False) -> dict[str, int]:
    """Add what the database lacks from a backup, in one transaction; returns counts of rows added.

    The whole backup is checked first (`check`): anything that does not fit the documented format is
    RestoreError (naming `source`, the record and the field), and nothing is written. Share and feed
    tokens are restored only `with_tokens` (and never replace a conference's current ones).
    """
    try:
        check(data)
        return _restore(db, data, with_tokens=with_tokens)
    except RestoreError as exc:
        exc.source = source
        raise
    except (KeyError, TypeError, AttributeError, ValueError, sqlite3.Error) as exc:
        raise RestoreError(f"a damaged backup, nothing restored ({type(exc).__name__}: {exc})", source=source) from exc


def _restore(db: Database, data: dict, *, with_tokens: bool) -> dict[str, int]:
    added: dict[str, int] = {}

    def count(table: str) -> None:
        added[table] = added.get(table, 0) + 1

    with write(db):
        for setting in data.get("settings") or []:
            if setting["name"] not in SETTINGS:
                continue  # the secret key and the index's state of an older backup: this app's own
            if not db.execute("select 1 from settings where name = ?", [setting["name"]]).fetchone():
                db["settings"].insert(setting)
                count("settings")
        for conf in data.get("conferences") or []:
            fields = {k: v for k, v in conf.items() if k not in PER_CONFERENCE and k != PHOTOS}
            row = db.execute("select id from conferences where slug = ?", [fields["slug"]]).fetchone()
            if row:
                conf_id = row[0]
            else:
                conf_id = db["conferences"].insert(fields).last_pk
                count("conferences")
            for table, keys in PER_CONFERENCE.items():
                if table in TOKENS and (
                    not with_tokens
                    or db.execute(f"select 1 from {table} where conference_id = ?", [conf_id]).fetchone()
                ):
                    continue
                for item in conf.get(table) or []:
                    where = " and ".join(f"{k} = ?" for k in keys)
                    values = [item[k] for k in keys]
                    existing = db.execute(
                        f"select * from {table} where conference_id = ? and {where}", [conf_id, *values]
                    ).fetchone()
                    if existing is None:
                        db[table].insert({**item, "conference_id": conf_id})
                        count(table)
                    elif table == "note_versions":
                        _keep_other_text(db, conf_id, item)
            _sync_notes(db, conf_id)
            photos = restore_photos(db, conf_id, conf.get(PHOTOS) or [])
            if photos:
                added[PHOTOS] = added.get(PHOTOS, 0) + photos
    return added


def _keep_other_text(db: Database, conf_id: int, item: dict) -> None:
    """Same version number, other text: the backup's text becomes a newer version (nothing lost)."""
    same = db.execute(
        "select 1 from note_versions where conference_id = ? and key = ? and text = ?",
        [conf_id, item["key"], item["text"]],
    ).fetchone()
    if same:
        return
    top = db.execute(
        "select max(version) from note_versions where conference_id = ? and key = ?", [conf_id, item["key"]]
    ).fetchone()[0]
    db["note_versions"].insert(
        {
            "conference_id": conf_id,
            "key": item["key"],
            "version": top + 1,
            "text": item["text"],
            "saved_at": item["saved_at"],
            "save_id": None,
        }
    )


def _sync_notes(db: Database, conf_id: int) -> None:
    """Each note shows its newest version."""
    for key, version, text, saved_at in db.execute(
        "select v.key, v.version, v.text, v.saved_at from note_versions v where v.conference_id = ? and v.version ="
        " (select max(version) from note_versions w where w.conference_id = v.conference_id and w.key = v.key)",
        [conf_id],
    ).fetchall():
        db.execute(
            "insert into notes (conference_id, key, text, version, updated_at) values (?, ?, ?, ?, ?)"
            " on conflict (conference_id, key) do update set text = excluded.text, version = excluded.version,"
            " updated_at = excluded.updated_at where notes.version < excluded.version",
            [conf_id, key, text, version, saved_at],
        )


def snapshot(db: Database, target: str | Path) -> None:
    """A consistent copy of the whole database file while the app runs (VACUUM INTO); never overwrites."""
    target = Path(target)
    if target.exists():
        raise Refused(f"{target} exists; choose a new file name")
    try:
        db.execute("vacuum into ?", [str(target)])
    except sqlite3.Error as exc:
        raise BadInput(f"cannot write the snapshot: {exc}", source=str(target)) from exc


def dumps(data: dict) -> str:
    """The backup as the documented JSON text."""
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False)
