"""Plan the day: mark sessions, choose between alternatives, my day, share it, now/next, find."""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for

from .. import planning, store
from ..grid import days as day_list
from ..model import room_order
from .db import get_db
from .helpers import local_path, wants_json

bp = Blueprint("planning", __name__)
LIST_PAGE = 500  # sessions per page of the list


def _plan(db, conf):
    return store.planned_sessions(db, conf, abstracts=False)


def _pick_day(days: list[date], fallback: date | None = None) -> date | None:
    if "day" in request.args:
        try:
            chosen = date.fromisoformat(request.args["day"])
        except ValueError:
            abort(404)
        if chosen not in days:
            abort(404)
        return chosen
    return fallback if fallback in days else (days[0] if days else None)


@bp.post("/c/<slug>/mark")
def mark(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    keys = request.form.getlist("key")
    status = request.form.get("status", "")
    if not keys or not status:
        abort(400, description="give key and status (interested, going, attended, speaking or none)")
    # "Keep this one": the other side of a clash goes back to the shortlist, or to the Later list
    # (demote_to=later: watch its recording afterwards). Checked before anything changes.
    demote = request.form.getlist("demote")
    demote_to = request.form.get("demote_to") or "interested"
    if demote_to not in ("interested", planning.LATER):
        abort(400, description="demote_to must be interested or later")
    store.require_sessions(db, conf, demote)
    store.set_status(db, conf, keys, None if status == "none" else status)
    # A talk the attendee speaks at (the blog draft says 登壇) or attended is never demoted by keeping
    # another: only its own status choice changes it.
    demote = [s.key for s in store.planned_sessions(db, conf, demote, abstracts=False) if s.status not in planning.HELD]
    if demote:
        store.set_status(db, conf, demote, demote_to)
    if wants_json():
        sessions = _plan(db, conf)
        return jsonify(
            statuses={s.key: s.status for s in sessions if s.key in {*keys, *demote}},
            clashes={s.key: list(s.clashes) for s in sessions if s.clashes},
        )
    target = request.form.get("next") or url_for("timetable.session", slug=slug, key=keys[0])
    return redirect(local_path(target), code=303)


@bp.get("/c/<slug>/list")
def listing(slug: str):
    """Every session as a list, filtered and searched: the phone-friendly twin of the grid."""
    db = get_db()
    conf = store.conference(db, slug)
    sessions = _plan(db, conf)
    days = day_list(sessions)
    args = request.args
    query = args.get("q", "").strip()
    picked = sessions
    if query:
        found = set(store.search_keys(db, conf, query))
        picked = [s for s in picked if s.key in found]
    if args.get("day"):
        picked = [s for s in picked if s.day and s.day.isoformat() == args["day"]]
    for field in ("room", "track", "type", "language"):
        if args.get(field):
            picked = [s for s in picked if getattr(s, field) == args[field]]
    if args.get("status"):
        want = args["status"]
        picked = [s for s in picked if (s.status or "none") == want or (want == "marked" and s.status)]
    facets = {f: sorted({getattr(s, f) for s in sessions if getattr(s, f)}) for f in ("track", "type", "language")}
    facets = {"room": room_order((s.room for s in sessions), conf.rooms), **facets}  # the grid's order
    # Above LIST_PAGE results the list comes in pages (issue 17: 20,000 rows are not one page).
    pages = max(1, -(-len(picked) // LIST_PAGE))
    page = args.get("page", "1")
    if not page.isdigit() or not 1 <= int(page) <= pages:
        abort(404)
    page = int(page)
    first = (page - 1) * LIST_PAGE
    return render_template(
        "list.html",
        conf=conf,
        sessions=picked[first : first + LIST_PAGE],
        shown=len(picked),
        first=first,
        page=page,
        pages=pages,
        days=days,
        facets=facets,
        args=args,
        total=len(sessions),
    )


@bp.get("/c/<slug>/choose")
def choose(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    return render_template("choose.html", conf=conf, choices=planning.choices(_plan(db, conf)))


def _my_day(conf, sessions, shared_token: str | None = None, shared_photos: dict | None = None):
    days = planning.plan_days(sessions)
    day = _pick_day(days)
    items = planning.my_day(sessions, day) if day else []
    return render_template(
        "my_day.html",
        conf=conf,
        days=days,
        day=day,
        items=items,
        held={s.key for s in sessions if s.status in planning.HELD},
        shared_token=shared_token,
        shared_photos=shared_photos or {},
    )


@bp.get("/c/<slug>/my")
def my_day(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    return _my_day(conf, _plan(db, conf))


@bp.post("/c/<slug>/share")
def share(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    if request.form.get("action") == "revoke":
        store.revoke_share(db, conf)
    else:
        store.new_share_token(db, conf)
    return redirect(url_for("planning.share_page", slug=slug), code=303)


@bp.get("/c/<slug>/share")
def share_page(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    token = store.share_token(db, conf)
    link = url_for("planning.shared", token=token, _external=True) if token else None
    return render_template("share.html", conf=conf, link=link, photos=store.share_shows_photos(db, conf))


@bp.get("/p/<token>/")
def shared(token: str):
    """The read-only "my day" behind a secret link: no marks can be changed from here."""
    db = get_db()
    conf = store.conference_by_share(db, token)
    photos: dict[str, list] = {}
    if store.share_shows_photos(db, conf):  # only when the attendee chose to show them
        for p in store.photos(db, conf):
            photos.setdefault(p.key, []).append(p)
    return _my_day(conf, _plan(db, conf), shared_token=token, shared_photos=photos)


@bp.get("/c/<slug>/now")
def now(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    tz = conf.tz
    at = datetime.now(tz)
    if request.args.get("at"):
        try:
            at = datetime.fromisoformat(request.args["at"])
        except ValueError:
            abort(400, description="at must look like 2026-07-25T13:10")
        at = at.astimezone(tz) if at.tzinfo else at.replace(tzinfo=tz)
    sessions = _plan(db, conf)
    state = planning.now_and_next(sessions, at)
    from .agenda import upcoming_day  # a day without the event shows the next event day

    return render_template(
        "now.html", conf=conf, state=state, clock_set="at" in request.args, upcoming=upcoming_day(sessions, at)
    )
