"""Conferences and their sessions: reading them as `Conference` / `PlannedSession`, applying an import
(guarded: one that would take out more than half of the sessions or bring untimed ones into a timed
timetable needs `force`), undoing the last import, the import history, and the versions every kept
page or calendar is keyed by."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from .. import merge
from ..errors import NeedsConfirmation, NotFound
from ..links import safe_url
from ..messages import M, join
from ..model import (
    Conference,
    Link,
    PlannedSession,
    Timetable,
    conference_day,
    from_iso,
    now_utc,
    to_iso,
    zone,
)
from ..planning import clashes
from .access import setting
from .connection import database_path, write

# Tables that hold the attendee's own data about a session, keyed by (conference_id, key).
USER_TABLES = ("statuses", "notes", "user_links", "photos")


@dataclass(frozen=True)
class Versions:
    """Everything a kept page or calendar of a conference depends on that the store knows.

    Two equal Versions mean the same timetable, the same plan, the same reminder setting, in the
    same database file: a page or calendar built for one is right for the other.
    """

    database: str
    conference_id: int
    name: str
    timezone: str
    imported_at: str | None
    data_version: int  # bumped by every import that changes anything shown
    plan_version: int  # bumped by every mark set or cleared
    last_import: int | None
    alarm: str | None  # the reminder setting (calendars)


def versions(db: Database, conf: Conference) -> Versions:
    """The conference's current versions (read now, not from `conf`, which may be older)."""
    row = db.execute(
        "select name, timezone, imported_at, data_version, plan_version,"
        " (select max(id) from imports where conference_id = c.id) from conferences c where id = ?",
        [conf.id],
    ).fetchone()
    if row is None:
        raise NotFound(M("No conference '%(slug)s'.", slug=conf.slug))
    return Versions(database_path(db), conf.id, *row, alarm=setting(db, "alarm_minutes"))


# --- sessions as PlannedSession: built here, in one place ---------------------------------------

_COLUMNS = (
    "s.key, s.code, s.title, s.subtitle, {abstract}, s.start, s.end, s.room, s.room_code, s.track, s.type,"
    " s.language, s.speakers, s.url, s.links, s.is_break, s.cancelled, s.previous, s.sequence, s.updated_at,"
    " st.status"
)
_SELECT = (
    "select {columns} from sessions s left join statuses st"
    " on st.conference_id = s.conference_id and st.key = s.key where s.conference_id = ?"
)
# Grids, lists and reports never show abstracts: leaving them out halves what SQLite hands over.
_WITH_ABSTRACT = _SELECT.format(columns=_COLUMNS.format(abstract="s.abstract"))
_WITHOUT_ABSTRACT = _SELECT.format(columns=_COLUMNS.format(abstract="''"))
ORDER = " order by s.start is null, s.start, s.room, s.key"


def _in(keys) -> str:
    return f"({', '.join('?' for _ in keys)})"


def _clashes(db: Database, conf: Conference, planned: list[PlannedSession] | None) -> dict[str, list[str]]:
    """key -> clashing keys, from the sessions at hand or (for a few keys) from every chosen session."""
    if planned is None:
        tz = zone(conf.timezone)
        planned = [
            PlannedSession(key=k, code="", title="", start=from_iso(a, tz), end=from_iso(b, tz), status=st, cancelled=c)
            for k, a, b, st, c in db.execute(
                "select s.key, s.start, s.end, st.status, s.cancelled from sessions s join statuses st"
                " on st.conference_id = s.conference_id and st.key = s.key where s.conference_id = ?"
                " and st.status in ('going', 'speaking', 'attended') and s.start is not null",
                [conf.id],
            )
        ]
    return clashes(planned)


