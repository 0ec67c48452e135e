"""Merging a re-import, as a pure diff: the stored rows and the new timetable in, a change report out.

Sessions are matched by their stable key, never by time or room (a moved talk is a change, not a
removal plus an addition). A session the new timetable lacks is removed, unless the attendee has
marks, notes or links on it: then it is kept and flagged cancelled. The store applies the result in
one BEGIN IMMEDIATE transaction (`store.apply_import`); a dry run shows the same report and writes
nothing (`store.preview_import`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from .errors import BadInput
from .model import Session, Timetable, to_iso

# Fields whose change a re-import reports to the attendee, and which bump the calendar SEQUENCE.
WATCHED = ("start", "end", "room", "title", "speakers")


def row(s: Session) -> dict:
    """The stored form of a parsed session: the `sessions` table's timetable columns (what the diff compares)."""
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


@dataclass(frozen=True)
class ChangeReport:
    """What an import does, for the attendee (and the import history, as JSON).

    added/cancelled/removed: [{"key", "title"}]; changed: [{"key", "title", "fields": {name: [old, new]}}]
    (a reinstated session has the field "reinstated": [true, false]); unchanged: a count; notes: what the
    parser noticed (time zones, shared ids).
    """

    added: tuple[dict, ...] = ()
    changed: tuple[dict, ...] = ()
    cancelled: tuple[dict, ...] = ()
    removed: tuple[dict, ...] = ()
    unchanged: int = 0
    notes: tuple[str, ...] = ()

    def as_json(self, created: bool) -> dict:
        return {
            "added": list(self.added),
            "changed": list(self.changed),
            "cancelled": list(self.cancelled),
            "removed": list(self.removed),
            "unchanged": self.unchanged,
            "notes": list(self.notes),
            "created": created,
        }


@dataclass(frozen=True)
class Diff:
    """The report plus what the store must write to apply it (row ids are the stored rows' `id`)."""

    report: ChangeReport
    inserts: tuple[dict, ...] = ()  # full rows, without conference_id
    updates: tuple[tuple[int, dict], ...] = ()  # (row id, columns to set)
    deletes: tuple[int, ...] = ()
    data_changed: bool = False  # anything a calendar or grid shows changed: the store bumps data_version


def _same_instant(a: str | None, b: str | None) -> bool:
    """Two stored times are equal when they name the same instant (offset spelling aside)."""
    if a is None or b is None:
        return a is b
    return datetime.fromisoformat(a) == datetime.fromisoformat(b)


def _equal_field(name: str, a, b) -> bool:
    return _same_instant(a, b) if name in ("start", "end") else a == b


def _changes(before: Mapping, new: Mapping) -> dict:
    return {k: (before[k], new[k]) for k in WATCHED if not _equal_field(k, before[k], new[k])}


def _show(name: str, value):
    return json.loads(value) if name == "speakers" and value else value


def diff(old_rows: Iterable[Mapping], timetable: Timetable, keep: Iterable[str], now: str) -> Diff:
    """Compare the stored rows of one conference with a newly parsed timetable.

    `keep`: keys the attendee has data on (kept as cancelled instead of removed); `now`: the ISO time
    written into `updated_at` of what changes. Pure: reads nothing, writes nothing.
    """
    keys = [s.key for s in timetable.sessions]
    if len(keys) != len(set(keys)):  # parsers make keys unique; seeing this is a bug
        seen: set[str] = set()
        twice = next(k for k in keys if k in seen or seen.add(k))
        raise BadInput(f"the timetable has the session key {twice!r} twice", field="key")
    old = {r["key"]: r for r in old_rows}
    keep = set(keep)
    added, changed, cancelled, removed = [], [], [], []
    inserts, updates, deletes = [], [], []
    unchanged = 0
    touched = False
    for s in timetable.sessions:
        new = row(s)
        before = old.pop(s.key, None)
        if before is None:
            inserts.append({**new, "updated_at": now, "sequence": 0, "cancelled": 0})
            added.append({"key": s.key, "title": s.title})
            continue
        changes = _changes(before, new)
        other = {k: v for k, v in new.items() if before[k] != v and k not in WATCHED}
        if not changes and not other and not before["cancelled"]:
            unchanged += 1
            continue
        update = {**new, "cancelled": 0, "updated_at": now}  # an abstract edit is news to calendars too
        touched = True
        if changes or before["cancelled"]:
            previous = json.loads(before["previous"] or "{}")
            for name, (was, _now) in changes.items():
                previous.setdefault(name, was)
            # A field that moved back to where it was is no longer a change.
            previous = {k: v for k, v in previous.items() if not _equal_field(k, v, new[k])}
            update.update(
                previous=json.dumps(previous, ensure_ascii=False) if previous else None,
                sequence=before["sequence"] + 1,
            )
            fields = {k: [_show(k, a), _show(k, b)] for k, (a, b) in changes.items()}
            if before["cancelled"]:
                fields["reinstated"] = [True, False]
            changed.append({"key": s.key, "title": s.title, "fields": fields})
        else:
            unchanged += 1
        updates.append((before["id"], update))
    for key, before in old.items():
        if key in keep:
            if not before["cancelled"]:
                updates.append((before["id"], {"cancelled": 1, "sequence": before["sequence"] + 1, "updated_at": now}))
                cancelled.append({"key": key, "title": before["title"]})
        else:
            deletes.append(before["id"])
            removed.append({"key": key, "title": before["title"]})
    report = ChangeReport(
        added=tuple(added),
        changed=tuple(changed),
        cancelled=tuple(cancelled),
        removed=tuple(removed),
        unchanged=unchanged,
        notes=tuple(timetable.notes),
    )
    return Diff(
        report=report,
        inserts=tuple(inserts),
        updates=tuple(updates),
        deletes=tuple(deletes),
        data_changed=bool(touched or added or cancelled or removed),
    )
