"""pretalx / c3voc / frab schedule JSON: v1 (`days[].rooms{name: [events]}`) and v2 (flat `events`)."""

from __future__ import annotations

from ..errors import ParseError
from ..messages import M
from ..model import Session, Skipped, Timetable, derive_key, room_code_for, zone
from .common import (
    Options,
    first_moment,
    join_texts,
    line,
    link,
    load_json,
    looks_like_break,
    parse_duration,
    parse_moment,
    recording_links,
    resolve_zone,
    text,
)

FMT = "schedule-json"


def _name(value) -> str:
    """Rooms and tracks are strings in v1 and objects in v2."""
    if isinstance(value, dict):
        return line(value.get("name") or value.get("slug"))
    return line(value)


def _people(event: dict) -> list[str]:
    people = event.get("persons") or [
        p for p in event.get("participants") or [] if isinstance(p, dict) and p.get("role", "SPEAKER") == "SPEAKER"
    ]
    return [
        line(p.get("public_name") or p.get("name"))
        for p in people
        if isinstance(p, dict) and (p.get("public_name") or p.get("name"))
    ]


def _links(event: dict) -> list[dict]:
    found = []
    for item in (event.get("links") or []) + (event.get("attachments") or []):
        if not isinstance(item, dict):
            continue
        kind = "slides" if str(item.get("type", "")).upper() == "SLIDES" else ""
        entry = link(item.get("url") or item.get("href") or "", text(item.get("title")), kind)
        if entry:
            found.append(entry)
    known = {x["url"] for x in found}
    return found + [x for x in recording_links(event) if x["url"] not in known]


def _events(conference: dict, schedule: dict):
    if isinstance(schedule.get("events"), list):  # v2
        for index, event in enumerate(schedule["events"]):
            yield f"events[{index}]", event, _name(event.get("room")) if isinstance(event, dict) else ""
        return
    days = conference.get("days")
    if not isinstance(days, list):
        raise ParseError(FMT, "schedule.conference", M("has neither days[] nor events[]"))
    for d, day in enumerate(days):
        rooms = day.get("rooms") or {}
        if not isinstance(rooms, dict):
            raise ParseError(FMT, f"days[{d}].rooms", M("is not an object of room name -> events"))
        for room, events in rooms.items():
            for e, event in enumerate(events or []):
                yield f"days[{d}].rooms[{room!r}][{e}]", event, line(room)


def parse(data: bytes, options: Options) -> Timetable:
    doc = load_json(data, FMT)
    schedule = doc.get("schedule") if isinstance(doc, dict) else None
    if not isinstance(schedule, dict) or not isinstance(schedule.get("conference"), dict):
        raise ParseError(FMT, M("top level"), M('expected {"schedule": {"conference": …}}'))
    conference = schedule["conference"]
    raw = list(_events(conference, schedule))
    sample = first_moment((e.get("date") or e.get("start")) for _w, e, _r in raw if isinstance(e, dict))
    tz_name, notes = resolve_zone(FMT, line(conference.get("time_zone_name")), options, sample)
    tz = zone(tz_name)
    sessions = []
    skipped: list[Skipped] = []
    for where, event, room in raw:
        if not isinstance(event, dict):
            raise ParseError(FMT, where, M("is not an object"))
        title = line(event.get("title"))
        if not title:
            skipped.append(Skipped(where, M("has no title")))
            continue
        try:
            if event.get("date"):  # v1: full date with offset in `date`, duration as H:MM
                start = parse_moment(event["date"], tz)
                end = start + parse_duration(event.get("duration") or "0:00")
            elif event.get("start") and "T" in str(event["start"]):  # v2: ISO start/end
                start = parse_moment(event["start"], tz)
                end = (
                    parse_moment(event["end"], tz)
                    if event.get("end")
                    else start + parse_duration(event.get("duration") or "PT0M")
                )
            else:
                start = end = None
        except (ValueError, TypeError) as exc:
            skipped.append(Skipped(where, M("bad date, start or duration: %(error)s", error=str(exc)), title))
            continue
        speakers = _people(event)
        code = line(event.get("code"))
        key = line(event.get("guid")) or code or (f"id-{event['id']}" if event.get("id") not in (None, "") else "")
        sessions.append(
            Session(
                key=key or derive_key(title, speakers),
                code=code,
                title=title,
                subtitle=line(event.get("subtitle")),
                abstract=join_texts(text(event.get("abstract")), text(event.get("description"))),
                start=start,
                end=end,
                room=room,
                room_code=room_code_for(room, code),
                track=_name(event.get("track")),
                type=line(event.get("type")),
                language=line(event.get("language")),
                speakers=speakers,
                url=line(event.get("url")),
                links=_links(event),
                is_break=looks_like_break(title, line(event.get("type"))),
            )
        )
    rooms = [_name(r) for r in conference.get("rooms") or [] if _name(r)]
    return Timetable(
        rooms=rooms,
        sessions=sessions,
        name=line(conference.get("title")),
        timezone=tz_name,
        url=line(conference.get("url") or schedule.get("base_url")),
        notes=notes,
        skipped=skipped,
    )
