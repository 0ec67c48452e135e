"""pretalx's other JSON, as people save it from the browser.

- the REST API: `/api/events/<event>/talks/` (each with its `slot`) or `/submissions/?state=confirmed`,
  either the whole answer `{"count", "next", "results": [...]}` or the bare `results` list;
- the schedule widget's data (`/<event>/widgets/schedule.json`): `talks`, `rooms`, `tracks`,
  `speakers` and `timezone`, the talks naming rooms, tracks and speakers by id or code.

Only confirmed (or accepted) talks are sessions; the summary says how many others were left out.
Keys are pretalx's talk codes; a re-import from the schedule XML/JSON or the .ics of the same event
matches them by that code (merge.py), so switching exports changes nothing.
"""

from __future__ import annotations

from typing import Any

from ..errors import ParseError
from ..messages import M
from ..model import Session, Skipped, Timetable, derive_key, room_code_for, zone
from .common import (
    Options,
    first_moment,
    join_texts,
    line,
    load_json,
    looks_like_break,
    parse_moment,
    recording_links,
    resolve_zone,
    text,
)

API, WIDGET = "pretalx-api", "pretalx-widget"
_KEPT_STATES = ("confirmed", "accepted", "")


def i18n(value: Any) -> str:
    """pretalx writes a text either as a string or as {"en": …, "de": …}: the English one, else the first."""
    if isinstance(value, dict):
        for key in ("en", "name"):
            if value.get(key):
                return line(value[key]) if key == "en" else i18n(value[key])
        return next((line(v) for v in value.values() if isinstance(v, str) and v.strip()), "")
    return line(value) if value is not None else ""


def api_results(doc: Any) -> list | None:
    """The talks of an API answer (enveloped or bare), or None when `doc` is not one."""
    items = doc.get("results") if isinstance(doc, dict) else doc
    if not isinstance(items, list) or not items:
        return None
    sample = [x for x in items[:20] if isinstance(x, dict)]
    if sample and all("code" in x and ("slot" in x or "submission_type" in x or "state" in x) for x in sample):
        return items
    return None


def is_widget(doc: Any) -> bool:
    if not isinstance(doc, dict) or not isinstance(doc.get("talks"), list):
        return False
    sample = [x for x in doc["talks"][:20] if isinstance(x, dict)]
    return bool(sample) and all("code" in x and "title" in x for x in sample) and ("rooms" in doc or "speakers" in doc)


def parse_api(data: bytes, options: Options) -> Timetable:
    doc = load_json(data, API)
    items = api_results(doc)
    if items is None:
        raise ParseError(
            API,
            M("top level"),
            M('expected the pretalx API\'s talks: {"results": [{"code", "title", "slot", …}]} or that list'),
        )
    slots = [x.get("slot") for x in items if isinstance(x, dict) and isinstance(x.get("slot"), dict)]
    sample = first_moment(s.get("start") for s in slots)
    tz_name, notes = resolve_zone(API, "", options, sample)
    tz = zone(tz_name)
    sessions, skipped, left_out = [], [], 0
    for index, item in enumerate(items):
        where = f"results[{index}]"
        if not isinstance(item, dict):
            raise ParseError(API, where, M("is not an object"))
        state = line(item.get("state")).casefold()
        if state not in _KEPT_STATES:
            left_out += 1
            continue
        title = i18n(item.get("title"))
        code = line(item.get("code"))
        where = f"{where} ({code})" if code else where
        if not title:
            skipped.append(Skipped(where, M("no title")))
            continue
        slot = item.get("slot") if isinstance(item.get("slot"), dict) else {}
        try:
            start = parse_moment(slot["start"], tz) if slot.get("start") else None
            end = parse_moment(slot["end"], tz) if slot.get("end") else None
        except (ValueError, TypeError) as exc:
            skipped.append(Skipped(where, M("bad slot start/end: %(error)s", error=str(exc)), title))
            continue
        if (start is None) != (end is None):
            skipped.append(Skipped(where, M("the slot has only one of start and end"), title))
            continue
        room = i18n(slot.get("room"))
        speakers = [line(p.get("name")) for p in item.get("speakers") or [] if isinstance(p, dict) and p.get("name")]
        kind = i18n(item.get("submission_type"))
        sessions.append(
            Session(
                key=code or derive_key(title, speakers),
                code=code,
                title=title,
                abstract=join_texts(text(item.get("abstract")), text(item.get("description"))),
                start=start,
                end=end,
                room=room,
                room_code=room_code_for(room),
                track=i18n(item.get("track")),
                type=kind,
                language=line(item.get("content_locale")),
                speakers=speakers,
                links=recording_links(item),
                is_break=looks_like_break(title, kind),
            )
        )
    if left_out:
        notes.append(
            M("%(n)d submissions not confirmed (rejected, withdrawn or still in review) were left out", n=left_out)
        )
    return Timetable(sessions=sessions, timezone=tz_name, notes=notes, skipped=skipped)


def parse_widget(data: bytes, options: Options) -> Timetable:
    doc = load_json(data, WIDGET)
    if not is_widget(doc):
        raise ParseError(
            WIDGET, M("top level"), M('expected pretalx widget data: {"talks": [{"code", "title", …}], "rooms"}')
        )
    rooms = {r.get("id"): i18n(r.get("name")) for r in doc.get("rooms") or [] if isinstance(r, dict)}
    tracks = {t.get("id"): i18n(t.get("name")) for t in doc.get("tracks") or [] if isinstance(t, dict)}
    people = {p.get("code"): line(p.get("name")) for p in doc.get("speakers") or [] if isinstance(p, dict)}
    sample = first_moment(t.get("start") for t in doc["talks"] if isinstance(t, dict))
    tz_name, notes = resolve_zone(WIDGET, line(doc.get("timezone")), options, sample)
    tz = zone(tz_name)
    sessions, skipped = [], []
    for index, talk in enumerate(doc["talks"]):
        where = f"talks[{index}]"
        if not isinstance(talk, dict):
            raise ParseError(WIDGET, where, M("is not an object"))
        title = i18n(talk.get("title"))
        code = line(talk.get("code"))
        where = f"{where} ({code})" if code else where
        if not title:
            skipped.append(Skipped(where, M("no title")))
            continue
        try:
            start = parse_moment(talk["start"], tz) if talk.get("start") else None
            end = parse_moment(talk["end"], tz) if talk.get("end") else None
        except (ValueError, TypeError) as exc:
            skipped.append(Skipped(where, M("bad start/end: %(error)s", error=str(exc)), title))
            continue
        if (start is None) != (end is None):
            skipped.append(Skipped(where, M("has only one of start and end"), title))
            continue
        room = rooms.get(talk.get("room"), "") if not isinstance(talk.get("room"), dict) else i18n(talk["room"])
        names = [
            people.get(c, "") if not isinstance(c, dict) else line(c.get("name")) for c in talk.get("speakers") or []
        ]
        speakers = [n for n in names if n]
        sessions.append(
            Session(
                key=code or derive_key(title, speakers),
                code=code,
                title=title,
                abstract=text(talk.get("abstract")),
                start=start,
                end=end,
                room=room,
                room_code=room_code_for(room),
                track=tracks.get(talk.get("track"), "")
                if not isinstance(talk.get("track"), dict)
                else i18n(talk["track"]),
                speakers=speakers,
                links=recording_links(talk),
                is_break=looks_like_break(title),
            )
        )
    return Timetable(
        sessions=sessions, timezone=tz_name, rooms=[r for r in rooms.values() if r], notes=notes, skipped=skipped
    )
