"""Sessionize API JSON: "All data" (sessions, speakers, rooms, categories by id) and "GridSmart" (days).

Claimed only when its sessions have Sessionize's `startsAt`: a `sessions` list without it (a site's
own JSON) is refused with what it has (`missing_fields`).
"""

from __future__ import annotations

from ..errors import ParseError
from ..messages import M
from ..model import Session, Skipped, Timetable, derive_key, room_code_for, zone
from .common import Options, first_moment, line, load_json, looks_like_break, parse_moment, resolve_zone, text

FMT = "sessionize"


def _speaker_name(speaker: dict) -> str:
    return line(
        speaker.get("fullName")
        or speaker.get("name")
        or f"{speaker.get('firstName', '')} {speaker.get('lastName', '')}"
    )


def _category_items(categories: list) -> dict:
    """item id -> (category title, item name); both the old `title/items` and new `name/categoryItems` shapes."""
    items = {}
    for cat in categories or []:
        title = line(cat.get("title") or cat.get("name"))
        for item in cat.get("items") or cat.get("categoryItems") or []:
            items[item.get("id")] = (title, line(item.get("name")))
    return items


def _pick(pairs: list[tuple[str, str]], *names: str) -> str:
    for wanted in names:
        found = [item for title, item in pairs if wanted in title.lower()]
        if found:
            return ", ".join(found)
    return ""


def _flatten_grid(days: list) -> list[dict]:
    """GridSmart: days[] -> rooms[] -> sessions[], with speakers and categories embedded."""
    sessions = []
    for day in days:
        for room in day.get("rooms") or []:
            for s in room.get("sessions") or []:
                sessions.append({**s, "room": s.get("room") or room.get("name")})
    return sessions


def missing_fields(raw: list) -> M | str:
    """Why a sessions list is not Sessionize's ("" when it is)."""
    sample = [s for s in raw[:50] if isinstance(s, dict)]
    if not sample or any("startsAt" in s for s in sample):
        return ""
    keys = ", ".join(dict.fromkeys(str(k) for s in sample for k in s))
    return M("its sessions[] have no startsAt/endsAt (their keys: %(keys)s), so this is not Sessionize", keys=keys)


def parse(data: bytes, options: Options) -> Timetable:
    doc = load_json(data, FMT)
    if isinstance(doc, list):
        raw, speakers, items = _flatten_grid(doc), {}, {}
        # GridSmart lists each day's rooms in the event's room order.
        names = [
            line(r.get("name")) for d in doc if isinstance(d, dict) for r in d.get("rooms") or [] if isinstance(r, dict)
        ]
        rooms = {name: name for name in names if name}
    elif isinstance(doc, dict) and isinstance(doc.get("sessions"), list):
        raw = doc["sessions"]
        if raw and isinstance(raw[0], dict) and "sessions" in raw[0] and "title" not in raw[0]:
            raw = [s for group in raw for s in group.get("sessions") or []]  # the grouped "Sessions" view
        speakers = {sp.get("id"): _speaker_name(sp) for sp in doc.get("speakers") or []}
        ordered = sorted(doc.get("rooms") or [], key=lambda r: r.get("sort") if isinstance(r.get("sort"), int) else 0)
        rooms = {r.get("id"): line(r.get("name")) for r in ordered}
        items = _category_items(doc.get("categories"))
        missing = missing_fields(raw)
        if missing:
            raise ParseError(
                FMT,
                "sessions",
                M("%(why)s; read it as your own JSON: --records sessions --map title=… --map start=…", why=missing),
            )
    else:
        raise ParseError(
            FMT, M("top level"), M("expected Sessionize data: an object with sessions[] or a list of days")
        )
    # Sessionize times carry no offset (the conference's local time), except where an export writes them
    # with one ("…T09:00:00Z"): then the grid shows the times the file says, as the other parsers do.
    sample = first_moment(s.get("startsAt") for s in raw if isinstance(s, dict))
    tz_name, notes = resolve_zone(FMT, "", options, sample if sample and sample.tzinfo else None)
    tz = zone(tz_name)
    sessions = []
    skipped: list[Skipped] = []
    for index, s in enumerate(raw):
        where = f"sessions[{index}] (id {s.get('id')})"
        title = line(s.get("title"))
        if not title:
            skipped.append(Skipped(where, M("has no title")))
            continue
        try:
            start = parse_moment(s["startsAt"], tz) if s.get("startsAt") else None
            end = parse_moment(s["endsAt"], tz) if s.get("endsAt") else None
        except ValueError as exc:
            skipped.append(Skipped(where, M("bad startsAt/endsAt: %(error)s", error=str(exc)), title))
            continue
        if (start is None) != (end is None):
            skipped.append(Skipped(where, M("has only one of startsAt and endsAt"), title))
            continue
        names = []
        for sp in s.get("speakers") or []:
            name = _speaker_name(sp) if isinstance(sp, dict) else speakers.get(sp, "")
            if name:
                names.append(name)
        pairs = [items[i] for i in s.get("categoryItems") or [] if i in items]
        for cat in s.get("categories") or []:  # GridSmart embeds them
            pairs += [(line(cat.get("name")), line(ci.get("name"))) for ci in cat.get("categoryItems") or []]
        room = line(s.get("room")) or rooms.get(s.get("roomId"), "")
        sessions.append(
            Session(
                key=f"sessionize-{s['id']}" if s.get("id") not in (None, "") else derive_key(title, names),
                title=title,
                abstract=text(s.get("description")),
                start=start,
                end=end,
                room=room,
                room_code=room_code_for(room),
                track=_pick(pairs, "track", "トラック", "topic", "トピック", "category"),
                type=_pick(pairs, "format", "type", "形式"),
                language=_pick(pairs, "language", "言語"),
                speakers=names,
                is_break=bool(s.get("isServiceSession")) or looks_like_break(title),
            )
        )
    return Timetable(sessions=sessions, timezone=tz_name, rooms=list(rooms.values()), notes=notes, skipped=skipped)
