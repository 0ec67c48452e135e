"""The database file: migrations, WAL, and the merge a re-import does."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from conference import store
from conference.errors import BadInput
from conference.model import Session, Timetable
from conference.store import connect, migrate

TZ = ZoneInfo("Asia/Tokyo")


def at(hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 7, 25, hh, mm, tzinfo=TZ)


def talk(key: str, title: str, start: datetime, room: str = "Track A", speakers=("Ann",)) -> Session:
    return Session(
        key=key, title=title, start=start, end=start + timedelta(minutes=45), room=room, speakers=list(speakers)
    )


@pytest.fixture
def db(tmp_path):
    conn = connect(tmp_path / "c.db")
    migrate(conn)
    yield conn
    conn.close()


def test_migrations_are_recorded_and_rerun_is_a_no_op(tmp_path):
    path = tmp_path / "c.db"
    conn = connect(path)
    migrate(conn)
    migrate(conn)
    applied = store.applied_migrations(conn)
    assert applied == store.known_migrations() and len(applied) >= 9
    assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"
    conn.close()
    raw = sqlite3.connect(path)
    assert raw.execute("select count(*) from _sqlite_migrations").fetchone()[0] == len(applied)


def test_times_are_stored_with_their_offset_and_read_back_in_the_conference_zone(db):
    tt = Timetable(sessions=[talk("a", "Talk", at(10))], timezone="Asia/Tokyo")
    store.apply_import(db, "c", tt)
    assert db.execute("select start from sessions").fetchone()[0] == "2026-07-25T10:00:00+09:00"
    conf = store.conference(db, "c")
    [row] = store.planned_sessions(db, conf)
    assert row.start == at(10) and row.start.utcoffset() == timedelta(hours=9)
    assert conf.start_date == conf.end_date == "2026-07-25"


def test_reimport_reports_changes_and_keeps_sessions_with_user_data(db):
    first = Timetable(
        sessions=[talk("a", "Alpha", at(10)), talk("b", "Beta", at(11)), talk("c", "Gamma", at(12))],
        timezone="Asia/Tokyo",
    )
    result = store.apply_import(db, "c", first)
    assert result.created and len(result.added) == 3
    store.set_status(db, store.conference(db, "c"), ["c"], "going")  # the attendee cares about "c"
    second = Timetable(
        sessions=[talk("a", "Alpha", at(10, 15)), talk("b", "Beta!", at(11)), talk("d", "Delta", at(13))],
        timezone="Asia/Tokyo",
    )
    result = store.apply_import(db, "c", second)
    assert [c["key"] for c in result.changed] == ["a", "b"]
    assert result.changed[0]["fields"]["start"] == ["2026-07-25T10:00:00+09:00", "2026-07-25T10:15:00+09:00"]
    assert result.changed[1]["fields"] == {"title": ["Beta", "Beta!"]}
    assert [a["key"] for a in result.added] == ["d"]
    assert [c["key"] for c in result.cancelled] == ["c"]
    rows = {r.key: r for r in store.planned_sessions(db, store.conference(db, "c"))}
    assert set(rows) == {"a", "b", "c", "d"}
    assert rows["c"].cancelled and not rows["a"].cancelled
    assert rows["a"].previous == {"start": "2026-07-25T10:00:00+09:00", "end": "2026-07-25T10:45:00+09:00"}
    assert rows["a"].sequence == 1
    # Unchanged third import: nothing reported, nothing bumped.
    result = store.apply_import(db, "c", second)
    assert (result.added, result.changed, result.cancelled, result.unchanged) == ([], [], [], 3)
    assert store.planned_session(db, store.conference(db, "c"), "a").sequence == 1


def test_session_without_user_data_is_removed_when_dropped(db):
    store.apply_import(db, "c", Timetable(sessions=[talk("a", "A", at(10)), talk("b", "B", at(11))], timezone="UTC"))
    result = store.apply_import(db, "c", Timetable(sessions=[talk("a", "A", at(10))], timezone="UTC"))
    assert [r["key"] for r in result.removed] == ["b"] and result.cancelled == []


def test_failed_import_writes_nothing(db):
    store.apply_import(db, "c", Timetable(sessions=[talk("a", "A", at(10))], timezone="UTC"))
    bad = Timetable(
        sessions=[talk("a", "A2", at(10)), talk("x", "X", at(11)), talk("x", "X again", at(12))], timezone="UTC"
    )
    with pytest.raises(BadInput, match="'x' twice"):
        store.apply_import(db, "c", bad)
    assert [r["title"] for r in db["sessions"].rows] == ["A"]


def test_room_codes_only_where_the_name_or_code_gives_one():
    from conference.model import room_code_for

    assert room_code_for("Track A") == "A"
    assert room_code_for("トラック B") == "B"
    assert room_code_for("Room 12") == "12"
    assert room_code_for("C") == "C"
    assert room_code_for("One") == ""
    assert room_code_for("Hall 1 (main)") == ""
    assert room_code_for("大ホール", "D31") == "D"


def test_an_abstract_only_edit_is_stored_and_seen_by_exports(db):
    first = Timetable(sessions=[talk("a", "A", at(10))], timezone="Asia/Tokyo")
    store.apply_import(db, "c", first)
    version = store.conference(db, "c").data_version
    edited = Timetable(sessions=[talk("a", "A", at(10))], timezone="Asia/Tokyo")
    edited.sessions[0].abstract = "Now with an abstract"
    result = store.apply_import(db, "c", edited)
    # Reported (issue 14: an abstract-only edit is a change), by name, without a watched field moving.
    assert (result.changed, result.unchanged) == (
        [{"key": "a", "title": "A", "fields": {}, "details": ["abstract"]}],
        0,
    )
    conf = store.conference(db, "c")
    session = store.planned_session(db, conf, "a")
    assert session.abstract == "Now with an abstract"
    assert (session.sequence, session.previous) == (0, {})  # not a change the attendee must act on
    assert conf.data_version == version + 1  # kept calendars and grids are rebuilt


def test_merge_is_a_pure_diff_of_stored_rows_and_the_new_timetable():
    from conference import merge

    old = [
        {**merge.row(talk("a", "A", at(10))), "id": 1, "cancelled": 0, "previous": None, "sequence": 0},
        {**merge.row(talk("b", "B", at(11))), "id": 2, "cancelled": 1, "previous": None, "sequence": 1},
        {**merge.row(talk("c", "C", at(12))), "id": 3, "cancelled": 0, "previous": None, "sequence": 0},
        {**merge.row(talk("d", "D", at(13))), "id": 4, "cancelled": 0, "previous": None, "sequence": 0},
    ]
    new = Timetable(sessions=[talk("a", "A", at(10, 30)), talk("b", "B", at(11)), talk("e", "E", at(14))])
    diff = merge.diff(old, new, keep={"c"}, now="2026-07-01T00:00:00+00:00")
    report = diff.report
    assert [c["key"] for c in report.changed] == ["a", "b"]  # a moved; b is back (it was cancelled)
    assert report.changed[1]["fields"] == {"reinstated": [True, False]}
    assert [x["key"] for x in report.added] == ["e"] and [x["key"] for x in report.cancelled] == ["c"]
    assert [x["key"] for x in report.removed] == ["d"] and diff.deletes == (4,)
    updates = dict(diff.updates)
    assert updates[1]["sequence"] == 1 and updates[3] == {
        "cancelled": 1,
        "sequence": 1,
        "updated_at": "2026-07-01T00:00:00+00:00",
    }
    assert diff.data_changed and old[0]["start"] == "2026-07-25T10:00:00+09:00"  # the input is left as it was


def test_a_preview_reports_what_an_import_would_do_and_writes_nothing(db):
    store.apply_import(db, "c", Timetable(sessions=[talk("a", "A", at(10))], timezone="UTC"))
    conf = store.conference(db, "c")
    store.set_status(db, conf, ["a"], "going")
    preview = store.preview_import(db, "c", Timetable(sessions=[talk("b", "B", at(11))], timezone="UTC"))
    # The report names each talk with its time and room (and code, when it has one): issue 17's QA.
    assert (preview.added, preview.cancelled, preview.import_id) == (
        [
            {
                "key": "b",
                "title": "B",
                "start": "2026-07-25T11:00:00+09:00",
                "end": "2026-07-25T11:45:00+09:00",
                "room": "Track A",
            }
        ],
        [
            {
                "key": "a",
                "title": "A",
                "start": "2026-07-25T10:00:00+09:00",
                "end": "2026-07-25T10:45:00+09:00",
                "room": "Track A",
            }
        ],
        None,
    )
    assert [s.key for s in store.planned_sessions(db, conf)] == ["a"]
    assert store.conference(db, "c").data_version == conf.data_version
