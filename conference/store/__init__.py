"""The store: the only code that runs SQL. It does not import Flask.

Every function takes an open `sqlite_utils.Database` (from `connect`) as its first argument;
writes run in one BEGIN IMMEDIATE transaction each (`write`), reads return frozen objects from
`conference.model` (Conference, PlannedSession, Link, Note) or documented dicts. Expected failures
are `conference.errors` (NotFound, BadInput, Conflict, Refused).

    connection.py   connect, write, migrate, database_path, integrity_check
    migrations.py   the numbered schema migrations
    conferences.py  Conference objects: all, by slug / id / source; rename; served files' Last-Modified
    timetable.py    PlannedSession (built in one place), imports (merge.diff applied, guarded), undo, history, versions
    pending.py      uploads waiting for the user's word in the import form (confirm, choose fields)
    attendee.py     statuses, notes with versions, the attendee's links
    media.py        slide photos (BLOBs, written once; why: see there), the share link's photos, recordings seen
    access.py       settings, the reminder, the secret key, login failures, share and feed tokens
    search.py       trigram full-text search
    backup.py       backup / restore as documented JSON, snapshot of the file
"""

from .access import (
    alarm_minutes,
    alarm_revision,
    conference_by_feed,
    conference_by_share,
    end_all_logins,
    end_login,
    end_login_id,
    feed_token,
    is_known_device,
    login_attempt,
    login_id,
    login_is_open,
    new_feed_token,
    new_login,
    new_share_token,
    open_logins,
    remember_device,
    revoke_share,
    secret_key,
    set_alarm_minutes,
    set_setting,
    setting,
    share_token,
)
from .attendee import (
    add_link,
    all_notes,
    append_to_note,
    delete_link,
    fill_link_title,
    link_session_key,
    note,
    note_history,
    note_stamps,
    note_texts,
    note_version_count,
    restore_note_version,
    save_note,
    set_status,
    tick_todo,
    update_link,
)
from .backup import backup, restore, snapshot
from .backup import check as check_backup
from .backup import dumps as backup_to_json
from .backup import loads as backup_from_json
from .backup import tokens_in as backup_tokens
from .conferences import (
    clean_hashtag,
    conference,
    conference_by_id,
    conference_by_source,
    conferences,
    content_modified_at,
    update_conference,
)
from .connection import (
    applied_migrations,
    connect,
    database_path,
    integrity_check,
    known_migrations,
    migrate,
    write,
)
from .media import (
    add_photos,
    clean_caption,
    delete_photo,
    photo,
    photo_counts,
    photo_file,
    photos,
    recordings_seen,
    set_caption,
    set_share_photos,
    share_shows_photos,
)
from .pending import drop_pending, keep_pending, pending_import
from .search import refresh_search_index, search_keys
from .timetable import (
    ImportResult,
    Versions,
    apply_import,
    can_undo,
    import_if_empty,
    import_report,
    insert_rows_as_they_are,
    last_import_id,
    planned_session,
    planned_sessions,
    preview_import,
    require_sessions,
    undo_import,
    versions,
)

__all__ = [
    "ImportResult",
    "Versions",
    "add_link",
    "add_photos",
    "alarm_minutes",
    "alarm_revision",
    "all_notes",
    "append_to_note",
    "applied_migrations",
    "apply_import",
    "backup",
    "backup_from_json",
    "backup_to_json",
    "backup_tokens",
    "can_undo",
    "check_backup",
    "clean_caption",
    "clean_hashtag",
    "conference",
    "conference_by_feed",
    "conference_by_id",
    "conference_by_share",
    "conference_by_source",
    "conferences",
    "connect",
    "content_modified_at",
    "database_path",
    "delete_link",
    "delete_photo",
    "drop_pending",
    "end_all_logins",
    "end_login",
    "end_login_id",
    "feed_token",
    "fill_link_title",
    "import_if_empty",
    "import_report",
    "insert_rows_as_they_are",
    "integrity_check",
    "is_known_device",
    "keep_pending",
    "known_migrations",
    "last_import_id",
    "link_session_key",
    "login_attempt",
    "login_id",
    "login_is_open",
    "migrate",
    "new_feed_token",
    "new_login",
    "new_share_token",
    "note",
    "note_history",
    "note_stamps",
    "note_texts",
    "note_version_count",
    "open_logins",
    "pending_import",
    "photo",
    "photo_counts",
    "photo_file",
    "photos",
    "planned_session",
    "planned_sessions",
    "preview_import",
    "recordings_seen",
    "refresh_search_index",
    "remember_device",
    "require_sessions",
    "restore",
    "restore_note_version",
    "revoke_share",
    "save_note",
    "search_keys",
    "secret_key",
    "set_alarm_minutes",
    "set_caption",
    "set_setting",
    "set_share_photos",
    "set_status",
    "setting",
    "share_shows_photos",
    "share_token",
    "snapshot",
    "tick_todo",
    "undo_import",
    "update_conference",
    "update_link",
    "versions",
    "write",
]
