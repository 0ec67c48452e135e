"""iCalendar (.ics): one VEVENT per session; TZID, UTC and floating times; X-WR-TIMEZONE."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import icalendar

from ..errors import ParseError
from ..model import Session, Timetable, derive_key, room_code_for, zone
from .common import Options, line, link, looks_like_break, resolve_zone, text, unescape

FMT = "ics"


def _moment(value, tz) -> datetime | None:
    if value is None:
        return None
    moment = value.dt
    if isinstance(moment, datetime):
        return moment if moment.tzinfo else moment.replace(tzinfo=tz)  # floating: the conference's zone
    if isinstance(moment, date):  # an all-day entry: the whole local day
        return datetime.combine(moment, time(0), tz)
    return None


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


def parse(data: bytes, options: Options) -> Timetable:
    try:
        cal = icalendar.Calendar.from_ical(data)
    except ValueError as exc:
        raise ParseError(FMT, "calendar", f"not a valid iCalendar file: {exc}") from exc
    tz_name, notes = resolve_zone(FMT, _declared_zone(cal), options)
    tz = zone(tz_name)
    sessions = []
    for index, event in enumerate(cal.walk("VEVENT"), start=1):
        where = f"VEVENT {index}"
        title = unescape(line(str(event.get("SUMMARY", ""))))
        if not title:  # still a slot in the day: keep it, say so
            title = "(untitled)"
            notes.append(f"{where}: no SUMMARY; shown as {title!r}")
        try:
            start = _moment(event.get("DTSTART"), tz)
            end = _moment(event.get("DTEND"), tz)
            if start and end is None:
                duration = event.get("DURATION")
                end = start + (duration.dt if duration is not None else timedelta(0))
        except (ValueError, TypeError, AttributeError) as exc:
            raise ParseError(FMT, where, f"bad DTSTART/DTEND: {exc}") from exc
        url = line(str(event.get("URL", "")))
        speakers = _speakers(event)
        room = unescape(line(str(event.get("LOCATION", ""))))
        categories = event.get("CATEGORIES")
        cats = []
        for c in categories if isinstance(categories, list) else [categories] if categories is not None else []:
            cats += [line(str(x)) for x in getattr(c, "cats", [c])]
        uid = line(str(event.get("UID", "")))
        sessions.append(
            Session(
                key=uid or derive_key(title, speakers),
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
    name = line(str(cal.get("X-WR-CALNAME", "")))
    return Timetable(sessions=sessions, name=name, timezone=tz_name, notes=notes)
