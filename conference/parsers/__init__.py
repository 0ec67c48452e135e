"""Timetable parsers: one module per format, one registry, one detector.

Contract: a parser is a pure function ``parse(data: bytes, options: Options) -> Timetable``. It never
touches Flask, the database or the network. It raises ``ParseError`` naming the format, the place
(line, element, field) and the reason. Every session it returns has an aware start/end (or neither,
when unscheduled) and a key; `parse` below makes keys unique and says so in the timetable's notes.

A format is claimed only when its required fields are there: JSON is read whole and recognised by
its shape (Sessionize needs `startsAt`, pretalx's schedule needs `schedule.conference`, …); a file
that is none of them is refused with what it looks like, what is missing, and how to read it
(`--format`, or `--records PATH --map FIELD=PATH` for your own JSON/YAML). An item a parser cannot
use is skipped and named (`Timetable.skipped`); a file that gives no session at all is refused.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable

from ..errors import ParseError
from ..messages import M
from ..model import MAX_BYTES, MAX_SESSIONS, Skipped, Timetable, derive_key, room_order, strip_controls, zone
from . import csv_table, fortee, frab_xml, ical, pretalx, records, schedule_json, sessionize
from .common import Options, invalid_json, too_many_sessions
from .records import MappingHelp
from .rows import FIELDS

# name -> (label, parser). The label is a Message: str() is English (the CLI), the import form translates it.
PARSERS: dict[str, tuple[M, Callable[[bytes, Options], Timetable]]] = {
    "frab-xml": (M("frab / pentabarf schedule XML"), frab_xml.parse),
    "schedule-json": (M("pretalx / c3voc schedule JSON"), schedule_json.parse),
    "pretalx-api": (M("pretalx API JSON (talks, submissions)"), pretalx.parse_api),
    "pretalx-widget": (M("pretalx schedule widget JSON"), pretalx.parse_widget),
    "sessionize": (M("Sessionize API JSON"), sessionize.parse),
    "fortee": (M("fortee timetable JSON"), fortee.parse),
    "ics": (M("iCalendar (.ics)"), ical.parse),
    "csv": (M("CSV / TSV spreadsheet"), csv_table.parse),
    "custom-json": (M("Other JSON (choose the list and fields)"), records.parse_json),
    "yaml": (M("YAML (choose the list and fields)"), records.parse_yaml),
}
MAPPED = ("custom-json", "yaml")  # formats read with --records / --map

__all__ = [
    "FIELDS",
    "MAPPED",
    "MAX_BYTES",
    "PARSERS",
    "MappingHelp",
    "Options",
    "ParseError",
    "detect_format",
    "json_format",
    "mapping_help",
    "parse",
]

_YAML_START = re.compile(rb"^(?:---|%YAML|[A-Za-z_][\w .-]*:(?:[ \t]|$)|- )", re.MULTILINE)


def json_format(doc) -> str | None:
    """The format a JSON document is, judged by the fields each format requires; None when none fits."""
    if isinstance(doc, dict):
        schedule = doc.get("schedule")
        if isinstance(schedule, dict) and isinstance(schedule.get("conference"), dict):
            return "schedule-json"
        for key in ("timetable", "proposals"):
            items = doc.get(key)
            if isinstance(items, list):
                sample = [x for x in items[:20] if isinstance(x, dict)]
                if not sample or all(
                    "title" in x and ({"uuid", "starts_at", "timetable", "accepted"} & set(x)) for x in sample
                ):
                    return "fortee"
        if pretalx.is_widget(doc):
            return "pretalx-widget"
        if pretalx.api_results(doc) is not None:
            return "pretalx-api"
        if isinstance(doc.get("sessions"), list):
            raw = doc["sessions"]
            if raw and isinstance(raw[0], dict) and "sessions" in raw[0] and "title" not in raw[0]:
                raw = [s for group in raw if isinstance(group, dict) for s in group.get("sessions") or []]
            if not sessionize.missing_fields(raw):
                return "sessionize"
    if isinstance(doc, list):
        if pretalx.api_results(doc) is not None:
            return "pretalx-api"
        days = [d for d in doc[:10] if isinstance(d, dict)]
        if days and all("rooms" in d or "timeSlots" in d for d in days):
            return "sessionize"  # GridSmart: days -> rooms -> sessions
    return None


def _near_miss(doc) -> M | str:
    """Which known format a JSON document almost is, and what it lacks."""
    if not isinstance(doc, dict):
        return ""
    if "sessions" in doc and isinstance(doc["sessions"], list):
        return sessionize.missing_fields(doc["sessions"]) or M("its sessions[] are not Sessionize's")
    if "schedule" in doc:
        return M('it has "schedule", but not pretalx/frab\'s {"schedule": {"conference": …}}')
    if "timetable" in doc or "proposals" in doc:
        return M("it has a timetable/proposals list, but not fortee's fields (uuid, title, starts_at)")
    if "talks" in doc:
        return M("it has talks[], but not pretalx's (code, title, and rooms/speakers beside them)")
    return ""


def _unknown_json(doc) -> ParseError:
    near = _near_miss(doc)
    return ParseError(
        "json",
        M("top level"),
        M(
            "JSON, but not a timetable format this app knows (frab/pretalx, pretalx API or widget, Sessionize, "
            "fortee)%(near)s. It is %(shape)s. If it is your own JSON, say which list holds the sessions and "
            "which field is which: --records PATH --map title=… --map start=… (or --format to insist on a format)",
            near=M(": %(why)s", why=near) if near else "",
            shape=records.describe(doc),
        ),
    )


def _load_any_json(data: bytes, filename: str):
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ParseError("json", M("byte %(n)d", n=exc.start), M("not UTF-8 text")) from exc
    except json.JSONDecodeError as exc:
        hint = ""
        if filename.lower().endswith(".json5") or "property name enclosed in double quotes" in exc.msg:
            hint = M(" (keys without quotes and trailing commas are JSON5 or JavaScript, not JSON: convert it to JSON)")
        raise ParseError(
            "json", M("line %(line)d column %(column)d", line=exc.lineno, column=exc.colno), invalid_json(exc.msg, hint)
        ) from exc
    except RecursionError as exc:  # [[[[…: named, never a crash (issue 17)
        raise ParseError("json", "", M("the JSON is nested too deeply")) from exc


def _looks_like_yaml(data: bytes, filename: str) -> bool:
    name = filename.lower()
    if name.endswith((".yml", ".yaml")):
        return True
    if name.endswith((".csv", ".tsv", ".txt")):
        return False
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    first = head.split(b"\n", 1)[0]
    if not _YAML_START.match(first) or first.count(b",") >= 2 or b"\t" in first:
        return False
    try:
        doc = records.load_yaml(data)
    except ParseError:
        return False
    return isinstance(doc, dict | list)


def detect_format(data: bytes, filename: str = "", content_type: str = "", options: Options | None = None) -> str:
    """Name the format from the content first; the file name and content type only break ties.

    `options` with --records/--map: the user's own JSON/YAML (or CSV with --map).
    """
    options = options or Options()
    head = data[:65536].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise ParseError("timetable", "", M("the file is empty"))
    if b"\x00" in data[:4096]:
        raise ParseError("timetable", "", M("binary data, not a timetable"))
    if ical.html_comment_wrapped(data):
        return "ics"  # refused by the calendar parser with what to do
    if head.startswith(b"<"):
        if re.search(rb"<schedule[\s>/]", head):
            return "frab-xml"
        if re.search(rb"<html[\s>]|<!doctype html", head, re.IGNORECASE):
            raise ParseError("timetable", "", M("an HTML page, not a timetable (is the URL the schedule's export?)"))
        root = re.search(rb"<([A-Za-z_][\w.-]*)", head.split(b"?>", 1)[-1])
        shown = M(" (its root is <%(root)s>)", root=root.group(1).decode("ascii", "replace")) if root else ""
        raise ParseError("timetable", "", M("XML, but not a frab/pentabarf <schedule>%(root)s", root=shown))
    if head.startswith(b"BEGIN:VCALENDAR"):
        return "ics"
    if head[:1] in (b"{", b"["):
        doc = _load_any_json(data, filename)
        if options.mapped:
            return "custom-json"
        found = json_format(doc)
        if found is None:
            raise _unknown_json(doc)
        return found
    if _looks_like_yaml(data, filename):
        return "yaml"
    name = filename.lower()
    if name.endswith((".csv", ".tsv", ".txt")) or "csv" in content_type or head.count(b"\n") >= 1:
        if options.records is not None:
            raise ParseError(
                "csv", "--records", M("a spreadsheet has no lists to choose: leave out --records (--map works)")
            )
        return "csv"
    raise ParseError("timetable", "", M("not a timetable format this app knows"))


def _disambiguate(timetable: Timetable) -> None:
    """Make every key unique: a shared key gets the title-and-speakers key, then an occurrence number."""
    counts = Counter(s.key for s in timetable.sessions)
    shared = {k for k, n in counts.items() if n > 1}
    if not shared:
        return
    seen: Counter = Counter()
    for s in sorted((s for s in timetable.sessions if s.key in shared), key=lambda s: (s.start is None, s.start)):
        base = f"{s.key}/{derive_key(s.title, s.speakers)}"
        seen[base] += 1
        s.key = base if seen[base] == 1 else f"{base}~{seen[base]}"
    n = sum(counts[k] for k in shared)
    timetable.notes.append(
        M("%(n)d sessions shared %(ids)d ids in the file; each was given its own key", n=n, ids=len(shared))
    )


_TEXT_FIELDS = ("key", "code", "title", "subtitle", "abstract", "room", "room_code", "track", "type", "language", "url")


def _strip_controls(timetable: Timetable) -> None:
    """Control characters go at import (issue 17): whatever a file says, no stored text can carry one."""
    timetable.name, timetable.url = strip_controls(timetable.name), strip_controls(timetable.url)
    timetable.rooms = [strip_controls(r) for r in timetable.rooms]
    for s in timetable.sessions:
        for name in _TEXT_FIELDS:
            value = getattr(s, name)
            if value:
                setattr(s, name, strip_controls(value))
        s.speakers = [strip_controls(x) for x in s.speakers]
        s.links = [{k: strip_controls(v) if isinstance(v, str) else v for k, v in x.items()} for x in s.links]


def _check_what_was_read(fmt: str, timetable: Timetable) -> None:
    """Refuse a file that gave no session (naming the first unusable item, if any); say what is untimed."""
    good, bad = len(timetable.sessions), len(timetable.skipped)
    if not good and bad:
        first = timetable.skipped[0]
        more = ""
        if bad == 2:
            more = M("; 1 other item could not be used either")
        elif bad > 2:
            more = M("; %(n)d other items could not be used either", n=bad - 1)
        raise ParseError(fmt, first.where, M("%(why)s%(more)s; nothing was imported", why=first.why, more=more))
    if not good:
        raise ParseError(fmt, "", M("no sessions in the file: nothing to import"))
    untimed = sum(1 for s in timetable.sessions if s.start is None)
    if untimed == good:
        timetable.notes.append(M("none of the %(n)d sessions has a time yet: they are listed as “no time yet”", n=good))
    elif untimed:
        timetable.notes.append(M("%(n)d of the %(total)d sessions have no time yet", n=untimed, total=good))


def parse(
    data: bytes, fmt: str | None = None, *, filename: str = "", options: Options | None = None
) -> tuple[str, Timetable]:
    """Detect (unless `fmt` is given) and parse; returns the format's name and the timetable."""
    options = options or Options()
    if len(data) > MAX_BYTES:
        raise ParseError(
            "timetable",
            "",
            M(
                "the file is %(size)s MB; the limit is %(limit)d MB",
                size=format(len(data) / 1e6, ".1f"),
                limit=MAX_BYTES // (1024 * 1024),
            ),
        )
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text": UTF-16 with a BOM
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParseError("timetable", M("byte %(n)d", n=exc.start), M("broken UTF-16 text")) from exc
    if fmt is None:
        fmt = detect_format(data, filename, options=options)
    if fmt not in PARSERS:
        raise ParseError(
            "timetable",
            "format",
            M("unknown format %(format)r; known: %(known)s", format=fmt, known=", ".join(PARSERS)),
        )
    if options.records is not None and fmt not in MAPPED:
        raise ParseError(
            fmt,
            "--records",
            M("--records chooses a list in your own JSON or YAML, not in %(format)s", format=PARSERS[fmt][0]),
        )
    if not data.strip():
        raise ParseError(fmt, "", M("the file is empty"))
    # Issue 17: over MAX_SESSIONS sessions is refused before a parser builds them all (a 150,000-event
    # .ics grew a worker by 786 MB); these counts can only overestimate, the CSV parser stops itself.
    marker = {"ics": b"BEGIN:VEVENT", "frab-xml": b"<event"}.get(fmt)
    if marker and data.count(marker) > MAX_SESSIONS:
        raise ParseError(fmt, "", too_many_sessions(data.count(marker)))
    timetable = PARSERS[fmt][1](data, options)
    if len(timetable.sessions) > MAX_SESSIONS:
        raise ParseError(fmt, "", too_many_sessions(len(timetable.sessions)))
    tz = zone(timetable.timezone)
    _strip_controls(timetable)
    kept = []
    for s in timetable.sessions:
        if s.start and s.end:  # one spelling for every stored time: the conference's own offset
            s.start, s.end = s.start.astimezone(tz), s.end.astimezone(tz)
        if s.start and s.end and s.end < s.start:
            timetable.skipped.append(Skipped(M("session %(key)r", key=s.key), M("ends before it starts"), s.title))
            continue
        kept.append(s)
    timetable.sessions = kept
    _check_what_was_read(fmt, timetable)
    _disambiguate(timetable)
    # The source's own order where it gives one, then the other rooms in natural order (A, B, C…), never
    # in order of first appearance: a refresh without a room's first talk keeps the columns where they were.
    timetable.rooms = room_order((s.room for s in timetable.sessions), timetable.rooms)
    return fmt, timetable


def mapping_help(data: bytes, filename: str = "", path: str | None = None, encoding: str = "") -> MappingHelp:
    """For the import form's mapping page: the lists in a custom JSON/YAML file and the paths inside the
    chosen one; for a CSV, its columns (and the fields recognised by their names)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"["):
        return records.mapping_help(_load_any_json(data, filename), "custom-json", path)
    if _looks_like_yaml(data, filename):
        return records.mapping_help(records.load_yaml(data), "yaml", path)
    columns, suggested = csv_table.columns_of(data, Options(encoding=encoding))
    return MappingHelp(fmt="csv", lists=(), records=None, paths=tuple(columns), suggested=suggested)
