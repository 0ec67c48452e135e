"""Opening the database file, the one way to write (BEGIN IMMEDIATE), and the schema's migrations."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from .migrations import migrations


def connect(path: str | os.PathLike) -> Database:
    """Open the database file with WAL, a busy timeout, full fsync and foreign keys.

    The connection may be used from another thread than the one that opened it (one at a time).
    """
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=10, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA busy_timeout=10000")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    return Database(conn)


@contextlib.contextmanager
def write(db: Database) -> Iterator[Database]:
    """Run a read-then-write unit as one BEGIN IMMEDIATE transaction (see FIELD-NOTES: locking).

    Nested use joins the outer transaction. Every write of the store goes through here.
    """
    if db.conn.in_transaction:  # nested: the outer transaction decides
        yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


def migrate(db: Database) -> None:
    """Bring the database's schema up to date; gunicorn workers starting together take turns."""
    if not migrations.pending(db):
        return
    db.conn.execute("BEGIN IMMEDIATE")  # the first worker migrates, the others wait and find nothing to do
    try:
        migrations.apply(db)
    except BaseException:
        db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


def applied_migrations(db: Database) -> list[str]:
    """Names of the migrations recorded in the file, in the order they ran."""
    return [m.name for m in migrations.applied(db)]


def known_migrations() -> list[str]:
    """Names of every migration this code knows, in order (a migrated file has applied them all)."""
    return [m.name for m in migrations._migrations]


def database_path(db: Database) -> str:
    """The file behind a connection (one process may serve several files: tests, the bench)."""
    return db.execute("pragma database_list").fetchone()[2]


def integrity_check(db: Database) -> str:
    """SQLite's own check of the whole file: "ok" when sound."""
    return db.execute("pragma integrity_check").fetchone()[0]
