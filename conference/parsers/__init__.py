"""Timetable parsers: one module per format, one registry, one detector.

Contract: a parser is a pure function ``parse(data: bytes, options: Options) -> Timetable``. It never
touches Flask, the database or the network. It raises ``ParseError`` naming the format, the place
(line, element, field) and the reason. Every session it returns has an aware start/end (or neither,
when unscheduled) and a key; `parse` below makes keys unique and says so in the timetable's notes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from ..errors import ParseError
from ..model import MAX_BYTES, Timetable, derive_key, zone
from . import csv_table, fortee, frab_xml, ical, schedule_json, sessionize
from .common import Options

PARSERS: dict[str, tuple[str, Callable[[bytes, Options], Timetable]]] = {
    "frab-xml": ("frab / pentabarf schedule XML", frab_xml.parse),
    "schedule-json": ("pretalx / c3voc schedule JSON", schedule_json.parse),
    "sessionize": ("Sessionize API JSON", sessionize.parse),
    "fortee": ("fortee timetable JSON", fortee.parse),
    "ics": ("iCalendar (.ics)", ical.parse),
    "csv": ("CSV / TSV spreadsheet", csv_table.parse),
}

__all__ = ["MAX_BYTES", "PARSERS", "Options", "ParseError", "detect_format", "parse"]


def detect_format(data: bytes, filename: str = "", content_type: str = "") -> str:
    """Name the format from the content first; the file name and content type only break ties."""
    head = data[:65536].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise ParseError("timetable", "", "the file is empty")
    if b"\x00" in data[:4096]:
        raise ParseError("timetable", "", "binary data, not a timetable")
    if head.startswith(b"<"):
        if re.search(rb"<schedule[\s>]", head):
            return "frab-xml"
        if re.search(rb"<html[\s>]|<!doctype html", head, re.IGNORECASE):
            raise ParseError("timetable", "", "an HTML page, not a timetable (is the URL the schedule's export?)")
        raise ParseError("timetable", "", "XML, but not a frab/pentabarf <schedule>")
    if head.startswith(b"BEGIN:VCALENDAR"):
        return "ics"
    if head[:1] in (b"{", b"["):
        if re.search(rb'"schedule"\s*:', head):
            return "schedule-json"
        if re.search(rb'"(timetable|proposals)"\s*:', head):
            return "fortee"
        if re.search(rb'"(sessions|timeSlots|startsAt)"\s*:', head):
            return "sessionize"
        raise ParseError(
            "timetable", "", "JSON, but not a timetable format this app knows (frab/pretalx, Sessionize, fortee)"
        )
    name = filename.lower()
    if name.endswith((".csv", ".tsv", ".txt")) or "csv" in content_type or head.count(b"\n") >= 1:
        return "csv"
    raise ParseError("timetable", "", "not a timetable format this app knows")


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
    timetable.notes.append(f"{n} sessions shared {len(shared)} ids in the file; each was given its own key")


def parse(
    data: bytes, fmt: str | None = None, *, filename: str = "", options: Options | None = None
) -> tuple[str, Timetable]:
    """Detect (unless `fmt` is given) and parse; returns the format's name and the timetable."""
    if len(data) > MAX_BYTES:
        raise ParseError(
            "timetable", "", f"the file is {len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB"
        )
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text": UTF-16 with a BOM
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParseError("timetable", f"byte {exc.start}", "broken UTF-16 text") from exc
    if fmt is None:
        fmt = detect_format(data, filename)
    if fmt not in PARSERS:
        raise ParseError("timetable", "format", f"unknown format {fmt!r}; known: {', '.join(PARSERS)}")
    if not data.strip():
        raise ParseError(fmt, "", "the file is empty")
    timetable = PARSERS[fmt][1](data, options or Options())
    tz = zone(timetable.timezone)
    for s in timetable.sessions:
        if s.start and s.end:  # one spelling for every stored time: the conference's own offset
            s.start, s.end = s.start.astimezone(tz), s.end.astimezone(tz)
        if s.start and s.end and s.end < s.start:
            raise ParseError(fmt, f"session {s.key!r} ({s.title})", "ends before it starts")
    _disambiguate(timetable)
    used = list(dict.fromkeys(s.room for s in timetable.sessions if s.room))
    # The source's own order where it gives one, then rooms in order of appearance.
    timetable.rooms = [r for r in dict.fromkeys(timetable.rooms) if r in used] + [
        r for r in used if r not in timetable.rooms
    ]
    return fmt, timetable
