"""Every read and write of the database: conferences, sessions and the import that merges them."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlite_utils import Database

from .db import write
from .model import Session, Timetable, conference_day, from_iso, to_iso, zone

# Fields whose change a re-import reports to the attendee, and which bump the calendar SEQUENCE.
WATCHED = ("start", "end", "room", "title", "speakers")
# Tables that hold the attendee's own data about a session, keyed by (conference_id, key).
USER_TABLES = ("statuses", "notes", "user_links")
USER_TABLES_SEARCHED = ("notes",)  # the attendee's own words are searchable too


class NotFound(LookupError):
    """No conference or session by that name."""


@dataclass
class ImportResult:
    slug: str
    created: bool
    added: list[dict] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)  # {key, title, fields: {name: [old, new]}}
    cancelled: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)
    format: str = ""
    import_id: int | None = None

    def as_report(self) -> dict:
        return {
            "added": self.added,
            "changed": self.changed,
            "cancelled": self.cancelled,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "notes": self.notes,
            "created": self.created,
        }

    def summary(self) -> str:
        return (
            f"{self.slug}: {len(self.added)} added, {len(self.changed)} changed, "
            f"{len(self.cancelled)} cancelled, {len(self.removed)} removed, {self.unchanged} unchanged"
        )


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


# --- conferences -------------------------------------------------------------------------------


def conferences(db: Database) -> list[dict]:
    """All conferences, newest first, with their session counts."""
    return list(
        db.query(
            "select c.*, (select count(*) from sessions s where s.conference_id = c.id"
            " and not s.is_break) as talks from conferences c order by c.start_date desc, c.name"
        )
    )


def conference(db: Database, slug: str) -> dict:
    rows = list(db["conferences"].rows_where("slug = ?", [slug], limit=1))
    if not rows:
        raise NotFound(f"no conference {slug!r}")
    return rows[0]


# --- sessions ----------------------------------------------------------------------------------

_ORDER = "start is null, start, room, key"


def _row_to_session(row: dict, tz) -> dict:
    row = dict(row)
    row["speakers"] = json.loads(row["speakers"]) if row["speakers"] not in (None, "[]") else []
    row["links"] = json.loads(row["links"]) if row["links"] not in (None, "[]") else []
    row["previous"] = json.loads(row["previous"]) if row["previous"] else {}
    row["start"] = from_iso(row["start"], tz)
    row["end"] = from_iso(row["end"], tz)
    row["is_break"] = bool(row["is_break"])
    row["cancelled"] = bool(row["cancelled"])
    row["day"] = conference_day(row["start"]) if row["start"] else None
    return row


_WITH_STATUS = (
    "select s.*, st.status from sessions s left join statuses st"
    " on st.conference_id = s.conference_id and st.key = s.key where s.conference_id = ?"
)
# Grids, lists and reports never show abstracts: leaving them out halves what SQLite hands over.
_LIGHT_COLUMNS = (
    "s.id, s.conference_id, s.key, s.code, s.title, s.subtitle, '' as abstract, s.start, s.end, s.room, s.room_code,"
    " s.track, s.type, s.language, s.speakers, s.url, s.links, s.is_break, s.cancelled, s.previous, s.sequence, s.updated_at"
)
_WITHOUT_ABSTRACT = _WITH_STATUS.replace("select s.*,", f"select {_LIGHT_COLUMNS},")


def sessions(db: Database, conf: dict, keys: list[str] | None = None, *, abstracts: bool = True) -> list[dict]:
    """The conference's sessions with the attendee's status, in a stable order (start, room, key)."""
    tz = zone(conf["timezone"])
    sql, params = (_WITH_STATUS if abstracts else _WITHOUT_ABSTRACT), [conf["id"]]
    if keys is not None:
        sql += f" and s.key in ({', '.join('?' for _ in keys)})"
        params += list(keys)
    rows = [_row_to_session(r, tz) for r in db.query(sql + " order by s.start is null, s.start, s.room, s.key", params)]
    if db["user_links"].exists():  # the attendee's own links join the timetable's
        mine: dict[str, list[dict]] = {}
        for link in db.query(
            "select id, key, url, kind, title from user_links where conference_id = ? order by id", [conf["id"]]
        ):
            mine.setdefault(link["key"], []).append(
                {"url": link["url"], "kind": link["kind"], "title": link["title"], "id": link["id"]}
            )
        for row in rows:
            row["links"] = row["links"] + mine.get(row["key"], [])
    return rows


def session(db: Database, conf: dict, key: str) -> dict:
    rows = sessions(db, conf, [key])
    if not rows:
        raise NotFound(f"no session {key!r} in {conf['slug']!r}")
    return rows[0]


# --- the attendee's marks ----------------------------------------------------------------------


def set_status(db: Database, conf: dict, keys: list[str], status: str | None) -> None:
    """Mark sessions interested/going/attended/speaking, or clear the mark (None), all or nothing."""
    with write(db):
        known = {
            r["key"]
            for r in db.query(
                f"select key from sessions where conference_id = ? and key in ({', '.join('?' for _ in keys)})",
                [conf["id"], *keys],
            )
        }
        missing = [k for k in keys if k not in known]
        if missing:
            raise NotFound(f"no session {missing[0]!r} in {conf['slug']!r}")
        now = to_iso(now_utc())
        db.execute(
            "update conferences set plan_changed_at = ?, plan_version = plan_version + 1 where id = ?",
            [now, conf["id"]],
        )
        for key in keys:
            if status:
                db["statuses"].upsert(
                    {"conference_id": conf["id"], "key": key, "status": status, "updated_at": now},
                    pk=("conference_id", "key"),
                )
            else:
                db.execute("delete from statuses where conference_id = ? and key = ?", [conf["id"], key])


# --- share links and settings ------------------------------------------------------------------


def share_token(db: Database, conf: dict) -> str | None:
    row = db.execute("select token from shares where conference_id = ?", [conf["id"]]).fetchone()
    return row[0] if row else None


def new_share_token(db: Database, conf: dict) -> str:
    """A fresh secret for the read-only "my day" link; the old one stops working."""
    token = secrets.token_urlsafe(24)
    with write(db):
        db.execute("delete from shares where conference_id = ?", [conf["id"]])
        db["shares"].insert({"token": token, "conference_id": conf["id"], "created_at": to_iso(now_utc())})
    return token


def revoke_share(db: Database, conf: dict) -> None:
    with write(db):
        db.execute("delete from shares where conference_id = ?", [conf["id"]])


def conference_by_share(db: Database, token: str) -> dict:
    row = db.execute("select conference_id from shares where token = ?", [token]).fetchone()
    if not row:
        raise NotFound("this link was revoked or never existed")
    return db["conferences"].get(row[0])


def feed_token(db: Database, conf: dict) -> str:
    """The conference's secret calendar-feed token, made on first use."""
    row = db.execute("select token from feeds where conference_id = ?", [conf["id"]]).fetchone()
    return row[0] if row else new_feed_token(db, conf)


