"""Conference list, timetable grid, session page and the language switch."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, make_response, redirect, render_template, request
from flask_babel import get_locale

from .. import grid as grid_mod
from .. import store
from ..i18n import COOKIE, LANGUAGES
from .db import get_db
from .helpers import local_path
from .pagecache import cached_page

bp = Blueprint("timetable", __name__)
UNSCHEDULED_SHOWN = 200  # the rest are on the list page


@bp.get("/")
def index():
    return render_template("index.html", conferences=store.conferences(get_db()))


@bp.get("/c/<slug>/")
def grid(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    versions = store.versions(db, conf)
    # Everything the page shows: the store's versions, the language, the query.
    key = ("grid", versions, str(get_locale()), request.full_path)

    def render() -> str:
        sessions = store.planned_sessions(db, conf, abstracts=False)
        days = grid_mod.days(sessions)
        try:
            day = date.fromisoformat(request.args["day"]) if "day" in request.args else (days[0] if days else None)
        except ValueError:
            abort(404)
        if days and day not in days:
            abort(404)
        rooms = list(conf.rooms)
        chosen = [r for r in request.args.getlist("room") if r in rooms]
        # FOSDEM-sized timetables have 30-60 rooms: the attendee may keep only the ones they care about.
        shown = [
            s
            for s in sessions
            if day and s.day == day and (not chosen or s.room in chosen or (s.is_break and not s.room))
        ]
        # A day over grid.PAGE_SESSIONS is shown in parts by room (issue 17), `?page=N`.
        parts = grid_mod.pages(shown, rooms)
        page = request.args.get("page", "1")
        if not page.isdigit() or not 1 <= int(page) <= len(parts):
            abort(404)
        page = int(page)
        unscheduled = [s for s in sessions if not s.start]
        return render_template(
            "grid.html",
            rooms=rooms,
            chosen_rooms=chosen,
            conf=conf,
            days=days,
            day=day,
            grid=grid_mod.layout(day, list(parts[page - 1].sessions), rooms) if day else None,
            pages=parts,
            page=page,
            unscheduled=unscheduled[:UNSCHEDULED_SHOWN],
            unscheduled_more=max(0, len(unscheduled) - UNSCHEDULED_SHOWN),
            last_import=versions.last_import,
        )

    return cached_page(key, render)


@bp.get("/c/<slug>/s/<key:key>")
def session(slug: str, key: str):
    db = get_db()
    conf = store.conference(db, slug)
    s = store.planned_session(db, conf, key)
    clashing = store.planned_sessions(db, conf, list(s.clashes), abstracts=False) if s.clashes else []
    return render_template("session.html", conf=conf, s=s, clashing=clashing, note=store.note(db, conf, key))


@bp.get("/lang/<code>")
def set_language(code: str):
    if code not in LANGUAGES:
        abort(404)
    response = make_response(redirect(local_path(request.args.get("next"))))
    response.set_cookie(COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response
