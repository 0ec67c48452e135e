"""The request's database connection (on `g`), opened on first use and closed on teardown."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlite_utils import Database

from .. import store


def get_db() -> Database:
    """The request's connection to the app's database file (CONFERENCE_DB)."""
    if "db" not in g:
        g.db = store.connect(current_app.config["DATABASE"])
    return g.db


def close_db(_exc: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


def init_app(app: Flask) -> None:
    """Close each request's connection on teardown."""
    app.teardown_appcontext(close_db)
