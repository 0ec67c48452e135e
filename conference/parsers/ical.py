"""iCalendar (.ics): one VEVENT per session; TZID, UTC and floating times; X-WR-TIMEZONE.

Several VCALENDARs concatenated in one file are all read. A VEVENT whose DTSTART is missing or
unreadable (`20190204T1145000`) is skipped and named by its UID; lines icalendar cannot parse inside
an event's description do not cost the event. All-day events (a date, no time) are not talks: they
are left out and the summary names them.

pretalx writes the speakers into the title (`Title - Speaker [Affiliation], Speaker2`) and UIDs
(`pretalx-<event>-<CODE>@host`) unlike its XML/JSON guids: for a pretalx calendar the speakers are
split back out, the talk code is kept, and a re-import keeps what the calendar does not carry
(abstract, track, URL spelling) from the richer export (`Timetable.keeps`, matched in merge.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from itertools import chain, islice

import icalendar

from ..errors import BadInput, ParseError
from ..messages import M
from ..model import Session, Skipped, Timetable, derive_key, room_code_for, zone
from .common import Options, line, link, looks_like_break, more_than, parse_duration, resolve_zone, text, unescape

FMT = "ics"
_PRETALX_UID = re.compile(r"^pretalx-.+-([A-Za-z0-9]+)@")
_TALK_URL = re.compile(r"/talk/([A-Za-z0-9]+)/?$")
_PARENTHESISED = re.compile(r"^(.*\S)\s+\(([^()]+)\)$")
# What a pretalx calendar does not carry as its XML/JSON does (see the module's docstring).
PRETALX_KEEPS = ("abstract", "url", "code", "subtitle", "track", "type", "language", "links", "is_break")


def html_comment_wrapped(data: bytes) -> bool:
    """A calendar a site generator wrapped in <!-- … --> (it treated the file as HTML)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<!--") and b"BEGIN:VCALENDAR" in head


def _declared_zone(cal) -> str:
    for candidate in (cal.get("X-WR-TIMEZONE"), cal.get("VTIMEZONE")):  # the latter: a bogus property some emit
        if candidate and line(str(candidate)):
            return line(str(candidate))
    for tzc in cal.walk("VTIMEZONE"):
        if tzc.get("TZID"):
            return line(str(tzc.get("TZID")))
    return ""


def _speakers(event) -> list[str]:
    people = []
    for prop in ("ORGANIZER", "ATTENDEE"):
        values = event.get(prop)
        for value in values if isinstance(values, list) else [values] if values is not None else []:
            name = line(value.params.get("CN", "")) if hasattr(value, "params") else ""
            people += [n.strip() for n in name.split(",") if n.strip()]
    return people


def _outside_brackets(text_: str, sep: str) -> list[int]:
    """Positions of `sep` in `text_` that are not inside […] (affiliations contain " - " and ", ")."""
    depth, found = 0, []
    for i, ch in enumerate(text_):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(0, depth - 1)
        elif depth == 0 and text_.startswith(sep, i):
            found.append(i)
    return found


def split_pretalx_summary(summary: str) -> tuple[str, list[str]]:
    """A pretalx SUMMARY split into title and speakers.

    "Title - Speaker [Affil], Speaker2" -> ("Title", ["Speaker [Affil]", "Speaker2"]) (the last " - " outside
    […]: titles and affiliations contain " - " too); "Title - " -> ("Title", []); "Title (Speaker)" ->
    ("Title", ["Speaker"]).
    """
    summary = line(summary)
    if summary.endswith(" -"):  # pretalx's " - " before an empty speaker list
        return summary[:-2].rstrip(), []
    cuts = _outside_brackets(summary, " - ")
    if not cuts:
        match = _PARENTHESISED.match(summary)  # "Title (Speaker, Speaker2)", as other pretalx versions write
        if match:
            return match.group(1), [n.strip() for n in match.group(2).split(",") if n.strip()]
        return summary, []
    cut = cuts[-1]
    title, rest = summary[:cut].rstrip(), summary[cut + 3 :]
    starts = [0] + [i + 2 for i in _outside_brackets(rest, ", ")]
    ends = [i for i in _outside_brackets(rest, ", ")] + [len(rest)]
    names = [line(rest[a:b]) for a, b in zip(starts, ends, strict=True)]
    return title, [n for n in names if n]


def _when(event, name: str, tz):
    """A DTSTART/DTEND as an aware datetime, a date (all-day), None (absent); BadInput when unreadable."""
    value = event.get(name)
    if value is None:
        return None
    try:
        moment = value.dt
    except (ValueError, AttributeError):  # icalendar's vBroken: the text it could not read
        moment = None
    if isinstance(moment, datetime):
        return moment if moment.tzinfo else moment.replace(tzinfo=tz)  # floating: the conference's zone
    if isinstance(moment, date):
        return moment
    raw = value.to_ical().decode() if hasattr(value, "to_ical") else str(value)
    raise BadInput(M("bad %(name)s %(value)r", name=name, value=raw))


def _duration(event) -> timedelta | None:
    value = event.get("DURATION")
    if value is None:
        return None
    try:
        moment = value.dt
    except (ValueError, AttributeError):
        moment = None
    if isinstance(moment, timedelta):
        return moment
    raw = value.to_ical().decode() if hasattr(value, "to_ical") else str(value)
    return parse_duration(raw)  # P0Y0M0DT0H40M0.000S, which icalendar does not read; BadInput otherwise


def _sample(events) -> datetime | None:
    """The first start with an offset of its own (UTC or TZID): what the file's times really are."""
    for event in events[:50]:
        try:
            moment = event.get("DTSTART").dt
        except (ValueError, AttributeError):
            continue
        if isinstance(moment, datetime) and moment.tzinfo is not None:
            return moment
    return None


