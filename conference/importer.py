"""One import, whatever the source: read (a file, `-`, an upload, a paste or a URL) -> parse -> merge.

`run` is the one entry point: the CLI's `import`, the import form and Refresh all call it. A failure
raises a ConferenceError (ParseError keeps its format, line and field; `source` names the file) and
writes nothing. The change report is computed before anything is written: an import that would take
more than half of the sessions out, or bring untimed sessions into a timed timetable, raises
NeedsConfirmation (with the report) unless `force`; `dry_run` only returns the report.

Time zones: the file's own, else --timezone, else — when re-importing into a conference — the zone
the conference already has (so an offset-less file is not moved to another zone), else the app's
default; the summary says which zone a file without one was read in.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from sqlite_utils import Database

from . import store
from .errors import BadInput, NotFound, ParseError
from .fetch import fetch
from .messages import M
from .model import Conference, Timetable, strip_controls, zone
from .parsers import FIELDS, MAPPED, PARSERS, Options, parse

# What is remembered with the conference (conferences.source_options) so that Refresh repeats it.
REMEMBERED = ("fmt", "timezone", "date", "duration", "encoding", "records", "fields")


@dataclass(frozen=True)
class ImportRequest:
    """What the user asked for.

    source     a path, "-" (standard input) or an http(s) URL; "" when `data` is given
    data       the bytes of an upload or a paste (then `filename` names them: "timetable.json", "pasted text")
    origin     the URL `data` was read from earlier (an import waiting for confirmation): remembered for Refresh
    slug/name  the conference to create or re-import into, and its display name ("" = from the file)
    fmt, timezone, date (YYYY-MM-DD), duration (minutes), encoding: parser options (remembered)
    records, fields: where the sessions are in custom JSON/YAML and which field is which (--records,
               --map FIELD=PATH; `fields` maps our field name to the path), remembered too
    """

    source: str = ""
    data: bytes | None = field(default=None, repr=False)
    filename: str = ""
    origin: str = ""
    slug: str = ""
    name: str = ""
    fmt: str = ""
    timezone: str = ""
    date: str = ""
    duration: int | None = None
    encoding: str = ""
    records: str | None = None
    fields: dict[str, str] = field(default_factory=dict)

    def remembered(self) -> dict:
        """The options Refresh repeats (stored as JSON with the conference); unset ones are left out."""
        return {
            k: v
            for k, v in asdict(self).items()
            if k in REMEMBERED and (k not in ("records", "fields") or v not in (None, {}))
        }

    def form_values(self) -> dict:
        """Everything but the bytes and where they came from: kept with an import waiting in the form."""
        return {k: v for k, v in asdict(self).items() if k not in ("data", "source", "filename", "origin")}

    def parser_options(self, default_timezone: str, default_reason: str = "") -> Options:
        """The parsers' Options; BadInput naming the option that is wrong."""
        try:
            when = date.fromisoformat(self.date) if self.date else None
        except ValueError as exc:
            raise BadInput(M("--date '%(value)s' is not a date (YYYY-MM-DD)", value=self.date), field="date") from exc
        if self.timezone:
            try:
                zone(self.timezone)
            except BadInput as exc:
                raise BadInput(
                    M("--timezone '%(value)s' is not a time zone (e.g. Asia/Tokyo)", value=self.timezone),
                    field="timezone",
                ) from exc
        if self.fmt and self.fmt not in PARSERS:
            raise BadInput(
                M("unknown format '%(format)s'; known: %(known)s", format=self.fmt, known=", ".join(PARSERS)),
                field="format",
            )
        for name in self.fields:
            if name not in FIELDS:
                raise BadInput(
                    M(
                        "--map %(name)s=…: unknown field '%(name)s'; fields: %(fields)s",
                        name=name,
                        fields=", ".join(FIELDS),
                    ),
                    field="map",
                )
        return Options(
            timezone=self.timezone,
            default_timezone=default_timezone,
            default_reason=default_reason,
            date=when,
            duration=self.duration,
            encoding=self.encoding,
            records=self.records if self.records not in ("",) else ".",
            fields=dict(self.fields),
        )


def parse_maps(values) -> dict[str, str]:
    """`--map FIELD=PATH` options as {field: path}; BadInput naming a malformed or unknown one."""
    found: dict[str, str] = {}
    for value in values or ():
        name, sep, path = str(value).partition("=")
        name, path = name.strip(), path.strip()
        if not sep or not name or not path:
            raise BadInput(
                M("--map '%(value)s': write FIELD=PATH, e.g. --map title=talk_title", value=value), field="map"
            )
        if name not in FIELDS:
            raise BadInput(
                M(
                    "--map '%(value)s': unknown field '%(name)s'; fields: %(fields)s",
                    value=value,
                    name=name,
                    fields=", ".join(FIELDS),
                ),
                field="map",
            )
        found[name] = path
    return found


def refresh_request(conf: Conference) -> ImportRequest:
    """Import again from where `conf` came from, with the options given then (BadInput if not a URL)."""
    if not is_url(conf.source):
        raise BadInput(M("this timetable was not imported from a URL"), field="source")
    options = {k: v for k, v in conf.source_options.items() if k in REMEMBERED}
    return ImportRequest(source=conf.source, slug=conf.slug, **options)


