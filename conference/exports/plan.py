"""What goes into the attendee's calendar: the plan, its name and the reminder setting."""

from __future__ import annotations

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


def plan_ics(
    db: Database, conf: dict, *, interested: bool = False, with_notes: bool = False, feed: bool = False
) -> bytes:
    sessions = plan_sessions(store.sessions(db, conf), interested)
    texts = {n["key"]: n["text"] for n in notes.all_notes(db, conf)} if with_notes else None
    return ics.calendar(
        conf, sessions, name=f"{conf['name']} (my plan)", notes=texts, alarm_minutes=alarm_minutes(db), feed=feed
    )


def all_ics(db: Database, conf: dict) -> bytes:
    sessions = [s for s in store.sessions(db, conf) if not s["cancelled"]]
    return ics.calendar(conf, sessions, name=conf["name"], alarm_minutes=None)


def session_ics(db: Database, conf: dict, key: str) -> bytes:
    s = store.session(db, conf, key)
    return ics.calendar(conf, [s], name=conf["name"], alarm_minutes=alarm_minutes(db))