# One VEVENT, from its BEGIN line to its END line (a VALARM inside ends before it).
_EVENT = re.compile(
    rb"^BEGIN:VEVENT[ \t]*\r?\n.*?^END:VEVENT[ \t]*(?:\r?\n|\Z)", re.MULTILINE | re.DOTALL | re.IGNORECASE
)


def _calendars(data: bytes) -> tuple[list, Iterator]:
    """The file's VCALENDARs without their events, and the events, parsed one by one as they are read.

    Issue 17: icalendar unfolds and splits a whole file in single C calls (0.8 s holding the GIL for a
    20 MB file, while the worker's other threads, autosaves among them, wait), and holds every event it
    parsed. Each VEVENT is cut out and parsed on its own instead; what is left (the calendars' own
    properties and time zones) is small.
    """
    if html_comment_wrapped(data):
        raise ParseError(
            FMT,
            "line 1",
            M(
                "an iCalendar file wrapped in an HTML comment (<!-- … -->, as a site generator wrote it): "
                "not a valid calendar; delete the comment lines before BEGIN:VCALENDAR and after END:VCALENDAR"
            ),
        )
    data = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    spans = [m.span() for m in _EVENT.finditer(data)]
    rest, last = [], 0
    for start, end in spans:
        rest.append(data[last:start])
        last = end
    rest.append(data[last:])
    try:
        calendars = icalendar.Calendar.from_ical(b"".join(rest), multiple=True)
    except ValueError as exc:
        raise ParseError(FMT, "calendar", M("not a valid iCalendar file: %(error)s", error=str(exc))) from exc
    calendars = [c for c in calendars if c.name == "VCALENDAR"]
    if not calendars:
        raise ParseError(FMT, "calendar", M("no VCALENDAR in the file"))

    def events() -> Iterator:
        for index, (start, end) in enumerate(spans, start=1):
            try:
                yield icalendar.Event.from_ical(data[start:end])
            except ValueError as exc:
                raise ParseError(
                    FMT, f"VEVENT {index}", M("not a valid iCalendar event: %(error)s", error=str(exc))
                ) from exc

    return calendars, events()


def parse(data: bytes, options: Options) -> Timetable:
    calendars, parsed = _calendars(data)
    cal = calendars[0]
    first = list(islice(parsed, 50))  # enough to sample the file's offsets; the rest are read as they come
    events = chain(first, parsed)
    tz_name, notes = resolve_zone(FMT, _declared_zone(cal), options, _sample(first))
    if len(calendars) > 1:
        notes.append(M("%(n)d calendars in one file: the events of all of them were read", n=len(calendars)))
    tz = zone(tz_name)
    pretalx = "pretalx" in str(cal.get("PRODID", "")).lower()
    sessions, skipped, all_day = [], [], []
    for index, event in enumerate(events, start=1):
        uid = line(str(event.get("UID", "")))
        where = f"VEVENT {index}" + (f" (UID {uid})" if uid else "")
        summary = unescape(line(str(event.get("SUMMARY", ""))))
        title, speakers = split_pretalx_summary(summary) if pretalx else (summary, _speakers(event))
        try:
            start = _when(event, "DTSTART", tz)
            if start is None:
                raise BadInput(M("no DTSTART"))
            end = _when(event, "DTEND", tz)
            if isinstance(start, date) and not isinstance(start, datetime):
                all_day.append(title or where)
                continue
            if isinstance(end, date) and not isinstance(end, datetime):
                raise BadInput(M("DTEND is a date, DTSTART a time"))
            if end is None:
                end = start + (_duration(event) or timedelta(0))
        except BadInput as exc:
            skipped.append(Skipped(where, exc.why, title))
            continue
        if end < start:
            skipped.append(
                Skipped(
                    where,
                    M(
                        "ends (%(end)s) before it starts (%(start)s)",
                        end=end.strftime("%H:%M"),
                        start=start.strftime("%H:%M"),
                    ),
                    title,
                )
            )
            continue
        if not title:  # still a slot in the day: keep it, say so
            title = "(untitled)"
            notes.append(M("%(where)s: no SUMMARY; shown as %(title)r", where=where, title=title))
        url = line(str(event.get("URL", "")))
        room = unescape(line(str(event.get("LOCATION", ""))))
        categories = event.get("CATEGORIES")
        cats = []
        for c in categories if isinstance(categories, list) else [categories] if categories is not None else []:
            cats += [line(str(x)) for x in getattr(c, "cats", [c])]
        code = ""
        if pretalx:
            found = _PRETALX_UID.match(uid) or _TALK_URL.search(url)
            code = found.group(1) if found else ""
        sessions.append(
            Session(
                key=uid or derive_key(title, speakers),
                code=code,
                title=title,
                abstract=unescape(text(str(event.get("DESCRIPTION", "")))),
                start=start,
                end=end,
                room=room,
                room_code=room_code_for(room),
                track=", ".join(c for c in cats if c),
                speakers=speakers,
                url=url if link(url) else "",
                is_break=looks_like_break(title),
            )
        )
    if all_day:
        shown = M("%(names)s%(more)s", names=", ".join(all_day[:5]), more=more_than(all_day, 5))
        notes.append(M("%(n)d all-day events are not talks and were left out: %(names)s", n=len(all_day), names=shown))
    if pretalx:
        notes.append(
            M(
                "a pretalx calendar: speakers split from the titles; a re-import keeps the abstract, track and "
                "links the schedule XML/JSON gave"
            )
        )
    name = line(str(cal.get("X-WR-CALNAME", "")))
    return Timetable(
        sessions=sessions,
        name=name,
        timezone=tz_name,
        notes=notes,
        skipped=skipped,
        keeps=PRETALX_KEEPS if pretalx else (),
    )
