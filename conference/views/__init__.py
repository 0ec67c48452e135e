"""The web layer (the only code that imports Flask): blueprints, the request's database, access and
CSRF, kept pages, gzip, and the one translation of library errors into HTTP answers.

Views call the same library functions as the CLI and only translate what they raise:
BadInput 400, NotFound 404, Conflict 409, Refused 403 (TooManyAttempts 429, TooLarge 413),
FetchError 502. JSON clients get {"error": message}.
"""

from __future__ import annotations

from flask import Flask, g, jsonify, render_template, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import get_locale
from flask_babel import gettext as _

from ..errors import BadInput, ConferenceError, Conflict, FetchError, NotFound, Refused, TooLarge, TooManyAttempts
from ..i18n import error_text
from ..links import LINK_KINDS
from ..model import conference_day
from ..text import render_abstract, render_markdown, safe_url
from . import agenda, auth, compress, db, exports, imports, media, notes, offline, planning, report, timetable
from .helpers import (
    KeyConverter,
    clock,
    day_label,
    hm,
    keypath,
    kind_label,
    language_label,
    mark_ctx,
    type_label,
    wants_json,
    zone_label,
)
from .pagecache import csp_nonce

# The most specific first: NonPublicAddress is a Refused and a FetchError, and answers 403.
STATUS = (
    (TooManyAttempts, 429),
    (TooLarge, 413),
    (Refused, 403),
    (BadInput, 400),
    (NotFound, 404),
    (Conflict, 409),
    (FetchError, 502),
)


def status_of(exc: ConferenceError) -> int:
    """The HTTP status a library error is answered with (the first class of STATUS it is)."""
    return next((code for cls, code in STATUS if isinstance(exc, cls)), 500)


def security_headers(response):
    """No inline script anywhere; styles from our files or the nonce'd block; never framed."""
    style = f"'self' 'nonce-{g.csp_nonce}'" if "csp_nonce" in g else "'self'"
    response.headers.setdefault(
        "Content-Security-Policy",
        f"default-src 'self'; script-src 'self'; style-src {style}; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, with a nesting too deep for the parser named (a 400), not a RecursionError (a 500)."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError as exc:
            raise BadInput("the JSON is nested too deeply") from exc


def one_date_header(response):
    """Leave `Date` to the HTTP server. Werkzeug's make_conditional (feeds, static files) puts one in the
    app's headers; gunicorn drops it and writes its own, but the dev server (`python app.py`) writes its
    own and then the app's too: two Date headers. Every server adds the real one."""
    response.headers.pop("Date", None)
    return response


def init_app(app: Flask) -> None:
    app.json = JSONProvider(app)
    app.url_map.converters["key"] = KeyConverter  # session keys: one encoded path segment each
    app.url_map.merge_slashes = False  # a key "/x" or "a//b" is a key, not a path to tidy up
    db.init_app(app)
    media.init_app(app)  # before auth: its CSRF check reads the form, under the post's size limit
    auth.init_app(app)
    app.register_blueprint(timetable.bp)
    app.register_blueprint(imports.bp)
    app.register_blueprint(planning.bp)
    app.register_blueprint(notes.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(report.bp)
    app.register_blueprint(media.bp)
    app.register_blueprint(offline.bp)
    agenda.register(app)
    app.jinja_env.filters.update(
        keypath=keypath,
        zone_label=zone_label,
        hm=hm,
        clock=clock,
        conf_day=conference_day,
        day_label=day_label,
        safe_url=safe_url,
        abstract=render_abstract,
        markdown=render_markdown,
    )
    app.jinja_env.globals.update(
        current_locale=lambda: str(get_locale()),
        csp_nonce=csp_nonce,
        kind_label=kind_label,
        type_label=type_label,
        language_label=language_label,
        link_kinds=LINK_KINDS,
        mark_ctx=mark_ctx,
        offline_pages=offline.offline_pages,
    )
    app.after_request(security_headers)
    app.after_request(one_date_header)
    compress.init_app(app)

    @app.errorhandler(ConferenceError)
    def library_error(exc: ConferenceError):
        code = status_of(exc)
        if wants_json():
            return jsonify(error=str(exc)), code
        return render_template("error.html", message=error_text(exc), code=code), code

    @app.errorhandler(413)
    def too_large(_exc):
        if request.blueprint == "media":  # several photos at once, beyond what one post may carry
            message = _(
                "More than %(limit)d MB at once: send fewer photos at a time; nothing was added.",
                limit=media.MAX_POST_BYTES // (1024 * 1024),
            )
            if wants_json():
                return jsonify(error=message, final=True), 413
            return render_template("error.html", message=message, code=413), 413
        limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        message = _("The upload is larger than the %(limit)d MB limit; nothing was imported.", limit=limit)
        return render_template("error.html", message=message, code=413), 413

    @app.errorhandler(400)
    def bad_request(exc):
        message = getattr(exc, "description", None)
        if wants_json():
            return jsonify(error=message or "bad request"), 400
        return render_template("error.html", message=message, code=400), 400

    @app.errorhandler(404)
    def no_page(_exc):
        return render_template("error.html", message=None, code=404), 404