def duration_field(text: str) -> int | None:
    """A form's or option's minutes ("45"), None when empty; BadInput otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise BadInput(M("duration '%(value)s' is not a whole number of minutes", value=text), field="duration")
    return int(text)


def slugify(text: str) -> str:
    slug = re.sub(r"[^\w]+", "-", text.casefold()).strip("-")
    return slug[:60].strip("-") or "conference"


def is_url(source: str) -> bool:
    return (source or "").startswith(("http://", "https://"))


@dataclass(frozen=True)
class Read:
    """What was read: the bytes, a name for messages, and what to remember as the conference's source."""

    data: bytes
    name: str  # for messages: the file's name, "standard input", "pasted text", the URL after redirects
    source: str  # remembered with the conference: the URL, else the file's name


def read(request: ImportRequest, *, allow_private: bool, local_files: bool, stdin: BinaryIO | None) -> Read:
    """The bytes of the request's source, with its name for messages and what to remember as the source."""
    if request.data is not None:
        name = request.filename or request.origin or "pasted text"
        return Read(request.data, name, request.origin or request.filename)
    source = request.source
    if is_url(source):
        got = fetch(source, allow_private=allow_private)
        return Read(got.content, got.url, source)
    if not source:
        raise BadInput(M("choose a file, paste a timetable or give its URL"), field="source")
    if not local_files:
        raise BadInput(M("'%(value)s' is not an http(s) URL", value=source), field="url")
    if source == "-":
        if stdin is None:
            raise BadInput(M("no standard input to read"), field="source")
        return Read(stdin.read(), "standard input", "standard input")
    path = Path(source)
    try:
        return Read(path.read_bytes(), path.name, path.name)
    except OSError as exc:
        raise BadInput(exc.strerror or str(exc), source=source) from exc


def carrying(request: ImportRequest, got: Read) -> ImportRequest:
    """The same request with the bytes already read (a URL is not fetched again, but stays the source)."""
    if request.data is not None:
        return request
    origin = got.source if is_url(request.source) else ""
    return replace(request, source="", data=got.data, filename=got.name, origin=origin)


def needs_mapping(exc: ParseError) -> bool:
    """Is this refusal answered on the import form's mapping page (choosing the list and the fields or
    columns, the first day, the talks' length), not by fixing the file?"""
    if exc.answer:
        return True
    return exc.fmt in ("json", *MAPPED) and exc.line is None and not str(exc.where).startswith("byte")


def _conference_named(db: Database, slug: str) -> Conference | None:
    try:
        return store.conference(db, slug)
    except NotFound:
        return None


def _conference_for(db: Database, request: ImportRequest, got: Read) -> Conference | None:
    """The conference this import goes into when it already exists: named by slug, else by the same source."""
    if request.slug:
        return _conference_named(db, request.slug)
    if got.source:
        return store.conference_by_source(db, got.source)
    return None


def _parse(got: Read, request: ImportRequest, options: Options) -> tuple[str, Timetable]:
    try:
        return parse(got.data, request.fmt or None, filename=got.name, options=options)
    except ParseError as exc:
        exc.source = got.name  # the same error, now saying which file: its location stays as it was
        raise


def _zone_of(slug: str) -> M:
    return M("the zone of '%(slug)s', imported before", slug=slug)


def prepare(db: Database, request: ImportRequest, got: Read, *, default_timezone: str) -> tuple[str, str, Timetable]:
    """Parse what was read for the conference it goes into: (slug, format, timetable). Writes nothing."""
    existing = _conference_for(db, request, got)
    if existing is not None:
        options = request.parser_options(existing.timezone, _zone_of(existing.slug))
    else:
        options = request.parser_options(default_timezone, M("the app's default; --timezone names another"))
    fmt, timetable = _parse(got, request, options)
    if not timetable.name and got.name not in ("pasted text", "standard input"):  # the name is the file's
        timetable.name = Path(urlsplit(got.name).path if is_url(got.name) else got.name).stem
    slug = request.slug or (existing.slug if existing else "")
    slug = slug or slugify(request.name or timetable.name or Path(got.name).stem)
    if existing is None and not request.timezone:  # a conference found by the file's own name
        named = _conference_named(db, slug)
        if named is not None and named.timezone != timetable.timezone:
            again = request.parser_options(named.timezone, _zone_of(named.slug))
            fmt_again, retried = _parse(got, request, again)
            if retried.timezone == named.timezone:  # the file names no zone of its own: keep the conference's
                fmt, timetable = fmt_again, retried
    return slug, fmt, timetable


def run(
    db: Database,
    request: ImportRequest,
    *,
    allow_private: bool,
    default_timezone: str,
    local_files: bool = False,
    stdin: BinaryIO | None = None,
    force: bool = False,
    dry_run: bool = False,
) -> store.ImportResult:
    """Read the source, parse it, merge it into the conference (one transaction); the import's result.

    allow_private: may a URL reach loopback/private addresses (the app's FETCH_ALLOW_PRIVATE);
    local_files: may `source` be a path or "-" (the CLI: yes; the web form: never);
    stdin: what "-" reads; force: apply an import whose report has risks (else NeedsConfirmation);
    dry_run: only compute the report (import_id None). Raises BadInput, ParseError, FetchError,
    NonPublicAddress or NeedsConfirmation; writes nothing then.
    """
    request.parser_options(default_timezone)  # a bad option is named before anything is read
    got = read(request, allow_private=allow_private, local_files=local_files, stdin=stdin)
    slug, fmt, timetable = prepare(db, request, got, default_timezone=default_timezone)
    if dry_run:
        return store.preview_import(db, slug, timetable, fmt)
    return store.apply_import(
        db,
        slug,
        timetable,
        name=strip_controls(request.name),
        source=got.source or got.name,
        fmt=fmt,
        source_options=request.remembered(),
        force=force,
    )
