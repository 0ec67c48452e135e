"""What goes into the attendee's calendar: the plan, its name and the reminder setting."""

from __future__ import annotations

from collections import OrderedDict

from sqlite_utils import Database

from .. import notes, store
from . import ics

PLAN = ("going", "speaking", "attended")  # attended stays: writing notes must not drop a talk from the calendar


def alarm_minutes(db: Database) -> int | None:
    """The reminder before each event, in minutes; None when turned off (setting `alarm_minutes`)."""
    value = store.setting(db, "alarm_minutes", "5")
    return None if value in (None, "", "off") else int(value)


def plan_sessions(sessions: list[dict], interested: bool = False) -> list[dict]:
    wanted = (*PLAN, "interested") if interested else PLAN
    return [s for s in sessions if s.get("status") in wanted and not s["is_break"]]


# Building a calendar with icalendar costs ~0.5 ms per event (its line folding is pure Python);
# calendar apps poll feeds again and again, so a file is kept until anything it shows changes.
_CACHE: OrderedDict[tuple, bytes] = OrderedDict()
_CACHE_SIZE = 16


def _state(db: Database, conf: dict, *parts) -> tuple:
    """Everything an export depends on: the timetable's and the plan's change counters, the reminder."""
    current = db["conferences"].get(conf["id"])
    versions = (current["name"], current["timezone"], current["data_version"], current["plan_version"])
    database = db.execute("pragma database_list").fetchone()[2]  # one process may serve several files (tests)
    return (database, conf["id"], *versions, alarm_minutes(db), *parts)


def _cached(key: tuple, build) -> bytes:
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    body = build()
    _CACHE[key] = body
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return body


def plan_ics(
    db: Database, conf: dict, *, interested: bool = False, with_notes: bool = False, feed: bool = False
) -> bytes:
    def build() -> bytes:
        sessions = plan_sessions(store.sessions(db, conf), interested)
        texts = notes.texts(db, conf) if with_notes else None
        name = f"{conf['name']} (my plan)"
        return ics.calendar(conf, sessions, name=name, notes=texts, alarm_minutes=alarm_minutes(db), feed=feed)

    if with_notes:  # notes change with every save: never kept
        return build()
    return _cached(_state(db, conf, "plan", interested, feed), build)


def all_ics(db: Database, conf: dict) -> bytes:
    def build() -> bytes:
        sessions = [s for s in store.sessions(db, conf) if not s["cancelled"]]
        return ics.calendar(conf, sessions, name=conf["name"], alarm_minutes=None)

    return _cached(_state(db, conf, "all"), build)


def session_ics(db: Database, conf: dict, key: str) -> bytes:
    s = store.session(db, conf, key)
    return ics.calendar(conf, [s], name=conf["name"], alarm_minutes=alarm_minutes(db))
