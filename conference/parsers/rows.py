"""Rows of named fields -> sessions: what CSV/TSV spreadsheets and custom JSON/YAML records share.

A row is a mapping from our field names (`FIELDS`: title, start, end, duration, date, day, room,
track, speakers, …) to what the source wrote there: text, a number, a list (speakers), or a date or
datetime that YAML already read. Each row becomes one Session, or is skipped with its place and the
reason (an impossible end, a time nobody can read); a problem with the user's options (a weekday
but no --date) stops the whole file instead, since every row would fail the same way.

Times: "10:00", "10:00:00", "0930", "2:00 p.m.", "午後2時", "24:30" (the Japanese late-night
convention: 24:00-29:59 is the next day), or a full date and time. An end before the start is the
next day only for an evening start (18:00 or later) and at most 12 hours; otherwise the row is
skipped ("ends (00:00) before it starts (10:10)"): a placeholder end is not a 14-hour talk.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from ..errors import BadInput, ParseError
from ..model import Session, Skipped, derive_key, room_code_for
from .common import Options, join_texts, line, link, looks_like_break, parse_duration, text

# Our field names, and what each means (README "CSV / TSV headers"; `--map FIELD=PATH`).
FIELDS = (
    "id",  # stable key
    "code",  # display code ("A00")
    "title",
    "subtitle",
    "date",  # the day of the start: 2026-07-25, 2026/07/25, 25/07/2026, 2026年7月25日, MMDD with --date
    "end_date",  # the day of the end, when it differs
    "day",  # a weekday name or a day number ("1", "day1", "1日目") counted from --date
    "start",
    "end",
    "duration",
    "room",
    "track",
    "category",  # the track when there is no track field, else the type when there is none
    "speakers",
    "abstract",
    "description",
    "url",
    "slides",
    "language",
    "type",
    "all_day",  # TRUE/yes/1: an all-day item (a raffle, a game room), not a talk
)
UNTITLED = "(untitled)"
_TRUE = ("true", "yes", "y", "1", "x", "✓", "はい")
_TBD = ("tbd", "tba", "?", "-", "未定", "n/a")
_SPEAKER_SPLIT = re.compile(r"\s*(?:;|；|、|,|，|\||\n)\s*")
_CLOCK = re.compile(
    r"^(午前|午後)?\s*(\d{1,2})(?:(?::|時)(\d{2})(?::(\d{2}))?分?)?\s*(a\.?m\.?|p\.?m\.?)?$", re.IGNORECASE
)
_HHMM = re.compile(r"^(\d{2})(\d{2})$")
_DATETIME = re.compile(r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}[ T]")
_DATE_PATTERNS = (
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"), "ymd"),
    (re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日"), "ymd"),
    (re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})$"), "dmy"),
)
_DAY_NUMBER = re.compile(r"^(?:day\s*|dag\s*|tag\s*|第)?(\d{1,2})(?:日目|日)?$", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+);", re.IGNORECASE)

WEEKDAYS = {
    **{n: i for i, n in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))},
    **{n: i for i, n in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{n: i for i, n in enumerate(("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag"))},
    **{n: i for i, n in enumerate("月火水木金土日")},
    **{n + "曜日": i for i, n in enumerate("月火水木金土日")},
    **{n + "曜": i for i, n in enumerate("月火水木金土日")},
}


@dataclass
class Row:
    """One item of the source: where it is ("line 170", "events[3]") and its values by our field names."""

    where: str
    values: Mapping[str, Any]


@dataclass
class Built:
    """What the rows gave: the sessions, the skipped items and what to say in the summary."""

    sessions: list[Session] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def parse_clock(value: str) -> tuple[time, int]:
    """A clock time and a day carry: "10:00", "10:00:00", "0930", "2:00 p.m.", "午後2時", "9", "24:30".

    24:00-29:59 is the next day (carry 1), as Japanese timetables write late-night times.
    """
    raw = line(value)
    hhmm = _HHMM.match(raw)
    if hhmm:
        raw = f"{hhmm.group(1)}:{hhmm.group(2)}"
    match = _CLOCK.match(raw)
    if not match:
        raise BadInput(f"not a time: {value!r}")
    ja, hour, minute, second, ampm = match.groups()
    hour, minute, second = int(hour), int(minute or 0), int(second or 0)
    pm = (ampm and ampm.lower().startswith("p")) or ja == "午後"
    am = (ampm and ampm.lower().startswith("a")) or ja == "午前"
    if (pm or am) and not 0 <= hour <= 12:
        raise BadInput(f"not a 12-hour time: {value!r}")
    if pm and hour != 12:
        hour += 12
    elif am and hour == 12:
        hour = 0
    if minute > 59 or second > 59:
        raise BadInput(f"not a time: {value!r}")
    carry = 0
    if 24 <= hour <= 29:  # 24:00-29:59: the next day
        hour, carry = hour - 24, 1
    elif hour > 23:
        raise BadInput(f"not a time: {value!r} (hours go up to 29 for the next morning)")
    return time(hour, minute, second), carry


def parse_date(value: str, order: str = "dmy", year: int | None = None) -> date:
    """A date: ISO, 2026/07/25, 2026年7月25日, 25/07/2026 (or 07/25/2026 with order "mdy"), MMDD with `year`."""
    raw = line(value)
    for pattern, kind in _DATE_PATTERNS:
        match = pattern.match(raw)
        if not match:
            continue
        a, b, c = (int(x) for x in match.groups())
        if kind == "ymd":
            return date(a, b, c)
        full = c + 2000 if c < 100 else c
        if b > 12 or (order == "mdy" and a <= 12):
            return date(full, a, b)
        return date(full, b, a)
    if year and re.fullmatch(r"\d{4}", raw):  # MMDD, the year from --date
        return date(year, int(raw[:2]), int(raw[2:]))
    return date.fromisoformat(raw)


def date_order(values: Iterable[str]) -> str:
    """Slash dates of one column: "mdy" when one of them can only be month/day (4/29/2016), else "dmy"."""
    for value in values:
        match = _DATE_PATTERNS[2][0].match(line(value))
        if match:
            a, b = int(match.group(1)), int(match.group(2))
            if b > 12 >= a:
                return "mdy"
            if a > 12:
                return "dmy"
    return "dmy"


def split_speakers(cell: str) -> list[str]:
    names = []
    for part in _SPEAKER_SPLIT.split(text(cell)):
        part = re.sub(r"^\d+:(?=\S)", "", part.strip())
        if part:
            names.append(part)
    return names


def _plain(value: Any) -> str:
    """One text from whatever a field holds: lists are joined, entities decoded, literal "\\n" made real."""
    if value is None or value is False:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(p for p in (_plain(v) for v in value) if p)
    if isinstance(value, dict):
        return _plain(value.get("name") or value.get("title") or value.get("en") or "")
    value = text(value)
    if _ENTITY.search(value):
        value = html.unescape(value)
    return value.replace("\\n", "\n")


def speakers_of(value: Any) -> list[str]:
    """Speaker names from a cell ("A; B"), a list of names, or a list of objects with a name."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        names = []
        for item in value:
            if isinstance(item, dict):
                item = (
                    item.get("name")
                    or item.get("public_name")
                    or item.get("fullName")
                    or item.get("display")
                    or item.get("display_name")
                )
            name = line(_plain(item))
            if name:
                names.append(name)
        return names
    return [line(n) for n in split_speakers(_plain(value))]