def new_feed_token(db: Database, conf: dict) -> str:
    """A new feed URL; the old one stops working at once."""
    token = secrets.token_urlsafe(24)
    with write(db):
        db.execute("delete from feeds where conference_id = ?", [conf["id"]])
        db["feeds"].insert({"token": token, "conference_id": conf["id"], "created_at": to_iso(now_utc())})
    return token


def conference_by_feed(db: Database, token: str) -> dict:
    row = db.execute("select conference_id from feeds where token = ?", [token]).fetchone()
    if not row:
        raise NotFound("no such feed (the link was regenerated or never existed)")
    return db["conferences"].get(row[0])


def plan_changed_at(db: Database, conf: dict) -> str | None:
    """The latest change to anything a plan feed shows: a mark, or a planned session's timetable entry."""
    row = db.execute(
        "select max(m) from (select plan_changed_at as m from conferences where id = ?"
        " union all select max(updated_at) from statuses where conference_id = ?"
        " union all select max(s.updated_at) from sessions s join statuses st on st.conference_id = s.conference_id"
        " and st.key = s.key where s.conference_id = ?)",
        [conf["id"], conf["id"], conf["id"]],
    ).fetchone()
    return row[0] if row else None


def setting(db: Database, name: str, default: str | None = None) -> str | None:
    row = db.execute("select value from settings where name = ?", [name]).fetchone()
    return row[0] if row else default


def set_setting(db: Database, name: str, value: str) -> None:
    with write(db):
        db["settings"].upsert({"name": name, "value": value}, pk="name")


# --- search ------------------------------------------------------------------------------------


def refresh_search_index(db: Database) -> None:
    """Rebuild the trigram index if a timetable changed since it was built (imports stay fast)."""
    if setting(db, "search_index_stale") != "1":
        return
    with write(db):
        if setting(db, "search_index_stale") == "1":
            db.execute("insert into sessions_fts(sessions_fts) values ('rebuild')")
            db["settings"].upsert({"name": "search_index_stale", "value": "0"}, pk="name")


