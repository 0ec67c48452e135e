"""The shapes everyone shares (conference.model): what a user sees of them, pinned exactly: the `sessions
--json` and `photo list --json` shapes (../shared/CLI.md), stored times, the conference day and its clock
after midnight, stable keys, room order and room codes, and the line a skipped item is named by."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from conference.errors import BadInput
from conference.messages import M
from conference.model import (
    Conference,
    Link,
    Photo,
    PlannedSession,
    Session,
    Skipped,
    advance,
    conference_day,
    day_clock,
    derive_key,
    from_iso,
    natural_key,
    normalise_space,
    now_utc,
    room_code_for,
    room_order,
    strip_controls,
    to_iso,
    zone,
)

TOKYO = ZoneInfo("Asia/Tokyo")


def test_a_planned_session_as_sessions_json_shows_it_in_the_cli_contracts_key_order():
    session = PlannedSession(
        key="A10",
        code="A10",
        title="Talk",
        subtitle="Sub",
        abstract="not in the JSON",
        start=datetime(2026, 7, 25, 10, 0, tzinfo=TOKYO),
        end=datetime(2026, 7, 25, 10, 45, tzinfo=TOKYO),
        day=date(2026, 7, 25),
        room="Track A",
        room_code="A",
        track="Cloud",
        type="talk",
        language="ja",
        speakers=("山田", "Ann"),
        url="https://example.org/a10",
        links=(Link("https://example.org/s", "slides", "Slides"), Link("https://example.org/v", "video", "", id=3)),
        is_break=False,
        cancelled=True,
        status="going",
        clashes=("B10",),
    )
    assert list(session.to_json().items()) == [
        ("key", "A10"),
        ("code", "A10"),
        ("title", "Talk"),
        ("subtitle", "Sub"),
        ("start", "2026-07-25T10:00:00+09:00"),
        ("end", "2026-07-25T10:45:00+09:00"),
        ("room", "Track A"),
        ("room_code", "A"),
        ("track", "Cloud"),
        ("type", "talk"),
        ("language", "ja"),
        ("speakers", ["山田", "Ann"]),
        ("url", "https://example.org/a10"),
        (
            "links",
            [
                {"url": "https://example.org/s", "kind": "slides", "title": "Slides"},
                {"url": "https://example.org/v", "kind": "video", "title": ""},
            ],
        ),
        ("is_break", False),
        ("cancelled", True),
        ("status", "going"),
        ("clashes", ["B10"]),
    ]
    untimed = PlannedSession(key="x", code="", title="Later")
    assert (untimed.to_json()["start"], untimed.to_json()["end"], untimed.to_json()["status"]) == (None, None, None)


def test_a_sessions_slides_link_and_its_hash_follow_what_identifies_its_state():
    links = (Link("https://example.org/v", "video"), Link("https://a/1", "slides"), Link("https://a/2", "slides"))
    session = PlannedSession(key="k", code="", title="T", links=links, sequence=1, updated_at="u", status="going")
    assert session.slides == "https://a/1"
    assert PlannedSession(key="k", code="", title="T").slides == ""
    same = PlannedSession(key="k", code="", title="other title", sequence=1, updated_at="u", status="going")
    assert hash(session) == hash(same)
    changed = [
        PlannedSession(key="j", code="", title="T", sequence=1, updated_at="u", status="going"),
        PlannedSession(key="k", code="", title="T", sequence=2, updated_at="u", status="going"),
        PlannedSession(key="k", code="", title="T", sequence=1, updated_at="v", status="going"),
        PlannedSession(key="k", code="", title="T", sequence=1, updated_at="u", status="attended"),
        PlannedSession(key="k", code="", title="T", sequence=1, updated_at="u", status="going", clashes=("x",)),
    ]
    assert len({hash(session), *(hash(s) for s in changed)}) == 6


def test_a_photo_as_photo_list_json_and_its_file_extension():
    photo = Photo(4, "A10", "板書", datetime(2026, 7, 25, 10, 5, 30, tzinfo=TOKYO), 2560, 1920, "image/png")
    assert photo.to_json() == {
        "id": 4,
        "key": "A10",
        "caption": "板書",
        "taken": "2026-07-25T10:05:30+09:00",
        "width": 2560,
        "height": 1920,
    }
    assert list(photo.to_json()) == ["id", "key", "caption", "taken", "width", "height"]
    assert (photo.extension, Photo(1, "k", "", photo.taken, 1, 1).extension) == ("png", "jpg")


def test_times_are_stored_with_their_offset_and_read_back_in_any_zone():
    moment = datetime(2026, 7, 25, 10, 0, 30, 999, tzinfo=TOKYO)
    assert to_iso(moment) == "2026-07-25T10:00:30+09:00"
    assert to_iso(None) is None
    with pytest.raises(TypeError, match="naive datetime cannot be stored"):
        to_iso(datetime(2026, 7, 25, 10))
    assert from_iso("2026-07-25T10:00:00+09:00", ZoneInfo("UTC")).isoformat() == "2026-07-25T01:00:00+00:00"
    assert from_iso("2026-07-25T10:00:00+09:00").isoformat() == "2026-07-25T10:00:00+09:00"
    assert (from_iso(None), from_iso("")) == (None, None)
    now = now_utc()
    assert now.tzinfo == UTC and now.microsecond == 0


def test_a_stamp_never_goes_back():
    now = datetime(2026, 7, 25, 1, 0, 0, tzinfo=UTC)
    assert advance(None, now) == "2026-07-25T01:00:00+00:00"
    assert advance("2026-07-25T00:59:59+00:00", now) == "2026-07-25T01:00:00+00:00"
    assert advance("2026-07-25T01:00:00+00:00", now) == "2026-07-25T01:00:01+00:00"
    assert advance("2026-07-25T11:00:00+09:00", now) == "2026-07-25T02:00:01+00:00"


@pytest.mark.parametrize(
    ("clock", "day", "shown"),
    [
        ("2026-07-25T10:00", "2026-07-25", "10:00"),
        ("2026-07-25T23:59", "2026-07-25", "23:59"),
        ("2026-07-26T00:00", "2026-07-25", "24:00"),
        ("2026-07-26T01:30", "2026-07-25", "25:30"),
        ("2026-07-26T05:59", "2026-07-25", "29:59"),
        ("2026-07-26T06:00", "2026-07-26", "06:00"),
    ],
)
def test_after_midnight_the_evening_goes_on_until_six(clock, day, shown):
    moment = datetime.fromisoformat(clock).replace(tzinfo=TOKYO)
    assert (conference_day(moment).isoformat(), day_clock(moment)) == (day, shown)


def test_keys_from_title_and_speakers_ignore_case_spacing_and_speaker_order():
    key = derive_key("Kubernetes 入門", ["Ann", "Bob"])
    assert key == derive_key("  kubernetes   入門 ", ["bob", "ANN"])
    assert key.startswith("t-") and len(key) == 18
    assert key != derive_key("Kubernetes 入門", ["Ann"])
    assert key != derive_key("Kubernetes 入門2", ["Ann", "Bob"])
    assert derive_key("a b", []) != derive_key("a", ["b"])
    # Stored conferences hold these keys: a re-import matches only if the same file gives the same ones.
    assert (key, derive_key("T", [])) == ("t-aabd9dfddc848b7a", "t-a819eea7993b5220")


def test_control_characters_and_spacing():
    assert strip_controls("a\x00b\x07c\x1b[0m\x7f\x9f\td\ne\rf") == "abc[0m\td\ne\rf"
    assert strip_controls("") == "" and strip_controls(None) is None
    assert (normalise_space("  a \u3000 b\n"), normalise_space(None), normalise_space("")) == ("a b", "", "")


def test_rooms_in_the_sources_order_then_as_people_sort_them():
    assert natural_key("Track 10") > natural_key("Track 2")
    assert natural_key("Ａ") == natural_key("a")
    rooms = ["Track 10", "", "Track 2", "Ａ hall", "b hall", "Track 2", "Main"]
    assert room_order(rooms) == ["Ａ hall", "b hall", "Main", "Track 2", "Track 10"]
    assert room_order(rooms, ["Main", "Gone", "Track 10", "Main"]) == [
        "Main",
        "Track 10",
        "Ａ hall",
        "b hall",
        "Track 2",
    ]
    assert room_order([]) == []


@pytest.mark.parametrize(
    ("room", "code", "short"),
    [
        ("Track A", "", "A"),
        ("track  b", "", "B"),
        ("トラック C", "", "C"),
        ("ルームD", "", "D"),
        ("会場 E", "", "E"),
        ("Room 12", "", "12"),
        ("Hall 3", "", "3"),
        ("Stage x1", "", "X1"),
        ("C", "", "C"),
        ("C2", "", "C2"),
        ("One", "", ""),
        ("Room 1234", "", ""),
        ("Hall 1 (main)", "", ""),
        ("大ホール", "D31", "D"),
        ("大ホール", "d31", ""),
        ("大ホール", "D310", ""),
        ("", "", ""),
    ],
    ids=lambda v: "".join(ch if ch.isascii() and ch.isalnum() else "_" for ch in str(v)) or "x",
)
def test_room_codes_only_where_the_name_or_the_talk_code_gives_one(room, code, short):
    assert room_code_for(room, code) == short


def test_a_skipped_item_is_named_with_its_place_title_and_why():
    named = Skipped(M("line %(n)d", n=3), M("not a time: '%(value)s'", value="25:61"), "Keynote")
    assert str(named) == "line 3 (Keynote): not a time: '25:61'"
    assert named.message().msgid == "%(where)s (%(title)s): %(why)s"
    untitled = Skipped("events[2]", "has no title")
    assert str(untitled) == "events[2]: has no title"
    assert untitled.message().msgid == "%(where)s: %(why)s"


def test_a_session_as_a_dict_and_a_conferences_zone():
    session = Session(key="k", title="T", speakers=["A"], links=[{"url": "u", "kind": "other", "title": ""}])
    assert session.as_dict() == {
        "key": "k",
        "title": "T",
        "code": "",
        "subtitle": "",
        "abstract": "",
        "start": None,
        "end": None,
        "room": "",
        "room_code": "",
        "track": "",
        "type": "",
        "language": "",
        "speakers": ["A"],
        "url": "",
        "links": [{"url": "u", "kind": "other", "title": ""}],
        "is_break": False,
    }
    assert Conference(1, "jtf", "JTF", "Asia/Tokyo").tz == TOKYO
    assert zone("Europe/Berlin").utcoffset(datetime(2026, 7, 25)) == timedelta(hours=2)
    for name in ("Mars/Olympus", "", "../etc"):
        with pytest.raises(BadInput) as caught:
            zone(name)
        assert str(caught.value) == f"unknown time zone {name!r}" and caught.value.field == "timezone"
