"""Merging a re-import, as a pure diff: the stored rows and the new timetable in, a change report out.

Sessions are matched by their stable key, never by time or room (a moved talk is a change, not a
removal plus an addition). Sessions left over on both sides are then matched by pretalx's talk code
(in a URL `/talk/CODE/`, a calendar UID `pretalx-<event>-CODE@host`, or the code itself), so the
.ics of an event re-imported over its XML/JSON changes nothing; the stored key stays. A session the
new timetable lacks is removed, unless the attendee has marks, notes or links on it: then it is kept
and flagged cancelled. Changes to the watched fields (time, room, title, speakers) are reported with
old and new values; other changes (an abstract edit) by name. A link of kind `video` that a session
did not have before (the organisers published the recording) is reported in `recordings`.

`ChangeReport.risks` says why an import must be confirmed first: it would take more than half of the
conference's sessions out, or bring sessions without a time into a timetable that has times. The
store applies the result in one BEGIN IMMEDIATE transaction (`store.apply_import`); a dry run shows
the same report and writes nothing (`store.preview_import`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from .errors import BadInput
from .messages import M, to_json
from .model import Session, Timetable, to_iso

# Fields whose change a re-import reports to the attendee, and which bump the calendar SEQUENCE.
WATCHED = ("start", "end", "room", "title", "speakers")
# Other columns a re-import may change: reported by name ("abstract"), without their texts.
DETAILS = ("code", "subtitle", "abstract", "room_code", "track", "type", "language", "url", "links", "is_break")

_PRETALX_UID = re.compile(r"^pretalx-.+-([A-Za-z0-9]+)@")
_TALK_URL = re.compile(r"/talk/([A-Za-z0-9]+)/?$")
_TALK_CODE = re.compile(r"^[A-Z0-9]{5,8}$")


def identities(key: str, code: str, url: str) -> set[str]:
    """The talk codes a session is known by besides its key (pretalx: URL, calendar UID, code)."""
    found = set()
    for match in (_PRETALX_UID.match(key or ""), _TALK_URL.search(url or "")):
        if match:
            found.add(match.group(1).upper())
    if code and _TALK_CODE.match(code):
        found.add(code)
    return found


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

    added/cancelled/removed: [{"key", "title", "code", "start", "end", "room"}] (the last four where known:
    reports written before they were kept have only key and title); changed: [{"key", "title", "fields": {name: [old, new]},
    "details": [names]}] (a reinstated session has the field "reinstated": [true, false]; "details" names
    the other columns that changed, such as "abstract"); unchanged: a count; notes: what the parser noticed
    (time zones, shared ids, what was left out); skipped: the items of the file that could not be used,
    each with its place and why (notes and skipped are messages.Message: JSON {"msgid", "params"}); risks: why this import needs confirming (empty: it does not); before:
    the number of sessions the conference had in its timetable; untimed: sessions without a time;
    untimed_in: those of them it brings into a timetable that has times (one of the risks);
    recordings: "recording published": [{"key", "title", "url"}] for each video link a session already
    in the timetable did not have before.
    """

    added: tuple[dict, ...] = ()
    changed: tuple[dict, ...] = ()
    cancelled: tuple[dict, ...] = ()
    removed: tuple[dict, ...] = ()
    unchanged: int = 0
    notes: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    risks: tuple[str, ...] = ()
    before: int = 0
    untimed: int = 0
    untimed_in: int = 0
    recordings: tuple[dict, ...] = ()

    def as_json(self, created: bool) -> dict:
        return {
            "added": list(self.added),
            "changed": list(self.changed),
            "cancelled": list(self.cancelled),
            "removed": list(self.removed),
            "unchanged": self.unchanged,
            "notes": [to_json(n) for n in self.notes],
            "skipped": [to_json(s) for s in self.skipped],
            "risks": [to_json(r) for r in self.risks],
            "before": self.before,
            "untimed": self.untimed,
            "untimed_in": self.untimed_in,
            "recordings": list(self.recordings),
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


def _entry(key: str, title: str, stored: Mapping) -> dict:
    """A session as the report names it: key and title, and its code, times and room when it has them."""
    entry = {"key": key, "title": title}
    for name in ("code", "start", "end", "room"):
        if stored.get(name):
            entry[name] = stored[name]
    return entry


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


def video_urls(links_json: str | None) -> list[str]:
    """The URLs of a stored links column's video links (recordings), in order."""
    return [x["url"] for x in json.loads(links_json or "[]") if isinstance(x, dict) and x.get("kind") == "video"]


def _matched_by_code(old: Mapping[str, Mapping], sessions: list[Session]) -> dict[int, str]:
    """id(session) -> stored key, for new sessions whose key is unknown but whose talk code is a stored one's."""
    new_keys = {s.key for s in sessions}
    stored: dict[str, list[str]] = {}
    for key, r in old.items():
        if key not in new_keys:
            for code in identities(key, r.get("code") or "", r.get("url") or ""):
                stored.setdefault(code, []).append(key)
    incoming: dict[str, list[Session]] = {}
    for s in sessions:
        if s.key not in old:
            for code in identities(s.key, s.code, s.url):
                incoming.setdefault(code, []).append(s)
    matched: dict[int, str] = {}
    taken: set[str] = set()
    for code, found in incoming.items():
        keys = stored.get(code, [])
        if len(found) == 1 and len(keys) == 1 and keys[0] not in taken and id(found[0]) not in matched:
            matched[id(found[0])] = keys[0]
            taken.add(keys[0])
    return matched


def untimed_into_timed(old_rows: list[Mapping], sessions: list[tuple[str, Session]]) -> int:
    """How many sessions without a time an import brings into a timetable that has times (0: none, or no times)."""
    live = [r for r in old_rows if not r["cancelled"]]
    if not any(r["start"] for r in live):
        return 0
    timed = {r["key"] for r in live if r["start"]}
    known = {r["key"] for r in live}
    return sum(1 for key, s in sessions if s.start is None and (key in timed or key not in known))


def risks(before: int, gone: int, untimed_in: int) -> tuple[str, ...]:
    """Why an import must be confirmed before it is applied (empty: it need not be).

    before: the sessions the timetable has; gone: how many the import takes out (removed or cancelled);
    untimed_in: sessions without a time it brings into a timetable that has times.
    """
    found = []
    if before and gone * 2 > before:
        found.append(
            M(
                "it would take %(gone)d of the %(before)d sessions out of the timetable (more than half)",
                gone=gone,
                before=before,
            )
        )
    if untimed_in:
        found.append(M("it would bring %(n)d sessions without a time into a timetable that has times", n=untimed_in))
    return tuple(found)


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
    old_rows = list(old_rows)
    old = {r["key"]: r for r in old_rows}
    rekeyed = _matched_by_code(old, timetable.sessions)
    sessions = [(rekeyed.get(id(s), s.key), s) for s in timetable.sessions]
    keep = set(keep)
    added, changed, cancelled, removed, recordings = [], [], [], [], []
    inserts, updates, deletes = [], [], []
    unchanged = 0
    touched = False
    for key, s in sessions:
        new = {**row(s), "key": key}
        before = old.pop(key, None)
        if before is None:
            inserts.append({**new, "updated_at": now, "sequence": 0, "cancelled": 0})
            added.append(_entry(key, s.title, new))
            continue
        for name in timetable.keeps:  # what this source does not carry stays as the richer one gave it
            new[name] = before[name]
        changes = _changes(before, new)
        known = set(video_urls(before["links"]))
        recordings += [{"key": key, "title": s.title, "url": u} for u in video_urls(new["links"]) if u not in known]
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
        entry = {"key": key, "title": s.title, "fields": fields}
        details = [k for k in DETAILS if k in other]
        if details:
            entry["details"] = details
        if fields or details:
            changed.append(entry)
        else:  # only the key's spelling or a bookkeeping column moved
            unchanged += 1
        updates.append((before["id"], update))
    for key, before in old.items():
        if key in keep:
            if not before["cancelled"]:
                updates.append((before["id"], {"cancelled": 1, "sequence": before["sequence"] + 1, "updated_at": now}))
                cancelled.append(_entry(key, before["title"], before))
        else:
            deletes.append(before["id"])
            removed.append(_entry(key, before["title"], before))
    before = sum(1 for r in old_rows if not r["cancelled"])
    untimed_in = untimed_into_timed(old_rows, sessions)
    notes = list(timetable.notes)
    if rekeyed:
        notes.append(M("%(n)d sessions matched to the stored ones by their talk code (another export)", n=len(rekeyed)))
    report = ChangeReport(
        added=tuple(added),
        changed=tuple(changed),
        cancelled=tuple(cancelled),
        removed=tuple(removed),
        unchanged=unchanged,
        notes=tuple(notes),
        skipped=tuple(x.message() for x in timetable.skipped),
        risks=risks(before, len(removed) + len(cancelled), untimed_in),
        before=before,
        untimed=sum(1 for s in timetable.sessions if s.start is None),
        untimed_in=untimed_in,
        recordings=tuple(recordings),
    )
    return Diff(
        report=report,
        inserts=tuple(inserts),
        updates=tuple(updates),
        deletes=tuple(deletes),
        data_changed=bool(touched or added or cancelled or removed),
    )


def compare_rows(before: Iterable[Mapping], after: Iterable[Mapping]) -> ChangeReport:
    """What going from one set of stored rows to another changes (an undo's report). Pure."""
    old = {r["key"]: r for r in before}
    new = {r["key"]: r for r in after}
    changed, unchanged = [], 0
    for key in old.keys() & new.keys():
        a, b = old[key], new[key]
        fields = {k: [_show(k, x), _show(k, y)] for k, (x, y) in _changes(a, b).items()}
        if bool(a["cancelled"]) != bool(b["cancelled"]):
            fields["cancelled"] = [bool(a["cancelled"]), bool(b["cancelled"])]
        details = [k for k in DETAILS if a[k] != b[k]]
        if fields or details:
            changed.append(
                {"key": key, "title": b["title"], "fields": fields, **({"details": details} if details else {})}
            )
        else:
            unchanged += 1
    return ChangeReport(
        added=tuple(_entry(k, r["title"], r) for k, r in new.items() if k not in old),
        changed=tuple(sorted(changed, key=lambda c: c["key"])),
        removed=tuple(_entry(k, r["title"], r) for k, r in old.items() if k not in new),
        unchanged=unchanged,
        before=sum(1 for r in old.values() if not r["cancelled"]),
        untimed=sum(1 for r in new.values() if not r["start"]),
    )
