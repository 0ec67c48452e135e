"""Calendar downloads, the secret subscription feed, and the calendar settings page."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from .. import notes, store
from ..db import get_db
from ..exports import plan, table
from ..model import from_iso
from . import download

bp = Blueprint("exports", __name__)


def _ics(body: bytes, filename: str | None) -> Response:
    return download(body, "text/calendar", filename)


@bp.get("/c/<slug>/calendar")
def page(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    token = store.feed_token(db, conf)
    feed = url_for("exports.feed", token=token, _external=True)
    webcal = "webcal://" + feed.split("://", 1)[1]
    return render_template("calendar.html", conf=conf, feed=feed, webcal=webcal, alarm=plan.alarm_minutes(db))


@bp.post("/c/<slug>/calendar")
def settings(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    if request.form.get("action") == "regenerate":
        store.new_feed_token(db, conf)
    elif "alarm" in request.form:
        value = request.form["alarm"].strip()
        if value != "off" and not (value.isdigit() and 0 <= int(value) <= 24 * 60):
            abort(400, description="the reminder is a number of minutes (0 to 1440) or off")
        store.set_setting(db, "alarm_minutes", value)
    return redirect(url_for("exports.page", slug=slug), code=303)


@bp.get("/c/<slug>/plan.ics")
def plan_download(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    body = plan.plan_ics(
        db, conf, interested=request.args.get("interested") == "1", with_notes=request.args.get("notes") == "1"
    )
    return _ics(body, f"{slug}-plan.ics")


@bp.get("/c/<slug>/plan.csv")
def plan_table(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    sessions = plan.plan_sessions(store.sessions(db, conf), interested=True)
    return download(table.plan_csv(sessions, notes.texts(db, conf)), "text/csv", f"{slug}-plan.csv")


@bp.get("/c/<slug>/timetable.ics")
def timetable_download(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    return _ics(plan.all_ics(db, conf), f"{slug}.ics")


@bp.get("/c/<slug>/ics/<path:key>")
def session_download(slug: str, key: str):
    db = get_db()
    conf = store.conference(db, slug)
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in key)[:40]
    return _ics(plan.session_ics(db, conf, key), f"{slug}-{safe}.ics")


@bp.get("/feeds/<token>/plan.ics")
def feed(token: str):
    """What calendar apps poll: the plan, with ETag and Last-Modified so an unchanged plan costs a 304."""
    db = get_db()
    conf = store.conference_by_feed(db, token)
    body = plan.plan_ics(db, conf, feed=True)
    response = _ics(body, None)
    response.set_etag(hashlib.sha256(body).hexdigest())
    changed = store.plan_changed_at(db, conf) or conf["imported_at"]
    if changed:
        response.last_modified = from_iso(changed)
    response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request)
