"""Slide photos kept with the attendee's notes, the share link's choice to show them, and when each
recording link was first seen (the Later page).

Where the photos live: in this SQLite file, as BLOBs (`photo_files`, the bytes of the photo and of
its thumbnail; `photos`, what is known about each). Chosen over files beside the database because
- a photo and its row are written in one transaction: no file without a row after a crash, no row
  without its file, nothing to clean up, and the same WAL/synchronous FULL durability as the notes;
- the attendee's data stays one file: `flask snapshot` (VACUUM INTO) and a copy of the file carry
  the photos, and `backup`/`restore` read and write them through the same store;
- photos are small once prepared (media.LONG_EDGE: about 0.3-1.5 MB each, a thumbnail ~40 KB), the
  size SQLite reads as fast as the file system does; a conference day's hundred photos is ~100 MB.
The bytes are written once: a trigger refuses any UPDATE of `photo_files` (only a delete removes them).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from datetime import datetime

from sqlite_utils import Database

from ..errors import BadInput, NotFound
from ..media import CAPTION_MAX, PhotoRefused, Prepared, verify
from ..messages import M
from ..model import Conference, Photo, from_iso, normalise_space, now_utc, to_iso
from .attendee import is_cancelled
from .connection import write
from .timetable import require_sessions

VARIANTS = ("full", "thumb")
_COLUMNS = "id, key, caption, taken, width, height, mimetype, size, sha256, added_at, thumb_width, thumb_height"


def clean_caption(caption: str | None) -> str:
    """A caption on one line, at most CAPTION_MAX characters (BadInput beyond)."""
    text = normalise_space(caption)
    if len(text) > CAPTION_MAX:
        raise BadInput(f"a caption is at most {CAPTION_MAX} characters", field="caption")
    return text


def _photo(conf: Conference, row, data: bytes = b"") -> Photo:
    pid, key, caption, taken, width, height, mimetype, size, sha256, added_at, tw, th = row
    return Photo(
        id=pid,
        key=key,
        caption=caption or "",
        taken=from_iso(taken, conf.tz),
        width=width,
        height=height,
        mimetype=mimetype,
        size=size or 0,
        sha256=sha256,
        added_at=added_at,
        thumb_width=tw or 0,
        thumb_height=th or 0,
        data=data,
    )


def add_photos(
    db: Database,
    conf: Conference,
    key: str,
    items: list[tuple[Prepared, datetime]],
    *,
    caption: str = "",
    upload_id: str | None = None,
) -> list[Photo]:
    """Keep prepared photos (each with the moment it was taken) on a session, all or none, in one
    transaction. A photo already kept (the same upload id, or the same file on the same session) is not
    added again: its stored copy is returned. NotFound for an unknown session. A talk marked interested
    or going becomes attended (the attendee was there), as with the first words of its note, unless the
    organisers cancelled it (a photo there shows the closed room, not a talk attended)."""
    caption = clean_caption(caption)
    upload_id = (upload_id or "").strip()[:100] or None
    if upload_id and len(items) != 1:
        raise BadInput("an upload id names one photo", field="upload_id")
    kept: list[int] = []
    with write(db):
        require_sessions(db, conf, [key])
        now = to_iso(now_utc())
        for prepared, taken in items:
            same = None
            if upload_id:
                same = db.execute(
                    "select id from photos where conference_id = ? and upload_id = ?", [conf.id, upload_id]
                ).fetchone()
            same = (
                same
                or db.execute(
                    "select id from photos where conference_id = ? and key = ? and source_sha256 = ?",
                    [conf.id, key, prepared.source_sha256],
                ).fetchone()
            )
            if same:
                kept.append(same[0])
                continue
            photo_id = (
                db["photos"]
                .insert(
                    {
                        "conference_id": conf.id,
                        "key": key,
                        "caption": caption,
                        "taken": to_iso(taken.astimezone(conf.tz)),
                        "added_at": now,
                        "width": prepared.width,
                        "height": prepared.height,
                        "thumb_width": prepared.thumb_width,
                        "thumb_height": prepared.thumb_height,
                        "mimetype": prepared.mimetype,
                        "size": len(prepared.data),
                        "sha256": prepared.sha256,
                        "source_sha256": prepared.source_sha256,
                        "upload_id": upload_id,
                    }
                )
                .last_pk
            )
            db["photo_files"].insert_all(
                [
                    {"photo_id": photo_id, "variant": "full", "data": prepared.data},
                    {"photo_id": photo_id, "variant": "thumb", "data": prepared.thumb},
                ]
            )
            kept.append(photo_id)
        if kept and not is_cancelled(db, conf, key):  # a photo of the slides says the attendee was there
            marked = db.execute(
                "update statuses set status = 'attended', updated_at = ? where conference_id = ? and key = ?"
                " and status in ('interested', 'going')",
                [now, conf.id, key],
            ).rowcount
            if marked:
                db.execute("update conferences set plan_version = plan_version + 1 where id = ?", [conf.id])
    return [photo(db, conf, pid) for pid in kept]


def photos(db: Database, conf: Conference, key: str | None = None, *, data: bool = False) -> list[Photo]:
    """The conference's photos (or one session's), by session then the time each was taken.

    `data=True` loads each photo's bytes as well (exports, the notes zip)."""
    sql = f"select {_COLUMNS} from photos where conference_id = ?"
    params: list = [conf.id]
    if key is not None:
        sql += " and key = ?"
        params.append(key)
    rows = db.execute(sql + " order by key, taken, id", params).fetchall()
    if not data:
        return [_photo(conf, r) for r in rows]
    return [_photo(conf, r, photo_file(db, conf, r[0], "full")[0]) for r in rows]


