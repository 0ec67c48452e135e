"""The timetable on a phone: one day as time slots with one card per talk (the agenda), the choice
between agenda and grid, marks from the agenda, the notes hub of the bottom bar, and the favicon.

`/c/<slug>/` shows the attendee's chosen view (a cookie); without a choice, phones get the agenda
(the browser says "mobile") and a script moves narrow windows (600 px or less) to it. The grid stays
one tap away. The agenda keeps a page small: one day, about eight elements per talk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from .. import planning, store
from ..grid import days as day_list
from ..grid import pages as grid_pages
from ..model import PlannedSession, conference_day, from_iso, room_order, zone
from ..text import plain_excerpt
from .compress import static_url
from .db import get_db
from .helpers import day_label, local_path, wants_json
from .pagecache import cached_page

bp = Blueprint("agenda", __name__)

VIEW_COOKIE = "view"
VIEWS = ("agenda", "grid")
YEAR = 365 * 24 * 3600
UNSCHEDULED_SHOWN = 200  # the rest are on the list page


# --- which view -----------------------------------------------------------------------------------


def chosen_view() -> str | None:
    view = request.cookies.get(VIEW_COOKIE)
    return view if view in VIEWS else None


def looks_like_a_phone() -> bool:
    """The browser says it is a phone (Client Hint, else "Mobi" in the user agent, as MDN advises)."""
    hint = request.headers.get("Sec-CH-UA-Mobile")
    if hint is not None:
        return hint.strip() == "?1"
    return "Mobi" in request.headers.get("User-Agent", "")


def default_view() -> str:
    forced = request.args.get("view")
    if forced in VIEWS:
        return forced
    return chosen_view() or ("agenda" if looks_like_a_phone() else "grid")


@bp.before_app_request
def timetable_in_chosen_view():
    """`/c/<slug>/` answers with the agenda when that is the attendee's view (no redirect: phones on
    slow networks pay every round trip)."""
    if request.endpoint == "timetable.grid" and request.method == "GET" and default_view() == "agenda":
        response = make_response(render_agenda(request.view_args["slug"]))
        response.vary.update(("Cookie", "User-Agent", "Sec-CH-UA-Mobile"))
        return response
    return None


@bp.after_app_request
def vary_on_view(response: Response) -> Response:
    if request.endpoint == "timetable.grid":
        response.vary.update(("Cookie", "User-Agent", "Sec-CH-UA-Mobile"))
    return response


@bp.get("/c/<slug>/view/<name>")
def switch(slug: str, name: str):
    """Remember the attendee's view (agenda or grid) and show the same day in it."""
    if name not in VIEWS:
        abort(404)
    store.conference(get_db(), slug)
    args = {k: request.args.getlist(k) for k in ("day", "room") if request.args.get(k)}
    target = (
        url_for("agenda.page", slug=slug, **args) if name == "agenda" else url_for("timetable.grid", slug=slug, **args)
    )
    response = redirect(target, code=303)
    response.set_cookie(VIEW_COOKIE, name, max_age=YEAR, samesite="Lax", path="/")
    return response


# --- the agenda -----------------------------------------------------------------------------------


@dataclass
class Slot:
    start: datetime
    sessions: list[PlannedSession] = field(default_factory=list)
    now: bool = False  # the slot "jump to now" lands on

    @property
    def anchor(self) -> str:
        return "now" if self.now else "t" + self.start.strftime("%H%M")


@dataclass
class Room:
    name: str
    code: str


def day_rooms(sessions: list[PlannedSession], order: list[str]) -> list[Room]:
    """The rooms used on a day, in the timetable's own order, with their short codes."""
    codes: dict[str, str] = {}
    for s in sessions:
        room = s.room
        if room and not codes.get(room):
            codes[room] = s.room_code or ""
    return [Room(r, codes[r]) for r in room_order(codes, order)]


def slots(sessions: list[PlannedSession], rooms: list[Room]) -> list[Slot]:
    """The day's scheduled sessions grouped by start time; within a slot, in room order."""
    rank = {r.name: i for i, r in enumerate(rooms)}
    out: dict[datetime, Slot] = {}
    for s in sorted(sessions, key=lambda s: (s.start, rank.get(s.room, -1), s.end)):
        start = s.start
        out.setdefault(start, Slot(start)).sessions.append(s)
    return list(out.values())


