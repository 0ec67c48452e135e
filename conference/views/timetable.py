"""Conference list, timetable grid, session page and the language switch."""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import urlsplit

from flask import Blueprint, abort, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale

from .. import grid as grid_mod
from .. import notes, planning, store
from ..db import get_db
from ..i18n import COOKIE, LANGUAGES
from .pagecache import cached_page

bp = Blueprint("timetable", __name__)


@bp.get("/")
def index():
    return render_template("index.html", conferences=store.conferences(get_db()))


@bp.get("/c/<slug>/")
def grid(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    last_import = store.last_import_id(db, conf)
    # Everything the page shows: the data's and the plan's change counters, the language, the query.
    key = (
        db.execute("pragma database_list").fetchone()[2],
        conf["id"],
        conf["imported_at"],
        conf["data_version"],
        conf["plan_version"],
        last_import,
        str(get_locale()),
        request.full_path,
    )

    def render() -> str:
        sessions = planning.annotate(store.sessions(db, conf, abstracts=False))
        days = grid_mod.days(sessions)
        try:
            day = date.fromisoformat(request.args["day"]) if "day" in request.args else (days[0] if days else None)
        except ValueError:
            abort(404)
        if days and day not in days:
            abort(404)
        rooms = json.loads(conf["rooms"] or "[]")
        chosen = [r for r in request.args.getlist("room") if r in rooms]
        # FOSDEM-sized timetables have 30-60 rooms: the attendee may keep only the ones they care about.
        shown = [s for s in sessions if not chosen or s["room"] in chosen or (s["is_break"] and not s["room"])]
        return render_template(
            "grid.html",
            rooms=rooms,
            chosen_rooms=chosen,
            conf=conf,
            days=days,
            day=day,
            grid=grid_mod.layout(day, shown, rooms) if day else None,
            unscheduled=[s for s in sessions if not s["start"]],
            last_import=last_import,
        )

    return cached_page(key, render)


def load_session(slug: str, key: str):
    """The request's database, the conference, the session (with status and clashes) and all sessions."""
    db = get_db()
    conf = store.conference(db, slug)
    sessions = planning.annotate(store.sessions(db, conf))
    s = next((x for x in sessions if x["key"] == key), None)
    if s is None:
        raise store.NotFound(f"no session {key!r} in {conf['slug']!r}")
    return db, conf, s, sessions


@bp.get("/c/<slug>/s/<path:key>")
def session(slug: str, key: str):
    db, conf, s, sessions = load_session(slug, key)
    clashing = [x for x in sessions if x["key"] in s["clashes"]]
    return render_template("session.html", conf=conf, s=s, clashing=clashing, note=notes.get_note(db, conf, key))


def local_path(target: str | None) -> str:
    """Only same-site paths are followed after switching language (no open redirect)."""
    if not target:
        return url_for("timetable.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("timetable.index")
    return target


@bp.get("/lang/<code>")
def set_language(code: str):
    if code not in LANGUAGES:
        abort(404)
    response = make_response(redirect(local_path(request.args.get("next"))))
    response.set_cookie(COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response
