"""The one normalised shape of a timetable, and the time helpers every module shares."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Sessions that start before this hour (local time) belong to the previous conference day,
# as frab's `day_change` does: a 01:00 party at 39C3 is part of the evening before.
DAY_CHANGE_HOUR = 6


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


@dataclass
class Timetable:
    """What a parser returns: the conference's own facts plus its sessions."""

    sessions: list[Session]
    name: str = ""
    timezone: str = ""
    url: str = ""
    language: str = ""
    rooms: list[str] = field(default_factory=list)  # the source's room order (columns of the grid)
    notes: list[str] = field(default_factory=list)  # said in the import summary


class ParseError(ValueError):
    """A timetable that cannot be read; says which format, where and why."""

    def __init__(self, fmt: str, where: str, why: str):
        self.fmt, self.where, self.why = fmt, where, why
        super().__init__(f"{fmt}: {where}: {why}" if where else f"{fmt}: {why}")


def zone(name: str) -> ZoneInfo:
    """Return the IANA zone called `name`, or raise ValueError."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def to_iso(moment: datetime | None) -> str | None:
    """Store a datetime unambiguously: ISO 8601 with its UTC offset."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("naive datetime cannot be stored")
    return moment.isoformat(timespec="seconds")


def from_iso(text: str | None, tz: ZoneInfo | None = None) -> datetime | None:
    """Read a stored datetime, shown in `tz` when given."""
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment.astimezone(tz) if tz else moment


def conference_day(moment: datetime) -> date:
    """The conference day a local datetime belongs to (after-midnight talks stay on the evening before)."""
    return (moment - timedelta(hours=DAY_CHANGE_HOUR)).date()


def derive_key(title: str, speakers: list[str]) -> str:
    """A stable key for sources without ids: from title and speakers, never time or room."""
    basis = normalise_space(title).casefold() + "\x1f" + "\x1f".join(sorted(s.casefold() for s in speakers))
    return "t-" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


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
