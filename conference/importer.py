"""One import, whatever the source: read (a file, `-`, an upload, a paste or a URL) -> parse -> merge.

`run` is the one entry point: the CLI's `import`, the import form and Refresh all call it. A failure
raises a ConferenceError (ParseError keeps its format, line and field; `source` names the file) and
writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO

from sqlite_utils import Database

from . import store
from .errors import BadInput, ParseError
from .fetch import fetch
from .model import Conference, zone
from .parsers import PARSERS, Options, parse

# What is remembered with the conference (conferences.source_options) so that Refresh repeats it.
REMEMBERED = ("fmt", "timezone", "date", "duration", "encoding")


@dataclass(frozen=True)
class ImportRequest:
    """What the user asked for.

    source     a path, "-" (standard input) or an http(s) URL; "" when `data` is given
    data       the bytes of an upload or a paste (then `filename` names them: "timetable.json", "pasted text")
    slug/name  the conference to create or re-import into, and its display name ("" = from the file)
    fmt, timezone, date (YYYY-MM-DD), duration (minutes), encoding: parser options (remembered)
    """

    source: str = ""
    data: bytes | None = field(default=None, repr=False)
    filename: str = ""
    slug: str = ""
    name: str = ""
    fmt: str = ""
    timezone: str = ""
    date: str = ""
    duration: int | None = None
    encoding: str = ""

    def remembered(self) -> dict:
        """The options Refresh repeats (stored as JSON with the conference)."""
        return {k: v for k, v in asdict(self).items() if k in REMEMBERED}

    def parser_options(self, default_timezone: str) -> Options:
        """The parsers' Options; BadInput naming the option that is wrong."""
        try:
            when = date.fromisoformat(self.date) if self.date else None
        except ValueError as exc:
            raise BadInput(f"--date {self.date!r} is not a date (YYYY-MM-DD)", field="date") from exc
        if self.timezone:
            try:
                zone(self.timezone)
            except BadInput as exc:
                raise BadInput(
                    f"--timezone {self.timezone!r} is not a time zone (e.g. Asia/Tokyo)", field="timezone"
                ) from exc
        if self.fmt and self.fmt not in PARSERS:
            raise BadInput(f"unknown format {self.fmt!r}; known: {', '.join(PARSERS)}", field="format")
        return Options(
            timezone=self.timezone,
            default_timezone=default_timezone,
            date=when,
            duration=self.duration,
            encoding=self.encoding,
        )


def refresh_request(conf: Conference) -> ImportRequest:
    """Import again from where `conf` came from, with the options given then (BadInput if not a URL)."""
    if not is_url(conf.source):
        raise BadInput("this timetable was not imported from a URL", field="source")
    options = {k: v for k, v in conf.source_options.items() if k in REMEMBERED}
    return ImportRequest(source=conf.source, slug=conf.slug, **options)


def duration_field(text: str) -> int | None:
    """A form's or option's minutes ("45"), None when empty; BadInput otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise BadInput(f"duration {text!r} is not a whole number of minutes", field="duration")
    return int(text)


def slugify(text: str) -> str:
    slug = re.sub(r"[^\w]+", "-", text.casefold()).strip("-")
    return slug[:60].strip("-") or "conference"


def is_url(source: str) -> bool:
    return (source or "").startswith(("http://", "https://"))


@dataclass(frozen=True)
class _Read:
    data: bytes
    name: str  # for messages: the file's name, "standard input", "pasted text", the URL after redirects
    source: str  # remembered with the conference: the URL, else the file's name


def _read(request: ImportRequest, *, allow_private: bool, local_files: bool, stdin: BinaryIO | None) -> _Read:
    if request.data is not None:
        name = request.filename or "pasted text"
        return _Read(request.data, name, request.filename)
    source = request.source
    if is_url(source):
        got = fetch(source, allow_private=allow_private)
        return _Read(got.content, got.url, source)
    if not source:
        raise BadInput("choose a file, paste a timetable or give its URL", field="source")
    if not local_files:
        raise BadInput(f"{source!r} is not an http(s) URL", field="url")
    if source == "-":
        if stdin is None:
            raise BadInput("no standard input to read", field="source")
        return _Read(stdin.read(), "standard input", "standard input")
    path = Path(source)
    try:
        return _Read(path.read_bytes(), path.name, path.name)
    except OSError as exc:
        raise BadInput(exc.strerror or str(exc), source=source) from exc


def run(
    db: Database,
    request: ImportRequest,
    *,
    allow_private: bool,
    default_timezone: str,
    local_files: bool = False,
    stdin: BinaryIO | None = None,
) -> store.ImportResult:
    """Read the source, parse it, merge it into the conference (one transaction); the import's result.

    allow_private: may a URL reach loopback/private addresses (the app's FETCH_ALLOW_PRIVATE);
    local_files: may `source` be a path or "-" (the CLI: yes; the web form: never);
    stdin: what "-" reads. Raises BadInput, ParseError, FetchError or NonPublicAddress; writes nothing then.
    """
    options = request.parser_options(default_timezone)
    got = _read(request, allow_private=allow_private, local_files=local_files, stdin=stdin)
    try:
        fmt, timetable = parse(got.data, request.fmt or None, filename=got.name, options=options)
    except ParseError as exc:
        exc.source = got.name  # the same error, now saying which file: its location stays as it was
        raise
    slug = request.slug
    if not slug and got.source:  # the same file or URL again: the conference it made
        existing = store.conference_by_source(db, got.source)
        slug = existing.slug if existing else ""
    slug = slug or slugify(request.name or timetable.name or Path(got.name).stem)
    return store.apply_import(
        db,
        slug,
        timetable,
        name=request.name,
        source=got.source or got.name,
        fmt=fmt,
        source_options=request.remembered(),
    )
