"""The attendee's notes (versioned, never silently overwritten), their links, TODOs and Q&A."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlite_utils import Database

from .db import write
from .model import normalise_space, to_iso
from .parsers.common import guess_link_kind
from .store import NotFound, now_utc
from .text import safe_url

LINK_KINDS = ("slides", "video", "blog", "code", "other")
MAX_NOTE_CHARS = 200_000


class Conflict(Exception):
    """A save based on an old version: the server's copy comes back so both can be kept."""

    def __init__(self, text: str, version: int):
        super().__init__(f"the note changed elsewhere (now version {version})")
        self.text, self.version = text, version


@dataclass
class Note:
    text: str
    version: int
    updated_at: str | None = None


def get_note(db: Database, conf: dict, key: str) -> Note:
    row = db.execute(
        "select text, version, updated_at from notes where conference_id = ? and key = ?", [conf["id"], key]
    ).fetchone()
    return Note(*row) if row else Note("", 0, None)


def _require_session(db: Database, conf: dict, key: str) -> None:
    if not db.execute("select 1 from sessions where conference_id = ? and key = ?", [conf["id"], key]).fetchone():
        raise NotFound(f"no session {key!r} in {conf['slug']!r}")


def save_note(db: Database, conf: dict, key: str, text: str, base_version: int, save_id: str | None = None) -> Note:
    """Store a new version when `base_version` is the current one; else raise Conflict.

    `save_id` makes a retry harmless: a save whose answer was lost is recognised, not applied twice.
    The first words written about a session mark it attended (unless it is the attendee's own talk).
    """
    if len(text) > MAX_NOTE_CHARS:
        raise ValueError(f"a note is limited to {MAX_NOTE_CHARS} characters")
    text = text.replace("\r\n", "\n")
    with write(db):
        _require_session(db, conf, key)
        if save_id:
            done = db.execute(
                "select text, version, saved_at from note_versions where conference_id = ? and key = ? and save_id = ?",
                [conf["id"], key, save_id],
            ).fetchone()
            if done:
                return Note(*done)
        current = get_note(db, conf, key)
        if base_version != current.version:
            raise Conflict(current.text, current.version)
        if text == current.text and current.version:
            return current
        now = to_iso(now_utc())
        version = current.version + 1
        if current.version == 0:
            db["notes"].insert({"conference_id": conf["id"], "key": key, "text": text, "version": 1, "updated_at": now})
        else:
            changed = db.execute(
                "update notes set text = ?, version = version + 1, updated_at = ? where conference_id = ? and key = ? and version = ?",
                [text, now, conf["id"], key, base_version],
            ).rowcount
            if changed != 1:  # cannot happen inside BEGIN IMMEDIATE; kept as the contract's last line
                latest = get_note(db, conf, key)
                raise Conflict(latest.text, latest.version)
        db["note_versions"].insert(
            {
                "conference_id": conf["id"],
                "key": key,
                "version": version,
                "text": text,
                "saved_at": now,
                "save_id": save_id,
            }
        )
        if text.strip() and not current.text.strip():
            marked = db.execute(
                "insert into statuses (conference_id, key, status, updated_at) values (?, ?, 'attended', ?)"
                " on conflict (conference_id, key) do update set status = 'attended', updated_at = excluded.updated_at"
                " where statuses.status in ('interested', 'going')",
                [conf["id"], key, now],
            ).rowcount
            if marked:  # the plan changed: calendars must see it
                db.execute("update conferences set plan_version = plan_version + 1 where id = ?", [conf["id"]])
    return Note(text, version, now)


def history(db: Database, conf: dict, key: str) -> list[dict]:
    """Every saved version, newest first."""
    return list(
        db.query(
            "select version, text, saved_at from note_versions where conference_id = ? and key = ? order by version desc",
            [conf["id"], key],
        )
    )


def restore(db: Database, conf: dict, key: str, version: int, base_version: int) -> Note:
    """Bring an old version back as the newest (the versions in between stay in history)."""
    row = db.execute(
        "select text from note_versions where conference_id = ? and key = ? and version = ?", [conf["id"], key, version]
    ).fetchone()
    if not row:
        raise NotFound(f"no version {version} of this note")
    return save_note(db, conf, key, row[0], base_version)


def append_line(db: Database, conf: dict, key: str, line: str) -> Note:
    current = get_note(db, conf, key)
    text = current.text + ("" if not current.text or current.text.endswith("\n") else "\n") + line + "\n"
    return save_note(db, conf, key, text, current.version)


# --- TODOs and Q&A: read out of the Markdown the attendee wrote --------------------------------

_TODO = re.compile(r"^(\s*[-*+]\s+\[)([ xX])(\]\s+)(.*)$")
_QUESTION = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*)?[QＱ](?:\*\*)?\s*[:：.]\s*(.*)$")
_ANSWER = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*)?[AＡ](?:\*\*)?\s*[:：.]\s*(.*)$")