def _minutes(value: Any) -> timedelta:
    if isinstance(value, bool):
        raise BadInput(f"not a duration: {value!r}")
    if isinstance(value, int | float):
        return timedelta(minutes=value)
    try:
        return parse_duration(line(value))
    except BadInput:
        return parse_duration(re.sub(r"\s*(分|min|mins|minutes|minuten)\.?$", "", line(value), flags=re.IGNORECASE))


class RowReader:
    """Turns rows into sessions under one set of options; `column` names a field as the source does."""

    def __init__(
        self,
        fmt: str,
        options: Options,
        tz: tzinfo,
        *,
        column: Mapping[str, str],
        untitled: str = "keep",
        date_order: str = "dmy",
    ):
        self.fmt, self.options, self.tz = fmt, options, tz
        self.column = column  # field -> the header / path it came from; fields not in it are absent
        self.untitled = untitled  # "keep": "(untitled)" with a note (spreadsheets); "skip": name and skip it
        self.order = date_order
        self.has_length = "end" in column or "duration" in column
        if "start" in column and not self.has_length and not options.duration:
            raise ParseError(
                fmt,
                "header" if fmt == "csv" else "fields",
                "no end or duration "
                + ("column" if fmt == "csv" else "field (--map end=… or --map duration=…)")
                + ": give the talks' length with --duration MINUTES",
            )

    def _name(self, key: str) -> str:
        """How the source names a field: "column 'Start Time'" (CSV) or "field 'begin'" (JSON/YAML)."""
        return f"{'column' if self.fmt == 'csv' else 'field'} {self.column.get(key, key)!r}"

    def build(self, rows: Iterable[Row]) -> Built:
        out = Built()
        all_day: list[str] = []
        for row in rows:
            values = row.values
            if not any(_filled(v) for v in values.values()):
                continue  # an empty row
            title = line(_plain(values.get("title")))
            if _plain(values.get("all_day")).strip().casefold() in _TRUE:
                all_day.append(title or row.where)
                continue
            try:
                session = self._session(row, title, out.notes)
            except _Skip as skip:
                out.skipped.append(Skipped(skip.where or row.where, skip.why, title))
                continue
            if session is not None:
                out.sessions.append(session)
        if all_day:
            shown = ", ".join(all_day[:5]) + (f" and {len(all_day) - 5} more" if len(all_day) > 5 else "")
            out.notes.append(f"{len(all_day)} all-day items are not talks and were left out: {shown}")
        return out

    def _session(self, row: Row, title: str, notes: list[str]) -> Session | None:
        values = row.values
        where = row.where
        kind = line(_plain(values.get("type")))
        category = line(_plain(values.get("category")))
        track = line(_plain(values.get("track")))
        if not track and "track" not in self.column:
            track = category
        elif category and not kind and "type" not in self.column:
            kind = category
        if not title:  # a slot in the day: named after its type, else kept or skipped as the source allows
            title = kind or ("" if self.untitled == "skip" else track)
            if not title:
                if self.untitled == "skip":
                    raise _Skip(where, "no title")
                title = UNTITLED
            notes.append(f"{where}: the title is empty; shown as {title!r}")
        start = end = None
        start_value = values.get("start")
        if _filled(start_value):
            day = self._day(values, where)
            start, day = self._start(start_value, day, where)
            end = self._end(values, start, day, where, notes)
        speakers = speakers_of(values.get("speakers"))
        code = line(_plain(values.get("code")))
        ident = line(_plain(values.get("id")))
        if not code and re.fullmatch(r"[A-Z]\d{2}", ident):
            code = ident
        room = line(_plain(values.get("room"))) or ("" if "room" in self.column else track)
        links = [found for found in (link(_plain(values.get("slides")), kind="slides"),) if found]
        url = line(_plain(values.get("url")))
        return Session(
            key=(f"id-{ident}" if ident else "") or code or derive_key(title, speakers),
            code=code,
            title=title,
            subtitle=line(_plain(values.get("subtitle"))),
            abstract=join_texts(_plain(values.get("abstract")), _plain(values.get("description"))),
            start=start,
            end=end,
            room=room,
            room_code=room_code_for(room, code),
            track=track,
            type=kind,
            language=line(_plain(values.get("language"))),
            speakers=speakers,
            url=url if link(url) else "",
            links=links,
            is_break=looks_like_break(title, kind),
        )

    # --- time ----------------------------------------------------------------------------------

    def _day(self, values: Mapping[str, Any], where: str) -> date | None:
        """The row's own day (None when its start carries a full date)."""
        given = values.get("date")
        if isinstance(given, datetime):
            return given.date()
        if isinstance(given, date):
            return given
        for name in ("date", "day"):  # a date; else a weekday or a day number counted from --date
            day = line(_plain(values.get(name)))
            if not day:
                continue
            try:
                return parse_date(day, self.order, self.options.date.year if self.options.date else None)
            except ValueError:
                pass
            number = _DAY_NUMBER.match(day)
            weekday = WEEKDAYS.get(day.casefold().strip("()（）"))
            if (number or weekday is not None) and not self.options.date:
                what = "a day number" if number else "a weekday"
                raise ParseError(
                    self.fmt,
                    f"{where}, {self._name(name)}",
                    f"only {what} ({day!r}), no date: give the first day with --date YYYY-MM-DD",
                )
            if number:
                return self.options.date + timedelta(days=int(number.group(1)) - 1)
            if weekday is not None:
                return self.options.date + timedelta(days=(weekday - self.options.date.weekday()) % 7)
            raise _Skip(f"{where}, {self._name(name)}", f"not a date: {day!r}")
        return self.options.date

    def _start(self, value: Any, day: date | None, where: str) -> tuple[datetime, date]:
        at = f"{where}, {self._name('start')}"
        moment = self._moment(value, at)
        if moment is not None:
            return moment, moment.date()
        try:
            clock, carry = parse_clock(_plain(value))
        except ValueError as exc:
            raise _Skip(at, str(exc)) from exc
        if day is None:
            raise ParseError(self.fmt, where, "no date for this time: add a date column or give --date YYYY-MM-DD")
        return datetime.combine(day + timedelta(days=carry), clock, self.tz), day

    def _moment(self, value: Any, at: str) -> datetime | None:
        """A full date and time (None when `value` is only a clock time)."""
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=self.tz)
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise _Skip(at, f"a number ({value}), not a time")
        raw = line(_plain(value))
        if not _DATETIME.match(raw):
            return None
        try:
            moment = datetime.fromisoformat(raw.replace("/", "-").replace("Z", "+00:00"))
        except ValueError as exc:
            raise _Skip(at, f"not a date and time: {raw!r}") from exc
        return moment if moment.tzinfo else moment.replace(tzinfo=self.tz)

    def _end(self, values: Mapping[str, Any], start: datetime, day: date, where: str, notes: list[str]) -> datetime:
        end_value, length = values.get("end"), values.get("duration")
        default = self.options.duration or 60
        at = f"{where}, {self._name('end')}"
        if _filled(end_value) and _plain(end_value).strip().casefold() not in _TBD:
            end = self._moment(end_value, at)
            if end is None:
                end_day = values.get("end_date")
                if _filled(end_day):
                    end_day = self._day({"date": end_day}, where)
                try:
                    clock, carry = parse_clock(_plain(end_value))
                except ValueError as exc:
                    raise _Skip(at, str(exc)) from exc
                end = datetime.combine((end_day or day) + timedelta(days=carry), clock, start.tzinfo)
                crossing = end + timedelta(days=1)
                if end < start and start.hour >= 18 and crossing - start <= timedelta(hours=12):
                    end = crossing  # 23:30-00:30 crosses midnight
        elif _filled(length) and _plain(length).strip().casefold() not in _TBD:
            try:
                end = start + _minutes(length)
            except ValueError as exc:
                raise _Skip(f"{where}, {self._name('duration')}", str(exc)) from exc
        elif self.has_length:
            end = start + timedelta(minutes=default)
            shown = _plain(end_value) or _plain(length) or "(empty)"
            notes.append(f"{where}: end {shown!r} unknown; assumed {default} minutes")
        else:  # checked when reading the header: --duration was given
            end = start + timedelta(minutes=default)
        if end < start:
            raise _Skip(at, f"ends ({end:%H:%M}) before it starts ({start:%H:%M})")
        return end


class _Skip(Exception):
    def __init__(self, where: str, why: str):
        super().__init__(why)
        self.where, self.why = where, why


def _filled(value: Any) -> bool:
    if value is None or value is False:
        return False
    if isinstance(value, date | int | float):
        return True
    return bool(_plain(value).strip())