def photo(db: Database, conf: Conference, photo_id: int) -> Photo:
    row = db.execute(
        f"select {_COLUMNS} from photos where conference_id = ? and id = ?", [conf.id, photo_id]
    ).fetchone()
    if row is None:
        raise NotFound(M("No photo %(n)d in '%(slug)s'.", n=photo_id, slug=conf.slug))
    return _photo(conf, row)


def photo_file(db: Database, conf: Conference, photo_id: int, variant: str = "full") -> tuple[bytes, str]:
    """(bytes, mimetype) of a photo ("full") or of its thumbnail ("thumb", always JPEG)."""
    if variant not in VARIANTS:
        raise NotFound(M("No '%(variant)s' of a photo.", variant=variant))
    row = db.execute(
        "select f.data, p.mimetype from photo_files f join photos p on p.id = f.photo_id"
        " where p.conference_id = ? and p.id = ? and f.variant = ?",
        [conf.id, photo_id, variant],
    ).fetchone()
    if row is None:
        raise NotFound(M("No photo %(n)d in '%(slug)s'.", n=photo_id, slug=conf.slug))
    return row[0], ("image/jpeg" if variant == "thumb" else row[1])


def photo_counts(db: Database, conf: Conference) -> dict[str, int]:
    """Session key -> number of photos, for the sessions that have any."""
    return dict(
        db.execute("select key, count(*) from photos where conference_id = ? group by key", [conf.id]).fetchall()
    )


def set_caption(db: Database, conf: Conference, photo_id: int, caption: str) -> Photo:
    """Change a photo's caption (the bytes stay as they were written)."""
    caption = clean_caption(caption)
    with write(db):
        photo(db, conf, photo_id)
        db.execute("update photos set caption = ? where id = ? and conference_id = ?", [caption, photo_id, conf.id])
    return photo(db, conf, photo_id)


def delete_photo(db: Database, conf: Conference, photo_id: int) -> Photo:
    """Remove a photo and its bytes; NotFound when there is no such photo. Returns what was removed."""
    with write(db):
        gone = photo(db, conf, photo_id)
        db.execute("delete from photo_files where photo_id = ?", [photo_id])
        db.execute("delete from photos where id = ? and conference_id = ?", [photo_id, conf.id])
    return gone


# --- the share link ------------------------------------------------------------------------------


def share_shows_photos(db: Database, conf: Conference) -> bool:
    """Whether the share link shows the slide photos (off unless the attendee turned it on)."""
    row = db.execute("select photos from shares where conference_id = ?", [conf.id]).fetchone()
    return bool(row and row[0])


def set_share_photos(db: Database, conf: Conference, on: bool) -> None:
    """Show (or stop showing) the slide photos on the share link; NotFound when there is no link.
    A new link starts without them."""
    with write(db):
        changed = db.execute("update shares set photos = ? where conference_id = ?", [int(on), conf.id]).rowcount
    if not changed:
        raise NotFound(M("There is no share link: create one first."))


# --- recordings --------------------------------------------------------------------------------


def recordings_seen(db: Database, conf: Conference) -> dict[tuple[str, str], str]:
    """(key, url) -> when that recording link was first seen (ISO): from imports, and the attendee's
    own video links from when they were added."""
    seen = {
        (key, url): at
        for key, url, at in db.execute(
            "select key, url, first_seen from recordings where conference_id = ?", [conf.id]
        ).fetchall()
    }
    for key, url, at in db.execute(
        "select key, url, added_at from user_links where conference_id = ? and kind = 'video'", [conf.id]
    ).fetchall():
        seen.setdefault((key, url), at)
    return seen


# --- backup and restore ------------------------------------------------------------------------------

