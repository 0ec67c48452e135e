"""CSV / TSV from a spreadsheet: English, Japanese or German headers in any order and case.

Accepted headers (README lists them too): see `HEADERS`; `--map FIELD=HEADER` (or the import form's
mapping page) names a column the list does not know. The header row may come after title rows
("Programme 2026", a blank row): the first of them names the conference ("July Tech Festa 2026
タイムテーブル" -> "July Tech Festa 2026"). A `時間` column is the talks' length beside a start column,
and their time ("10:00〜10:45", "10:00") without one. Columns nobody reads are named in the summary.
Rows are read by `rows.RowReader`, shared with custom JSON/YAML. Several speakers in one cell are
separated by `;`, `；`, `、`, `,`, `|` or a line break (a leading `12:` id, as voctosched writes, is
dropped). Encodings, tried in order: the user's `--encoding`, BOM/UTF-8, cp932 (Japanese Excel),
cp1252. Slash dates are read day/month/year unless the column shows month/day/year (4/29/2016).
"""

from __future__ import annotations

import csv
import io
import re

from ..errors import ParseError
from ..messages import M, Mn
from ..model import MAX_SESSIONS, Timetable, zone
from .common import Options, resolve_zone, too_many_sessions
from .rows import WEEKDAYS, Row, RowReader, date_order, parse_clock, parse_date, split_speakers

FMT = "csv"
__all__ = ["HEADERS", "WEEKDAYS", "parse", "parse_clock", "parse_date", "split_speakers"]

# field -> accepted headers, best first: when two columns could be the title ("Title" and "Name"),
# the one earlier in this list wins, wherever it stands in the file.
HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("id", "guid", "uid", "uuid", "key", "キー", "event key", "event id", "session id"),
    "code": ("code", "コード", "番号", "programid", "program id", "session code", "セッションコード", "セッションid"),
    "title": (
        "title",
        "talk title",
        "session title",
        "event title",
        "presentation title",
        "タイトル",
        "題名",
        "演題",
        "セッションタイトル",
        "セッション名",
        "講演タイトル",
        "講演名",
        "発表タイトル",
        "発表名",
        "演題名",
        "タイトル名",
        "セッションのタイトル",
        "titel",
        "talk",
        "session",
        "talk name",
        "session name",
        "event name",
        "name",
        "presentation",
    ),
    "subtitle": ("subtitle", "サブタイトル", "untertitel"),
    "date": ("date", "日付", "日程", "開催日", "datum", "start date", "date start", "event date", "day date"),
    "end_date": ("end date", "date end", "終了日"),
    "day": ("day", "weekday", "曜日", "tag", "wochentag", ""),
    "start": (
        "start",
        "start time",
        "開始",
        "開始時刻",
        "開始時間",
        "開始日時",
        "日時",
        "時間帯",
        "time slot",
        "timeslot",
        "begin",
        "beginn",
        "starts",
        "starts at",
        "start at",
        "time start",
        "start hour",
        "event start",
        "start datetime",
        "time",
        "時刻",
        "from",
    ),
    "end": (
        "end",
        "end time",
        "終了",
        "終了時刻",
        "終了時間",
        "終了日時",
        "ende",
        "ends",
        "ends at",
        "end at",
        "time end",
        "event end",
        "end datetime",
        "to",
    ),
    "duration": ("duration", "時間", "所要時間", "長さ", "length", "length min", "minutes", "dauer"),
    "room": (
        "room",
        "room name",
        "会場",
        "ルーム",
        "部屋",
        "場所",
        "会場名",
        "ルーム名",
        "部屋名",
        "raum",
        "saal",
        "location",
        "location name",
        "venue",
        "hall",
        "stage",
        "place",
        "トラック",
        "トラック名",
    ),
    "track": ("track", "track name", "event type", "podcast", "show"),
    "category": ("category", "categories", "カテゴリ", "カテゴリー", "topic", "topics", "kategorie"),
    "speakers": (
        "speakers",
        "speaker",
        "登壇者",
        "スピーカー",
        "発表者",
        "講演者",
        "登壇者名",
        "スピーカー名",
        "発表者名",
        "講演者名",
        "登壇者氏名",
        "発表者氏名",
        "講演者氏名",
        "persons",
        "person",
        "presenter",
        "presenters",
        "speaker name",
        "speaker names",
        "author",
        "authors",
        "teilnehmer",
        "referent",
        "referenten",
    ),
    "affiliation": (
        "affiliation",
        "affiliations",
        "speaker affiliation",
        "organization",
        "organisation",
        "company",
        "所属",
        "所属先",
        "所属組織",
        "所属企業",
        "所属会社",
        "会社名",
        "organisation name",
    ),
    "abstract": (
        "abstract",
        "概要",
        "要旨",
        "講演概要",
        "セッション概要",
        "内容",
        "summary",
        "synopsis",
        "book description",
        "zusammenfassung",
        "body",
    ),
    "description": ("description", "desc", "説明", "詳細", "details", "info", "beschreibung"),
    "url": ("url", "link", "リンク", "page", "web"),
    "slides": ("slides", "slide", "スライド", "資料", "slides url", "slide url", "スライドurl", "資料url", "発表資料"),
    "language": ("language", "言語", "lang", "sprache"),
    "type": ("type", "種別", "種類", "形式", "セッション種別", "format", "kind", "session type", "talk type"),
    "all_day": ("all day event", "all day", "all-day", "allday", "終日"),
}
_RANK = {alias: (field, rank) for field, aliases in HEADERS.items() for rank, alias in enumerate(aliases)}
# A row is the header when it names a title column and at least one more of these (or is the first row).
_CORE = ("start", "date", "day", "end", "duration", "room", "speakers", "abstract", "description", "id", "code")
_HEADER_SEARCH = 30  # rows looked at for the header


