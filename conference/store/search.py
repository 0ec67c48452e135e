"""Finding sessions: a trigram full-text index for words of 3+ characters, a scan for shorter ones."""

from __future__ import annotations

import secrets
import time
from datetime import timedelta

from sqlite_utils import Database

from ..model import Conference, from_iso, now_utc, to_iso
from .access import setting
from .connection import write

SEARCHED_COLUMNS = ("title", "subtitle", "abstract", "speakers", "code", "room", "track")
USER_TABLES_SEARCHED = ("notes",)  # the attendee's own words are searchable too


BUILD_CHUNK = 2000  # rows indexed per transaction while a new index is built aside
# Between chunks: longer than SQLite's longest busy-wait poll (100 ms), so a waiting autosave gets in.
PAUSE = 0.11
ABANDONED = timedelta(minutes=5)  # a build claimed longer ago than this died with its process


def refresh_search_index(db: Database) -> None:
    """Rebuild the trigram index if a timetable changed since it was built (imports stay fast).

    Built aside (issue 17): a new index is filled BUILD_CHUNK rows per short transaction while
    searches keep using the old one, then swapped in, so an autosave waits for one chunk at most,
    not for the whole index of a 20,000-session timetable. One process builds (it claims the job in
    the settings); an import meanwhile makes the build moot and the next search starts again.
    """
    if setting(db, "search_index_stale") != "1" and not _abandoned(setting(db, "search_index_stale")):
        return
    claim = f"building {to_iso(now_utc())} {secrets.token_hex(4)}"
    columns = ", ".join(f'"{c}"' for c in SEARCHED_COLUMNS)
    with write(db):
        state = setting(db, "search_index_stale")
        if state != "1" and not _abandoned(state):
            return  # fresh, or being built by someone else: search the index there is
        db["settings"].upsert({"name": "search_index_stale", "value": claim}, pk="name")
        db.execute("drop table if exists sessions_fts_next")
        db.execute(
            f"create virtual table sessions_fts_next using fts5({columns}, tokenize='trigram', content='sessions')"
        )
    last = 0
    while True:
        with write(db):
            if setting(db, "search_index_stale") != claim:
                return
            ids = [
                r[0]
                for r in db.execute("select id from sessions where id > ? order by id limit ?", [last, BUILD_CHUNK])
            ]
            if not ids:
                db.execute("drop table sessions_fts")
                db.execute("alter table sessions_fts_next rename to sessions_fts")
                db["settings"].upsert({"name": "search_index_stale", "value": "0"}, pk="name")
                return
            db.execute(
                f"insert into sessions_fts_next (rowid, {columns}) select id, {columns} from sessions"
                " where id between ? and ?",
                [ids[0], ids[-1]],
            )
            last = ids[-1]
        time.sleep(PAUSE)


def _abandoned(state: str | None) -> bool:
    if not state or not state.startswith("building "):
        return False
    return from_iso(state.split()[1]) < now_utc() - ABANDONED


def search_keys(db: Database, conf: Conference, query: str) -> list[str]:
    """Keys of sessions whose title, abstract, speakers, code, room, track or notes contain every word."""
    words = [w for w in query.split() if w]
    if not words:
        return []
    refresh_search_index(db)
    keys: set[str] | None = None
    for word in words:
        if len(word) >= 3:  # trigram FTS: a substring match, Japanese included
            phrase = '"' + word.replace('"', '""') + '"'
            found = {
                r[0]
                for r in db.execute(
                    "select s.key from sessions s join sessions_fts f on f.rowid = s.id"
                    " where sessions_fts match ? and s.conference_id = ?",
                    [phrase, conf.id],
                )
            }
        else:  # shorter than a trigram ("入門", "Go"): scan, this conference only
            like = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            cols = " or ".join(f"{c} like ? escape '\\'" for c in SEARCHED_COLUMNS)
            found = {
                r[0]
                for r in db.execute(
                    f"select key from sessions where conference_id = ? and ({cols})",
                    [conf.id, *[like] * len(SEARCHED_COLUMNS)],
                )
            }
        for table in USER_TABLES_SEARCHED:
            found |= {
                r[0]
                for r in db.execute(
                    f"select key from {table} where conference_id = ? and text like ?", [conf.id, f"%{word}%"]
                )
            }
        keys = found if keys is None else keys & found
    return sorted(keys or [])
