"""One import, whatever the source: bytes from a file, a paste or a URL -> parsed -> merged in one transaction."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from sqlite_utils import Database

from . import store
from .fetch import FetchError, fetch
from .model import ParseError, zone
from .parsers import Options, parse


class ImportFailed(Exception):
    """Nothing was written; the message names the source and what was wrong."""


@dataclass
class Request:
    """What the user asked for, remembered with the conference so that Refresh repeats it."""

    fmt: str = ""
    timezone: str = ""
    date: str = ""
    duration: int | None = None
    encoding: str = ""

    def options(self, default_timezone: str) -> Options:
        try:
            when = date.fromisoformat(self.date) if self.date else None
        except ValueError as exc:
            raise ImportFailed(f"--date {self.date!r} is not a date (YYYY-MM-DD)") from exc
        if self.timezone:
            try:
                zone(self.timezone)
            except ValueError as exc:
                raise ImportFailed(f"--timezone {self.timezone!r} is not a time zone (e.g. Asia/Tokyo)") from exc
        return Options(
            timezone=self.timezone,
            default_timezone=default_timezone,
            date=when,
            duration=self.duration,
            encoding=self.encoding,
        )


def slugify(text: str) -> str:
    slug = re.sub(r"[^\w]+", "-", text.casefold()).strip("-")
    return slug[:60].strip("-") or "conference"


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def read_source(source: str, *, stdin=None, allow_private: bool = True) -> tuple[bytes, str, str]:
    """(bytes, name for messages, content type) from a path, `-` or an http(s) URL."""
    if is_url(source):
        try:
            got = fetch(source, allow_private=allow_private)
        except FetchError as exc:
            raise ImportFailed(str(exc)) from exc
        return got.content, got.url, got.content_type
    if source == "-":
        return stdin.read(), "standard input", ""
    path = Path(source)
    try:
        return path.read_bytes(), path.name, ""
    except OSError as exc:
        raise ImportFailed(f"{source}: {exc.strerror}") from exc


def import_bytes(
    db: Database,
    data: bytes,
    *,
    source_name: str,
    source: str = "",
    slug: str = "",
    name: str = "",
    request: Request | None = None,
    default_timezone: str = "Asia/Tokyo",
) -> store.ImportResult:
    """Parse and merge; a failure raises ImportFailed naming the source, and writes nothing."""
    request = request or Request()
    options = request.options(default_timezone)
    try:
        fmt, timetable = parse(data, request.fmt or None, filename=source_name, options=options)
    except ParseError as exc:
        raise ImportFailed(f"{source_name}: {exc}") from exc
    if not slug and source:
        existing = list(db["conferences"].rows_where("source = ?", [source], limit=1))
        slug = existing[0]["slug"] if existing else ""
    slug = slug or slugify(name or timetable.name or Path(source_name).stem)
    remembered = asdict(request)
    result = store.save_timetable(
        db,
        slug,
        timetable,
        name=name,
        timezone_name=timetable.timezone,
        source=source or source_name,
        fmt=fmt,
        source_options=json.dumps(remembered),
    )
    return result
