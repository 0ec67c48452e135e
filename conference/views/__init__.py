"""Blueprints and the helpers every template uses."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from urllib.parse import quote

from flask import Flask, Response, g, render_template
from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from ..notes import LINK_KINDS
from ..store import NotFound
from ..text import render_abstract, render_markdown, safe_url


def hm(moment: datetime | None) -> str:
    return moment.strftime("%H:%M") if moment else ""


def day_label(day: date, fmt: str = "medium") -> str:
    """A conference day in the reader's language: "Sat, Jul 25" / "7月25日(土)"."""
    if str(get_locale()) == "ja":
        return format_date(day, "M月d日(E)")
    return format_date(day, "EEE, MMM d" if fmt == "medium" else "EEEE, MMMM d, y")


def download(body, mimetype: str, filename: str | None) -> Response:
    """A response the browser saves as `filename` (None: shown inline, as feeds are); text is UTF-8."""
    response = Response(body, mimetype=mimetype)
    if mimetype.startswith("text/"):
        response.headers["Content-Type"] = f"{mimetype}; charset=utf-8"
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def kind_label(kind: str) -> str:
    labels = {"slides": _("Slides"), "video": _("Video"), "blog": _("Blog"), "code": _("Code"), "other": _("Link")}
    return labels.get(kind, kind or _("Link"))


def zone_label(name: str) -> str:
    """IANA names as they are; the fixed-offset "Etc/GMT-1" as "UTC+01:00" (its sign is inverted)."""
    if name.startswith("Etc/GMT") and name[7:]:
        hours = -int(name[7:])
        return f"UTC{hours:+03d}:00"
    return name


def mark_ctx(conf: dict, next_url: str) -> dict:
    """What every mark button on a page shares, computed once per page (grids have ~500 of them)."""
    from flask import url_for

    from .pagecache import csrf_token

    return {
        "action": url_for("planning.mark", slug=conf["slug"]),
        "token": csrf_token(),
        "next": next_url,
        "interested": _("Interested"),
        "going": _("Going"),
        "clash": _("Clash"),
        "session_base": url_for("timetable.session", slug=conf["slug"], key="-")[:-1],
    }


def keypath(key: str) -> str:
    """A session key as a URL path segment, exactly as url_for() writes it (keys may contain '/')."""
    return quote(str(key), safe="!$&'()*+,/:;=@")


def csp_nonce() -> str:
    """A per-response nonce for the one <style> block a page may carry (grid positions)."""
    if g.get("render_for_cache"):
        from .pagecache import NONCE_SLOT

        return NONCE_SLOT
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


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


def init_app(app: Flask) -> None:
    from . import agenda, compress, exports, imports, notes, planning, report, timetable

    app.register_blueprint(timetable.bp)
    app.register_blueprint(imports.bp)
    app.register_blueprint(planning.bp)
    app.register_blueprint(notes.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(report.bp)
    agenda.register(app)
    app.jinja_env.filters.update(
        keypath=keypath,
        zone_label=zone_label,
        hm=hm,
        day_label=day_label,
        safe_url=safe_url,
        abstract=render_abstract,
        markdown=render_markdown,
    )
    app.jinja_env.globals.update(
        current_locale=lambda: str(get_locale()),
        csp_nonce=csp_nonce,
        kind_label=kind_label,
        link_kinds=LINK_KINDS,
        mark_ctx=mark_ctx,
    )
    app.after_request(security_headers)
    compress.init_app(app)

    @app.errorhandler(NotFound)
    def not_found(exc: NotFound):
        return render_template("error.html", message=str(exc), code=404), 404

    @app.errorhandler(413)
    def too_large(_exc):
        limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        message = _("The upload is larger than the %(limit)d MB limit; nothing was imported.", limit=limit)
        return render_template("error.html", message=message, code=413), 413

    @app.errorhandler(400)
    def bad_request(exc):
        return render_template("error.html", message=getattr(exc, "description", None), code=400), 400

    @app.errorhandler(404)
    def no_page(_exc):
        return render_template("error.html", message=None, code=404), 404
