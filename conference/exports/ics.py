"""iCalendar exports with the icalendar library: the plan, the whole timetable, one session, feeds.

Pure functions from (Conference, [PlannedSession], note texts, options) to bytes.

DTSTAMP policy: every event's DTSTAMP is the time our copy of the session last changed (import
or re-import), the same as its LAST-MODIFIED; with no METHOD property RFC 5545 lets DTSTAMP mean
exactly that. So the same state always gives byte-identical files, and a changed session gets a
newer DTSTAMP, a newer LAST-MODIFIED and a higher SEQUENCE.

Speed: icalendar folds every long line in pure Python (~0.5 ms per event). Each event's text is
kept (cache.LRU) under a key made of everything it shows, so a calendar is rebuilt from kept texts
and only new or changed sessions go through icalendar again; the file stays the one icalendar
writes for the whole calendar (its header and VTIMEZONE, then the events in order).
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Alarm, Calendar, Event, Timezone

from ..cache import LRU
from ..model import Conference, PlannedSession, from_iso, zone
from ..planning import plan_sessions
from .words import conference_language, words

PRODID = "-//conference tracker//conference 0.1//EN"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TAG = re.compile(r"<[^>]+>")
_SAFE_KEY = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_TZID = re.compile(rb";TZID=([^:;]+)[:;]")
_END = b"END:VCALENDAR\r\n"

# Serialized VEVENTs and VTIMEZONEs, keyed by everything they show (see _event_key): FOSDEM's 883
# events take about 2 MB; the budget keeps a few conferences' worth.
EVENTS: LRU[bytes] = LRU(50_000, max_weight=64 * 1024 * 1024)


@dataclass(frozen=True)
class CalendarOptions:
    """alarm_minutes: the reminder before each event (None: none); interested: the plan includes the
    shortlist; with_notes: the attendee's notes in each description; feed: a subscription's refresh hints;
    lang: the language of the calendar's own words ("Slides:", "My notes:", its name): "ja" or "en",
    "" for the conference's (words.language decides what a download from a page asks for).

    revision / revised_at: how many times the reminder changed and when it last did
    (store.alarm_revision): added to the SEQUENCE of each event of a calendar that carries reminders,
    whose LAST-MODIFIED is then at least `revised_at`; note_stamps: (key, version, updated_at) of the
    notes (store.note_stamps), the same for each event that shows its note. So an event whose text
    changed always has a higher SEQUENCE and a newer LAST-MODIFIED."""

    alarm_minutes: int | None = 5
    interested: bool = False
    with_notes: bool = False
    feed: bool = False
    revision: int = 0
    revised_at: str | None = None
    note_stamps: tuple[tuple[str, int, str], ...] = ()
    lang: str = ""


def uid(conf: Conference, key: str) -> str:
    """Stable across exports and re-imports: from the conference and the session's key only."""
    local = key if _SAFE_KEY.match(key) else hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"{local}.{conf.slug}@conference-tracker"


def clean(text: str) -> str:
    """Timetable text as it is (a title's "<b>" is text, not markup), control characters removed."""
    return _CONTROL.sub("", text or "").strip()


def plain(text: str) -> str:
    """Text for a calendar: HTML tags dropped, entities decoded, control characters removed."""
    text = _TAG.sub("", (text or "").replace("<br>", "\n").replace("</p>", "\n\n"))
    return _CONTROL.sub("", html.unescape(text)).strip()


def summary(s: PlannedSession) -> str:
    return clean(f"{s.code}: {s.title}" if s.code else s.title)


def _description(s: PlannedSession, note: str | None, lang: str = "en") -> str:
    said = words(lang)
    parts = []
    if s.speakers:
        parts.append(", ".join(clean(p) for p in s.speakers))
    if s.abstract:
        parts.append(plain(s.abstract))
    slides = [x.url for x in s.links if x.kind == "slides"]
    others = [x.url for x in s.links if x.kind != "slides"]
    if slides:
        parts.append(said["slides"] + " ".join(slides))
    if others:
        parts.append(said["links"] + " ".join(others))
    if note and note.strip():
        parts.append(said["notes"] + "\n" + clean(note))
    return "\n\n".join(parts)


