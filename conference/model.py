"""The shapes everyone shares: what parsers return (Session, Timetable), what everyone else reads
(Conference, PlannedSession, Link), and the time helpers.

Data flows one way: parsers build `Timetable`s of `Session`s; the store keeps them and hands back
`Conference` and `PlannedSession` objects (frozen: nobody downstream mutates what the store built);
planning, exporters, views, the CLI and the bench read those.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import BadInput
from .messages import M

# Sessions that start before this hour (local time) belong to the previous conference day,
# as frab's `day_change` does: a 01:00 party at 39C3 is part of the evening before.
DAY_CHANGE_HOUR = 6
MAX_BYTES = 20 * 1024 * 1024  # the documented cap for any timetable, uploaded or downloaded
MAX_SESSIONS = 20_000  # sessions per conference (FOSDEM has ~1,000): more is refused with a clear error


@dataclass
class Session:
    """One item of a timetable, as every parser returns it and every exporter reads it.

    key       stable identity across re-imports: the source's guid, else its code, else its id,
              else a hash of title and speakers (never of time or room, see `derive_key`).
    code      display code such as ``A00`` (may be empty).
    start/end timezone-aware datetimes, or both None for an unscheduled talk.
    room_code short room label (``A`` for "Track A"), may be empty.
    speakers  display names, in the source's order.
    links     ``{"url", "kind", "title"}`` dicts from the timetable itself.
    is_break  True for breaks, lunch and other timeslots nobody "attends".
    """

    key: str
    title: str
    code: str = ""
    subtitle: str = ""
    abstract: str = ""
    start: datetime | None = None
    end: datetime | None = None
    room: str = ""
    room_code: str = ""
    track: str = ""
    type: str = ""
    language: str = ""
    speakers: list[str] = field(default_factory=list)
    url: str = ""
    links: list[dict] = field(default_factory=list)
    is_break: bool = False

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Skipped:
    """An item of a file that could not be used: where it is (line, record, UID), its title if any, and why."""

    where: str  # or a messages.Message ("line 3, column '時間'"), as `why` may be
    why: str
    title: str = ""

    def message(self) -> M:
        """The item, its title and why, as one translatable message (its str() is the English line)."""
        if self.title:
            return M("%(where)s (%(title)s): %(why)s", where=self.where, title=self.title, why=self.why)
        return M("%(where)s: %(why)s", where=self.where, why=self.why)

    def __str__(self) -> str:
        return str(self.message())


@dataclass
class Timetable:
    """What a parser returns: the conference's own facts plus its sessions."""

    sessions: list[Session]
    name: str = ""
    timezone: str = ""
    url: str = ""
    language: str = ""
    # The source's own room order where it gives one (frab's <room>s, Sessionize's sort, pretalx's rooms);
    # parsers.parse completes it with the other rooms in natural order (model.room_order).
    rooms: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said in the import summary (messages.Message, mostly)
    # Items of the file that could not be used, each named with its place and why ("line 170 (Big Data
    # Startups Pitches): ends (00:00) before it starts (10:10)"); the rest was imported.
    skipped: list[Skipped] = field(default_factory=list)
    # Session columns this source does not really carry (a pretalx calendar has no track, a shorter
    # abstract, another URL spelling): a re-import keeps the stored values of these for sessions it matches.
    keeps: tuple[str, ...] = ()


def natural_key(text: str) -> list:
    """Sort text as people do: "Track 2" before "Track 10", "Ａ" with "A", case ignored."""
    parts = re.split(r"(\d+)", unicodedata.normalize("NFKC", text).casefold())
    return [int(p) if i % 2 else p for i, p in enumerate(parts)]


def room_order(rooms, order=()) -> list[str]:
    """The rooms in the source's own order (`order`: frab's <room>s, Sessionize's sort) where it gives one,
    then the others in natural order (A, B, C…; Track 1, Track 2, Track 10), never by first appearance:
    a refresh that drops a room's first talk must not move its column."""
    rooms = list(dict.fromkeys(r for r in rooms if r))
    present = set(rooms)
    explicit = [r for r in dict.fromkeys(order) if r in present]
    rest = sorted((r for r in rooms if r not in set(explicit)), key=natural_key)
    return explicit + rest


