"""Numbered schema migrations, recorded in the database by sqlite-utils. Append new ones; never edit old ones.

Applied by `store.migrate` (connection.py) at start-up, one gunicorn worker at a time.
"""

from sqlite_utils import Database, Migrations

migrations = Migrations("conference")


@migrations(name="0001_conferences_and_sessions")
def m0001(db: Database) -> None:
    db["conferences"].create(
        {
            "id": int,
            "slug": str,
            "name": str,
            "timezone": str,
            "start_date": str,
            "end_date": str,
            "url": str,
            "language": str,
            "source": str,
            "source_format": str,
            "imported_at": str,
            "is_demo": int,
        },
        pk="id",
        not_null={"slug", "name", "timezone"},
        defaults={"is_demo": 0},
    )
    db["conferences"].create_index(["slug"], unique=True)
    db["sessions"].create(
        {
            "id": int,
            "conference_id": int,
            "key": str,
            "code": str,
            "title": str,
            "subtitle": str,
            "abstract": str,
            "start": str,  # ISO 8601 with offset, NULL when unscheduled
            "end": str,
            "room": str,
            "room_code": str,
            "track": str,
            "type": str,
            "language": str,
            "speakers": str,  # JSON list of names
            "url": str,
            "links": str,  # JSON list of {url, kind, title}
            "is_break": int,
            "cancelled": int,
            "previous": str,  # JSON: the fields the last re-import changed, with their old values
            "sequence": int,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("conference_id", "conferences", "id")],
        not_null={"conference_id", "key", "title"},
        defaults={"is_break": 0, "cancelled": 0, "sequence": 0},
    )
    db["sessions"].create_index(["conference_id", "key"], unique=True)
    db["sessions"].create_index(["conference_id", "start"])


@migrations(name="0002_import_history")
def m0002(db: Database) -> None:
    db["conferences"].add_column("source_options", str)  # JSON: --timezone/--date/--duration/--encoding/--format
    db["imports"].create(
        {"id": int, "conference_id": int, "at": str, "source": str, "format": str, "report": str},
        pk="id",
        foreign_keys=[("conference_id", "conferences", "id")],
    )
    db["imports"].create_index(["conference_id", "at"])


@migrations(name="0003_room_order")
def m0003(db: Database) -> None:
    db["conferences"].add_column("rooms", str)  # JSON list: the source's room order


@migrations(name="0004_statuses_shares_search")
def m0004(db: Database) -> None:
    db["statuses"].create(
        {"conference_id": int, "key": str, "status": str, "updated_at": str},
        pk=("conference_id", "key"),
        foreign_keys=[("conference_id", "conferences", "id")],
    )
    db["shares"].create(
        {"token": str, "conference_id": int, "created_at": str},
        pk="token",
        foreign_keys=[("conference_id", "conferences", "id")],
    )
    db["settings"].create({"name": str, "value": str}, pk="name")
    # Trigram FTS finds a Japanese word inside a title that has no spaces ("運用" in "Kubernetes運用の5年間").
    db["sessions"].enable_fts(
        ["title", "subtitle", "abstract", "speakers", "code", "room", "track"], tokenize="trigram", create_triggers=True
    )


@migrations(name="0005_notes_and_links")
def m0005(db: Database) -> None:
    db["notes"].create(
        {"conference_id": int, "key": str, "text": str, "version": int, "updated_at": str},
        pk=("conference_id", "key"),
        foreign_keys=[("conference_id", "conferences", "id")],
        not_null={"text", "version"},
    )
    db["note_versions"].create(
        {"id": int, "conference_id": int, "key": str, "version": int, "text": str, "saved_at": str, "save_id": str},
        pk="id",
        foreign_keys=[("conference_id", "conferences", "id")],
    )
    db["note_versions"].create_index(["conference_id", "key", "version"], unique=True)
    db["note_versions"].create_index(["conference_id", "key", "save_id"], unique=True)
    db["user_links"].create(
        {"id": int, "conference_id": int, "key": str, "url": str, "kind": str, "title": str, "added_at": str},
        pk="id",
        foreign_keys=[("conference_id", "conferences", "id")],
    )
    db["user_links"].create_index(["conference_id", "key"])


@migrations(name="0006_calendar_feeds")
def m0006(db: Database) -> None:
    db["feeds"].create(
        {"token": str, "conference_id": int, "created_at": str},
        pk="token",
        foreign_keys=[("conference_id", "conferences", "id")],
    )
    db["feeds"].create_index(["conference_id"], unique=True)
    db["conferences"].add_column("plan_changed_at", str)  # a mark set or cleared: feeds' Last-Modified


@migrations(name="0007_login_failures")
def m0007(db: Database) -> None:
    db["login_failures"].create({"ip": str, "at": str})
    db["login_failures"].create_index(["ip", "at"])


