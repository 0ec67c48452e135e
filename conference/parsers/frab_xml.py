"""frab / pentabarf schedule XML (pretalx, FOSDEM, CCC), read with defusedxml only."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError as XMLParseError
from defusedxml.ElementTree import fromstring

from ..errors import ParseError
from ..model import Session, Timetable, derive_key, room_code_for, zone
from .common import Options, first_moment, join_texts, line, link, parse_duration, parse_moment, resolve_zone, text

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


def parse(data: bytes, options: Options) -> Timetable:
    try:
        root = fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ParseError(FMT, "document", f"refused: {type(exc).__name__} (entities and DTDs are not allowed)") from exc
    except XMLParseError as exc:
        where = f"line {exc.position[0]} column {exc.position[1]}" if getattr(exc, "position", None) else "document"
        raise ParseError(FMT, where, f"not well-formed XML ({exc.msg if hasattr(exc, 'msg') else exc})") from exc
    if root.tag != "schedule":
        raise ParseError(FMT, f"<{root.tag}>", "the root element is not <schedule>")
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
    sessions = []
    for index, (day_date, ev, wrapper_room) in enumerate(_events(root), start=1):
        where = f"event {index} (id {ev.get('id', '?')})"
        title = _child(ev, "title")
        if not title:
            raise ParseError(FMT, where, "has no <title>")
        start = end = None
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
                end = start + (parse_duration(duration) if duration else timedelta(0))
        except ValueError as exc:
            raise ParseError(FMT, where, f"bad date or time: {exc}") from exc
        persons = [line(p.text) for p in ev.iter("person") if p.text and line(p.text)]
        links = []
        for holder, tag in (("links", "link"), ("attachments", "attachment")):
            box = ev.find(holder)
            if box is None:
                continue
            for item in box.iter(tag):
                found = link(item.get("href", ""), text(item.text))
                if found:
                    links.append(found)
        abstract, description = _child(ev, "abstract"), _child(ev, "description")
        room = line(_child(ev, "room")) or wrapper_room
        code = ev.get("code", "") or ""
        key = ev.get("guid") or code or (f"id-{ev.get('id')}" if ev.get("id") not in (None, "") else "")
        sessions.append(
            Session(
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
                url=line(_child(ev, "url")),
                links=links,
                is_break=line(_child(ev, "type")).lower() in ("break", "pause"),
            )
        )
    name = _child(conf, "title") if conf is not None else ""
    url = (_child(conf, "url") or _child(conf, "base_url")) if conf is not None else ""
    return Timetable(sessions=sessions, name=line(name), timezone=tz_name, url=line(url), notes=notes)
