"""Settings, the secret key, login failures, and the secret tokens of share links and calendar feeds."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlite_utils import Database

from ..errors import BadInput, NotFound
from ..model import Conference, now_utc, to_iso
from .conferences import conference_by_id
from .connection import write

MAX_ALARM_MINUTES = 24 * 60


# --- settings ----------------------------------------------------------------------------------


def setting(db: Database, name: str, default: str | None = None) -> str | None:
    row = db.execute("select value from settings where name = ?", [name]).fetchone()
    return row[0] if row else default


def set_setting(db: Database, name: str, value: str) -> None:
    with write(db):
        db["settings"].upsert({"name": name, "value": value}, pk="name")


def alarm_minutes(db: Database) -> int | None:
    """The reminder before each calendar event, in minutes (default 5); None when turned off."""
    value = setting(db, "alarm_minutes", "5")
    return None if value in (None, "", "off") else int(value)


def set_alarm_minutes(db: Database, value: str) -> None:
    """`value`: a number of minutes (0 to 1440) or "off"; anything else is BadInput."""
    value = (value or "").strip()
    if value != "off" and not (value.isdigit() and 0 <= int(value) <= MAX_ALARM_MINUTES):
        raise BadInput(f"the reminder is a number of minutes (0 to {MAX_ALARM_MINUTES}) or off", field="alarm")
    with write(db):
        if setting(db, "alarm_minutes", "5") != value:  # every event with a reminder changes: a new revision
            count = int((setting(db, "alarm_revision") or "0").split()[0]) + 1
            set_setting(db, "alarm_revision", f"{count} {to_iso(now_utc())}")
        set_setting(db, "alarm_minutes", value)


def alarm_revision(db: Database) -> tuple[int, str | None]:
    """How many times the reminder changed, and when it last did (None: never): calendars add the count
    to each event's SEQUENCE and make its LAST-MODIFIED at least that time."""
    value = setting(db, "alarm_revision")
    if not value:
        return 0, None
    count, at = value.split(" ", 1)
    return int(count), at


def secret_key(db: Database) -> str:
    """The app's secret key, generated once and kept in the file (it survives restarts).

    Workers starting together agree on one key: the first insert wins, everyone reads it.
    """
    with write(db):
        db.execute("insert or ignore into settings (name, value) values ('secret_key', ?)", [secrets.token_urlsafe(48)])
    return setting(db, "secret_key")


# --- login failures ----------------------------------------------------------------------------


def login_failures_since(db: Database, ip: str, since: datetime) -> int:
    """How many wrong passwords `ip` sent after `since`."""
    return db.execute("select count(*) from login_failures where ip = ? and at > ?", [ip, to_iso(since)]).fetchone()[0]


def record_login_failure(db: Database, ip: str, at: datetime | None = None) -> None:
    with write(db):
        db["login_failures"].insert({"ip": ip, "at": to_iso(at or now_utc())})


# --- share links and calendar feeds -------------------------------------------------------------


def _conference_of(db: Database, table: str, token: str, missing: str) -> Conference:
    row = db.execute(f"select conference_id from {table} where token = ?", [token]).fetchone()
    if not row:
        raise NotFound(missing)
    return conference_by_id(db, row[0])


def share_token(db: Database, conf: Conference) -> str | None:
    """The secret of the read-only "my day" link, None when there is none."""
    row = db.execute("select token from shares where conference_id = ?", [conf.id]).fetchone()
    return row[0] if row else None


def new_share_token(db: Database, conf: Conference) -> str:
    """A fresh secret for the read-only "my day" link; the old one stops working."""
    token = secrets.token_urlsafe(24)
    with write(db):
        db.execute("delete from shares where conference_id = ?", [conf.id])
        db["shares"].insert({"token": token, "conference_id": conf.id, "created_at": to_iso(now_utc())})
    return token


def revoke_share(db: Database, conf: Conference) -> None:
    with write(db):
        db.execute("delete from shares where conference_id = ?", [conf.id])


def conference_by_share(db: Database, token: str) -> Conference:
    return _conference_of(db, "shares", token, "this link was revoked or never existed")


def feed_token(db: Database, conf: Conference) -> str:
    """The conference's secret calendar-feed token, made on first use."""
    row = db.execute("select token from feeds where conference_id = ?", [conf.id]).fetchone()
    return row[0] if row else new_feed_token(db, conf)


def new_feed_token(db: Database, conf: Conference) -> str:
    """A new feed URL; the old one stops working at once."""
    token = secrets.token_urlsafe(24)
    with write(db):
        db.execute("delete from feeds where conference_id = ?", [conf.id])
        db["feeds"].insert({"token": token, "conference_id": conf.id, "created_at": to_iso(now_utc())})
    return token


def conference_by_feed(db: Database, token: str) -> Conference:
    return _conference_of(db, "feeds", token, "no such feed (the link was regenerated or never existed)")


def plan_changed_at(db: Database, conf: Conference) -> str | None:
    """The latest change to anything a plan feed shows: a mark, or a planned session's timetable entry."""
    row = db.execute(
        "select max(m) from (select plan_changed_at as m from conferences where id = ?"
        " union all select max(updated_at) from statuses where conference_id = ?"
        " union all select max(s.updated_at) from sessions s join statuses st on st.conference_id = s.conference_id"
        " and st.key = s.key where s.conference_id = ?)",
        [conf.id, conf.id, conf.id],
    ).fetchone()
    return row[0] if row else None