def search_keys(db: Database, conf: dict, query: str) -> list[str]:
    """Keys of sessions whose title, abstract, speakers, code, room or track contain the words."""
    words = [w for w in query.split() if w]
    if not words:
        return []
    refresh_search_index(db)
    keys: set[str] | None = None
    for word in words:
        if len(word) >= 3:  # trigram FTS: a substring match, Japanese included
            phrase = '"' + word.replace('"', '""') + '"'
            found = {
                r["key"]
                for r in db.query(
                    "select s.key from sessions s join sessions_fts f on f.rowid = s.id where sessions_fts match ? and s.conference_id = ?",
                    [phrase, conf["id"]],
                )
            }
        else:  # shorter than a trigram ("入門", "Go"): scan, this conference only
            like = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            cols = " or ".join(
                f"{c} like ? escape '\\'"
                for c in ("title", "subtitle", "abstract", "speakers", "code", "room", "track")
            )
            found = {
                r["key"]
                for r in db.query(
                    f"select key from sessions where conference_id = ? and ({cols})", [conf["id"], *[like] * 7]
                )
            }
        for table in USER_TABLES_SEARCHED:
            if db[table].exists():
                found |= {
                    r["key"]
                    for r in db.query(
                        f"select key from {table} where conference_id = ? and text like ?", [conf["id"], f"%{word}%"]
                    )
                }
        keys = found if keys is None else keys & found
    return sorted(keys or [])


def session_json(row: dict) -> dict:
    """The `sessions --json` shape of one session (../shared/CLI.md)."""
    return {
        "key": row["key"],
        "code": row["code"],
        "title": row["title"],
        "subtitle": row["subtitle"],
        "start": to_iso(row["start"]),
        "end": to_iso(row["end"]),
        "room": row["room"],
        "room_code": row["room_code"],
        "track": row["track"],
        "type": row["type"],
        "language": row["language"],
        "speakers": row["speakers"],
        "url": row["url"],
        "links": [{"url": x["url"], "kind": x["kind"], "title": x["title"]} for x in row["links"]],
        "is_break": row["is_break"],
        "cancelled": row["cancelled"],
        "status": row.get("status"),
        "clashes": row.get("clashes", []),
    }


# --- import ------------------------------------------------------------------------------------


def _session_row(s: Session) -> dict:
    return {
        "key": s.key,
        "code": s.code,
        "title": s.title,
        "subtitle": s.subtitle,
        "abstract": s.abstract,
        "start": to_iso(s.start),
        "end": to_iso(s.end),
        "room": s.room,
        "room_code": s.room_code,
        "track": s.track,
        "type": s.type,
        "language": s.language,
        "speakers": json.dumps(s.speakers, ensure_ascii=False),
        "url": s.url,
        "links": json.dumps(s.links, ensure_ascii=False),
        "is_break": int(s.is_break),
    }


def _same_instant(a: str | None, b: str | None) -> bool:
    """Two stored times are equal when they name the same instant (offset spelling aside)."""
    if a is None or b is None:
        return a is b
    return datetime.fromisoformat(a) == datetime.fromisoformat(b)


def _keys_with_user_data(db: Database, conference_id: int) -> set[str]:
    keys: set[str] = set()
    for table in USER_TABLES:
        if db[table].exists():
            keys.update(
                r["key"] for r in db.query(f"select distinct key from {table} where conference_id = ?", [conference_id])
            )
    return keys