def planned_sessions(
    db: Database, conf: Conference, keys: list[str] | None = None, *, abstracts: bool = True
) -> list[PlannedSession]:
    """The conference's sessions (or those with `keys`) in a stable order (start, room, key).

    Each carries the attendee's status, the timetable's links then the attendee's, and its clashes.
    `abstracts=False` leaves abstracts out ("") for pages that never show them.
    """
    if keys is not None and not keys:
        return []
    tz = zone(conf.timezone)
    sql, params = (_WITH_ABSTRACT if abstracts else _WITHOUT_ABSTRACT), [conf.id]
    if keys is not None:
        sql += f" and s.key in {_in(keys)}"
        params += list(keys)
    mine: dict[str, list[Link]] = {}
    link_sql = "select id, key, url, kind, title from user_links where conference_id = ?"
    link_params: list[Any] = [conf.id]
    if keys is not None:
        link_sql += f" and key in {_in(keys)}"
        link_params += list(keys)
    for link_id, key, url, kind, title in db.execute(link_sql + " order by id", link_params):
        mine.setdefault(key, []).append(Link(url=url, kind=kind, title=title, id=link_id))
    built = []
    for (
        key,
        code,
        title,
        subtitle,
        abstract,
        start,
        end,
        room,
        room_code,
        track,
        kind,
        language,
        speakers,
        url,
        links,
        is_break,
        cancelled,
        previous,
        sequence,
        updated_at,
        status,
    ) in db.execute(sql + ORDER, params):
        start, end = from_iso(start, tz), from_iso(end, tz)
        timetable_links = (
            [Link(url=x["url"], kind=x.get("kind", ""), title=x.get("title", "")) for x in json.loads(links)]
            if links not in (None, "[]")
            else []
        )
        built.append(
            PlannedSession(
                key=key,
                code=code or "",
                title=title,
                subtitle=subtitle or "",
                abstract=abstract or "",
                start=start,
                end=end,
                day=conference_day(start) if start else None,
                room=room or "",
                room_code=room_code or "",
                track=track or "",
                type=kind or "",
                language=language or "",
                speakers=tuple(json.loads(speakers)) if speakers not in (None, "[]") else (),
                url=url or "",
                links=(*timetable_links, *mine.get(key, ())),
                is_break=bool(is_break),
                cancelled=bool(cancelled),
                previous=json.loads(previous) if previous else {},
                sequence=sequence or 0,
                updated_at=updated_at,
                status=status,
            )
        )
    found = _clashes(db, conf, built if keys is None else None)
    return [replace(s, clashes=tuple(found[s.key])) if found.get(s.key) else s for s in built]


def planned_session(db: Database, conf: Conference, key: str, *, abstracts: bool = True) -> PlannedSession:
    """One session (with status, links and clashes), or NotFound."""
    found = planned_sessions(db, conf, [key], abstracts=abstracts)
    if not found:
        raise NotFound(M("No session '%(key)s' in '%(slug)s'.", key=key, slug=conf.slug))
    return found[0]


def require_sessions(db: Database, conf: Conference, keys: list[str]) -> None:
    """NotFound naming the first of `keys` the conference does not have."""
    if not keys:
        return
    known = {
        r[0]
        for r in db.execute(
            f"select key from sessions where conference_id = ? and key in {_in(keys)}", [conf.id, *keys]
        )
    }
    missing = [k for k in keys if k not in known]
    if missing:
        raise NotFound(M("No session '%(key)s' in '%(slug)s'.", key=missing[0], slug=conf.slug))


# --- imports -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    """An applied (or previewed) import: the conference, the change report and the history entry."""

    slug: str
    created: bool
    report: merge.ChangeReport
    format: str = ""
    import_id: int | None = None  # None for a preview

    added = property(lambda self: list(self.report.added))
    changed = property(lambda self: list(self.report.changed))
    cancelled = property(lambda self: list(self.report.cancelled))
    removed = property(lambda self: list(self.report.removed))
    unchanged = property(lambda self: self.report.unchanged)
    notes = property(lambda self: list(self.report.notes))
    skipped = property(lambda self: list(self.report.skipped))
    risks = property(lambda self: list(self.report.risks))

    def summary(self) -> str:
        r = self.report
        line = (
            f"{self.slug}: {len(r.added)} added, {len(r.changed)} changed, "
            f"{len(r.cancelled)} cancelled, {len(r.removed)} removed, {r.unchanged} unchanged"
        )
        return line + (f", {len(r.skipped)} skipped" if r.skipped else "")


def _keys_with_user_data(db: Database, conference_id: int) -> set[str]:
    keys: set[str] = set()
    for table in USER_TABLES:
        keys.update(
            r[0] for r in db.execute(f"select distinct key from {table} where conference_id = ?", [conference_id])
        )
    return keys


