"""The attendee's own data on sessions: statuses (marks), notes with every version, and links."""

from __future__ import annotations

from sqlite_utils import Database

from .. import notes as note_text
from ..errors import BadInput, Conflict, NotFound
from ..links import check_kind, guess_link_kind, safe_url
from ..messages import M
from ..model import Conference, Link, Note, advance, normalise_space, now_utc, to_iso
from ..planning import check_status
from .connection import write
from .timetable import require_sessions

# --- statuses ----------------------------------------------------------------------------------


def _plan_changed(db: Database, conference_id: int) -> None:
    """The plan changed: bump its version, and its stamp (feeds' Last-Modified), which never goes back."""
    before = db.execute("select plan_changed_at from conferences where id = ?", [conference_id]).fetchone()
    db.execute(
        "update conferences set plan_changed_at = ?, plan_version = plan_version + 1 where id = ?",
        [advance(before[0] if before else None, now_utc()), conference_id],
    )


def set_status(db: Database, conf: Conference, keys: list[str], status: str | None) -> None:
    """Mark sessions interested/going/attended/speaking, or clear the mark (None), all or nothing.

    An unknown status is BadInput; an unknown key is NotFound (and nothing is marked).
    """
    if status is not None:
        check_status(status)
    with write(db):
        require_sessions(db, conf, keys)
        now = to_iso(now_utc())
        _plan_changed(db, conf.id)
        for key in keys:
            if status:
                db["statuses"].upsert(
                    {"conference_id": conf.id, "key": key, "status": status, "updated_at": now},
                    pk=("conference_id", "key"),
                )
            else:
                db.execute("delete from statuses where conference_id = ? and key = ?", [conf.id, key])


def is_cancelled(db: Database, conf: Conference, key: str) -> bool:
    """Whether the organisers cancelled the session (its note or photo then never marks it attended)."""
    row = db.execute("select cancelled from sessions where conference_id = ? and key = ?", [conf.id, key]).fetchone()
    return bool(row and row[0])


# --- notes ---------------------------------------------------------------------------------------


def note(db: Database, conf: Conference, key: str) -> Note:
    """The note on one session; Note("", 0) when none was ever saved."""
    row = db.execute(
        "select text, version, updated_at from notes where conference_id = ? and key = ?", [conf.id, key]
    ).fetchone()
    return Note(*row) if row else Note("", 0, None)


def save_note(
    db: Database, conf: Conference, key: str, text: str, base_version: int, save_id: str | None = None
) -> Note:
    """Store a new version when `base_version` is the current one; else raise Conflict.

    `save_id` makes a retry harmless: a save whose answer was lost is recognised, not applied twice.
    The first words written about a session mark it attended (unless it is the attendee's own talk, or
    a talk the organisers cancelled: a note there says what happened instead, not that they were in it).
    """
    text = note_text.check_note(text)
    with write(db):
        require_sessions(db, conf, [key])
        if save_id:
            done = db.execute(
                "select text, version, saved_at from note_versions where conference_id = ? and key = ? and save_id = ?",
                [conf.id, key, save_id],
            ).fetchone()
            if done and done[0] == text:  # a retry of a save that was applied: answered again, not applied twice
                return Note(*done)
            if done:  # the id of an applied save with other text: never dropped silently, never applied
                current = note(db, conf, key)
                raise Conflict(current.text, current.version, f"save id {save_id!r} was used for another text")
        current = note(db, conf, key)
        if base_version != current.version:
            raise Conflict(current.text, current.version)
        if text == current.text and current.version:
            return current
        now = to_iso(now_utc())
        version = current.version + 1
        if current.version == 0:
            db["notes"].insert({"conference_id": conf.id, "key": key, "text": text, "version": 1, "updated_at": now})
        else:
            changed = db.execute(
                "update notes set text = ?, version = version + 1, updated_at = ? where conference_id = ? and key = ? and version = ?",
                [text, now, conf.id, key, base_version],
            ).rowcount
            if changed != 1:  # cannot happen inside BEGIN IMMEDIATE; kept as the contract's last line
                latest = note(db, conf, key)
                raise Conflict(latest.text, latest.version)
        db["note_versions"].insert(
            {
                "conference_id": conf.id,
                "key": key,
                "version": version,
                "text": text,
                "saved_at": now,
                "save_id": save_id,
            }
        )
        if text.strip() and not current.text.strip() and not is_cancelled(db, conf, key):
            marked = db.execute(
                "insert into statuses (conference_id, key, status, updated_at) values (?, ?, 'attended', ?)"
                " on conflict (conference_id, key) do update set status = 'attended', updated_at = excluded.updated_at"
                " where statuses.status in ('interested', 'going')",
                [conf.id, key, now],
            ).rowcount
            if marked:  # the plan changed: calendars must see it
                _plan_changed(db, conf.id)
    return Note(text, version, now)


def note_history(db: Database, conf: Conference, key: str, *, limit: int | None = None, offset: int = 0) -> list[dict]:
    """The saved versions, newest first: {version, text, saved_at}; `limit`/`offset` give one page."""
    return list(
        db.query(
            "select version, text, saved_at from note_versions where conference_id = ? and key = ?"
            " order by version desc limit ? offset ?",
            [conf.id, key, -1 if limit is None else limit, offset],
        )
    )


