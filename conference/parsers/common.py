"""Helpers every parser shares: options, decoding, durations, times and timetable links."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from ..errors import BadInput, ParseError
from ..links import guess_link_kind
from ..messages import M
from ..model import MAX_SESSIONS, zone


@dataclass
class Options:
    """What the user told the importer; parsers use it only where the file is silent."""

    timezone: str = ""  # --timezone: the zone for floating times when the file names none
    default_timezone: str = "Asia/Tokyo"  # the app's setting, last resort
    date: date | None = None  # --date: the first day, for CSVs with times or weekdays only
    duration: int | None = None  # --duration: minutes, for CSVs with neither end nor duration
    encoding: str = ""  # --encoding: for CSVs in an encoding the fixed order (UTF-8, cp932, cp1252) misreads
    default_reason: str | M = ""  # why default_timezone is the default ("the conference's zone"), for the summary
    records: str | None = None  # --records: dotted path to the list of sessions (custom JSON/YAML); "." = top level
    fields: dict[str, str] = field(default_factory=dict)  # --map FIELD=PATH (custom JSON/YAML, CSV columns)

    def zone_name(self, declared: str = "") -> str:
        return declared or self.timezone or self.default_timezone

    @property
    def mapped(self) -> bool:
        """Did the user say where the sessions and their fields are (--records / --map)?"""
        return self.records is not None or bool(self.fields)


def too_many_sessions(count: int | str | M) -> M:
    """The refusal of a timetable over the cap (issue 17)."""
    count = f"{count:,}" if isinstance(count, int) else count
    return M(
        "%(count)s sessions; a conference holds at most %(max)s (split the file, or keep the days you need)",
        count=count,
        max=format(MAX_SESSIONS, ","),
    )


def more_than(items: list, shown: int) -> M | str:
    """ " and 3 more" after the first `shown` of `items` named in a note; "" when all were named."""
    return M(" and %(n)d more", n=len(items) - shown) if len(items) > shown else ""


def decode_text(data: bytes, fmt: str) -> str:
    """UTF-8 (with or without BOM); anything else is refused with the byte offset."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(fmt, M("byte %(n)d", n=exc.start), M("not UTF-8 text")) from exc


def load_json(data: bytes, fmt: str):
    text = decode_text(data, fmt)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(
            fmt, M("line %(line)d column %(column)d", line=exc.lineno, column=exc.colno), invalid_json(exc.msg)
        ) from exc
    except RecursionError as exc:  # [[[[…: named, never a crash
        raise ParseError(fmt, "", M("the JSON is nested too deeply")) from exc


def invalid_json(why: str, hint: M | str = "") -> M:
    """Python's JSON error (English: it names the character) in our sentence."""
    return M("invalid JSON: %(why)s%(hint)s", why=why, hint=hint)


def text(value) -> str:
    """A clean one-line-or-more string from whatever a source put there (None, numbers, padding)."""
    if value is None:
        return ""
    value = str(value)
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.strip()


def line(value) -> str:
    """One line: every run of whitespace (ideographic spaces included) becomes one space."""
    return " ".join(str(value).split()) if value is not None else ""


_DURATION = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})$")
# ISO 8601 durations as calendars and Java-made exports write them: PT40M, PT1H30M, P1D,
# P0Y0M0DT0H40M0.000S (years and months only when zero: their length depends on the date).
_ISO_DURATION = re.compile(
    r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
    r"(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$",
    re.IGNORECASE,
)
_SPELLED_DURATION = re.compile(
    r"^(?:(\d+)\s*(?:h|hr|hrs|hours?|時間))?\s*:?\s*(?:(\d+)\s*(?:m|min|mins|minutes?|分))?$"
)


def parse_duration(value: str) -> timedelta:
    """ "00:45", "1:30", "01:00:00", "PT1H30M", "P0Y0M0DT0H40M0.000S", "00hr:50min" or minutes "45" -> timedelta.

    BadInput otherwise.
    """
    value = line(value)
    if value.isdigit():
        return timedelta(minutes=int(value))
    match = _DURATION.match(value)
    if match:
        first, second, third = match.groups()
        if first is not None:  # H:MM:SS
            return timedelta(hours=int(first), minutes=int(second), seconds=int(third))
        return timedelta(hours=int(second), minutes=int(third))
    match = _ISO_DURATION.match(value)
    if match and value.upper().rstrip("T") != "P":
        years, months, weeks, days, hours, minutes, seconds = (
            float(x.replace(",", ".")) if x else 0.0 for x in match.groups()
        )
        if years or months:
            raise BadInput(M("not a duration in days, hours and minutes: %(value)r", value=value))
        return timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=round(seconds))
    match = _SPELLED_DURATION.match(value.lower())
    if match and any(match.groups()):
        hours, minutes = (int(x) if x else 0 for x in match.groups())
        return timedelta(hours=hours, minutes=minutes)
    raise BadInput(M("not a duration: %(value)r", value=value))