def todos(text: str) -> list[dict]:
    """Task-list items: {line (0-based), done, text}."""
    found = []
    for number, line in enumerate(text.splitlines()):
        match = _TODO.match(line)
        if match:
            found.append({"line": number, "done": match.group(2) in "xX", "text": match.group(4).strip()})
    return found


def qa_pairs(text: str) -> list[dict]:
    """`Q: …` lines with the `A: …` lines that follow them (continuation lines join the answer)."""
    pairs: list[dict] = []
    current: dict | None = None
    for line in text.splitlines():
        q, a = _QUESTION.match(line), _ANSWER.match(line)
        if q:
            current = {"q": q.group(1).strip(), "a": ""}
            pairs.append(current)
        elif a and current is not None:
            current["a"] = (current["a"] + "\n" + a.group(1).strip()).strip()
        elif current is not None and current["a"] and line[:1] in (" ", "\t") and line.strip():
            current["a"] += "\n" + line.strip()  # an indented continuation of the answer
        elif line.strip():
            current = None  # other writing ends the Q&A block; blank lines do not
    return pairs


def set_todo(db: Database, conf: dict, key: str, line: int, done: bool, base_version: int) -> Note:
    """Tick or untick the TODO on `line` of the note (as a new version)."""
    current = get_note(db, conf, key)
    if current.version != base_version:
        raise Conflict(current.text, current.version)
    lines = current.text.split("\n")
    if not 0 <= line < len(lines) or not _TODO.match(lines[line]):
        raise NotFound("that TODO is no longer in the note")
    lines[line] = _TODO.sub(lambda m: f"{m.group(1)}{'x' if done else ' '}{m.group(3)}{m.group(4)}", lines[line])
    return save_note(db, conf, key, "\n".join(lines), base_version)


def all_notes(db: Database, conf: dict) -> list[dict]:
    """Every non-empty note of the conference with its session, in timetable order."""
    return list(
        db.query(
            "select n.key, n.text, n.version, s.title, s.code, s.start, s.room from notes n"
            " join sessions s on s.conference_id = n.conference_id and s.key = n.key"
            " where n.conference_id = ? and trim(n.text) != '' order by s.start is null, s.start, s.room",
            [conf["id"]],
        )
    )


def texts(db: Database, conf: dict) -> dict[str, str]:
    """Session key -> note text, for every non-empty note of the conference."""
    return {n["key"]: n["text"] for n in all_notes(db, conf)}


# --- links the attendee adds -------------------------------------------------------------------


def add_link(db: Database, conf: dict, key: str, url: str, kind: str = "", title: str = "") -> dict:
    """Keep an http(s) link on a session; the kind is guessed from the host unless given."""
    url = (url or "").strip()
    if not safe_url(url):
        raise ValueError("only http and https links can be added")
    if kind and kind not in LINK_KINDS:
        raise ValueError(f"kind must be one of {', '.join(LINK_KINDS)}")
    row = {
        "conference_id": conf["id"],
        "key": key,
        "url": url,
        "kind": kind or guess_link_kind(url),
        "title": normalise_space(title)[:300],
        "added_at": to_iso(now_utc()),
    }
    with write(db):
        _require_session(db, conf, key)
        existing = db.execute(
            "select id from user_links where conference_id = ? and key = ? and url = ?", [conf["id"], key, url]
        ).fetchone()
        if existing:  # the same link twice is one link: only what was said explicitly changes
            db["user_links"].update(existing[0], {k: v for k, v in (("kind", kind), ("title", row["title"])) if v})
            return db["user_links"].get(existing[0])
        row["id"] = db["user_links"].insert(row).last_pk
    return row


def update_link(db: Database, conf: dict, link_id: int, *, kind: str | None = None, title: str | None = None) -> None:
    if kind is not None and kind not in LINK_KINDS:
        raise ValueError(f"kind must be one of {', '.join(LINK_KINDS)}")
    changes = {k: v for k, v in (("kind", kind), ("title", title)) if v is not None}
    with write(db):
        if not db.execute(
            "select 1 from user_links where id = ? and conference_id = ?", [link_id, conf["id"]]
        ).fetchone():
            raise NotFound("no such link")
        if changes:
            db["user_links"].update(link_id, changes)


def delete_link(db: Database, conf: dict, link_id: int) -> None:
    with write(db):
        db.execute("delete from user_links where id = ? and conference_id = ?", [link_id, conf["id"]])


def user_links(db: Database, conf: dict, key: str | None = None) -> list[dict]:
    sql, params = "select * from user_links where conference_id = ?", [conf["id"]]
    if key is not None:
        sql, params = sql + " and key = ?", [*params, key]
    return list(db.query(sql + " order by id", params))