def note_version_count(db: Database, conf: Conference, key: str) -> int:
    """How many versions of the note are kept (the history's pages)."""
    return db.execute(
        "select count(*) from note_versions where conference_id = ? and key = ?", [conf.id, key]
    ).fetchone()[0]


def restore_note_version(db: Database, conf: Conference, key: str, version: int, base_version: int) -> Note:
    """Bring an old version back as the newest (the versions in between stay in history)."""
    row = db.execute(
        "select text from note_versions where conference_id = ? and key = ? and version = ?", [conf.id, key, version]
    ).fetchone()
    if not row:
        raise NotFound(M("No version %(n)d of this note.", n=version))
    return save_note(db, conf, key, row[0], base_version)


def append_to_note(db: Database, conf: Conference, key: str, line: str) -> Note:
    """Add a line at the end of the note (a new version)."""
    current = note(db, conf, key)
    return save_note(db, conf, key, note_text.append_line(current.text, line), current.version)


def tick_todo(db: Database, conf: Conference, key: str, line: int, done: bool, base_version: int) -> Note:
    """Tick or untick the TODO on `line` of the note (a new version); Conflict on an old version."""
    current = note(db, conf, key)
    if current.version != base_version:
        raise Conflict(current.text, current.version)
    return save_note(db, conf, key, note_text.tick_todo(current.text, line, done), base_version)


def all_notes(db: Database, conf: Conference) -> list[dict]:
    """Every non-empty note with its session, in timetable order: {key, text, version, title, code, start, room}."""
    return list(
        db.query(
            "select n.key, n.text, n.version, s.title, s.code, s.start, s.room from notes n"
            " join sessions s on s.conference_id = n.conference_id and s.key = n.key"
            " where n.conference_id = ? and trim(n.text) != '' order by s.start is null, s.start, s.room, s.key",
            [conf.id],
        )
    )


def note_texts(db: Database, conf: Conference) -> dict[str, str]:
    """Session key -> note text, for every non-empty note of the conference (what exporters read)."""
    return {n["key"]: n["text"] for n in all_notes(db, conf)}


def note_stamps(db: Database, conf: Conference) -> tuple[tuple[str, int, str], ...]:
    """(key, version, updated_at) of every note, sorted by key: a calendar that shows notes gives each
    event's SEQUENCE and LAST-MODIFIED a note's edit, as it gives them the timetable's."""
    return tuple(
        (key, version, updated_at or "")
        for key, version, updated_at in db.execute(
            "select key, version, updated_at from notes where conference_id = ? order by key", [conf.id]
        )
    )


# --- links the attendee adds -------------------------------------------------------------------


def add_link(db: Database, conf: Conference, key: str, url: str, kind: str = "", title: str = "") -> Link:
    """Keep an http(s) link on a session; the kind is guessed from the host unless given.

    The same URL twice is one link: only what was said explicitly (kind, title) changes.
    """
    url = (url or "").strip()
    if not safe_url(url):
        raise BadInput("only http and https links can be added", field="url")
    if kind:
        check_kind(kind)
    title = normalise_space(title)[:300]
    row = {
        "conference_id": conf.id,
        "key": key,
        "url": url,
        "kind": kind or guess_link_kind(url),
        "title": title,
        "added_at": to_iso(now_utc()),
    }
    with write(db):
        require_sessions(db, conf, [key])
        existing = db.execute(
            "select id from user_links where conference_id = ? and key = ? and url = ?", [conf.id, key, url]
        ).fetchone()
        if existing:
            db["user_links"].update(existing[0], {k: v for k, v in (("kind", kind), ("title", title)) if v})
            link_id = existing[0]
        else:
            link_id = db["user_links"].insert(row).last_pk
        stored = db["user_links"].get(link_id)
    return Link(url=stored["url"], kind=stored["kind"], title=stored["title"], id=link_id)


def link_session_key(db: Database, conf: Conference, link_id: int) -> str:
    """The key of the session an attendee's link belongs to, or NotFound."""
    row = db.execute("select key from user_links where id = ? and conference_id = ?", [link_id, conf.id]).fetchone()
    if not row:
        raise NotFound(M("No such link."))
    return row[0]


def update_link(
    db: Database, conf: Conference, link_id: int, *, kind: str | None = None, title: str | None = None
) -> None:
    if kind is not None:
        check_kind(kind)
    changes = {k: v for k, v in (("kind", kind), ("title", title)) if v is not None}
    with write(db):
        link_session_key(db, conf, link_id)
        if changes:
            db["user_links"].update(link_id, changes)


def fill_link_title(db: Database, conf: Conference, link_id: int, title: str) -> bool:
    """Give a link the title a lookup found, unless it has one by now (the attendee's word wins)."""
    with write(db):
        changed = db.execute(
            "update user_links set title = ? where id = ? and conference_id = ? and coalesce(title, '') = ''",
            [normalise_space(title)[:300], link_id, conf.id],
        ).rowcount
    return bool(changed)


def delete_link(db: Database, conf: Conference, link_id: int) -> None:
    with write(db):
        db.execute("delete from user_links where id = ? and conference_id = ?", [link_id, conf.id])