@dataclass(frozen=True, slots=True)
class Link:
    """A link on a session: the timetable's own (id None) or one the attendee added (id of that row)."""

    url: str
    kind: str  # slides / video / blog / code / other (links.LINK_KINDS)
    title: str = ""
    id: int | None = None

    def to_json(self) -> dict:
        return {"url": self.url, "kind": self.kind, "title": self.title}


@dataclass(frozen=True, slots=True)
class Conference:
    """One conference as the store keeps it (a row of `conferences`, decoded)."""

    id: int
    slug: str
    name: str
    timezone: str  # IANA name: every time of this conference is shown in it
    start_date: str | None = None  # ISO dates of the first and last conference day
    end_date: str | None = None
    url: str = ""
    language: str = ""
    source: str = ""  # the path, URL or name it was imported from ("demo" for the demo)
    source_format: str = ""
    source_options: dict[str, Any] = field(default_factory=dict)  # what Refresh repeats (importer.ImportRequest)
    imported_at: str | None = None
    is_demo: bool = False
    rooms: tuple[str, ...] = ()  # the source's room order: the grid's columns
    plan_changed_at: str | None = None  # a mark set or cleared: feeds' Last-Modified
    plan_version: int = 0  # counters: bumped by every change of the plan / of the timetable
    data_version: int = 0
    talks: int | None = None  # sessions that are not breaks; only filled in by store.conferences()
    hashtag: str = ""  # without "#" ("JTF2026"); the user sets it (`flask conference SLUG --hashtag`)

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.timezone)


@dataclass(frozen=True, slots=True, eq=True)
class PlannedSession:
    """A session as everyone downstream of the store reads it: the timetable's fields and the attendee's.

    Built in one place (`store.planned_sessions`); views, templates, exporters, the CLI and the bench
    read it, nobody changes it (`dataclasses.replace` makes a changed copy).

    key          stable identity across re-imports (see `derive_key`)
    start/end    aware datetimes in the conference's zone, or both None (unscheduled)
    day          the conference day it belongs to (talks after midnight stay on the evening before)
    speakers     display names, in the source's order
    links        the timetable's links, then the attendee's (those carry their row `id`)
    abstract     "" when the caller asked for sessions without abstracts (grids and lists)
    cancelled    the organisers dropped it, but the attendee has marks, notes or links on it
    previous     the watched fields (start, end, room, title, speakers) a re-import changed: old values,
                 as stored (ISO times, speaker lists); {} when nothing moved
    sequence     bumped by every watched change (the calendar's SEQUENCE)
    updated_at   when our copy last changed (ISO, UTC)
    status       None, "interested", "going", "attended", "speaking" or "later" (watch the recording)
    clashes      keys of the other sessions this one overlaps when both are chosen (going/speaking), or one
                 is chosen and the other attended (planning.clashes)
    """

    key: str
    code: str
    title: str
    subtitle: str = ""
    abstract: str = ""
    start: datetime | None = None
    end: datetime | None = None
    day: date | None = None
    room: str = ""
    room_code: str = ""
    track: str = ""
    type: str = ""
    language: str = ""
    speakers: tuple[str, ...] = ()
    url: str = ""
    links: tuple[Link, ...] = ()
    is_break: bool = False
    cancelled: bool = False
    previous: dict[str, Any] = field(default_factory=dict)
    sequence: int = 0
    updated_at: str | None = None
    status: str | None = None
    clashes: tuple[str, ...] = ()

    def __hash__(self) -> int:  # `previous` is a dict: hash what identifies this state of the session
        return hash((self.key, self.sequence, self.updated_at, self.status, self.clashes))

    @property
    def slides(self) -> str:
        """The first slides link's URL, or ""."""
        return next((x.url for x in self.links if x.kind == "slides"), "")

    def to_json(self) -> dict:
        """The `sessions --json` shape (the CLI contract, ../shared/CLI.md): keys in this order."""
        return {
            "key": self.key,
            "code": self.code,
            "title": self.title,
            "subtitle": self.subtitle,
            "start": to_iso(self.start),
            "end": to_iso(self.end),
            "room": self.room,
            "room_code": self.room_code,
            "track": self.track,
            "type": self.type,
            "language": self.language,
            "speakers": list(self.speakers),
            "url": self.url,
            "links": [x.to_json() for x in self.links],
            "is_break": self.is_break,
            "cancelled": self.cancelled,
            "status": self.status,
            "clashes": list(self.clashes),
        }


