"""conference: a talk and session tracker for people who attend multi-track tech conferences.

Wiring only: configuration, the database (migrated, demo loaded), the web layer and the CLI.
"""

from __future__ import annotations

import argparse
import os
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
        PASSWORD=os.environ.get("CONFERENCE_PASSWORD", ""),
    )
    if test_config:
        app.config.update(test_config)
    # The network policy, decided here once: URL imports and link titles may reach loopback and
    # private addresses only in the mode where the app answers nobody but this computer (no password,
    # loopback clients only). Everything below takes it from here as an argument.
    app.config.setdefault("FETCH_ALLOW_PRIVATE", not app.config["PASSWORD"])
    if app.config["BEHIND_PROXY"]:
        # Behind Caddy/nginx/a PaaS router: feed and share links must carry the public https host.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

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

    if not is_loopback(args.host) and args.host != "localhost" and not app.config["PASSWORD"]:
        parser.exit(
            2,
            f"Refusing to serve on {args.host} without a password: anyone on the network could read your notes.\n"
            "Set CONFERENCE_PASSWORD=... (and put HTTPS in front), or serve on 127.0.0.1.\n",
        )
    app.run(host=args.host, port=args.port, debug=args.debug, threaded=True)
