"""Media per talk: slide photos (added from the note page and Now, shown as a strip, one by one at full
size, captioned, deleted after a confirmation; on the share link only when the attendee says so), and
the Later page (talks to watch afterwards, with their recordings, newest first).

Uploads: the plain form takes several photos at once and goes back to the note; the page script sends
each photo alone to the API (`upload_id` makes a retry harmless) from its queue in IndexedDB, so a
photo taken without network waits on the phone and goes when the connection returns.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import media, planning, store
from ..errors import BadInput, NotFound, TooLarge
from ..model import Conference, Photo, from_iso
from .db import get_db

bp = Blueprint("media", __name__)

MAX_PHOTOS_PER_POST = 10  # the plain form: up to ten photos of up to 20 MB each
# The plain form's request may carry several photos; the page script sends one at a time.
MAX_POST_BYTES = MAX_PHOTOS_PER_POST * media.MAX_BYTES + 1024 * 1024
YEAR = 365 * 24 * 3600
_LONG_AGO = datetime(1970, 1, 1, tzinfo=UTC)  # a recording whose first sight is unknown sorts last


def refusal(exc: Exception, name: str = "") -> str:
    """Why a photo was not kept, in the reader's language (the library's reasons, translated)."""
    reason = getattr(exc, "reason", "")
    limit = media.MAX_BYTES // (1024 * 1024)
    messages = {
        "too_large": _("This photo is larger than %(limit)d MB: it was not added.", limit=limit),
        "empty": _("The file is empty: nothing was added."),
        "not_image": _("This is not a photo (JPEG, PNG, WebP or GIF): nothing was added."),
        "heic": _(
            "HEIC photos cannot be read here: send it as JPEG (iPhone: Settings › Camera › Formats › Most Compatible)."
        ),
        "damaged": _("This picture is damaged and cannot be read: nothing was added."),
        "bomb": _("This picture has far too many pixels (%(limit)s at most): nothing was added.", limit="89 MP"),
        "too_many": _("At most %(n)d photos at once: nothing was added.", n=MAX_PHOTOS_PER_POST),
        "none": _("Choose a photo first."),
        "caption": _("A caption is at most %(n)d characters.", n=media.CAPTION_MAX),
    }
    message = messages.get(reason, str(exc))
    return f"{name}: {message}" if name else message


class _NoPhoto(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _file_time(value: str | None) -> datetime | None:
    """The photo file's own time from the page script (milliseconds since 1970), if it is one."""
    try:
        return datetime.fromtimestamp(int(value) / 1000, UTC) if value else None
    except (ValueError, OverflowError, OSError):
        return None


def _prepare_all(files, conf: Conference, file_time: datetime | None = None):
    """Every uploaded file prepared, or the first refusal (nothing is kept then)."""
    chosen = [f for f in files if f and f.filename]
    if not chosen:
        raise _NoPhoto("none")
    if len(chosen) > MAX_PHOTOS_PER_POST:
        raise _NoPhoto("too_many")
    items = []
    for upload in chosen:
        data = upload.stream.read(media.MAX_BYTES + 1)
        prepared = media.prepare(data, source=upload.filename or "")
        items.append((prepared, media.taken_at(prepared.exif_time, conf.tz, file_time)))
    return items


def _note_page(conf: Conference, key: str, *, error: str = "", status: int = 200):
    from .notes import render_note_page  # the note page is drawn in one place

    return render_note_page(conf, key, photo_error=error), status


def photo_posts_may_be_larger():
    """A photo form may carry several photos (each at most media.MAX_BYTES); other posts keep the app's limit."""
    if request.endpoint in ("media.add_form", "media.add_api"):
        request.max_content_length = MAX_POST_BYTES


def init_app(app) -> None:
    """Before anything reads the form (the CSRF check does): photo posts may carry more than other posts."""
    app.before_request(photo_posts_may_be_larger)