def _conference_fields(timetable: Timetable, now: str) -> dict:
    tz = zone(timetable.timezone)
    days = sorted(conference_day(s.start.astimezone(tz)) for s in timetable.sessions if s.start)
    return {
        "timezone": timetable.timezone,
        "start_date": days[0].isoformat() if days else None,
        "end_date": days[-1].isoformat() if days else None,
        "rooms": json.dumps(timetable.rooms, ensure_ascii=False),
        "imported_at": now,
    }


def _stored_rows(db: Database, conf_id: int | None) -> list[dict]:
    return list(db["sessions"].rows_where("conference_id = ?", [conf_id], order_by="id")) if conf_id else []


def _diff(db: Database, slug: str, timetable: Timetable, now: str) -> tuple[int | None, list[dict], merge.Diff]:
    existing = db.execute("select id from conferences where slug = ?", [slug]).fetchone()
    conf_id = existing[0] if existing else None
    old = _stored_rows(db, conf_id)
    keep = _keys_with_user_data(db, conf_id) if conf_id else set()
    return conf_id, old, merge.diff(old, timetable, keep, now)


def _read_state(db: Database, slug: str) -> tuple:
    """What a diff depends on, cheaply: the conference, its data version, its rows, the attendee's keys."""
    row = db.execute(
        "select c.id, c.data_version, (select count(*) from sessions where conference_id = c.id),"
        " (select max(id) from sessions where conference_id = c.id) from conferences c where slug = ?",
        [slug],
    ).fetchone()
    if row is None:
        return (None,)
    return (*row, frozenset(_keys_with_user_data(db, row[0])))


def _insert_sql(columns: list[str]) -> str:
    names = ", ".join(f'"{c}"' for c in columns)  # quoted: "end" is an SQL keyword
    return f"insert into sessions ({names}) values ({', '.join('?' for _ in columns)})"


def _write_rows(db: Database, conf_id: int, diff: merge.Diff) -> None:
    """Apply a diff's rows with one prepared statement per shape (executemany): a 20,000-row import
    costs SQLite's time, not a Python loop's, while the write lock is held."""
    if diff.inserts:
        columns = [*diff.inserts[0], "conference_id"]
        db.conn.executemany(_insert_sql(columns), ([*(r[c] for c in columns[:-1]), conf_id] for r in diff.inserts))
    shapes: dict[tuple[str, ...], list[list]] = {}
    for row_id, change in diff.updates:
        shapes.setdefault(tuple(change), []).append([*change.values(), row_id])
    for columns, params in shapes.items():
        assignments = ", ".join(f'"{c}" = ?' for c in columns)
        db.conn.executemany(f"update sessions set {assignments} where id = ?", params)
    if diff.deletes:
        db.conn.executemany("delete from sessions where id = ?", [(row_id,) for row_id in diff.deletes])


def preview_import(db: Database, slug: str, timetable: Timetable, fmt: str = "") -> ImportResult:
    """What importing `timetable` into `slug` would do (with its risks); writes nothing (a dry run)."""
    zone(timetable.timezone)
    conf_id, _old, diff = _diff(db, slug, timetable, to_iso(now_utc()))
    return ImportResult(slug=slug, created=conf_id is None, report=diff.report, format=fmt)


def needs_confirmation(result: ImportResult) -> NeedsConfirmation:
    """The refusal of a risky import, carrying its report."""
    return NeedsConfirmation(
        M(
            "not imported into '%(slug)s': %(risks)s. Nothing was written: look at the report and confirm "
            "(the CLI: run again with --force; --dry-run shows the report)",
            slug=result.slug,
            risks=join(result.report.risks),
        ),
        result,
    )


# The conference fields an import writes, so that Undo puts back exactly those.
_UNDONE_FIELDS = (
    "timezone",
    "start_date",
    "end_date",
    "rooms",
    "imported_at",
    "source",
    "source_format",
    "source_options",
    "is_demo",
    "name",
    "url",
)


def _keep_for_undo(db: Database, conf_id: int, old_json: str, written: dict, now: str) -> None:
    """The timetable as it is before this import (the sessions' rows, as JSON built before the write
    lock was taken, and the fields it overwrites)."""
    before = db.execute(f"select {', '.join(_UNDONE_FIELDS)} from conferences where id = ?", [conf_id]).fetchone()
    fields = {k: v for k, v in zip(_UNDONE_FIELDS, before, strict=True) if k in written}
    db["import_undo"].upsert(
        {
            "conference_id": conf_id,
            "import_id": None,
            "taken_at": now,
            "conference": json.dumps(fields, ensure_ascii=False),
            "sessions": old_json,
        },
        pk="conference_id",
    )