@dataclass(frozen=True, slots=True)
class Note:
    """The attendee's note on one session: its text and version (0: never saved)."""

    text: str
    version: int
    updated_at: str | None = None


@dataclass(frozen=True, slots=True)
class Photo:
    """A slide photo the attendee keeps with a talk's note (store.photos; the bytes only when asked for).

    taken       when it was taken (EXIF, else the file's time, else when it was added), in the
                conference's zone
    width/height the kept photo's size in pixels (long edge at most media.LONG_EDGE)
    sha256      of the kept photo's bytes (they never change: a photo is written once)
    data        the photo's bytes when loaded with them (exports, backup), else b""
    """

    id: int
    key: str
    caption: str
    taken: datetime
    width: int
    height: int
    mimetype: str = "image/jpeg"
    size: int = 0
    sha256: str = ""
    added_at: str | None = None
    thumb_width: int = 0
    thumb_height: int = 0
    data: bytes = b""

    @property
    def extension(self) -> str:
        return "png" if self.mimetype == "image/png" else "jpg"

    def to_json(self) -> dict:
        """The `photo list --json` shape (the CLI contract, ../shared/CLI.md)."""
        return {
            "id": self.id,
            "key": self.key,
            "caption": self.caption,
            "taken": to_iso(self.taken),
            "width": self.width,
            "height": self.height,
        }


def now_utc() -> datetime:
    """The current time, to the second, in UTC (what the store writes)."""
    return datetime.now(UTC).replace(microsecond=0)


def zone(name: str) -> ZoneInfo:
    """Return the IANA zone called `name`, or raise BadInput."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise BadInput(f"unknown time zone {name!r}", field="timezone") from exc


def to_iso(moment: datetime | None) -> str | None:
    """Store a datetime unambiguously: ISO 8601 with its UTC offset."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise TypeError("naive datetime cannot be stored")  # a bug in the caller, never user input
    return moment.isoformat(timespec="seconds")


def from_iso(text: str | None, tz: ZoneInfo | None = None) -> datetime | None:
    """Read a stored datetime, shown in `tz` when given."""
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment.astimezone(tz) if tz else moment


def advance(previous: str | None, now: datetime) -> str:
    """A stamp that never goes back: `now`, or one second after `previous` when the clock reads earlier.

    A clock corrected backwards (or a stamp written while it ran ahead) must not take a feed's
    Last-Modified back: calendar apps would keep their old copy.
    """
    before = from_iso(previous)
    if before is not None and before >= now:
        return to_iso((before + timedelta(seconds=1)).astimezone(UTC))
    return to_iso(now)


def day_clock(moment: datetime) -> str:
    """A time as the conference day's clock shows it: after midnight the evening goes on, "24:30", "25:00"
    (as Japanese timetables write it), until DAY_CHANGE_HOUR; the same rule as conference_day()."""
    hour = moment.hour + (24 if moment.hour < DAY_CHANGE_HOUR else 0)
    return f"{hour:02d}:{moment.minute:02d}"


def conference_day(moment: datetime) -> date:
    """The conference day a local datetime belongs to (after-midnight talks stay on the evening before)."""
    return (moment - timedelta(hours=DAY_CHANGE_HOUR)).date()


def derive_key(title: str, speakers: list[str]) -> str:
    """A stable key for sources without ids: from title and speakers, never time or room."""
    basis = normalise_space(title).casefold() + "\x1f" + "\x1f".join(sorted(s.casefold() for s in speakers))
    return "t-" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """Text without control characters (tabs and line breaks kept): nothing a timetable says can
    spell a page-cache slot, a terminal escape or a NUL that some tool downstream chokes on."""
    return _CONTROLS.sub("", text) if text else text


def normalise_space(text: str | None) -> str:
    return " ".join((text or "").split())


_ROOM_CODE = re.compile(
    r"^(?:(?:track|room|hall|stage|ルーム|トラック|会場)\s*([A-Za-z0-9]{1,3})|([A-Z][0-9]?))$", re.IGNORECASE
)
_SESSION_CODE = re.compile(r"^([A-Z])\d{2}$")


def room_code_for(room: str, code: str = "") -> str:
    """A short room label: "Track A" -> "A", else the letter of a JTF-style code "A10"."""
    match = _ROOM_CODE.match(normalise_space(room))
    if match:
        return (match.group(1) or match.group(2)).upper()
    match = _SESSION_CODE.match(code or "")
    return match.group(1) if match else ""
