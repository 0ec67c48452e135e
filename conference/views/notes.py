"""The note page (autosave API, plain-form fallback, conflicts, history), links, TODOs and Q&A."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)

from .. import notes as note_text
from .. import store
from ..errors import BadInput, Conflict
from ..model import Note
from ..text import render_markdown
from ..titles import LOOKUPS
from .db import get_db
from .helpers import json_body

bp = Blueprint("notes", __name__)


def _session(slug: str, key: str):
    db = get_db()
    conf = store.conference(db, slug)
    return db, conf, store.planned_session(db, conf, key)


def _int(value, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        abort(400, description=f"{name} must be a whole number")


def render_note_page(conf, key: str, *, note: Note | None = None, conflict: Conflict | None = None, photo_error=""):
    """The note page: the note (or the text of a conflicting save), its photos, its links."""
    db = get_db()
    s = store.planned_session(db, conf, key)
    return render_template(
        "note.html",
        conf=conf,
        s=s,
        note=note or store.note(db, conf, key),
        saved=None if conflict else request.args.get("saved"),
        conflict=conflict,
        both=note_text.merge_both((note or store.note(db, conf, key)).text, conflict.text) if conflict else "",
        photos=store.photos(db, conf, key),
        photo_error=photo_error,
        photos_added=request.args.get("added", type=int),
        photo_deleted=request.args.get("deleted") == "1",
    )


@bp.get("/c/<slug>/note/<key:key>")
def page(slug: str, key: str):
    return render_note_page(store.conference(get_db(), slug), key)


@bp.post("/c/<slug>/note/<key:key>")
def save_form(slug: str, key: str):
    """The note saved by a plain form post (no JavaScript)."""
    db, conf, _s = _session(slug, key)
    text = request.form.get("text", "")
    try:
        saved = store.save_note(
            db,
            conf,
            key,
            text,
            _int(request.form.get("base_version"), "base_version"),
            request.form.get("save_id") or None,
        )
    except Conflict as exc:
        return render_note_page(conf, key, note=Note(text, exc.version), conflict=exc), 409
    return redirect(url_for("notes.page", slug=slug, key=key, saved=saved.version), code=303)


@bp.post("/api/c/<slug>/note/<key:key>")
def save_api(slug: str, key: str):
    """Autosave: JSON or form fields (sendBeacon) {text, base_version, save_id}; 409 with the server's copy."""
    db = get_db()
    conf = store.conference(db, slug)
    try:
        data = json_body() if request.is_json else request.form
    except BadInput as exc:  # not JSON, or nested beyond reason: named, never a 500
        return jsonify(error=str(exc)), 400
    if not isinstance(data, Mapping) or "text" not in data:
        return jsonify(error="text is required"), 400
    try:
        saved = store.save_note(
            db,
            conf,
            key,
            str(data["text"]),
            _int(data.get("base_version"), "base_version"),
            data.get("save_id") or None,
        )
    except Conflict as exc:
        return jsonify(error="conflict", text=exc.text, version=exc.version), 409
    except BadInput as exc:  # answered in JSON even to a sendBeacon form post
        return jsonify(error=str(exc)), 400
    return jsonify(version=saved.version, saved_at=saved.updated_at)


@bp.post("/c/<slug>/preview")
def preview(slug: str):
    store.conference(get_db(), slug)
    return str(render_markdown(request.form.get("text", ""))), 200, {"Content-Type": "text/html; charset=utf-8"}


HISTORY_PAGE = 10  # versions per page: a note saved 500 times is not one 95 MB page


@bp.get("/c/<slug>/history/<key:key>")
def history(slug: str, key: str):
    db, conf, s = _session(slug, key)
    total = store.note_version_count(db, conf, key)
    pages = max(1, -(-total // HISTORY_PAGE))
    page = request.args.get("page", "1")
    if not page.isdigit() or not 1 <= int(page) <= pages:
        abort(404)
    page = int(page)
    versions = store.note_history(db, conf, key, limit=HISTORY_PAGE, offset=(page - 1) * HISTORY_PAGE)
    return render_template(
        "history.html",
        conf=conf,
        s=s,
        versions=versions,
        note=store.note(db, conf, key),
        page=page,
        pages=pages,
        total=total,
    )


@bp.post("/c/<slug>/history/<key:key>")
def restore(slug: str, key: str):
    db, conf, _s = _session(slug, key)
    try:
        store.restore_note_version(
            db,
            conf,
            key,
            _int(request.form.get("version"), "version"),
            _int(request.form.get("base_version"), "base_version"),
        )
    except Conflict:
        return redirect(url_for("notes.history", slug=slug, key=key), code=303)
    return redirect(url_for("notes.page", slug=slug, key=key), code=303)


@bp.post("/c/<slug>/links/<key:key>")
def add_link(slug: str, key: str):
    db, conf, _s = _session(slug, key)
    title = request.form.get("title", "").strip()
    link = store.add_link(db, conf, key, request.form.get("url", ""), request.form.get("kind", ""), title)
    if not title and request.form.get("lookup"):
        # In the background (titles.LOOKUPS), never on this request's thread: a slow or failing host
        # leaves the link without a title, nothing more, and nobody's autosave waits for it.
        LOOKUPS.submit(
            current_app.config["DATABASE"],
            conf.id,
            link.id,
            link.url,
            allow_private=current_app.config["FETCH_ALLOW_PRIVATE"],
        )
    return redirect(url_for("notes.page", slug=slug, key=key) + "#links", code=303)


@bp.post("/c/<slug>/link/<int:link_id>")
def change_link(slug: str, link_id: int):
    db = get_db()
    conf = store.conference(db, slug)
    key = store.link_session_key(db, conf, link_id)
    if request.form.get("action") == "delete":
        store.delete_link(db, conf, link_id)
    else:
        store.update_link(db, conf, link_id, kind=request.form.get("kind") or None, title=request.form.get("title"))
    return redirect(url_for("notes.page", slug=slug, key=key) + "#links", code=303)


@bp.get("/c/<slug>/todos")
def todos(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    items = [{**todo, "note": n} for n in store.all_notes(db, conf) for todo in note_text.todos(n["text"])]
    return render_template("todos.html", conf=conf, items=items)


@bp.post("/c/<slug>/todos")
def tick(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    key = request.form.get("key", "")
    with contextlib.suppress(Conflict):  # the note moved on elsewhere: the page shows its state
        store.tick_todo(
            db,
            conf,
            key,
            _int(request.form.get("line"), "line"),
            request.form.get("done") == "1",
            _int(request.form.get("base_version"), "base_version"),
        )
    return redirect(url_for("notes.todos", slug=slug), code=303)


@bp.get("/c/<slug>/qa")
def qa(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    items = [{"note": n, "pairs": note_text.qa_pairs(n["text"])} for n in store.all_notes(db, conf)]
    return render_template("qa.html", conf=conf, items=[i for i in items if i["pairs"]])


@bp.get("/sw.js")
def service_worker():
    """The service worker, served from the root so that its scope is the whole app."""
    response = send_from_directory(current_app.static_folder, "sw.js", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/"
    return response