# A photo in a backup (store/backup.py documents the whole format): the bytes as base64, checked on
# restore against their SHA-256 and read by Pillow as the picture they claim to be.
BACKUP_FIELDS = (
    "key",
    "caption",
    "taken",
    "added_at",
    "width",
    "height",
    "thumb_width",
    "thumb_height",
    "mimetype",
    "sha256",
    "source_sha256",
    "data",
    "thumb",
)
_SHA256 = re.compile(r"[0-9a-f]{64}")


def backup_photos(db: Database, conference_id: int) -> list[dict]:
    """The conference's photos as backup records (bytes as base64), by session and time taken."""
    out = []
    for row in db.query(
        "select id, key, caption, taken, added_at, width, height, thumb_width, thumb_height, mimetype, sha256,"
        " source_sha256 from photos where conference_id = ? order by key, taken, id",
        [conference_id],
    ):
        files = dict(db.execute("select variant, data from photo_files where photo_id = ?", [row["id"]]).fetchall())
        out.append(
            {
                **{k: v for k, v in row.items() if k != "id"},
                "data": base64.b64encode(files["full"]).decode("ascii"),
                "thumb": base64.b64encode(files["thumb"]).decode("ascii"),
            }
        )
    return out


def _decoded(item: dict, name: str) -> bytes:
    value = item.get(name)
    if not isinstance(value, str) or not value:
        raise BadInput("is missing (base64 of the picture)", field=name)
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise BadInput("is not base64", field=name) from None


def check_backup_photo(item: dict) -> None:
    """BadInput (its `field` naming the field) unless `item` is a photo record this app wrote: the fields
    of BACKUP_FIELDS, the bytes matching their SHA-256, a JPEG/PNG of the stated size, a JPEG thumbnail.
    The session key and the times are the caller's to check (with the rest of the backup)."""
    if not isinstance(item, dict):
        raise BadInput("must be an object", field="photo")
    unknown = [k for k in item if k not in BACKUP_FIELDS]
    if unknown:
        raise BadInput("is not a field of a photo", field=unknown[0])
    if not isinstance(item.get("caption", ""), str) or len(item.get("caption") or "") > CAPTION_MAX:
        raise BadInput(f"must be text of at most {CAPTION_MAX} characters", field="caption")
    for name in ("width", "height", "thumb_width", "thumb_height"):
        value = item.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100_000:
            raise BadInput(f"{value!r} is not a size in pixels", field=name)
    for name, required in (("sha256", True), ("source_sha256", False)):
        value = item.get(name)
        if (value is not None or required) and not (isinstance(value, str) and _SHA256.fullmatch(value)):
            raise BadInput("is not a SHA-256 (64 hex digits)", field=name)
    data, thumb = _decoded(item, "data"), _decoded(item, "thumb")
    if hashlib.sha256(data).hexdigest() != item["sha256"]:
        raise BadInput("the photo's bytes do not match its sha256 (a damaged copy)", field="data")
    try:
        if verify(data, item.get("mimetype")) != (item["width"], item["height"]):
            raise BadInput("the picture is not of the stated width and height", field="data")
        if verify(thumb, "image/jpeg") != (item["thumb_width"], item["thumb_height"]):
            raise BadInput("the thumbnail is not of the stated width and height", field="thumb")
    except PhotoRefused as exc:
        raise BadInput(exc.why, field="mimetype" if "is not image/" in exc.why else "data") from None


def restore_photos(db: Database, conference_id: int, items: list[dict]) -> int:
    """Add the (checked) backup's photos the conference lacks, matched by session and bytes (sha256);
    inside the caller's transaction. Returns how many were added. The same bytes come back."""
    added = 0
    for item in items:
        if db.execute(
            "select 1 from photos where conference_id = ? and key = ? and sha256 = ?",
            [conference_id, item["key"], item["sha256"]],
        ).fetchone():
            continue
        source = item.get("source_sha256")
        if (
            source
            and db.execute(
                "select 1 from photos where conference_id = ? and key = ? and source_sha256 = ?",
                [conference_id, item["key"], source],
            ).fetchone()
        ):
            source = None  # the same upload was kept here already, prepared otherwise: keep both
        data, thumb = _decoded(item, "data"), _decoded(item, "thumb")
        photo_id = (
            db["photos"]
            .insert(
                {
                    "conference_id": conference_id,
                    **{k: item.get(k) for k in BACKUP_FIELDS if k not in ("data", "thumb", "source_sha256")},
                    "caption": item.get("caption") or "",
                    "size": len(data),
                    "source_sha256": source,
                    "upload_id": None,
                }
            )
            .last_pk
        )
        db["photo_files"].insert_all(
            [
                {"photo_id": photo_id, "variant": "full", "data": data},
                {"photo_id": photo_id, "variant": "thumb", "data": thumb},
            ]
        )
        added += 1
    return added