@bp.post("/c/<slug>/photos/<key:key>")
def add_form(slug: str, key: str):
    """Photos from the plain form (no JavaScript): all are kept, or none and the note page says why."""
    db = get_db()
    conf = store.conference(db, slug)
    store.require_sessions(db, conf, [key])
    try:
        items = _prepare_all(request.files.getlist("photo"), conf)
        added = store.add_photos(db, conf, key, items, caption=request.form.get("caption", ""))
    except (media.PhotoRefused, TooLarge, _NoPhoto) as exc:
        return _note_page(conf, key, error=refusal(exc, getattr(exc, "source", "")), status=_status(exc))
    except BadInput as exc:  # a caption too long
        return _note_page(conf, key, error=_other(exc), status=400)
    return redirect(url_for("notes.page", slug=slug, key=key, added=len(added)) + "#photos", code=303)


def _other(exc: BadInput) -> str:
    return refusal(_NoPhoto("caption")) if exc.field == "caption" else str(exc)


def _status(exc: Exception) -> int:
    return 413 if isinstance(exc, TooLarge) else 400


def photo_src(conf: Conference, p: Photo, variant: str = "thumb", token: str | None = None) -> str:
    """A photo's image address, versioned by its bytes: browsers keep it for a year, and an id SQLite
    gives again after a deletion never shows the deleted photo from their cache."""
    if token:
        return url_for("media.shared_image", token=token, photo_id=p.id, variant=variant, v=p.sha256[:16])
    return url_for("media.image", slug=conf.slug, photo_id=p.id, variant=variant, v=p.sha256[:16])


def photo_json(conf: Conference, p: Photo) -> dict:
    return {
        **p.to_json(),
        "url": url_for("media.viewer", slug=conf.slug, photo_id=p.id),
        "thumb": photo_src(conf, p, "thumb"),
        "full": photo_src(conf, p, "full"),
        "thumb_width": p.thumb_width,
        "thumb_height": p.thumb_height,
        "alt": alt_text(p),
    }


@bp.post("/api/c/<slug>/photos/<key:key>")
def add_api(slug: str, key: str):
    """One photo from the page script's queue: `photo`, `caption`, `upload_id`, `file_time` (ms)."""
    db = get_db()
    conf = store.conference(db, slug)
    try:
        store.require_sessions(db, conf, [key])
        items = _prepare_all(request.files.getlist("photo")[:1], conf, _file_time(request.form.get("file_time")))
        added = store.add_photos(
            db, conf, key, items, caption=request.form.get("caption", ""), upload_id=request.form.get("upload_id")
        )
    except NotFound as exc:
        return jsonify(error=str(exc), final=True), 404
    except (media.PhotoRefused, TooLarge, _NoPhoto) as exc:
        return jsonify(error=refusal(exc, getattr(exc, "source", "")), final=True), _status(exc)
    except BadInput as exc:
        return jsonify(error=_other(exc), final=True), 400
    return jsonify(photo_json(conf, added[0])), 201


def alt_text(p: Photo) -> str:
    """What a screen reader says for a photo: its caption, else "Photo taken at 13:05"."""
    return p.caption or _("Photo taken at %(time)s", time=p.taken.strftime("%H:%M"))


bp.add_app_template_global(alt_text, "photo_alt")
bp.add_app_template_global(photo_src, "photo_src")


def _image(body: bytes, mimetype: str, name: str) -> Response:
    """A photo's bytes, kept by the browser for a year (a photo never changes; a deleted one is gone)."""
    response = Response(body, mimetype=mimetype)
    response.headers["Cache-Control"] = f"private, max-age={YEAR}, immutable"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def _current(db, conf: Conference, photo_id: int) -> None:
    """404 for an address of another photo that had this id (its `v` names other bytes)."""
    version = request.args.get("v")
    if version and not store.photo(db, conf, photo_id).sha256.startswith(version):
        abort(404)


@bp.get("/c/<slug>/photo/<int:photo_id>/<any(full, thumb):variant>")
def image(slug: str, photo_id: int, variant: str):
    db = get_db()
    conf = store.conference(db, slug)
    _current(db, conf, photo_id)
    body, mimetype = store.photo_file(db, conf, photo_id, variant)
    ext = "png" if mimetype == "image/png" else "jpg"
    return _image(body, mimetype, f"photo-{photo_id}{'-thumb' if variant == 'thumb' else ''}.{ext}")


