"""Settings, the secret key, login failures, and the secret tokens of share links and calendar feeds."""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlite_utils import Database

from ..errors import BadInput, NotFound
from ..messages import M
from ..model import Conference, from_iso, now_utc, to_iso
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


# --- logins: failures, the limiter, sessions and known devices ---------------------------------

LOGIN_WINDOW = timedelta(hours=1)  # failures older than this are forgotten
FIRST_WAIT = timedelta(seconds=30)  # the wait after the free failures; it doubles with each further one
MAX_WAIT = timedelta(minutes=15)
CLOCK_SKEW = timedelta(minutes=5)  # a failure stamped further ahead was counted by a wrong clock: ignored


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def login_attempt(db: Database, limits: Sequence[tuple[str, int]], failed: bool, *, now: datetime | None = None) -> int:
    """Count one login attempt against every (key, free failures) of `limits`, atomically.

    Returns 0 when the attempt may count (and records it as a failure of each key when `failed`), or
    the seconds to wait when a key is resting (nothing recorded, a correct password refused too).
    A key may fail `free` times within LOGIN_WINDOW; each failure beyond waits twice as long as the
    one before (FIRST_WAIT, up to MAX_WAIT) after the latest. One BEGIN IMMEDIATE unit: concurrent tries
    from any worker are counted one after another, so none slips past the limit. Failures stamped in
    the future (a clock that ran ahead, then was corrected) are dropped, never a lock-out.
    """
    now = now or now_utc()
    oldest, newest = to_iso(now - LOGIN_WINDOW), to_iso(now + CLOCK_SKEW)
    with write(db):
        db.execute("delete from login_failures where at <= ? or at > ?", [oldest, newest])
        for key, free in limits:
            count, last = db.execute("select count(*), max(at) from login_failures where ip = ?", [key]).fetchone()
            if count >= free:
                wait = min(FIRST_WAIT * 2 ** min(count - free, 16), MAX_WAIT)
                until = from_iso(last) + wait
                if until > now:
                    return max(1, math.ceil((until - now).total_seconds()))
        if failed:
            stamp = to_iso(now)
            db["login_failures"].insert_all({"ip": key, "at": stamp} for key, _free in limits)
    return 0


def new_login(
    db: Database, *, lifetime: timedelta, address: str = "", agent: str = "", now: datetime | None = None
) -> str:
    """Open a login (a device's session) for `lifetime`; returns its secret (the cookie keeps it)."""
    now = now or now_utc()
    token = secrets.token_urlsafe(32)
    with write(db):
        db.execute("delete from logins where expires_at <= ?", [to_iso(now)])
        db["logins"].insert(
            {
                "id": _hash(token),
                "created_at": to_iso(now),
                "expires_at": to_iso(now + lifetime),
                "address": address[:64],
                "agent": " ".join((agent or "").split())[:200],
            }
        )
    return token


def login_is_open(db: Database, token: str | None, *, now: datetime | None = None) -> bool:
    """Is the login with this secret still open (not logged out, not expired)?"""
    if not token:
        return False
    row = db.execute("select expires_at from logins where id = ?", [_hash(token)]).fetchone()
    return bool(row) and from_iso(row[0]) > (now or now_utc())


def end_login(db: Database, token: str | None) -> None:
    """Log one device out: its cookie opens nothing any more, wherever a copy of it is."""
    if token:
        with write(db):
            db.execute("delete from logins where id = ?", [_hash(token)])


def end_login_id(db: Database, login: str) -> bool:
    """Log out the device whose login has this stored id (the Devices page's choice); False if none."""
    with write(db):
        return db.execute("delete from logins where id = ?", [login]).rowcount > 0


def end_all_logins(db: Database) -> int:
    """Log every device out and forget the known devices; returns how many logins were open."""
    with write(db):
        count = db.execute("select count(*) from logins").fetchone()[0]
        db.execute("delete from logins")
        db.execute("delete from known_devices")
    return count


def open_logins(db: Database, *, now: datetime | None = None) -> list[dict]:
    """The open logins, newest first: {id (hashed), created_at, expires_at, address, agent}."""
    return list(
        db.query(
            "select id, created_at, expires_at, address, agent from logins where expires_at > ?"
            " order by created_at desc, rowid desc",  # two logins in one second: the later one first
            [to_iso(now or now_utc())],
        )
    )


def login_id(token: str) -> str:
    """The stored id of the login with this secret (to mark "this device" in `open_logins`)."""
    return _hash(token)


def is_known_device(db: Database, token: str | None) -> bool:
    """Has the browser with this device secret logged in before (since the last "log out everywhere")?"""
    if not token:
        return False
    return db.execute("select 1 from known_devices where id = ?", [_hash(token)]).fetchone() is not None


def remember_device(db: Database, token: str | None = None, *, now: datetime | None = None) -> str:
    """Remember the browser that just logged in; returns its device secret (a new one unless known)."""
    stamp = to_iso(now or now_utc())
    with write(db):
        if token and db.execute("select 1 from known_devices where id = ?", [_hash(token)]).fetchone():
            db.execute("update known_devices set last_login_at = ? where id = ?", [stamp, _hash(token)])
            return token
        token = secrets.token_urlsafe(32)
        db["known_devices"].insert({"id": _hash(token), "created_at": stamp, "last_login_at": stamp})
    return token


# --- share links and calendar feeds -------------------------------------------------------------


def _conference_of(db: Database, table: str, token: str, missing: M) -> Conference:
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
    return _conference_of(db, "shares", token, M("This link was revoked or never existed."))


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
    return _conference_of(db, "feeds", token, M("No such feed (the link was regenerated or never existed)."))
