"""Secret key, CSRF protection for every state-changing request, and the CSRF error answer."""

from __future__ import annotations

import os
import secrets

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf

from . import store
from .db import connect

csrf = CSRFProtect()


def _secret_key(app: Flask) -> str:
    """CONFERENCE_SECRET_KEY, else one generated once and kept in the database (survives restarts)."""
    if os.environ.get("CONFERENCE_SECRET_KEY"):
        return os.environ["CONFERENCE_SECRET_KEY"]
    db = connect(app.config["DATABASE"])
    try:
        key = store.setting(db, "secret_key")
        if not key:
            key = secrets.token_urlsafe(48)
            store.set_setting(db, "secret_key", key)
        return key
    finally:
        db.close()


def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or request.is_json


def init_app(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app)
    # A note typed at 16:00 must still save at 18:00: tokens never expire on their own (FIELD-NOTES).
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    app.config.setdefault("WTF_CSRF_SSL_STRICT", False)
    csrf.init_app(app)
    app.jinja_env.globals["csrf_token"] = generate_csrf

    @app.errorhandler(CSRFError)
    def csrf_failed(exc: CSRFError):
        if wants_json():
            # The page's token went stale (server restarted with a new key, cookie lost): hand a fresh one.
            return jsonify(error="csrf", message=exc.description, csrf_token=generate_csrf()), 400
        return render_template("error.html", message=exc.description, code=400), 400
