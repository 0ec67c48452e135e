"""fortee.jp JSON: `api/timetable` (`{"timetable": [...]}`) and the older `api/proposals`.

`api/proposals` lists every CfP entry: only the accepted ones (`accepted: true`) are sessions, and
the summary says how many others were left out. Accepted talks without a `timetable` yet have no
time ("no time yet").
"""

from __future__ import annotations

from datetime import timedelta

from ..errors import ParseError
from ..messages import M
from ..model import Session, Skipped, Timetable, derive_key, room_code_for, zone
from .common import Options, first_moment, line, link, load_json, looks_like_break, parse_moment, resolve_zone, text

FMT = "fortee"


def _speaker(item: dict) -> list[str]:
    speaker = item.get("speaker")
    if isinstance(speaker, dict) and line(speaker.get("name")):
        return [line(speaker["name"])]
    if isinstance(speaker, list):
        return [line(s.get("name")) for s in speaker if isinstance(s, dict) and line(s.get("name"))]
    return []


def parse(data: bytes, options: Options) -> Timetable:
    doc = load_json(data, FMT)
    if not isinstance(doc, dict):
        raise ParseError(FMT, M("top level"), M('expected {"timetable": [...]} or {"proposals": [...]}'))
    items = doc.get("timetable") if isinstance(doc.get("timetable"), list) else doc.get("proposals")
    if not isinstance(items, list):
        raise ParseError(FMT, M("top level"), M('expected {"timetable": [...]} or {"proposals": [...]}'))
    sample = first_moment(
        (item.get("starts_at") or (item.get("timetable") or {}).get("starts_at"))
        for item in items
        if isinstance(item, dict)
    )
    # fortee is Japanese: +09:00 offsets with no zone named mean Asia/Tokyo unless the user says otherwise.
    declared = "Asia/Tokyo" if sample and sample.utcoffset() == timedelta(hours=9) and not options.timezone else ""
    tz_name, notes = resolve_zone(FMT, declared, options, sample)
    tz = zone(tz_name)
    sessions = []
    skipped: list[Skipped] = []
    left_out = 0
    for index, item in enumerate(items):
        where = f"{'timetable' if 'timetable' in doc else 'proposals'}[{index}]"
        if not isinstance(item, dict):
            raise ParseError(FMT, where, M("is not an object"))
        if item.get("accepted") is False:  # a proposal the organisers did not take
            left_out += 1
            continue
        slot = item.get("timetable") if isinstance(item.get("timetable"), dict) else item  # proposals nest it
        title = line(item.get("title"))
        if not title:
            skipped.append(Skipped(where, M("has no title")))
            continue
        start = end = None
        if slot.get("starts_at"):
            try:
                start = parse_moment(slot["starts_at"], tz)
                end = start + timedelta(minutes=int(slot.get("length_min") or 0))
            except (ValueError, TypeError) as exc:
                skipped.append(Skipped(where, M("bad starts_at/length_min: %(error)s", error=str(exc)), title))
                continue
        track = slot.get("track")
        room = line(track.get("name") if isinstance(track, dict) else track)
        speakers = _speaker(item)
        links = [
            found
            for found in (
                link(item.get("slide_url") or "", kind="slides"),
                link(item.get("blog_url") or "", kind="blog"),
            )
            if found
        ]
        tags = [line(t.get("name") if isinstance(t, dict) else t) for t in item.get("tags") or []]
        sessions.append(
            Session(
                key=line(item.get("uuid")) or derive_key(title, speakers),
                title=title,
                abstract=text(item.get("abstract")),
                start=start,
                end=end,
                room=room,
                room_code=room_code_for(room),
                track=", ".join(t for t in tags if t),
                type=line(item.get("type")) or "talk",
                speakers=speakers,
                url=line(item.get("url")),
                links=links,
                is_break=looks_like_break(title, item.get("type") or ""),
            )
        )
    if left_out:
        notes.append(M("%(n)d proposals not accepted were left out", n=left_out))
    sorts = {}
    for item in items:
        track = (
            (item.get("timetable") if isinstance(item.get("timetable"), dict) else item).get("track")
            if isinstance(item, dict)
            else None
        )
        if isinstance(track, dict) and line(track.get("name")):
            sorts.setdefault(line(track["name"]), track.get("sort") if isinstance(track.get("sort"), int) else 0)
    rooms = sorted(sorts, key=lambda name: sorts[name])
    return Timetable(sessions=sessions, timezone=tz_name, language="ja", rooms=rooms, notes=notes, skipped=skipped)
