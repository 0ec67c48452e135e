"""frab / pentabarf schedule XML (pretalx, FOSDEM, CCC), read with defusedxml only.

A `<schedule>` without frab `<event>` elements (EuroPython 2014's own `<day><entry>`) is not frab:
refused with what it has. Speakers are `<person>Name</person>`, `<person><public_name>` (35C3's wiki)
or `<person><name>`; links `<link href="URL">title</link>`, or `<link>URL</link>` (35C3's wiki). An
event with an empty `<duration>` ends when the next event in its room starts, else after --duration;
one that cannot be read is skipped and named, the rest imported.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, time, timedelta

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError as XMLParseError
from defusedxml.ElementTree import fromstring

from ..errors import ParseError
from ..messages import M
from ..model import Session, Skipped, Timetable, derive_key, room_code_for, zone
from .common import (
    Options,
    first_moment,
    join_texts,
    line,
    link,
    looks_like_break,
    parse_duration,
    parse_moment,
    resolve_zone,
    text,
)

FMT = "frab-xml"


def _child(el, name: str) -> str:
    found = el.find(name)
    return text(found.text) if found is not None and found.text else ""


def _events(root):
    """(day date, event element, room name from a <room> wrapper or "")."""
    for day in root.iter("day"):
        day_date = day.get("date", "")
        for child in day:
            if child.tag == "room":
                for event in child.iter("event"):
                    yield day_date, event, child.get("name", "")
            elif child.tag == "event":  # legacy pentabarf: events directly under <day>
                yield day_date, child, ""


def _persons(event) -> list[str]:
    """Speaker names from every <person> shape: text, <public_name> or <name> (ids are often all "0")."""
    names = []
    for person in event.iter("person"):
        name = line(person.text) if person.text else ""
        if not name:
            name = line(_child(person, "public_name")) or line(_child(person, "name"))
        if name:
            names.append(name)
    return names


def _not_frab(root) -> ParseError:
    tags = Counter(el.tag for el in root.iter() if el is not root)
    shown = ", ".join(f"<{tag}> ×{n}" for tag, n in tags.most_common(6)) or M("nothing inside")
    return ParseError(
        FMT,
        "<schedule>",
        M(
            "not frab/pentabarf XML: a <schedule> without any <event> (it has %(inside)s); no format here reads "
            "this XML as it is: export the timetable as CSV (title, date, start, end, room, speakers) or JSON "
            "and import that (custom JSON: --records PATH --map FIELD=PATH)",
            inside=shown,
        ),
    )


def _fill_open_ends(pending: list[tuple[str, Session]], sessions: list[Session], options: Options, skipped) -> None:
    """Events with an empty <duration>: until the next event in the same room, else --duration, else skipped."""
    for where, s in pending:
        later = [o.start for o in sessions if o.room == s.room and o.start and o.start > s.start]
        later = [t for t in later if t - s.start <= timedelta(hours=12)]
        if later:
            s.end = min(later)
        elif options.duration:
            s.end = s.start + timedelta(minutes=options.duration)
        else:
            skipped.append(
                Skipped(where, M("empty <duration> and no later event in its room: give --duration MINUTES"), s.title)
            )
            sessions.remove(s)


def parse(data: bytes, options: Options) -> Timetable:
    try:
        root = fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ParseError(
            FMT, "document", M("refused: %(error)s (entities and DTDs are not allowed)", error=type(exc).__name__)
        ) from exc
    except XMLParseError as exc:
        where = f"line {exc.position[0]} column {exc.position[1]}" if getattr(exc, "position", None) else "document"
        raise ParseError(
            FMT, where, M("not well-formed XML (%(error)s)", error=exc.msg if hasattr(exc, "msg") else str(exc))
        ) from exc
    if root.tag != "schedule":
        raise ParseError(FMT, f"<{root.tag}>", M("the root element is not <schedule>"))
    if root.find(".//event") is None and any(child.tag != "room" for day in root.iter("day") for child in day):
        raise _not_frab(root)  # days full of something that is not a frab event
    conf = root.find("conference")
    declared = _child(conf, "time_zone_name") if conf is not None else ""
    sample = first_moment(el.text for el in root.iter("date") if el.text)
    tz_name, notes = resolve_zone(FMT, declared, options, sample)
    tz = zone(tz_name)
    day_change = time(0)
    if conf is not None and _child(conf, "day_change"):
        try:
            day_change = time.fromisoformat(_child(conf, "day_change"))
        except ValueError:
            day_change = time(0)
    sessions: list[Session] = []
    skipped: list[Skipped] = []
    open_ended: list[tuple[str, Session]] = []
    for index, (day_date, ev, wrapper_room) in enumerate(_events(root), start=1):
        where = f"event {index} (id {ev.get('id', '?')})"
        title = _child(ev, "title")
        if not title:
            skipped.append(Skipped(where, M("has no <title>")))
            continue
        start = end = None
        open_end = False
        try:
            if _child(ev, "date"):
                # <date> carries the full local date and offset; <start> is only its clock time.
                start = parse_moment(_child(ev, "date"), tz)
            elif _child(ev, "start"):
                clock = time.fromisoformat(_child(ev, "start").zfill(5))
                day = date.fromisoformat(day_date)
                if clock < day_change:  # after midnight, still listed under the evening before
                    day += timedelta(days=1)
                start = datetime.combine(day, clock, tz)
            if start is not None:
                duration = _child(ev, "duration")
                open_end = not duration
                end = start + (parse_duration(duration) if duration else timedelta(0))
        except ValueError as exc:
            skipped.append(Skipped(where, M("bad date or time: %(error)s", error=str(exc)), line(title)))
            continue
        persons = _persons(ev)
        links = []
        for holder, tag in (("links", "link"), ("attachments", "attachment")):
            box = ev.find(holder)
            if box is None:
                continue
            for item in box.iter(tag):
                href = item.get("href", "")  # 35C3's wiki export writes <link>URL</link>, without href
                found = link(href, text(item.text)) if href else link(text(item.text))
                if found:
                    links.append(found)
        abstract, description = _child(ev, "abstract"), _child(ev, "description")
        room = line(_child(ev, "room")) or wrapper_room
        code = ev.get("code", "") or ""
        key = ev.get("guid") or code or (f"id-{ev.get('id')}" if ev.get("id") not in (None, "") else "")
        session = Session(
            key=key or derive_key(title, persons),
            code=code,
            title=line(title),
            subtitle=line(_child(ev, "subtitle")),
            abstract=join_texts(abstract, description),
            start=start,
            end=end,
            room=room,
            room_code=room_code_for(room, code),
            track=line(_child(ev, "track")),
            type=line(_child(ev, "type")),
            language=line(_child(ev, "language")),
            speakers=persons,
            url=re.sub(r"(?<!:)/{2,}", "/", line(_child(ev, "url"))),  # pretalx writes …org//2025/talk/…
            links=links,
            is_break=looks_like_break(title, _child(ev, "type")),
        )
        sessions.append(session)
        if open_end:
            open_ended.append((where, session))
    _fill_open_ends(open_ended, sessions, options, skipped)
    name = _child(conf, "title") if conf is not None else ""
    url = (_child(conf, "url") or _child(conf, "base_url")) if conf is not None else ""
    # The room order is the schedule's: <conference><rooms> where given, then the days' <room> wrappers.
    listed = [r.get("name", "") for r in conf.iter("room")] if conf is not None else []
    wrappers = [child.get("name", "") for day in root.iter("day") for child in day if child.tag == "room"]
    return Timetable(
        sessions=sessions,
        name=line(name),
        timezone=tz_name,
        url=line(url),
        rooms=[line(r) for r in dict.fromkeys(listed + wrappers) if line(r)],
        notes=notes,
        skipped=skipped,
    )
