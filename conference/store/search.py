"""Finding sessions: a trigram full-text index for words of 3+ characters, a scan for shorter ones."""

from __future__ import annotations

from sqlite_utils import Database

from ..model import Conference
from .access import setting
from .connection import write

SEARCHED_COLUMNS = ("title", "subtitle", "abstract", "speakers", "code", "room", "track")
USER_TABLES_SEARCHED = ("notes",)  # the attendee's own words are searchable too


def refresh_search_index(db: Database) -> None:
    """Rebuild the trigram index if a timetable changed since it was built (imports stay fast)."""
    if setting(db, "search_index_stale") != "1":
        return
    with write(db):
        if setting(db, "search_index_stale") == "1":
            db.execute("insert into sessions_fts(sessions_fts) values ('rebuild')")
            db["settings"].upsert({"name": "search_index_stale", "value": "0"}, pk="name")


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