@bp.get("/p/<token>/photo/<int:photo_id>/<any(full, thumb):variant>")
def shared_image(token: str, photo_id: int, variant: str):
    """A photo on the share link: only when the attendee chose to show them there."""
    db = get_db()
    conf = store.conference_by_share(db, token)
    if not store.share_shows_photos(db, conf):
        abort(404)
    _current(db, conf, photo_id)
    body, mimetype = store.photo_file(db, conf, photo_id, variant)
    return _image(body, mimetype, f"photo-{photo_id}.{'png' if mimetype == 'image/png' else 'jpg'}")


@bp.get("/c/<slug>/photo/<int:photo_id>")
def viewer(slug: str, photo_id: int):
    """One photo at full size, with its caption and time, the talk's other photos before and after."""
    db = get_db()
    conf = store.conference(db, slug)
    p = store.photo(db, conf, photo_id)
    s = store.planned_session(db, conf, p.key, abstracts=False)
    siblings = store.photos(db, conf, p.key)
    at = next(i for i, x in enumerate(siblings) if x.id == p.id)
    return render_template(
        "photo.html",
        conf=conf,
        s=s,
        p=p,
        alt=alt_text(p),
        number=at + 1,
        total=len(siblings),
        previous=siblings[at - 1] if at > 0 else None,
        following=siblings[at + 1] if at + 1 < len(siblings) else None,
        saved=request.args.get("saved") == "1",
    )


@bp.post("/c/<slug>/photo/<int:photo_id>")
def change(slug: str, photo_id: int):
    """Change the caption, or delete the photo (the page asked to confirm first)."""
    db = get_db()
    conf = store.conference(db, slug)
    p = store.photo(db, conf, photo_id)
    if request.form.get("action") == "delete":
        if request.form.get("confirm") != "1":
            abort(400, description="confirm=1 is needed to delete a photo")
        store.delete_photo(db, conf, photo_id)
        return redirect(url_for("notes.page", slug=slug, key=p.key, deleted=1) + "#photos", code=303)
    store.set_caption(db, conf, photo_id, request.form.get("caption", ""))
    return redirect(url_for("media.viewer", slug=slug, photo_id=photo_id, saved=1), code=303)


@bp.post("/c/<slug>/share/photos")
def share_photos(slug: str):
    """Show the slide photos on the share link, or stop showing them."""
    db = get_db()
    conf = store.conference(db, slug)
    store.set_share_photos(db, conf, request.form.get("photos") == "1")
    return redirect(url_for("planning.share_page", slug=slug), code=303)


# --- the Later page ----------------------------------------------------------------------------------


def later_items(db, conf: Conference) -> list[dict]:
    """The talks marked later: those with a recording first, the newest recording first, then the rest in
    timetable order. Each: {session, recordings: [{url, title, seen}], seen (the newest, or None)}."""
    seen = store.recordings_seen(db, conf)
    found = []
    for s in store.planned_sessions(db, conf, abstracts=False):
        if s.status != planning.LATER:
            continue
        videos = []
        for link in s.links:
            if link.kind == "video":
                when = seen.get((s.key, link.url))
                videos.append({"url": link.url, "title": link.title, "seen": from_iso(when, conf.tz) if when else None})
        videos.sort(key=lambda v: v["seen"] or _LONG_AGO, reverse=True)
        newest = max((v["seen"] for v in videos if v["seen"]), default=None)
        found.append({"session": s, "recordings": videos, "seen": newest})
    with_video = sorted((i for i in found if i["recordings"]), key=lambda i: i["seen"] or _LONG_AGO, reverse=True)
    return with_video + [i for i in found if not i["recordings"]]


@bp.get("/c/<slug>/later")
def later(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    return render_template("later.html", conf=conf, items=later_items(db, conf))