def save_timetable(
    db: Database,
    slug: str,
    timetable: Timetable,
    *,
    name: str = "",
    timezone_name: str,
    source: str = "",
    fmt: str = "",
    source_options: str = "",
    is_demo: bool = False,
) -> ImportResult:
    """Create the conference or merge a re-import into it, in one transaction.

    Sessions are matched by key. A session the new timetable lacks is deleted, unless the attendee
    has marks, notes or links on it: then it stays, flagged cancelled.
    """
    keys = [s.key for s in timetable.sessions]
    if len(keys) != len(set(keys)):
        raise ValueError("timetable has duplicate session keys")  # parsers disambiguate; a bug if seen
    now = to_iso(now_utc())
    starts = [s.start.astimezone(zone(timezone_name)) for s in timetable.sessions if s.start]
    days = sorted(conference_day(s) for s in starts)
    conf_fields = {
        "timezone": timezone_name,
        "start_date": days[0].isoformat() if days else None,
        "end_date": days[-1].isoformat() if days else None,
        "source": source,
        "source_format": fmt,
        "source_options": source_options,
        "rooms": json.dumps(timetable.rooms, ensure_ascii=False),
        "imported_at": now,
        "is_demo": int(is_demo),
    }
    with write(db):
        existing_conf = list(db["conferences"].rows_where("slug = ?", [slug], limit=1))
        result = ImportResult(slug=slug, created=not existing_conf, notes=list(timetable.notes))
        if existing_conf:
            conf_id = existing_conf[0]["id"]
            update = dict(conf_fields)
            if name:
                update["name"] = name
            if timetable.url:
                update["url"] = timetable.url
            db["conferences"].update(conf_id, update)
        else:
            conf_id = (
                db["conferences"]
                .insert(
                    {
                        "slug": slug,
                        "name": name or timetable.name or slug,
                        "url": timetable.url,
                        "language": timetable.language,
                        **conf_fields,
                    }
                )
                .last_pk
            )
        old = {r["key"]: r for r in db["sessions"].rows_where("conference_id = ?", [conf_id])}
        inserts = []
        touched = False
        for s in timetable.sessions:
            row = _session_row(s)
            before = old.pop(s.key, None)
            if before is None:
                inserts.append({**row, "conference_id": conf_id, "updated_at": now, "sequence": 0, "cancelled": 0})
                result.added.append({"key": s.key, "title": s.title})
                continue
            changes = _changes(before, row)
            other = {k: v for k, v in row.items() if before[k] != v and k not in WATCHED}
            if not changes and not other and not before["cancelled"]:
                result.unchanged += 1
                continue
            update = {**row, "cancelled": 0, "updated_at": now}  # an abstract edit is news to calendars too
            touched = True
            if changes or before["cancelled"]:
                previous = json.loads(before["previous"] or "{}")
                for fld, (was, _now) in changes.items():
                    previous.setdefault(fld, was)
                # A field that moved back to where it was is no longer a change.
                previous = {k: v for k, v in previous.items() if not _equal_field(k, v, row[k])}
                update.update(
                    previous=json.dumps(previous, ensure_ascii=False) if previous else None,
                    sequence=before["sequence"] + 1,
                    updated_at=now,
                )
                fields = {k: [_show(k, a), _show(k, b)] for k, (a, b) in changes.items()}
                if before["cancelled"]:
                    fields["reinstated"] = [True, False]
                result.changed.append({"key": s.key, "title": s.title, "fields": fields})
            else:
                result.unchanged += 1
            db["sessions"].update(before["id"], update)
        if inserts:
            db["sessions"].insert_all(inserts)
        kept = _keys_with_user_data(db, conf_id)
        for key, before in old.items():
            if key in kept:
                if not before["cancelled"]:
                    db["sessions"].update(
                        before["id"], {"cancelled": 1, "sequence": before["sequence"] + 1, "updated_at": now}
                    )
                    result.cancelled.append({"key": key, "title": before["title"]})
            else:
                db["sessions"].delete(before["id"])
                result.removed.append({"key": key, "title": before["title"]})
        if touched or result.added or result.cancelled or result.removed or not existing_conf:
            db["settings"].upsert({"name": "search_index_stale", "value": "1"}, pk="name")
            db.execute("update conferences set data_version = data_version + 1 where id = ?", [conf_id])
        result.format = fmt
        result.import_id = (
            db["imports"]
            .insert(
                {
                    "conference_id": conf_id,
                    "at": now,
                    "source": source,
                    "format": fmt,
                    "report": json.dumps(result.as_report(), ensure_ascii=False),
                }
            )
            .last_pk
        )
    return result


def last_import_id(db: Database, conf: dict) -> int | None:
    row = db.execute("select max(id) from imports where conference_id = ?", [conf["id"]]).fetchone()
    return row[0] if row else None


def import_report(db: Database, conf: dict, import_id: int) -> dict:
    rows = list(db["imports"].rows_where("id = ? and conference_id = ?", [import_id, conf["id"]], limit=1))
    if not rows:
        raise NotFound(f"no import {import_id} for {conf['slug']!r}")
    return {**rows[0], "report": json.loads(rows[0]["report"])}


def _equal_field(name: str, a, b) -> bool:
    return _same_instant(a, b) if name in ("start", "end") else a == b


def _changes(before: dict, row: dict) -> dict:
    return {k: (before[k], row[k]) for k in WATCHED if not _equal_field(k, before[k], row[k])}


def _show(name: str, value):
    return json.loads(value) if name == "speakers" and value else value