def header_key(name: str) -> str:
    """The comparable form of a header or field name: "Talk_Title" / "talkTitle" / " talk title " -> "talk title"."""
    name = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(name).replace("\ufeff", ""))
    return re.sub(r"[\s_\-]+", " ", name).strip().casefold()


def match_fields(names: list[str]) -> dict[str, int]:
    """field -> index of the column that names it best (HEADERS order), for a list of header names."""
    best: dict[str, tuple[int, int]] = {}
    for index, name in enumerate(names):
        found = _RANK.get(header_key(name))
        if found is None:
            continue
        field, rank = found
        if field not in best or rank < best[field][0]:
            best[field] = (rank, index)
    return {field: index for field, (_rank, index) in best.items()}


def _decode(data: bytes, encoding: str) -> str:
    if encoding:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(
                FMT, "encoding", M("cannot read the file as %(encoding)s: %(error)s", encoding=encoding, error=str(exc))
            ) from exc
    if data.startswith(b"\xef\xbb\xbf"):  # UTF-8's byte order mark: UTF-8, or a broken file
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParseError(FMT, M("byte %(n)d", n=exc.start + 3), M("not UTF-8 text")) from exc
    for candidate in ("utf-8", "cp932", "cp1252"):
        try:
            return data.decode(candidate)
        except UnicodeDecodeError:
            continue
    raise ParseError(FMT, "encoding", M("not UTF-8, cp932/Shift_JIS or cp1252 text; say which with --encoding"))


def _dialect(sample: str):
    lines = [x for x in sample[:65536].split("\n", 40)[:40] if x.strip()]
    first = max(lines[:_HEADER_SEARCH] or [""], key=lambda x: max(x.count(","), x.count("\t"), x.count(";")))
    if first.count("\t") and first.count("\t") >= first.count(","):
        return "excel-tab"
    if first.count(";") > first.count(","):

        class Semicolon(csv.excel):
            delimiter = ";"

        return Semicolon
    return "excel"


_BARE_CR = re.compile(r"\r(?!\n)")


def _lines(content: str):
    """The text's lines as csv.reader wants them (line ends kept), one at a time: io.StringIO would hold
    a second copy of a 20 MB file at 4 bytes a character (issue 17). Text with a bare carriage return
    (old Mac Excel ends lines so) goes through StringIO, which splits there too."""
    if _BARE_CR.search(content):
        yield from io.StringIO(content, newline="")
        return
    start = 0
    while start < len(content):
        end = content.find("\n", start)
        if end < 0:
            yield content[start:]
            return
        yield content[start : end + 1]
        start = end + 1


