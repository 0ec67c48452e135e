"""All user data as documented JSON, and back; plus a consistent snapshot of the database file.

Backup format (`"format": "conference-backup"`, `"version": 1`):

    {"format", "version", "exported_at",
     "settings": [{"name", "value"}],
     "conferences": [{<conference fields>,
                      "sessions": [<session fields>], "statuses": [{"key", "status", "updated_at"}],
                      "notes": [{"key", "text", "version", "updated_at"}],
                      "note_versions": [{"key", "version", "text", "saved_at", "save_id"}],
                      "user_links": [{"key", "url", "kind", "title", "added_at"}],
                      "shares": [{"token", "created_at"}], "feeds": [{"token", "created_at"}],
                      "imports": [{"at", "source", "format", "report"}],
                      "photos": [{"key", "caption", "taken", "added_at", "width", "height", "thumb_width",
                                  "thumb_height", "mimetype", "sha256", "source_sha256",
                                  "data": base64 of the photo's bytes, "thumb": base64 of its thumbnail}]}]}

Photos (issue 18) come back with the same bytes: each is checked before anything is written (the bytes
match `sha256`, Pillow reads them as the `mimetype` and size stated, the session is in the backup) and
matched by session and sha256, so restoring twice adds nothing.

Restore never overwrites and never duplicates: what the database lacks is added (matched by
conference slug, session key, note version, link URL, token); a note version that exists with other
text is added on top as a newer version, so neither text is lost. Restoring twice changes nothing.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from ..errors import BadInput, Refused
from ..model import now_utc, to_iso
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
_DROP = {"id", "conference_id"}
PHOTOS = "photos"  # the photos' records, apart from the tables above (their bytes live in photo_files)


def _rows(db: Database, table: str, conference_id: int) -> list[dict]:
    order = {"note_versions": "key, version", "imports": "id"}.get(table, "rowid")
    return [
        {k: v for k, v in row.items() if k not in _DROP}
        for row in db.query(f"select * from {table} where conference_id = ? order by {order}", [conference_id])
    ]


def backup(db: Database) -> dict:
    """Everything the attendee would miss: conferences, sessions, marks, notes with history, links."""
    conferences = []
    for conf in db.query("select * from conferences order by slug"):
        item = {k: v for k, v in conf.items() if k != "id"}
        for table in PER_CONFERENCE:
            item[table] = _rows(db, table, conf["id"])
        item[PHOTOS] = backup_photos(db, conf["id"])
        conferences.append(item)
    settings = list(db.query("select name, value from settings order by name"))
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


def restore(db: Database, data: dict, *, source: str = "") -> dict[str, int]:
    """Add what the database lacks from a backup, in one transaction; returns counts of rows added.

    Anything that is not a backup of this format is RestoreError (naming `source`), and nothing is written.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RestoreError("not a conference backup (format must be 'conference-backup')", source=source)
    if data.get("version") != VERSION:
        raise RestoreError(
            f"backup version {data.get('version')!r} is not supported (expected {VERSION})", source=source
        )
    _check_photos(data, source)
    try:
        return _restore(db, data)
    except (KeyError, TypeError, AttributeError, sqlite3.Error) as exc:
        raise RestoreError(f"a damaged backup, nothing restored ({type(exc).__name__}: {exc})", source=source) from exc


def _moment(value, required: bool) -> bool:
    if value is None:
        return not required
    try:
        return isinstance(value, str) and datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def _check_photos(data: dict, source: str) -> None:
    """Every photo of the backup, checked before anything is written (RestoreError naming it and the field)."""
    for i, conf in enumerate(data.get("conferences") or []):
        if not isinstance(conf, dict):
            continue
        keys = {s.get("key") for s in conf.get("sessions") or [] if isinstance(s, dict)}
        photos = conf.get(PHOTOS) or []
        if not isinstance(photos, list):
            raise RestoreError(f"conferences[{i}] photos: must be a list", source=source)
        for j, item in enumerate(photos):
            where = f"conferences[{i}] ({conf.get('slug')}) photos[{j}]"
            try:
                check_backup_photo(item)
            except BadInput as exc:
                raise RestoreError(f"{where}: {exc.field}: {exc.why}", source=source) from None
            if item.get("key") not in keys:
                raise RestoreError(f"{where}: key: no session {item.get('key')!r} in this conference", source=source)
            for name, required in (("taken", True), ("added_at", False)):
                if not _moment(item.get(name), required):
                    raise RestoreError(f"{where}: {name}: is not a date and time with its UTC offset", source=source)


def _restore(db: Database, data: dict) -> dict[str, int]:
    added: dict[str, int] = {}

    def count(table: str) -> None:
        added[table] = added.get(table, 0) + 1

    with write(db):
        for setting in data.get("settings", []):
            if not db.execute("select 1 from settings where name = ?", [setting["name"]]).fetchone():
                db["settings"].insert(setting)
                count("settings")
        for conf in data.get("conferences", []):
            fields = {k: v for k, v in conf.items() if k not in PER_CONFERENCE and k != PHOTOS}
            row = db.execute("select id from conferences where slug = ?", [fields["slug"]]).fetchone()
            if row:
                conf_id = row[0]
            else:
                conf_id = db["conferences"].insert(fields).last_pk
                count("conferences")
            for table, keys in PER_CONFERENCE.items():
                for item in conf.get(table, []):
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
