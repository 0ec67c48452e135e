"""iCalendar exports with the icalendar library: the plan, the whole timetable, one session, feeds.

DTSTAMP policy: every event's DTSTAMP is the time our copy of the session last changed (import
or re-import), the same as its LAST-MODIFIED; with no METHOD property RFC 5545 lets DTSTAMP mean
exactly that. So the same state always gives byte-identical files, and a changed session gets a
newer DTSTAMP, a newer LAST-MODIFIED and a higher SEQUENCE.
"""

from __future__ import annotations

import hashlib
import html
import re
from datetime import datetime, timedelta

from icalendar import Alarm, Calendar, Event

from ..model import from_iso, zone

PRODID = "-//conference tracker//conference 0.1//EN"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TAG = re.compile(r"<[^>]+>")
_SAFE_KEY = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def uid(conf: dict, key: str) -> str:
    """Stable across exports and re-imports: from the conference and the session's key only."""
    local = key if _SAFE_KEY.match(key) else hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"{local}.{conf['slug']}@conference-tracker"


def clean(text: str) -> str:
    """Timetable text as it is (a title's "<b>" is text, not markup), control characters removed."""
    return _CONTROL.sub("", text or "").strip()


def plain(text: str) -> str:
    """Text for a calendar: HTML tags dropped, entities decoded, control characters removed."""
    text = _TAG.sub("", (text or "").replace("<br>", "\n").replace("</p>", "\n\n"))
    return _CONTROL.sub("", html.unescape(text)).strip()


def summary(s: dict) -> str:
    return clean(f"{s['code']}: {s['title']}" if s["code"] else s["title"])


def _description(s: dict, note: str | None) -> str:
    parts = []
    if s["speakers"]:
        parts.append(", ".join(clean(p) for p in s["speakers"]))
    if s["abstract"]:
        parts.append(plain(s["abstract"]))
    slides = [x["url"] for x in s["links"] if x.get("kind") == "slides"]
    others = [x["url"] for x in s["links"] if x.get("kind") != "slides"]
    if slides:
        parts.append("Slides: " + " ".join(slides))
    if others:
        parts.append("Links: " + " ".join(others))
    if note and note.strip():
        parts.append("My notes:\n" + clean(note))
    return "\n\n".join(parts)


def _stamp(s: dict) -> datetime:
    moment = from_iso(s["updated_at"]) if s.get("updated_at") else datetime(2000, 1, 1)
    return moment.astimezone(zone("UTC")) if moment.tzinfo else moment.replace(tzinfo=zone("UTC"))


def event(conf: dict, s: dict, *, note: str | None = None, alarm_minutes: int | None = 5) -> Event:
    ev = Event()
    ev.add("uid", uid(conf, s["key"]))
    ev.add("dtstamp", _stamp(s))
    ev.add("last-modified", _stamp(s))
    ev.add("sequence", s.get("sequence") or 0)
    ev.add("dtstart", s["start"])
    ev.add("dtend", s["end"])
    ev.add("summary", summary(s))
    if s["room"]:
        ev.add("location", clean(s["room"]))
    if s["url"]:
        ev.add("url", s["url"])
    if s["track"]:
        ev.add("categories", [clean(s["track"])])
    description = _description(s, note)
    if description:
        ev.add("description", description)
    ev.add("status", "CANCELLED" if s["cancelled"] else "CONFIRMED")
    ev.add("transp", "OPAQUE")
    if alarm_minutes is not None and not s["cancelled"]:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary(s))
        alarm.add("trigger", timedelta(minutes=-alarm_minutes))
        ev.add_component(alarm)
    return ev


def calendar(
    conf: dict,
    sessions: list[dict],
    *,
    name: str,
    notes: dict[str, str] | None = None,
    alarm_minutes: int | None = 5,
    feed: bool = False,
) -> bytes:
    """One VEVENT per scheduled session, sorted by start, with the VTIMEZONE they need."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("name", name)
    cal.add("x-wr-timezone", conf["timezone"])
    if feed:
        cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", "PT1H")
    for s in sorted((s for s in sessions if s["start"]), key=lambda s: (s["start"], s["room"], s["key"])):
        cal.add_component(event(conf, s, note=(notes or {}).get(s["key"]), alarm_minutes=alarm_minutes))
    cal.add_missing_timezones()
    return cal.to_ical()