@migrations(name="0008_search_index_on_demand")
def m0008(db: Database) -> None:
    # Indexing trigrams row by row made every import 2-3x slower; the index is now rebuilt when a
    # search first needs it after the timetable changed (store.search_keys).
    for trigger in ("sessions_ai", "sessions_ad", "sessions_au"):
        db.execute(f"drop trigger if exists {trigger}")
    db["settings"].upsert({"name": "search_index_stale", "value": "1"}, pk="name")


@migrations(name="0009_change_counters")
def m0009(db: Database) -> None:
    # Counters, not timestamps: two changes within one second must still tell cached exports apart.
    db["conferences"].add_column("plan_version", int, not_null_default=0)
    db["conferences"].add_column("data_version", int, not_null_default=0)


@migrations(name="0010_conference_hashtag")
def m0010(db: Database) -> None:
    # The conference's hashtag (without "#", e.g. "JTF2026"): blog tags and file names come from it.
    db["conferences"].add_column("hashtag", str)


@migrations(name="0011_import_undo_and_pending_imports")
def m0011(db: Database) -> None:
    # The timetable as it was before the last import of each conference (Undo last import): the
    # sessions' rows and the conference fields that import changed, as JSON. One per conference.
    db["import_undo"].create(
        {"conference_id": int, "import_id": int, "taken_at": str, "conference": str, "sessions": str},
        pk="conference_id",
        foreign_keys=[("conference_id", "conferences", "id")],
    )
    # An upload waiting for the user's word in the import form (confirm the report, choose the list
    # and fields of custom JSON/YAML): the bytes and the request, for a day at most.
    db["pending_imports"].create(
        {"token": str, "created_at": str, "name": str, "source": str, "request": str, "data": bytes},
        pk="token",
    )


@migrations(name="0012_logins_and_known_devices")
def m0012(db: Database) -> None:
    # Issue 17: a login is a row, so logging out (or out everywhere) ends it on the server too; the
    # cookie only names it. Ids are stored as SHA-256 hashes: a copy of the file opens no session.
    db["logins"].create(
        {"id": str, "created_at": str, "expires_at": str, "address": str, "agent": str},
        pk="id",
    )
    # Browsers that logged in before: the failures of a neighbour behind the same NAT do not lock them out.
    db["known_devices"].create({"id": str, "created_at": str, "last_login_at": str}, pk="id")
    # login_failures.ip now holds the limiter's key ("net:203.0.113.0/32", "device:…", "account").


@migrations(name="0013_photos_and_recordings")
def m0013(db: Database) -> None:
    # Issue 18: slide photos, kept in this file as BLOBs (docs in store/media.py: one file to back up,
    # snapshot and restore; a photo and its row are written in one transaction). The metadata row is
    # apart from the bytes, so lists and pages never read the images.
    db["photos"].create(
        {
            "id": int,
            "conference_id": int,
            "key": str,
            "caption": str,
            "taken": str,  # ISO 8601 with the conference's offset
            "added_at": str,
            "width": int,
            "height": int,
            "thumb_width": int,
            "thumb_height": int,
            "mimetype": str,
            "size": int,
            "sha256": str,  # of the kept bytes
            "source_sha256": str,  # of the upload: the same file sent twice is one photo
            "upload_id": str,  # the browser's id for one upload: a retry after a lost answer adds nothing
        },
        pk="id",
        foreign_keys=[("conference_id", "conferences", "id")],
        not_null={"conference_id", "key", "taken", "mimetype", "sha256"},
        defaults={"caption": ""},
    )
    db["photos"].create_index(["conference_id", "key", "taken"])
    db["photos"].create_index(["conference_id", "key", "source_sha256"], unique=True)
    db.execute("create unique index photos_upload_id on photos (conference_id, upload_id) where upload_id is not null")
    db["photo_files"].create(
        {"photo_id": int, "variant": str, "data": bytes},  # variant: "full" or "thumb"
        pk=("photo_id", "variant"),
        foreign_keys=[("photo_id", "photos", "id")],
        not_null={"data"},
    )
    # Written once: the bytes of a photo are never changed, only deleted with it.
    db.execute(
        "create trigger photo_files_written_once before update on photo_files"
        " begin select raise(abort, 'a photo is written once: its bytes never change'); end"
    )
    # When a recording link (kind video) was first seen on a session: the Later page lists the newest first.
    db["recordings"].create(
        {"conference_id": int, "key": str, "url": str, "first_seen": str},
        pk=("conference_id", "key", "url"),
        foreign_keys=[("conference_id", "conferences", "id")],
    )
    # The share link shows the slide photos only when the attendee says so.
    db["shares"].add_column("photos", int, not_null_default=0)