def _utc(text: str | None) -> datetime:
    moment = from_iso(text) if text else datetime(2000, 1, 1)
    return moment.astimezone(zone("UTC")) if moment.tzinfo else moment.replace(tzinfo=zone("UTC"))


def _stamp(s: PlannedSession, *revised: str | None) -> datetime:
    """The event's LAST-MODIFIED (and DTSTAMP): the latest of the session's change and our own revisions."""
    return max([_utc(s.updated_at), *(_utc(r) for r in revised if r)])


def event(
    conf: Conference,
    s: PlannedSession,
    *,
    note: str | None = None,
    alarm_minutes: int | None = 5,
    revision: tuple[int, str | None, int, str | None] = (0, None, 0, None),
    lang: str = "en",
) -> Event:
    """One session as an icalendar VEVENT.

    revision: (the reminder's count, its time, the note's version, its time): added to SEQUENCE and
    taken into LAST-MODIFIED, so a reminder or note change is news to calendars (see CalendarOptions)."""
    alarm_count, alarm_at, note_version, note_at = revision
    ev = Event()
    ev.add("uid", uid(conf, s.key))
    ev.add("dtstamp", _stamp(s, alarm_at, note_at))
    ev.add("last-modified", _stamp(s, alarm_at, note_at))
    ev.add("sequence", (s.sequence or 0) + alarm_count + note_version)
    ev.add("dtstart", s.start)
    ev.add("dtend", s.end)
    ev.add("summary", summary(s))
    if s.room:
        ev.add("location", clean(s.room))
    if s.url:
        ev.add("url", s.url)
    if s.track:
        ev.add("categories", [clean(s.track)])
    description = _description(s, note, lang)
    if description:
        ev.add("description", description)
    ev.add("status", "CANCELLED" if s.cancelled else "CONFIRMED")
    ev.add("transp", "OPAQUE")
    if alarm_minutes is not None and not s.cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary(s))
        alarm.add("trigger", timedelta(minutes=-alarm_minutes))
        ev.add_component(alarm)
    return ev


def _event_key(
    conf: Conference, s: PlannedSession, note: str | None, alarm_minutes: int | None, revision, lang: str
) -> tuple:
    """Everything `event()` reads: equal keys give byte-identical VEVENTs."""
    return (
        "vevent",
        conf.slug,
        conf.timezone,
        s.key,
        s.code,
        s.title,
        s.start,
        s.end,
        s.room,
        s.url,
        s.track,
        s.speakers,
        s.abstract,
        s.links,
        s.cancelled,
        s.sequence,
        s.updated_at,
        note,
        alarm_minutes,
        revision,
        lang,
    )


def event_text(
    conf: Conference,
    s: PlannedSession,
    *,
    note: str | None = None,
    alarm_minutes: int | None = 5,
    revision: tuple[int, str | None, int, str | None] = (0, None, 0, None),
    lang: str = "en",
) -> bytes:
    """The serialized VEVENT of one session (kept: built once per version of what it shows)."""
    return EVENTS.get_or_build(
        _event_key(conf, s, note, alarm_minutes, revision, lang),
        lambda: event(conf, s, note=note, alarm_minutes=alarm_minutes, revision=revision, lang=lang).to_ical(),
    )