def _records(content: str) -> list[tuple[int, list[str]]]:
    """(line the record starts on, cells) for every record; a record may span lines (quoted line breaks)."""
    reader = csv.reader(_lines(content), _dialect(content))
    records = []
    filled = 0
    try:
        first_line = 1
        for row in reader:
            records.append((first_line, row))
            filled += any(c.strip() for c in row)
            if filled > MAX_SESSIONS + 1:  # a header and 20,000 rows: stop reading, never hold the rest (issue 17)
                raise ParseError(
                    FMT,
                    M("line %(n)d", n=first_line),
                    too_many_sessions(M("more than %(n)s", n=format(MAX_SESSIONS, ","))),
                )
            first_line = reader.line_num + 1
    except csv.Error as exc:
        raise ParseError(FMT, M("line %(n)d", n=reader.line_num), M("broken CSV: %(error)s", error=str(exc))) from exc
    return records


def header_row(records: list[tuple[int, list[str]]]) -> int:
    """The index of the row that most likely names the columns when none names a title: the first of the
    fullest rows among the first ones (title rows above a header have one filled cell, the header many)."""
    filled = [(i, sum(1 for c in row if c.strip())) for i, (_n, row) in enumerate(records[:_HEADER_SEARCH])]
    filled = [(i, n) for i, n in filled if n]
    if not filled:
        return 0
    most = max(n for _i, n in filled[:10])
    return next(i for i, n in filled if n == most)


def columns_of(data: bytes, options: Options) -> tuple[list[str], dict[str, str]]:
    """For the import form's mapping page: the header row's column names, and field -> column for the
    columns recognised by name."""
    records = _records(_decode(data, options.encoding))
    try:
        position, columns = _find_header(records, options)
    except ParseError as exc:
        if not exc.answer:  # not a table at all: nothing to map
            raise
        position = header_row(records)
        columns = match_fields(records[position][1]) if records else {}
    header = records[position][1] if records else []
    columns = _time_or_length(columns, header, options)
    names = [c.strip() for c in header]
    return [n for n in dict.fromkeys(names) if n], {f: names[i] for f, i in columns.items() if names[i]}


def _find_header(records: list[tuple[int, list[str]]], options: Options) -> tuple[int, dict[str, int]]:
    """The index of the header record and field -> column; ParseError naming what the first rows look like."""
    wanted = {field: header_key(name) for field, name in options.fields.items()}
    for position, (_number, row) in enumerate(records[:_HEADER_SEARCH]):
        if not any(c.strip() for c in row):
            continue
        columns = match_fields(row)
        keys = [header_key(c) for c in row]
        if wanted:
            if not all(name in keys for name in wanted.values()):
                continue
            taken = {keys.index(name) for name in wanted.values()}
            columns = {f: i for f, i in columns.items() if i not in taken}  # a column is one field
            columns.update({field: keys.index(name) for field, name in wanted.items()})
            if "title" not in columns:  # the header the user named, but no column is the title
                raise ParseError(
                    FMT,
                    M("line %(n)d", n=_number),
                    M(
                        "no column is the title: say which one is (--map title=HEADER); the columns: %(columns)s",
                        columns=", ".join(c.strip() for c in row if c.strip()),
                    ),
                    answer=("map",),
                )
        if "title" not in columns:
            continue
        if position == 0 or wanted or any(field in columns for field in _CORE):
            return position, columns
    shown = "; ".join(
        repr(", ".join(c for c in row if c.strip())[:40]) for _n, row in records[:4] if any(c.strip() for c in row)
    )
    if wanted:
        missing = ", ".join(repr(options.fields[f]) for f in wanted)
        raise ParseError(
            FMT,
            M("header"),
            M(
                "no row names the columns given with --map (%(columns)s); the first rows: %(rows)s",
                columns=missing,
                rows=shown,
            ),
            answer=("map",),
        )
    filled = [(n, row) for n, row in records[:_HEADER_SEARCH] if any(c.strip() for c in row)]
    if filled and all(sum(1 for c in row if c.strip()) == 1 and not match_fields(row) for _n, row in filled):
        # One piece of text a line and no word a header uses: a note or a letter, not a table to map.
        raise ParseError(
            FMT,
            M("line %(n)d", n=filled[0][0]),
            M(
                "not a timetable: no line has columns and none names a field (title, date, start, room…); "
                "it starts: %(rows)s",
                rows=shown,
            ),
        )
    raise ParseError(
        FMT,
        M("header"),
        M(
            "no header row naming a title column in the first %(n)d rows (they look like: %(rows)s); "
            "the header names the columns, e.g. title,date,start,end,room,speakers "
            "(title headers: %(titles)s, …; or --map title=HEADER)",
            n=_HEADER_SEARCH,
            rows=shown,
            titles=", ".join(HEADERS["title"][:6]),
        ),
        answer=("map",),
    )


