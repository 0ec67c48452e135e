"""conference: a talk and session tracker for people who attend multi-track tech conferences.

Wiring only: configuration, the database (migrated, demo loaded), the web layer and the CLI.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import timedelta
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: config, database (migrated, demo loaded), i18n, views and CLI."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(
        DATABASE=os.environ.get("CONFERENCE_DB", str(ROOT / "instance" / "conference.db")),
        DEFAULT_TIMEZONE=os.environ.get("CONFERENCE_TIMEZONE", "Asia/Tokyo"),
        LOAD_DEMO=True,
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
        BEHIND_PROXY=os.environ.get("CONFERENCE_BEHIND_PROXY") == "1",
        TRUSTED_PROXIES=os.environ.get("CONFERENCE_TRUSTED_PROXIES", "127.0.0.0/8,::1"),
        HOSTS=os.environ.get("CONFERENCE_HOSTS", ""),  # more names than localhost/127.0.0.1/[::1] (no password)
        PASSWORD=os.environ.get("CONFERENCE_PASSWORD", ""),
        # The session cookie: Flask defines these keys (31 days, no SameSite, not Secure), so they are
        # set here, not with setdefault, and a test or deployment config can still override them.
        SESSION_COOKIE_SECURE=os.environ.get("CONFERENCE_SECURE_COOKIES") == "1",
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=timedelta(days=30),  # a phone stays logged in for the conference
    )
    if test_config:
        app.config.update(test_config)
    # The network policy, decided here once: URL imports and link titles may reach loopback and
    # private addresses only in the mode where the app answers nobody but this computer (no password,
    # loopback clients only, not behind a proxy). Everything below takes it from here as an argument.
    app.config.setdefault("FETCH_ALLOW_PRIVATE", not app.config["PASSWORD"] and not app.config["BEHIND_PROXY"])

    from . import cli, i18n, store, views
    from .demo import ensure_demo
    from .views import auth

    db = store.connect(app.config["DATABASE"])
    try:
        store.migrate(db)
        if app.config["LOAD_DEMO"]:
            ensure_demo(db)
    finally:
        db.close()
    auth.configure(app)
    i18n.init_app(app)
    views.init_app(app)
    cli.init_app(app)
    return app


def main(app: Flask, argv: list[str] | None = None) -> None:
    """Serve the app (`python app.py [--host H] [--port P]`)."""
    parser = argparse.ArgumentParser(description="Serve the conference tracker.")
    parser.add_argument("--host", default=os.environ.get("CONFERENCE_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("CONFERENCE_PORT", "5000")))
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)
    from .views.auth import is_loopback

    local = is_loopback(args.host) or args.host == "localhost"
    if not app.config["PASSWORD"] and (not local or app.config["BEHIND_PROXY"]):
        where = "behind a proxy" if local else f"on {args.host}"
        parser.exit(
            2,
            f"Refusing to serve {where} without a password: anyone on the network could read your notes.\n"
            "Set CONFERENCE_PASSWORD=... (and put HTTPS in front), or serve on 127.0.0.1.\n",
        )
    if not local:
        print(
            f"Warning: serving on {args.host} with Python's development server, which is not for the internet"
            " (one slow client can hold it up). On a server, run gunicorn on 127.0.0.1 behind an HTTPS proxy:"
            " see 'Run it on a server' in the README.",
            file=sys.stderr,
            flush=True,
        )
    app.run(host=args.host, port=args.port, debug=args.debug, threaded=True)