def _timezone_text(tzid: str, first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE for the years the events fall in. Not icalendar's default 1970-2038: that one lists
    every change of those 68 years as RDATEs, and vobject and ical.js (Thunderbird) then read summer
    times in a zone with daylight saving an hour off (a July talk in Berlin at 09:00 read as 10:00)."""

    def build() -> bytes:
        try:
            return Timezone.from_tzid(
                tzid, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
            ).to_ical()
        except ValueError:  # a zone icalendar cannot describe: left out, as add_missing_timezones does
            return b""

    return EVENTS.get_or_build(("vtimezone", tzid, first_year, last_year), build)


def calendar(
    conf: Conference,
    sessions: Sequence[PlannedSession],
    *,
    name: str,
    notes: Mapping[str, str] | None = None,
    alarm_minutes: int | None = 5,
    feed: bool = False,
    options: CalendarOptions | None = None,
    lang: str = "en",
) -> bytes:
    """One VEVENT per scheduled session, sorted by start, with the VTIMEZONE they need; `lang` is the
    language of the words around the timetable's text ("Slides:", "My notes:").

    `options`: the revisions of a calendar that carries reminders (None: a calendar without, such
    as the whole timetable, whose events change only with the timetable)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("name", name)
    cal.add("x-wr-timezone", conf.timezone)
    if feed:
        cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", "PT1H")
    head = cal.to_ical()  # "BEGIN:VCALENDAR … END:VCALENDAR": the zones and events go before its end
    stamps = {key: (version, at) for key, version, at in options.note_stamps} if options and notes else {}

    def revision(key: str) -> tuple[int, str | None, int, str | None]:
        if options is None:
            return (0, None, 0, None)
        version, at = stamps.get(key, (0, None))
        return (options.revision, options.revised_at, version, at)

    scheduled = sorted((s for s in sessions if s.start), key=lambda s: (s.start, s.room, s.key))
    events = [
        event_text(
            conf,
            s,
            note=(notes or {}).get(s.key),
            alarm_minutes=alarm_minutes,
            revision=revision(s.key),
            lang=lang,
        )
        for s in scheduled
    ]
    tzids = sorted({m.decode() for text in events for m in _TZID.findall(text)})
    years = (scheduled[0].start.year, max((s.end or s.start).year for s in scheduled)) if scheduled else (0, 0)
    return b"".join([head[: -len(_END)], *(_timezone_text(t, *years) for t in tzids), *events, _END])


# --- the exporters (registered in exports/__init__.py) ----------------------------------------


def _language(conf: Conference, sessions: Sequence[PlannedSession], options: CalendarOptions | None) -> str:
    return (options.lang if options and options.lang else "") or conference_language(conf, sessions)


def plan_part(options: CalendarOptions) -> str:
    """What sets a plan's file apart in its name: "" (the plan), "-interested" (with the shortlist),
    "-notes" (with the notes), "-interested-notes" (both): three downloads, three files."""
    return ("-interested" if options.interested else "") + ("-notes" if options.with_notes else "")


def plan_ics(
    conf: Conference, sessions: Sequence[PlannedSession], notes: Mapping[str, str], options: CalendarOptions
) -> bytes:
    """The attendee's plan (going, speaking, attended; `interested` adds the shortlist), named
    "… (my plan)" / "…（自分の予定）"."""
    lang = _language(conf, sessions, options)
    return calendar(
        conf,
        plan_sessions(sessions, options.interested),
        name=words(lang)["plan_interested" if options.interested else "plan"].format(name=conf.name),
        lang=lang,
        notes=notes if options.with_notes else None,
        alarm_minutes=options.alarm_minutes,
        feed=options.feed,
        options=options,
    )


def timetable_ics(
    conf: Conference, sessions: Sequence[PlannedSession], notes: Mapping[str, str], options: CalendarOptions
) -> bytes:
    """The whole timetable, without reminders. A talk the organisers dropped that the store kept (the
    attendee planned it, or wrote about it) stays in, as STATUS:CANCELLED with its raised SEQUENCE: a
    calendar that subscribed to this file must see the cancellation, not a silently vanished event."""
    return calendar(conf, sessions, name=conf.name, alarm_minutes=None, lang=_language(conf, sessions, options))


def sessions_ics(
    conf: Conference, sessions: Sequence[PlannedSession], notes: Mapping[str, str], options: CalendarOptions
) -> bytes:
    """The given sessions as they are (one session's "Add to calendar")."""
    return calendar(
        conf,
        sessions,
        name=conf.name,
        alarm_minutes=options.alarm_minutes,
        options=options,
        lang=_language(conf, sessions, options),
    )
