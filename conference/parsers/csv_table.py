"""CSV / TSV from a spreadsheet: English, Japanese or German headers in any order and case.

Accepted headers (README lists them too): see `HEADERS`. Several speakers in one cell are separated
by `;`, `；`, `、`, `,`, `|` or a line break (a leading `12:` id, as voctosched writes, is dropped).
Encodings, tried in order: the user's `--encoding`, BOM/UTF-8, cp932 (Japanese Excel), cp1252.
Slash dates are read day/month/year unless the second number is over 12.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, time, timedelta

from ..errors import BadInput, ParseError
from ..model import Session, Timetable, derive_key, room_code_for, zone
from .common import Options, join_texts, line, link, looks_like_break, parse_duration, resolve_zone, text

FMT = "csv"
UNTITLED = "(untitled)"

HEADERS: dict[str, tuple[str, ...]] = {
    "key": ("id", "guid", "uid", "uuid", "key", "キー"),
    "code": ("code", "コード", "番号", "programid", "program id", "session code", "セッションコード", "セッションid"),
    "date": ("date", "日付", "日程", "開催日", "datum"),
    "day": ("day", "weekday", "曜日", "tag", "wochentag", ""),
    "start": (
        "start",
        "開始",
        "開始時刻",
        "開始時間",
        "begin",
        "beginn",
        "time",
        "start time",
        "time start",
        "starts at",
        "start hour",
        "時刻",
        "from",
    ),
    "end": ("end", "終了", "終了時刻", "終了時間", "ende", "end time", "time end", "ends at", "to"),
    "duration": ("duration", "時間", "所要時間", "長さ", "length", "length min", "minutes", "dauer"),
    "room": ("room", "会場", "ルーム", "トラック", "部屋", "場所", "raum", "saal", "location", "hall", "stage"),
    "track": ("track", "category", "カテゴリ", "カテゴリー", "podcast", "show"),
    "title": ("title", "タイトル", "題名", "演題", "セッション名", "titel", "talk", "session"),
    "subtitle": ("subtitle", "サブタイトル", "untertitel"),
    "speakers": (
        "speakers",
        "speaker",
        "登壇者",
        "スピーカー",
        "発表者",
        "講演者",
        "persons",
        "person",
        "presenter",
        "presenters",
        "teilnehmer",
        "referent",
        "referenten",
    ),
    "abstract": ("abstract", "概要", "要旨", "summary", "zusammenfassung"),
    "description": ("description", "説明", "詳細", "beschreibung"),
    "url": ("url", "link", "リンク", "page", "web"),
    "slides": ("slides", "slide", "スライド", "資料", "slides url", "slide url"),
    "language": ("language", "言語", "lang", "sprache"),
    "type": ("type", "種別", "種類", "形式", "format", "kind"),
}
_LOOKUP = {alias: field for field, aliases in HEADERS.items() for alias in aliases}

WEEKDAYS = {
    **{n: i for i, n in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))},
    **{n: i for i, n in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{n: i for i, n in enumerate(("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag"))},
    **{n: i for i, n in enumerate("月火水木金土日")},
    **{n + "曜日": i for i, n in enumerate("月火水木金土日")},
    **{n + "曜": i for i, n in enumerate("月火水木金土日")},
}
_SPEAKER_SPLIT = re.compile(r"\s*(?:;|；|、|,|，|\||\n)\s*")
_CLOCK = re.compile(
    r"^(午前|午後)?\s*(\d{1,2})(?:(?::|時)(\d{2})(?::(\d{2}))?分?)?\s*(a\.?m\.?|p\.?m\.?)?$", re.IGNORECASE
)
_DATE_PATTERNS = (
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"), "ymd"),
    (re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日"), "ymd"),
    (re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})$"), "dmy"),
)


def _decode(data: bytes, encoding: str) -> str:
    if encoding:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(FMT, "encoding", f"cannot read the file as {encoding}: {exc}") from exc
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    for candidate in ("utf-8", "cp932", "cp1252"):
        try:
            return data.decode(candidate)
        except UnicodeDecodeError:
            continue
    raise ParseError(FMT, "encoding", "not UTF-8, cp932/Shift_JIS or cp1252 text; say which with --encoding")


def _header_key(name: str) -> str:
    return re.sub(r"[\s_]+", " ", name.replace("\ufeff", "")).strip().casefold()


def parse_clock(value: str) -> tuple[time, int]:
    """A clock time and a day carry: "10:00", "10:00:00", "2:00 p.m.", "午後2時", "9", "24" (= 00:00 next day)."""
    match = _CLOCK.match(line(value))
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
    carry = 0
    if hour == 24 and minute == 0 and second == 0:
        hour, carry = 0, 1
    return time(hour, minute, second), carry


def parse_date(value: str) -> date:
    raw = line(value)
    for pattern, order in _DATE_PATTERNS:
        match = pattern.match(raw)
        if not match:
            continue
        a, b, c = (int(x) for x in match.groups())
        if order == "ymd":
            return date(a, b, c)
        year = c + 2000 if c < 100 else c
        return date(year, a, b) if b > 12 else date(year, b, a)
    return date.fromisoformat(raw)


def _duration(value: str) -> timedelta:
    raw = re.sub(r"\s*(分|min|mins|minutes|minuten)\.?$", "", line(value), flags=re.IGNORECASE)
    return parse_duration(raw)


def _dialect(sample: str):
    first = sample.split("\n", 1)[0]
    if first.count("\t") and first.count("\t") >= first.count(","):
        return "excel-tab"
    if first.count(";") > first.count(","):

        class Semicolon(csv.excel):
            delimiter = ";"

        return Semicolon
    return "excel"


def split_speakers(cell: str) -> list[str]:
    names = []
    for part in _SPEAKER_SPLIT.split(text(cell)):
        part = re.sub(r"^\d+:(?=\S)", "", part.strip())
        if part:
            names.append(part)
    return names


def parse(data: bytes, options: Options) -> Timetable:
    content = _decode(data, options.encoding)
    reader = csv.reader(io.StringIO(content, newline=""), _dialect(content))
    try:
        header = next(reader)
    except StopIteration:
        raise ParseError(FMT, "line 1", "the file is empty") from None
    except csv.Error as exc:
        raise ParseError(FMT, "line 1", f"not CSV: {exc}") from exc
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        field = _LOOKUP.get(_header_key(name))
        if field and field not in columns:
            columns[field] = index
    if "title" not in columns:
        found = ", ".join(repr(h) for h in header[:12])
        raise ParseError(
            FMT, "line 1 (header)", f"no title column (found {found}); accepted: {', '.join(HEADERS['title'])}"
        )
    tz_name, notes = resolve_zone(FMT, "", options)
    tz = zone(tz_name)
    default_minutes = options.duration or 60
    has_length = "end" in columns or "duration" in columns
    if "start" in columns and not has_length and not options.duration:
        raise ParseError(
            FMT, "line 1 (header)", "no end or duration column: give the talks' length with --duration MINUTES"
        )
    rows = []
    try:
        first_line = reader.line_num + 1
        for row in reader:
            rows.append((first_line, row))  # a record may span lines (quoted line breaks): name its first
            first_line = reader.line_num + 1
    except csv.Error as exc:
        raise ParseError(FMT, f"line {reader.line_num}", f"broken CSV: {exc}") from exc

    def cell(row: list[str], field: str) -> str:
        index = columns.get(field)
        return text(row[index]) if index is not None and index < len(row) else ""

    sessions = []
    for number, row in rows:
        if not any(c.strip() for c in row):
            continue
        where = f"line {number}"
        title = line(cell(row, "title"))
        if not title:  # a row without a title is still a slot in the day: keep it, say so
            title = line(cell(row, "track")) or UNTITLED
            notes.append(f"{where}: the title is empty; shown as {title!r}")
        start = end = None
        start_text = cell(row, "start")
        if start_text:
            start = _start(start_text, cell(row, "date"), cell(row, "day"), options, tz, where, header, columns)
            end_text, length_text = cell(row, "end"), cell(row, "duration")
            try:
                if end_text and end_text.lower() not in ("tbd", "tba", "?", "-", "未定"):
                    end = _end(end_text, start, tz)
                elif length_text:
                    end = start + _duration(length_text)
                elif has_length:
                    end = start + timedelta(minutes=default_minutes)
                    notes.append(
                        f"{where}: end {end_text or length_text or '(empty)'!r} unknown; assumed {default_minutes} minutes"
                    )
                else:  # checked at the header: --duration was given
                    end = start + timedelta(minutes=default_minutes)
            except ValueError as exc:
                raise ParseError(FMT, f"{where}, end/duration", str(exc)) from exc
            if end < start:
                raise ParseError(
                    FMT,
                    f"{where}, column {header[columns['end']]!r}",
                    f"ends ({end:%H:%M}) before it starts ({start:%H:%M})",
                )
        speakers = split_speakers(cell(row, "speakers"))
        code = line(cell(row, "code"))
        ident = line(cell(row, "key"))
        if not code and re.fullmatch(r"[A-Z]\d{2}", ident):
            code = ident
        room = line(cell(row, "room")) or ("" if "room" in columns else line(cell(row, "track")))
        links = [found for found in (link(cell(row, "slides"), kind="slides"),) if found]
        sessions.append(
            Session(
                key=(f"id-{ident}" if ident else "") or code or derive_key(title, speakers),
                code=code,
                title=title,
                subtitle=line(cell(row, "subtitle")),
                abstract=join_texts(cell(row, "abstract"), cell(row, "description")),
                start=start,
                end=end,
                room=room,
                room_code=room_code_for(room, code),
                track=line(cell(row, "track")),
                type=line(cell(row, "type")),
                language=line(cell(row, "language")),
                speakers=speakers,
                url=line(cell(row, "url")),
                links=links,
                is_break=looks_like_break(title) or line(cell(row, "type")).lower() in ("break", "休憩"),
            )
        )
    return Timetable(sessions=sessions, timezone=tz_name, notes=notes)


def _start(value: str, date_text: str, day_text: str, options: Options, tz, where: str, header, columns) -> datetime:
    raw = line(value)
    if re.match(r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}[ T]", raw):  # a full datetime in the start column
        try:
            moment = datetime.fromisoformat(raw.replace("/", "-"))
        except ValueError as exc:
            raise ParseError(
                FMT, f"{where}, column {header[columns['start']]!r}", f"not a date and time: {raw!r}"
            ) from exc
        return moment if moment.tzinfo else moment.replace(tzinfo=tz)
    try:
        clock, carry = parse_clock(raw)
    except ValueError as exc:
        raise ParseError(FMT, f"{where}, column {header[columns['start']]!r}", str(exc)) from exc
    day = _day(date_text, day_text, options, where, header, columns)
    return datetime.combine(day + timedelta(days=carry), clock, tz)


def _day(date_text: str, day_text: str, options: Options, where: str, header, columns) -> date:
    if date_text:
        try:
            return parse_date(date_text)
        except ValueError as exc:
            raise ParseError(
                FMT, f"{where}, column {header[columns['date']]!r}", f"not a date: {date_text!r} ({exc})"
            ) from exc
    day = line(day_text)
    if day:
        try:
            return parse_date(day)
        except ValueError:
            pass
        if day.isdigit() and options.date:
            return options.date + timedelta(days=int(day) - 1)
        weekday = WEEKDAYS.get(day.casefold().strip("()（）"))
        if weekday is not None:
            if not options.date:
                raise ParseError(
                    FMT,
                    f"{where}, column {header[columns['day']]!r}",
                    f"only a weekday ({day!r}), no date: give the first day with --date YYYY-MM-DD",
                )
            return options.date + timedelta(days=(weekday - options.date.weekday()) % 7)
    if options.date:
        return options.date
    raise ParseError(FMT, where, "no date for this time: add a date column or give --date YYYY-MM-DD")


def _end(value: str, start: datetime, tz) -> datetime:
    raw = line(value)
    if re.match(r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}[ T]", raw):
        moment = datetime.fromisoformat(raw.replace("/", "-"))
        return moment if moment.tzinfo else moment.replace(tzinfo=tz)
    clock, carry = parse_clock(raw)
    end = datetime.combine(start.date() + timedelta(days=carry), clock, start.tzinfo)
    if end < start and start - end > timedelta(hours=12):  # 23:30-00:30 crosses midnight
        end += timedelta(days=1)
    return end