def now_slot(day_slots: list[Slot], at: datetime) -> Slot | None:
    """The slot running at `at` (its latest start with a talk still on), else the next to start."""
    running = [sl for sl in day_slots if sl.start <= at and any(s.end > at for s in sl.sessions)]
    if running:
        return running[-1]
    return next((sl for sl in day_slots if sl.start > at), None)


def clock(tz_name: str) -> datetime:
    """Now in the conference's zone, or the time `?at=2026-07-25T13:10` sets (rehearsing the day)."""
    tz = zone(tz_name)
    text = request.args.get("at")
    if not text:
        return datetime.now(tz)
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        abort(400, description="at must look like 2026-07-25T13:10")
    return at.astimezone(tz) if at.tzinfo else at.replace(tzinfo=tz)


def event_day_for(days: list[date], at: datetime) -> date | None:
    """Today when the event is on today, else the next event day (None once it is over)."""
    today = conference_day(at)
    return next((d for d in days if d >= today), None)


def render_agenda(slug: str) -> str:
    db = get_db()
    conf = store.conference(db, slug)
    at = clock(conf.timezone)
    # A kept page is good for five minutes of "now" and for exactly the data it shows.
    versions = store.versions(db, conf)
    key = (
        "agenda",
        versions,
        str(get_locale()),
        request.full_path,
        at.replace(minute=at.minute - at.minute % 5, second=0, microsecond=0).isoformat(),
    )

    def render() -> str:
        sessions = store.planned_sessions(db, conf, abstracts=False)
        days = day_list(sessions)
        today = event_day_for(days, at)
        try:
            day = date.fromisoformat(request.args["day"]) if request.args.get("day") else (today or (days or [None])[0])
        except ValueError:
            abort(404)
        if days and day not in days:
            abort(404)
        on_day = [s for s in sessions if s.day == day and s.start]
        unscheduled = [s for s in sessions if not s.start]
        rooms = day_rooms(on_day, list(conf.rooms))
        names = {r.name for r in rooms}
        chosen = [r for r in request.args.getlist("room") if r in names]
        shown = [s for s in on_day if not chosen or s.room in chosen or not s.room]
        # A day over grid.PAGE_SESSIONS is shown in parts by room, as the grid does (issue 17), `?page=N`.
        parts = grid_pages(shown, list(conf.rooms))
        page = request.args.get("page", "1")
        if not page.isdigit() or not 1 <= int(page) <= len(parts):
            abort(404)
        page = int(page)
        shown = list(parts[page - 1].sessions)
        day_slots = slots(shown, rooms)
        jump = None
        if today and today == conference_day(at):  # the event is on today: "jump to now" is one tap
            if today == day:
                target = now_slot(day_slots, at)
                if target:
                    target.now = True
                    jump = "#now"
            else:
                jump = url_for("agenda.page", slug=slug, day=today.isoformat(), room=chosen) + "#now"
        return render_template(
            "agenda.html",
            conf=conf,
            days=days,
            day=day,
            rooms=rooms,
            chosen_rooms=chosen,
            slots=day_slots,
            jump=jump,
            unscheduled=unscheduled[:UNSCHEDULED_SHOWN],
            unscheduled_more=max(0, len(unscheduled) - UNSCHEDULED_SHOWN),
            pages=parts,
            page=page,
            talks=sum(1 for s in shown if not s.is_break),
            last_import=versions.last_import,  # the grid's "Last import" link and Refresh, here too (#8)
        )

    return cached_page(key, render)


@bp.get("/c/<slug>/agenda")
def page(slug: str):
    return render_agenda(slug)


def card_id(key: str) -> str:
    """The element id of a talk's card, so that a plain form post returns to the same card."""
    return "k-" + re.sub(r"[^A-Za-z0-9_-]", "_", key)


@bp.post("/c/<slug>/agenda/mark")
def mark(slug: str):
    """A mark from an agenda card: `set=<status>:<key>` (one form per page keeps the page small)."""
    db = get_db()
    conf = store.conference(db, slug)
    status, _sep, key = request.form.get("set", "").partition(":")
    if not key or status not in (*planning.STATUSES, "none"):
        abort(400, description="set must be <status>:<key> (interested, going, attended, speaking or none)")
    store.set_status(db, conf, [key], None if status == "none" else status)
    if wants_json():
        sessions = store.planned_sessions(db, conf, abstracts=False)
        return jsonify(
            statuses={key: next((s.status for s in sessions if s.key == key), None)},
            clashes={s.key: list(s.clashes) for s in sessions if s.clashes},
        )
    target = local_path(request.form.get("next") or url_for("agenda.page", slug=slug))
    return redirect(target.split("#")[0] + "#" + card_id(key), code=303)