def apply_import(
    db: Database,
    slug: str,
    timetable: Timetable,
    *,
    name: str = "",
    source: str = "",
    fmt: str = "",
    source_options: dict | None = None,
    is_demo: bool = False,
    force: bool = False,
) -> ImportResult:
    """Create the conference or merge a re-import into it (merge.diff), in one BEGIN IMMEDIATE transaction.

    The times are kept in `timetable.timezone`. The import is recorded in the history with its report,
    and the timetable as it was before is kept for `undo_import`. An import with risks (the report's
    `risks`: more than half of the sessions out, untimed sessions into a timed timetable) raises
    NeedsConfirmation and writes nothing, unless `force`.
    The diff (and the undo copy) is built aside, before the write lock is taken (issue 17: a
    20,000-session import must not hold up autosaves for seconds); inside the lock it is used only if
    nothing it read has changed since, else it is built again there. The rows are then written with
    executemany (`_write_rows`).
    """
    now = to_iso(now_utc())
    fields = {
        **_conference_fields(timetable, now),
        "source": source,
        "source_format": fmt,
        "source_options": json.dumps(source_options or {}),
        "is_demo": int(is_demo),
    }
    state = _read_state(db, slug)
    conf_id, old, diff = _diff(db, slug, timetable, now)
    undo_rows = json.dumps(old, ensure_ascii=False)
    with write(db):
        if _read_state(db, slug) != state:  # another import, a restore or a new note came between
            conf_id, old, diff = _diff(db, slug, timetable, now)
            undo_rows = json.dumps(old, ensure_ascii=False)
        created = conf_id is None
        if diff.report.risks and not force:
            raise needs_confirmation(ImportResult(slug=slug, created=created, report=diff.report, format=fmt))
        if created:
            conf_id = (
                db["conferences"]
                .insert(
                    {
                        "slug": slug,
                        "name": name or timetable.name or slug,
                        "url": timetable.url,
                        "language": timetable.language,
                        **fields,
                    }
                )
                .last_pk
            )
        else:
            update = dict(fields)
            if name:
                update["name"] = name
            current_url = db.execute("select url from conferences where id = ?", [conf_id]).fetchone()[0]
            if timetable.url and not current_url:  # a URL already there (perhaps the user's own) stays
                update["url"] = timetable.url
            _keep_for_undo(db, conf_id, undo_rows, update, now)
            db["conferences"].update(conf_id, update)
        _write_rows(db, conf_id, diff)
        if diff.data_changed or created:
            db["settings"].upsert({"name": "search_index_stale", "value": "1"}, pk="name")
            db.execute("update conferences set data_version = data_version + 1 where id = ?", [conf_id])
        import_id = (
            db["imports"]
            .insert(
                {
                    "conference_id": conf_id,
                    "at": now,
                    "source": source,
                    "format": fmt,
                    "report": json.dumps(diff.report.as_json(created), ensure_ascii=False),
                }
            )
            .last_pk
        )
        if not created:
            db.execute("update import_undo set import_id = ? where conference_id = ?", [import_id, conf_id])
        # to the microsecond: two imports within one second still tell which recording came last
        _note_recordings(db, conf_id, datetime.now(UTC).isoformat(timespec="microseconds"))
    return ImportResult(slug=slug, created=created, report=diff.report, format=fmt, import_id=import_id)


def _note_recordings(db: Database, conference_id: int, now: str) -> None:
    """Remember when each video link of the conference's sessions was first seen (inside an import's
    transaction; a link seen before keeps its first time)."""
    rows = db.execute(
        "select key, links from sessions where conference_id = ? and links like '%\"video\"%'", [conference_id]
    ).fetchall()
    for key, links in rows:
        for link in json.loads(links or "[]"):
            if link.get("kind") == "video" and safe_url(link.get("url")):
                db.execute(
                    "insert or ignore into recordings (conference_id, key, url, first_seen) values (?, ?, ?, ?)",
                    [conference_id, key, link["url"], now],
                )


