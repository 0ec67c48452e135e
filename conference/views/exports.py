"""Calendar downloads, the secret subscription feed, the CSV, and the calendar settings page.

Each download runs an exporter of `exports.EXPORTERS` over what the store hands back. Calendar
apps poll again and again: a built calendar is kept (one LRU) under the store's versions of the
conference (timetable, plan, reminder setting, database file) and the options, so it is never stale.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from urllib.parse import urlsplit

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import get_locale
from sqlite_utils import Database

from .. import store
from ..cache import LRU
from ..exports import EXPORTERS, words
from ..exports.ics import CalendarOptions, plan_part
from ..exports.table import TableOptions
from ..model import Conference, from_iso
from .auth import is_loopback
from .db import get_db
from .helpers import download

bp = Blueprint("exports", __name__)
CALENDARS: LRU[bytes] = LRU(16)


def calendar(db: Database, conf: Conference, name: str, options: CalendarOptions) -> bytes:
    """The `name` calendar exporter's file (kept unless it carries notes, which change with every save)."""
    exporter = EXPORTERS[name]

    def build() -> bytes:
        sessions = store.planned_sessions(db, conf, abstracts=exporter.abstracts)
        notes = store.note_texts(db, conf) if options.with_notes else {}
        return exporter(conf, sessions, notes, options)

    if options.with_notes:
        return build()
    return CALENDARS.get_or_build(("calendar", name, store.versions(db, conf), options), build)


def calendar_options(
    db: Database, conf: Conference | None = None, *, interested=False, with_notes=False, feed=False
) -> CalendarOptions:
    """The options of a calendar that carries the reminder: its minutes, and the revisions (the
    reminder's, each note's when notes are shown) that go into each event's SEQUENCE/LAST-MODIFIED."""
    revision, revised_at = store.alarm_revision(db)
    return CalendarOptions(
        alarm_minutes=store.alarm_minutes(db),
        interested=interested,
        with_notes=with_notes,
        feed=feed,
        revision=revision,
        revised_at=revised_at,
        note_stamps=store.note_stamps(db, conf) if with_notes and conf is not None else (),
    )


def reader_language(conf: Conference) -> str:
    """The language asked of a file downloaded from a page: "ja" for a reader of the Japanese pages, else
    "" (the conference's: the exporter decides it from the sessions, see exports.words)."""
    return words.reader_language(str(get_locale() or ""))


def _attachment(body, conf: Conference, name: str, part: str = "") -> Response:
    """The exporter `name`'s file as a download, named from the conference (UTF-8 and ASCII, RFC 6266)."""
    exporter = EXPORTERS[name]
    filename, ascii_name = exporter.download_names(conf, part)
    return download(body, exporter.mimetype, filename, ascii_name)


def is_loopback_host(host: str) -> bool:
    """127.0.0.1, ::1, localhost (and *.localhost): names only this computer answers to."""
    name = host.lower().rstrip(".")
    return name == "localhost" or name.endswith(".localhost") or is_loopback(name)


@bp.get("/c/<slug>/calendar")
def page(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    token = store.feed_token(db, conf)
    feed = url_for("exports.feed", token=token, _external=True)
    webcal = "webcal://" + feed.split("://", 1)[1]
    # An address on this computer only (127.0.0.1, localhost): a calendar app on a phone or in the cloud
    # cannot reach it, and the page says so.
    local = is_loopback_host(urlsplit(feed).hostname or "")
    return render_template(
        "calendar.html", conf=conf, feed=feed, webcal=webcal, alarm=store.alarm_minutes(db), feed_is_local=local
    )


@bp.post("/c/<slug>/calendar")
def settings(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    if request.form.get("action") == "regenerate":
        store.new_feed_token(db, conf)
    elif "alarm" in request.form:
        store.set_alarm_minutes(db, request.form["alarm"])
    return redirect(url_for("exports.page", slug=slug), code=303)


@bp.get("/c/<slug>/plan.ics")
def plan_download(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    options = calendar_options(
        db,
        conf,
        interested=request.args.get("interested") == "1",
        with_notes=request.args.get("notes") == "1",
    )
    options = replace(options, lang=reader_language(conf))
    return _attachment(calendar(db, conf, "plan-ics", options), conf, "plan-ics", plan_part(options))


@bp.get("/c/<slug>/plan.csv")
def plan_table(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    exporter = EXPORTERS["plan-csv"]
    sessions = store.planned_sessions(db, conf, abstracts=exporter.abstracts)
    body = exporter(conf, sessions, store.note_texts(db, conf), TableOptions(lang=reader_language(conf)))
    return _attachment(body, conf, "plan-csv")


@bp.get("/c/<slug>/timetable.ics")
def timetable_download(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    body = calendar(db, conf, "timetable-ics", CalendarOptions(alarm_minutes=None, lang=reader_language(conf)))
    return _attachment(body, conf, "timetable-ics")


@bp.get("/c/<slug>/ics/<key:key>")
def session_download(slug: str, key: str):
    db = get_db()
    conf = store.conference(db, slug)
    exporter = EXPORTERS["session-ics"]
    options = replace(calendar_options(db), lang=reader_language(conf))
    body = exporter(conf, [store.planned_session(db, conf, key)], {}, options)
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in key)[:40]
    return _attachment(body, conf, "session-ics", safe)


@bp.get("/feeds/<token>/plan.ics")
def feed(token: str):
    """What calendar apps poll: the plan, with ETag and Last-Modified so an unchanged plan costs a 304."""
    db = get_db()
    conf = store.conference_by_feed(db, token)
    body = calendar(db, conf, "plan-ics", calendar_options(db, feed=True))
    response = download(body, EXPORTERS["plan-ics"].mimetype, None)
    digest = hashlib.sha256(body).hexdigest()
    response.set_etag(digest)
    # Last-Modified moves with the ETag, whatever changed the file (a mark, an import, the reminder…):
    # a client that sends only If-Modified-Since must not get a 304 for a changed calendar.
    response.last_modified = from_iso(store.content_modified_at(db, conf, "plan-feed", digest))
    response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request)