@dataclass
class UpcomingDay:
    """On a day without the event: the next event day, the attendee's plan for it, and its first talks."""

    day: date
    mine: list[PlannedSession]
    first: list[PlannedSession]


def upcoming_day(sessions: list[PlannedSession], at: datetime) -> UpcomingDay | None:
    """None while the event is on today (or once it is over)."""
    days = day_list(sessions)
    today = conference_day(at)
    if today in days:
        return None
    day = next((d for d in days if d > today), None)
    if day is None:
        return None
    on_day = sorted(
        (s for s in sessions if s.day == day and s.start and not s.cancelled),
        key=lambda s: (s.start, s.end),
    )
    mine = [s for s in on_day if s.status in planning.ON_MY_DAY]
    talks = [s for s in on_day if not s.is_break]
    first = [s for s in talks if s.start == talks[0].start] if talks else []
    return UpcomingDay(day=day, mine=mine, first=first)


# --- the notes hub (the bottom bar's "Notes") ---------------------------------------------------


@bp.get("/c/<slug>/notes")
def notes_hub(slug: str):
    """Notes for what is on now (one tap), then every note written so far."""
    db = get_db()
    conf = store.conference(db, slug)
    at = clock(conf.timezone)
    sessions = store.planned_sessions(db, conf, abstracts=False)
    state = planning.now_and_next(sessions, at)
    soon = [s for s in state.mine_next if s.start - at <= timedelta(minutes=30)]
    tz = conf.tz
    written = [
        {
            **n,
            "when": from_iso(n["start"], tz),
            "first_line": plain_excerpt(n["text"]),
        }
        for n in store.all_notes(db, conf)
    ]
    return render_template("notes_hub.html", conf=conf, now=state.mine_now, soon=soon, written=written)


# --- small things ------------------------------------------------------------------------------------


@bp.get("/favicon.ico")
def favicon():
    """Browsers and feed readers ask for /favicon.ico: send them to the icon (no 404 in the logs)."""
    return redirect(static_url(current_app, "favicon.svg"), code=301)


def session_codes(db, conf) -> dict[str, str]:
    """Key -> display code of the conference's sessions (import reports name talks by their codes)."""
    return {s.key: s.code for s in store.planned_sessions(db, conf, abstracts=False)}


def local_time(value, tz_name: str, with_day: bool = True) -> str:
    """A stored ISO 8601 time (any offset) as the conference's clock shows it: "7月25日(土) 13:00"."""
    if not value:
        return ""
    try:
        moment = from_iso(str(value), zone(tz_name))
    except ValueError:
        return str(value)
    return f"{day_label(moment.date())} {moment:%H:%M}" if with_day else f"{moment:%H:%M}"


def tab_day(day: date) -> str:
    """A day tab's label, short enough for two tabs, Now and Grid in one phone row: "1/31(土)", "Sat, Jan 31"."""
    if str(get_locale()) == "ja":
        return format_date(day, "M/d(E)")
    return day_label(day)


@lru_cache(maxsize=4)
def _css(path: str, mtime: float) -> str:
    return Path(path).read_text("utf-8")


def inline_css() -> Markup:
    """The stylesheet itself, for the agenda's <style nonce> block: on a phone's first visit the agenda
    paints while its HTML still arrives, without waiting for another connection and round trip."""
    path = Path(current_app.static_folder) / "app.css"
    css = _css(str(path), path.stat().st_mtime)
    if "</" in css:  # never the case for our stylesheet; it could end the <style> element
        raise ValueError("app.css must not contain '</'")
    return Markup(css)  # noqa: S704 -- our own stylesheet, not user input


def ui_labels() -> dict[str, str]:
    """Words the page script writes onto cards when a mark changes (statuses, the clash flag)."""
    return {
        "interested": _("Interested"),
        "going": _("Going"),
        "attended": _("Attended"),
        "speaking": _("Speaking"),
        "later": _("Watch later"),
        "clash": _("Clash"),
        "held_speaking": _("Speaking: change the status"),
        "held_attended": _("Attended: change the status"),
        "pending": _("Not sent yet"),
    }


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.filters["card_id"] = card_id
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["tab_day"] = tab_day
    app.jinja_env.globals["ui_labels"] = ui_labels
    app.jinja_env.globals["inline_css"] = inline_css
