"""Uploads waiting for the user's word in the import form: a report to confirm, or the list and fields of
a custom JSON/YAML file to choose. The bytes are kept here (not in the browser) for a day at most, and
only the newest few: the form then refers to them by a random token."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta

from sqlite_utils import Database

from ..errors import NotFound
from ..messages import M
from ..model import from_iso, now_utc, to_iso
from .connection import write

KEEP_FOR = timedelta(days=1)
KEEP_AT_MOST = 5


def keep_pending(db: Database, data: bytes, *, name: str, source: str, request: dict) -> str:
    """Keep an upload (its bytes, its name, where it came from, the form's options); its token."""
    now = now_utc()
    token = secrets.token_urlsafe(18)
    with write(db):
        db.execute("delete from pending_imports where created_at < ?", [to_iso(now - KEEP_FOR)])
        db.execute(
            "delete from pending_imports where token not in"
            " (select token from pending_imports order by created_at desc, rowid desc limit ?)",
            [KEEP_AT_MOST - 1],
        )
        db["pending_imports"].insert(
            {
                "token": token,
                "created_at": to_iso(now),
                "name": name,
                "source": source,
                "request": json.dumps(request, ensure_ascii=False),
                "data": data,
            }
        )
    return token


def pending_import(db: Database, token: str) -> dict:
    """{token, created_at, name, source, request: dict, data: bytes}; NotFound when gone or expired."""
    row = next(db.query("select * from pending_imports where token = ?", [token or ""]), None)
    if row is None or from_iso(row["created_at"]) < now_utc() - KEEP_FOR:
        raise NotFound(M("This import is no longer waiting (over a day old, or done): start it again."))
    return {**row, "request": json.loads(row["request"])}


def drop_pending(db: Database, token: str) -> None:
    with write(db):
        db.execute("delete from pending_imports where token = ?", [token])
