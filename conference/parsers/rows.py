"""Rows of named fields -> sessions: what CSV/TSV spreadsheets and custom JSON/YAML records share.

A row is a mapping from our field names (`FIELDS`: title, start, end, duration, date, day, room,
track, speakers, …) to what the source wrote there: text, a number, a list (speakers), or a date or
datetime that YAML already read. Each row becomes one Session, or is skipped with its place and the
reason (an impossible end, a time nobody can read); a problem with the user's options (a weekday
but no --date) stops the whole file instead, since every row would fail the same way.

Times: "10:00", "10:00:00", "0930", "2:00 p.m.", "午後2時", "24:30" (the Japanese late-night
convention: 24:00-29:59 is the next day), or a full date and time; full-width digits and colons
("１０：００") are read as their ASCII forms (NFKC). A start holding a range ("10:00〜10:45",
"10:00~10:45", "10:00-10:45", "10:00 – 10:45") gives the end too. An end before the start is the
next day only for an evening start (18:00 or later) and at most 12 hours; otherwise the row is
skipped ("ends (00:00) before it starts (10:10)"): a placeholder end is not a 14-hour talk.

Speakers: HTML tags in a name are dropped (`あーろ<span class="kerning">ん・</span>ぱたーそん`); an
affiliation field is joined to the name as "名前 (所属)" (one affiliation for every speaker, or one
per speaker in the same order).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from ..errors import BadInput, ParseError
from ..messages import M
from ..model import Session, Skipped, derive_key, room_code_for
from .common import Options, join_texts, line, link, looks_like_break, more_than, parse_duration, text

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
    "affiliation",  # the speakers' company or organisation: "名前 (所属)"
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
    r"^(午前|午後)?\s*(\d{1,2})(?:(?::|時)(\d{2})(?::(\d{2}))?分?|時)?\s*(a\.?m\.?|p\.?m\.?)?$", re.IGNORECASE
)
_HHMM = re.compile(r"^(\d{2})(\d{2})$")
_DATETIME = re.compile(r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}[ T]")
_DATE_PATTERNS = (
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"), "ymd"),
    (re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日"), "ymd"),
    (re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})$"), "dmy"),
)
_MONTH_DAY = re.compile(r"^(\d{1,2})(?:月|/)(\d{1,2})日?\s*(?:\(\w+\))?$")
_DAY_NUMBER = re.compile(r"^(?:day\s*|dag\s*|tag\s*|第)?(\d{1,2})(?:日目|日)?$", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+);", re.IGNORECASE)
_PLACE_SPLIT = re.compile(r"\s*(?:;|；|、|\||\n)\s*")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
# A time range in one cell: 10:00〜10:45, 10:00~10:45 (～ after NFKC), 10:00-10:45, 10:00 – 10:45, 10時〜10時45分.
_RANGE = re.compile(r"^(.+?)\s*(?:〜|~|-|–|—|−|ー|to|から)\s*(.+?)(?:まで)?$", re.IGNORECASE)

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


def normal(value: Any) -> str:
    """One line with full-width digits, letters, colons and slashes as ASCII ("１０：００" -> "10:00")."""
    return line(unicodedata.normalize("NFKC", str(value))) if value is not None else ""


def parse_clock(value: str) -> tuple[time, int]:
    """A clock time and a day carry: "10:00", "10:00:00", "0930", "2:00 p.m.", "午後2時", "9", "24:30".

    24:00-29:59 is the next day (carry 1), as Japanese timetables write late-night times.
    """
    raw = normal(value)
    hhmm = _HHMM.match(raw)
    if hhmm:
        raw = f"{hhmm.group(1)}:{hhmm.group(2)}"
    match = _CLOCK.match(raw)
    if not match:
        raise BadInput(M("not a time: '%(value)s'", value=line(value)))
    ja, hour, minute, second, ampm = match.groups()
    hour, minute, second = int(hour), int(minute or 0), int(second or 0)
    pm = (ampm and ampm.lower().startswith("p")) or ja == "午後"
    am = (ampm and ampm.lower().startswith("a")) or ja == "午前"
    if (pm or am) and not 0 <= hour <= 12:
        raise BadInput(M("not a 12-hour time: '%(value)s'", value=line(value)))
    if pm and hour != 12:
        hour += 12
    elif am and hour == 12:
        hour = 0
    if minute > 59 or second > 59:
        raise BadInput(M("not a time: '%(value)s'", value=line(value)))
    carry = 0
    if 24 <= hour <= 29:  # 24:00-29:59: the next day
        hour, carry = hour - 24, 1
    elif hour > 23:
        raise BadInput(M("not a time: '%(value)s' (hours go up to 29 for the next morning)", value=line(value)))
    return time(hour, minute, second), carry


def split_range(value: Any) -> tuple[str, str] | None:
    """A cell holding a start and an end ("10:00〜10:45", "10:00 - 10:45"): the two times; None otherwise."""
    if not isinstance(value, str):
        return None
    match = _RANGE.match(normal(value))
    if not match:
        return None
    first, second = match.groups()
    try:
        parse_clock(first)
        parse_clock(second)
    except BadInput:
        return None
    return first, second


def parse_date(value: str, order: str = "dmy", year: int | None = None) -> date:
    """A date: ISO, 2026/07/25, 2026年7月25日, 25/07/2026 (or 07/25/2026 with order "mdy"), MMDD with `year`."""
    raw = normal(value)
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
    month_day = _MONTH_DAY.match(raw)
    if month_day:  # 7月25日(土), 7/25: the year from --date
        if not year:
            raise NoYear(raw)
        return date(year, int(month_day.group(1)), int(month_day.group(2)))
    return date.fromisoformat(raw)


class NoYear(ValueError):
    """A month and a day without a year ("7月25日(土)"): the first day (--date) gives the year."""


def date_order(values: Iterable[str]) -> str:
    """Slash dates of one column: "mdy" when one of them can only be month/day (4/29/2016), else "dmy"."""
    for value in values:
        match = _DATE_PATTERNS[2][0].match(normal(value))
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


def _no_tags(value: str) -> str:
    """A name as text: `あーろ<span class="kerning">ん・</span>ぱたーそん` -> "あーろん・ぱたーそん"."""
    return html.unescape(_TAG.sub("", value)) if "<" in value else value


def speakers_of(value: Any, affiliation: Any = None) -> list[str]:
    """Speaker names from a cell ("A; B"), a list of names, or a list of objects with a name; with
    `affiliation` (one for every speaker, or one per speaker in order) as "名前 (所属)"."""
    names = _names(value)
    if not names or not _filled(affiliation):
        return names
    if isinstance(affiliation, list | tuple):
        places = [line(_no_tags(_plain(x))) for x in affiliation]
    else:  # "A社、B社" for two speakers; "Foo, Inc." is one company
        places = [line(x) for x in _PLACE_SPLIT.split(_no_tags(_plain(affiliation))) if line(x)]
    if len(names) == 1:
        places = [", ".join(places)]
    elif len(places) == 1:
        places = places * len(names)
    return [
        f"{name} ({place})" if place and place != name and f"({place})" not in name else name
        for name, place in zip(names, [*places, *[""] * len(names)], strict=False)
    ]


def _names(value: Any) -> list[str]:
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
            name = line(_no_tags(_plain(item)))
            if name:
                names.append(name)
        return names
    return [line(n) for n in split_speakers(_no_tags(_plain(value)))]


def _minutes(value: Any) -> timedelta:
    if isinstance(value, bool):
        raise BadInput(M("not a duration: %(value)r", value=value))
    if isinstance(value, int | float):
        return timedelta(minutes=value)
    value = normal(value)
    try:
        return parse_duration(value)
    except BadInput:
        return parse_duration(re.sub(r"\s*(分|min|mins|minutes|minuten)\.?$", "", value, flags=re.IGNORECASE))


def _why(exc: Exception) -> M | str:
    """What a failed reading says: the library's message (a BadInput's `why`), else Python's text."""
    return getattr(exc, "why", None) or str(exc)


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
        self.lengths_only = 0  # rows with an end or a length but no start (no start column): said in a note

    def _no_length(self) -> ParseError:
        """A start column, but neither an end nor a length: every row would need --duration."""
        return ParseError(
            self.fmt,
            M("header") if self.fmt == "csv" else M("fields"),
            M("no end or duration column: give the talks' length with --duration MINUTES")
            if self.fmt == "csv"
            else M(
                "no end or duration field (--map end=… or --map duration=…): give the talks' length with "
                "--duration MINUTES"
            ),
            answer=("duration", "map"),
        )

    def _name(self, key: str) -> M:
        """How the source names a field: "column 'Start Time'" (CSV) or "field 'begin'" (JSON/YAML)."""
        name = self.column.get(key, key)
        return M("column '%(name)s'", name=name) if self.fmt == "csv" else M("field '%(name)s'", name=name)

    def _at(self, where: M | str, key: str) -> M:
        """A place in the source: "line 3, column '時間'"."""
        return M("%(where)s, %(column)s", where=where, column=self._name(key))

    def build(self, rows: Iterable[Row]) -> Built:
        out = Built()
        all_day: list[str] = []
        for row in rows:
            values = row.values
            if not any(_filled(v) for v in values.values()):
                continue  # an empty row
            title = line(_plain(values.get("title")))
            if _plain(values.get("all_day")).strip().casefold() in _TRUE:
                all_day.append(title or str(row.where))
                continue
            try:
                session = self._session(row, title, out.notes)
            except _Skip as skip:
                out.skipped.append(Skipped(skip.where or row.where, skip.why, title))
                continue
            if session is not None:
                out.sessions.append(session)
        if all_day:
            shown = M("%(names)s%(more)s", names=", ".join(all_day[:5]), more=more_than(all_day, 5))
            out.notes.append(
                M("%(n)d all-day items are not talks and were left out: %(names)s", n=len(all_day), names=shown)
            )
        if self.lengths_only:
            which = self._name("end" if "end" in self.column else "duration")
            out.notes.append(
                M(
                    "%(column)s gives when talks end or how long they are, but no column gives when they "
                    "start: %(n)d sessions have no time (choose the start column, or import a file with one)",
                    column=which,
                    n=self.lengths_only,
                )
            )
        return out

    def _session(self, row: Row, title: str, notes: list) -> Session | None:
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
                    raise _Skip(where, M("no title"))
                title = UNTITLED
            notes.append(M("%(where)s: the title is empty; shown as '%(title)s'", where=where, title=title))
        start = end = None
        start_value, length = values.get("start"), values.get("duration")
        start_key = "start"
        if not _filled(start_value) and "start" not in self.column and split_range(length):
            start_value, length, start_key = length, None, "duration"  # "時間: 10:00〜10:45" is when, not how long
        if _filled(start_value):
            span = split_range(start_value)
            end_value = values.get("end")
            if span:  # "10:00〜10:45": the end is in the same cell (an end column, when filled, says it too)
                start_value = span[0]
                if not _filled(end_value):
                    end_value = span[1]
            elif not self.has_length and not self.options.duration:
                raise self._no_length()
            day = self._day(values, where)
            start, day = self._start(start_value, day, where, start_key)
            end = self._end(end_value, length, values.get("end_date"), start, day, where, notes)
        elif "start" not in self.column:
            self._length_without_start(values, where)
        speakers = speakers_of(values.get("speakers"), values.get("affiliation"))
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

    def _length_without_start(self, values: Mapping[str, Any], where: M | str) -> None:
        """No start column: an end or a length is no time, but it must read as what its header says.
        A cell that does not (a "時間" column of "午前中") is named with its line and why; one that does is
        counted for the summary's note."""
        for key in ("end", "duration"):
            value = values.get(key)
            if not _filled(value) or _plain(value).strip().casefold() in _TBD:
                continue
            try:
                if key == "end":
                    if self._moment(value, self._at(where, key)) is None:
                        parse_clock(_plain(value))
                else:
                    _minutes(value)
            except ValueError as exc:
                what = M("a time") if key == "end" else M("a length of time")
                raise _Skip(
                    self._at(where, key),
                    M(
                        "cannot be read as %(what)s (%(why)s), and no column gives the start time",
                        what=what,
                        why=_why(exc),
                    ),
                ) from exc
            self.lengths_only += 1
            return

    # --- time ----------------------------------------------------------------------------------

    def _day(self, values: Mapping[str, Any], where: M | str, names: tuple[str, ...] = ("date", "day")) -> date | None:
        """The row's own day (None when its start carries a full date); `names`: the fields that give it."""
        given = values.get(names[0])
        if isinstance(given, datetime):
            return given.date()
        if isinstance(given, date):
            return given
        for name in names:  # a date; else a weekday or a day number counted from --date
            day = line(_plain(values.get(name)))
            if not day:
                continue
            try:
                return parse_date(day, self.order, self.options.date.year if self.options.date else None)
            except NoYear:
                raise ParseError(
                    self.fmt,
                    self._at(where, name),
                    M(
                        "only a month and a day ('%(value)s'), no year: give the first day with --date YYYY-MM-DD",
                        value=day,
                    ),
                    answer=("date",),
                ) from None
            except ValueError:
                pass
            number = _DAY_NUMBER.match(normal(day))
            weekday = WEEKDAYS.get(day.casefold().strip("()（）"))
            if (number or weekday is not None) and not self.options.date:
                raise ParseError(
                    self.fmt,
                    self._at(where, name),
                    M(
                        "only a day number ('%(value)s'), no date: give the first day with --date YYYY-MM-DD",
                        value=day,
                    )
                    if number
                    else M(
                        "only a weekday ('%(value)s'), no date: give the first day with --date YYYY-MM-DD", value=day
                    ),
                    answer=("date",),
                )
            if number:
                return self.options.date + timedelta(days=int(number.group(1)) - 1)
            if weekday is not None:
                return self.options.date + timedelta(days=(weekday - self.options.date.weekday()) % 7)
            raise _Skip(self._at(where, name), M("not a date: '%(value)s'", value=day))
        return self.options.date

    def _start(self, value: Any, day: date | None, where: M | str, key: str = "start") -> tuple[datetime, date]:
        at = self._at(where, key)
        moment = self._moment(value, at)
        if moment is not None:
            return moment, moment.date()
        try:
            clock, carry = parse_clock(_plain(value))
        except ValueError as exc:
            raise _Skip(at, _why(exc)) from exc
        if day is None:
            raise ParseError(
                self.fmt,
                where,
                M("no date for this time: add a date column or give the first day with --date YYYY-MM-DD"),
                answer=("date",),
            )
        return datetime.combine(day + timedelta(days=carry), clock, self.tz), day

    def _moment(self, value: Any, at: M | str) -> datetime | None:
        """A full date and time (None when `value` is only a clock time)."""
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=self.tz)
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise _Skip(at, M("a number (%(value)s), not a time", value=value))
        raw = normal(_plain(value))
        if not _DATETIME.match(raw):
            return None
        try:
            moment = datetime.fromisoformat(raw.replace("/", "-").replace("Z", "+00:00"))
        except ValueError as exc:
            raise _Skip(at, M("not a date and time: '%(value)s'", value=raw)) from exc
        return moment if moment.tzinfo else moment.replace(tzinfo=self.tz)

    def _end(
        self, end_value: Any, length: Any, end_day: Any, start: datetime, day: date, where: M | str, notes: list
    ) -> datetime:
        default = self.options.duration or 60
        at = self._at(where, "end")
        if _filled(end_value) and _plain(end_value).strip().casefold() not in _TBD:
            end = self._moment(end_value, at)
            if end is None:
                if _filled(end_day):
                    end_day = self._day({"end_date": end_day}, where, ("end_date",))
                try:
                    clock, carry = parse_clock(_plain(end_value))
                except ValueError as exc:
                    raise _Skip(at, _why(exc)) from exc
                end = datetime.combine((end_day or day) + timedelta(days=carry), clock, start.tzinfo)
                crossing = end + timedelta(days=1)
                if end < start and start.hour >= 18 and crossing - start <= timedelta(hours=12):
                    end = crossing  # 23:30-00:30 crosses midnight
        elif _filled(length) and _plain(length).strip().casefold() not in _TBD:
            try:
                end = start + _minutes(length)
            except ValueError as exc:
                raise _Skip(self._at(where, "duration"), _why(exc)) from exc
        elif self.has_length:
            end = start + timedelta(minutes=default)
            shown = _plain(end_value) or _plain(length) or "(empty)"
            notes.append(
                M(
                    "%(where)s: end '%(value)s' unknown; assumed %(minutes)d minutes",
                    where=where,
                    value=shown,
                    minutes=default,
                )
            )
        else:  # --duration was given (else _no_length refused the file)
            end = start + timedelta(minutes=default)
        if end < start:
            raise _Skip(
                at,
                M(
                    "ends (%(end)s) before it starts (%(start)s)",
                    end=end.strftime("%H:%M"),
                    start=start.strftime("%H:%M"),
                ),
            )
        return end


class _Skip(Exception):
    def __init__(self, where: M | str, why: M | str):
        super().__init__(why)
        self.where, self.why = where, why


def _filled(value: Any) -> bool:
    if value is None or value is False:
        return False
    if isinstance(value, date | int | float):
        return True
    return bool(_plain(value).strip())