def parse_moment(value: str, tz: tzinfo) -> datetime:
    """An ISO 8601 datetime; one without offset (floating) is read in `tz`."""
    raw = line(value)
    moment = datetime.fromisoformat(raw.replace("Z", "+00:00") if raw.endswith("Z") else raw)
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def first_moment(values) -> datetime | None:
    """The first value that reads as an ISO datetime: a sample of the file's offsets."""
    for value in values:
        if value:
            try:
                return datetime.fromisoformat(str(value).strip())
            except ValueError:
                continue
    return None


def resolve_zone(fmt: str, declared: str, options: Options, sample: datetime | None = None) -> tuple[str, list[M]]:
    """The conference's zone: the file's, else the user's --timezone, else the app's default.

    When the file's times carry an offset that contradicts the zone chosen without the user's say
    (a wrong declaration, or none and a default from elsewhere), the offset wins: the grid must show
    the times the organisers printed.
    """
    notes: list[M] = []
    if declared:
        try:
            zone(declared)
        except ValueError:
            notes.append(M("unknown time zone %(zone)r in the file", zone=declared))
            declared = ""
    if declared:
        name, said = declared, M("the file declares %(zone)s", zone=declared)
    elif options.timezone:
        return zone(options.timezone).key, notes  # the user's word; BadInput when unknown
    else:
        name = options.default_timezone
        said = M("the file names no time zone (default %(zone)s)", zone=name)
    if sample is not None and sample.tzinfo is not None:
        offset = sample.utcoffset()
        if offset != sample.astimezone(zone(name)).utcoffset() and offset.total_seconds() % 3600 == 0:
            hours = int(offset.total_seconds() // 3600)
            fixed = f"Etc/GMT{-hours:+d}" if hours else "UTC"
            notes.append(
                M(
                    "%(said)s, but its times carry UTC%(offset)s: shown in UTC%(offset)s (--timezone names the zone)",
                    said=said,
                    offset=format(hours, "+03d") + ":00",
                )
            )
            return fixed, notes
    if not declared:
        reason = options.default_reason or M("the app's default")
        notes.append(
            M(
                "the file names no time zone and no --timezone was given: times read in %(zone)s (%(reason)s)",
                zone=name,
                reason=reason,
            )
        )
    return name, notes


def join_texts(*parts: str) -> str:
    """Abstract and description as one text, without repeating a part that says the same."""
    kept: list[str] = []
    for part in parts:
        if part and part not in kept:
            kept.append(part)
    return "\n\n".join(kept)


def unescape(value: str) -> str:
    """HTML entities some generators leave in plain-text fields (&amp;, &#x3D;)."""
    return html.unescape(value) if "&" in value else value


def link(url: str, title: str = "", kind: str = "") -> dict | None:
    """A timetable link as stored: http(s) only (anything else is dropped)."""
    url = line(url)
    if not url.lower().startswith(("http://", "https://")):
        return None
    return {"url": url, "kind": kind or guess_link_kind(url, title), "title": line(title)}


def recording_links(item: dict) -> list[dict]:
    """The recording of a talk, where pretalx-like exports give one: `recording` (a URL, or an object
    with `url`/`link`) or `recording_url`; always kind `video`. Other values of `recording` (c3voc's
    policy "record_by_default", a licence) are not links and give nothing."""
    found = []
    for name in ("recording", "recording_url"):
        value = item.get(name)
        if isinstance(value, dict):
            value = value.get("url") or value.get("link") or ""
        if isinstance(value, str):
            entry = link(value, "Recording", "video")
            if entry and entry["url"] not in {x["url"] for x in found}:
                found.append(entry)
    return found


# Breaks by name, in English, German, French and Japanese, anchored at the start of the title
# ("Coffee Break (30 min)", "休憩(15分)", "Essenszeit (Mittag)"). "Opening", "Closing", "Welcome",
# "懇親会" and "Networking" are sessions.
BREAK_WORDS = (
    "lunch",
    "lunch break",
    "coffee",
    "coffee break",
    "tea break",
    "break",
    "breakfast",
    "pause",
    "kaffeepause",
    "mittagspause",
    "mittagessen",
    "essenszeit",
    "déjeuner",
    "dejeuner",
    "昼休み",
    "昼休憩",
    "休憩",
    "ランチ",
    "ランチ休憩",
    "お昼",
    "お昼ごはん",
    "お昼休み",
    "昼食",
    "受付",
    "場面転換",
)
_BREAK_TITLE = re.compile(
    r"^[\W_]*(" + "|".join(re.escape(w) for w in sorted(BREAK_WORDS, key=len, reverse=True)) + r")([\W_]|$)",
    re.IGNORECASE,
)
BREAK_TYPES = ("break", "pause", "休憩", "timeslot", "lunch", "coffee")


def looks_like_break(title: str, kind: str = "") -> bool:
    """A break, not a talk: the type says so ("break"), or the title does ("Lunch", "Kaffeepause", "休憩(15分)")."""
    return line(kind).casefold() in BREAK_TYPES or bool(_BREAK_TITLE.match(line(title)))