def can_undo(db: Database, conf: Conference) -> int | None:
    """The id of the import `undo_import` would take back (the last one), or None."""
    row = db.execute(
        "select u.import_id from import_undo u where u.conference_id = ?"
        " and u.import_id = (select max(id) from imports where conference_id = u.conference_id)",
        [conf.id],
    ).fetchone()
    return row[0] if row else None


def undo_import(db: Database, conf: Conference) -> ImportResult:
    """Put the timetable back as it was before the last import: its sessions (times, rooms, titles,
    cancelled flags, change history) and the conference fields that import wrote. The attendee's marks,
    notes and links are untouched. Recorded in the import history (format "undo"); one level only.
    NotFound when there is nothing to undo (no import since the conference was created, or undone already).
    """
    now = to_iso(now_utc())
    with write(db):
        import_id = can_undo(db, conf)
        if import_id is None:
            last = db.execute(
                "select format from imports where conference_id = ? order by id desc limit 1", [conf.id]
            ).fetchone()
            if last and last[0] == "undo":
                raise NotFound(
                    M(
                        "nothing to undo: the last import into '%(slug)s' was already undone "
                        "(only the last import can be undone, once)",
                        slug=conf.slug,
                    )
                )
            raise NotFound(
                M("nothing to undo for '%(slug)s': no import to take back since it was created", slug=conf.slug)
            )
        fields_json, rows_json = db.execute(
            "select conference, sessions from import_undo where conference_id = ?", [conf.id]
        ).fetchone()
        restored = json.loads(rows_json)
        current = _stored_rows(db, conf.id)
        db.execute("delete from sessions where conference_id = ?", [conf.id])
        if restored:  # executemany, as imports write (issue 17): the lock is held for SQLite's time only
            columns = [k for k in restored[0] if k != "id"]
            db.conn.executemany(_insert_sql(columns), ([r.get(c) for c in columns] for r in restored))
        db["conferences"].update(conf.id, json.loads(fields_json))
        db.execute("update conferences set data_version = data_version + 1 where id = ?", [conf.id])
        db["settings"].upsert({"name": "search_index_stale", "value": "1"}, pk="name")
        report = merge.compare_rows(current, restored)
        report_json = {**report.as_json(False), "undone": import_id}
        new_id = (
            db["imports"]
            .insert(
                {
                    "conference_id": conf.id,
                    "at": now,
                    "source": f"undo of import {import_id}",
                    "format": "undo",
                    "report": json.dumps(report_json, ensure_ascii=False),
                }
            )
            .last_pk
        )
        db.execute("delete from import_undo where conference_id = ?", [conf.id])
    return ImportResult(slug=conf.slug, created=False, report=report, format="undo", import_id=new_id)


def import_if_empty(
    db: Database, slug: str, timetable: Timetable, *, source: str = "", fmt: str = "", is_demo: bool = False
) -> ImportResult | None:
    """`apply_import` when the database holds no conference at all (the demo); None otherwise.

    Workers starting together take turns: the second sees the first's conference and adds nothing.
    """
    if db.execute("select exists (select 1 from conferences)").fetchone()[0]:
        return None
    with write(db):
        if db.execute("select exists (select 1 from conferences)").fetchone()[0]:
            return None
        return apply_import(db, slug, timetable, source=source, fmt=fmt, is_demo=is_demo)


def insert_rows_as_they_are(db: Database, rows: list[dict]) -> None:
    """The floor the bench measures imports against: rows inserted with no merge (a scratch file only)."""
    db["sessions"].insert_all(rows)


def last_import_id(db: Database, conf: Conference) -> int | None:
    row = db.execute("select max(id) from imports where conference_id = ?", [conf.id]).fetchone()
    return row[0] if row else None


def import_report(db: Database, conf: Conference, import_id: int) -> dict:
    """One entry of the import history: {id, at, source, format, report (ChangeReport.as_json)}."""
    rows = list(db["imports"].rows_where("id = ? and conference_id = ?", [import_id, conf.id], limit=1))
    if not rows:
        raise NotFound(M("No import %(n)d in '%(slug)s'.", n=import_id, slug=conf.slug))
    return {**rows[0], "report": json.loads(rows[0]["report"])}
