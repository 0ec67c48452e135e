"""Who may use the app (loopback, or a password), the secret key, login, and CSRF on every write."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
from datetime import timedelta

from flask import Blueprint, Flask, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf

from .. import store
from ..model import now_utc
from .db import get_db
from .helpers import local_path, wants_json
from .pagecache import csrf_token

csrf = CSRFProtect()

# Reachable without logging in: the login itself, static files, and what a secret token opens.
OPEN_ENDPOINTS = {
    "static",
    "auth.login",
    "auth.login_post",
    "exports.feed",
    "planning.shared",
    "media.shared_image",  # a photo on the share link, when the attendee chose to show them there
    "notes.service_worker",
    "agenda.favicon",
}
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=5)

bp = Blueprint("auth", __name__)


def _secret_key(app: Flask) -> str:
    """CONFERENCE_SECRET_KEY, else one generated once and kept in the database (survives restarts)."""
    if os.environ.get("CONFERENCE_SECRET_KEY"):
        return os.environ["CONFERENCE_SECRET_KEY"]
    db = store.connect(app.config["DATABASE"])
    try:
        return store.secret_key(db)
    finally:
        db.close()


def is_loopback(address: str | None) -> bool:
    try:
        ip = ipaddress.ip_address((address or "").split("%")[0].strip("[]"))
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def client_is_local() -> bool:
    """The request comes from this computer: its socket and every proxy hop it names are loopback."""
    hops = [request.remote_addr]
    hops += [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",") if h.strip()]
    if request.headers.get("Forwarded"):
        hops.append("forwarded")  # a proxy says there is a client behind it: not local
    return all(is_loopback(h) for h in hops)


def _marker(app: Flask) -> str:
    """Stored in the signed session cookie; changing the password logs every device out."""
    key = app.config["SECRET_KEY"].encode()
    return hmac.new(key, app.config["PASSWORD"].encode(), hashlib.sha256).hexdigest()[:32]


def _guard():
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if not current_app.config["PASSWORD"]:
        if client_is_local():
            return None
        return render_template("forbidden.html"), 403
    if session.get("auth") == _marker(current_app):
        return None
    if request.path.startswith("/api/") or wants_json():
        return jsonify(error="login required"), 401
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


@bp.get("/login")
def login():
    if not current_app.config["PASSWORD"] and request.args.get("next"):
        return redirect(url_for("timetable.index"))
    return render_template("login.html", error=None)


@bp.post("/login")
def login_post():
    if not current_app.config["PASSWORD"]:
        return redirect(url_for("timetable.index"))
    db = get_db()
    now = now_utc()
    ip = request.remote_addr or "?"
    if store.login_failures_since(db, ip, now - FAILURE_WINDOW) >= MAX_FAILURES:
        return render_template("login.html", error=_("Too many attempts: wait a few minutes.")), 429
    given = request.form.get("password", "")
    if not hmac.compare_digest(given.encode(), current_app.config["PASSWORD"].encode()):
        store.record_login_failure(db, ip, now)
        return render_template("login.html", error=_("Wrong password.")), 401
    session.permanent = True  # a phone stays logged in for the conference (30 days)
    session["auth"] = _marker(current_app)
    return redirect(local_path(request.args.get("next")), code=303)


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("auth.login"), code=303)


def configure(app: Flask) -> None:
    """The access settings (before anything reads them): secret key, password, cookies, CSRF limits."""
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app)
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", timedelta(days=30))
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("SESSION_COOKIE_SECURE", os.environ.get("CONFERENCE_SECURE_COOKIES") == "1")
    # A note typed at 16:00 must still save at 18:00: tokens never expire on their own (FIELD-NOTES).
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    app.config.setdefault("WTF_CSRF_SSL_STRICT", False)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.before_request(_guard)
    app.jinja_env.globals["logged_in"] = lambda: bool(app.config["PASSWORD"]) and session.get("auth") == _marker(app)
    csrf.init_app(app)
    # Flask-WTF offers csrf_token to templates through a context processor; ours comes later and
    # wins, so that a kept page carries a slot for each response's own token, never someone's token.
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})

    @app.errorhandler(CSRFError)
    def csrf_failed(exc: CSRFError):
        if wants_json():
            # The page's token went stale (server restarted with a new key, cookie lost): hand a fresh one.
            return jsonify(error="csrf", message=exc.description, csrf_token=generate_csrf()), 400
        return render_template("error.html", message=exc.description, code=400), 400