# Words after a conference's name in a timetable's title row: "July Tech Festa 2026 タイムテーブル".
_TITLE_WORDS = re.compile(
    r"[\s:：|｜\-–—]*(?:の)?(?:タイムテーブル|タイムスケジュール|スケジュール|プログラム|時間割|セッション一覧|"
    r"programme|program|schedule|timetable|agenda|fahrplan|zeitplan)[\s:：]*$",
    re.IGNORECASE,
)


def name_from_title_row(row: list[str]) -> str:
    """A conference's name from a title row above the header (one filled cell), without "タイムテーブル"."""
    cells = [c.strip() for c in row if c.strip()]
    if len(cells) != 1 or len(cells[0]) > 120:
        return ""
    name = _TITLE_WORDS.sub("", cells[0]).strip(" \t:：-–—|｜")
    return name if re.search(r"[^\W\d_]", name) else ""  # "Programme 2026" names no conference


# A header holding the talks' length beside a start column, and their time without one.
_TIME_OR_LENGTH = ("時間",)


def _time_or_length(columns: dict[str, int], header: list[str], options: Options) -> dict[str, int]:
    """A `時間` column is the talks' time ("10:00〜10:45", "10:00") when no other column gives the start."""
    index = columns.get("duration")
    if (
        index is not None
        and "start" not in columns
        and "duration" not in options.fields
        and header_key(header[index]) in _TIME_OR_LENGTH
    ):
        columns = {("start" if f == "duration" else f): i for f, i in columns.items()}
    return columns


def parse(data: bytes, options: Options) -> Timetable:
    content = _decode(data, options.encoding)
    records = _records(content)
    if not any(any(c.strip() for c in row) for _n, row in records):
        raise ParseError(FMT, M("line %(n)d", n=1), M("the file is empty"))
    position, columns = _find_header(records, options)
    header = records[position][1]
    columns = _time_or_length(columns, header, options)
    tz_name, notes = resolve_zone(FMT, "", options)
    above = [row for _n, row in records[:position] if any(c.strip() for c in row)]
    skipped_above = [", ".join(c for c in row if c.strip()) for row in above]
    if skipped_above:
        notes.append(
            Mn(
                "%(n)d title row above the header (line %(line)d) was left out: %(rows)s",
                "%(n)d title rows above the header (line %(line)d) were left out: %(rows)s",
                n=len(skipped_above),
                line=records[position][0],
                rows="; ".join(repr(x[:40]) for x in skipped_above[:3]),
            )
        )
    used = set(columns.values())
    unused = [c.strip() for i, c in enumerate(header) if i not in used and c.strip()]
    if unused:
        notes.append(M("columns not used: %(columns)s", columns=", ".join(dict.fromkeys(unused))))

    def cell(row: list[str], index: int) -> str:
        return row[index] if index < len(row) else ""

    order = date_order(
        cell(row, columns[f]) for _n, row in records[position + 1 :] for f in ("date", "end_date") if f in columns
    )
    reader = RowReader(
        FMT,
        options,
        zone(tz_name),
        column={field: header[index] for field, index in columns.items()},
        date_order=order,
    )
    rows = (
        Row(M("line %(n)d", n=number), {field: cell(row, index) for field, index in columns.items()})
        for number, row in records[position + 1 :]
    )
    built = reader.build(rows)
    return Timetable(
        sessions=built.sessions,
        name=name_from_title_row(above[0]) if above else "",
        timezone=tz_name,
        notes=notes + built.notes,
        skipped=built.skipped,
    )
