"""Parsers: the real corpus, one timetable in every format, detection, and bad input."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conference.errors import ParseError
from conference.links import guess_link_kind
from conference.parsers import MAX_BYTES, Options, detect_format, parse
from conference.parsers.csv_table import parse_clock, split_speakers

from .conftest import CORPUS

FIXTURES = Path(__file__).parent / "fixtures"
FOLDERS = {
    "frab-xml": "frab-xml",
    "schedule-json": "schedule-json",
    "sessionize-json": "sessionize",
    "fortee-json": "fortee",
    "ics": "ics",
    "csv": "csv",
}
# Facts the user supplies for files that do not carry them (see SOURCES.md quirks).
NEEDS = {"camp1999-ws2-workshops.csv": Options(date=date(1999, 8, 6), duration=120, timezone="Europe/Berlin")}


def corpus_counts() -> dict[str, int]:
    """Session counts as SOURCES.md lists them (first number of the Sessions column)."""
    counts = {}
    for row in (CORPUS / "SOURCES.md").read_text("utf-8").splitlines():
        cells = [c.strip() for c in row.split("|")]
        if len(cells) > 8 and "/" in cells[1] and cells[1].split("/")[0] in FOLDERS:
            number = re.match(r"\d+", cells[7])
            if number:
                counts[cells[1]] = int(number.group())
    return counts


COUNTS = corpus_counts()


def test_sources_md_lists_every_corpus_file():
    files = {f"{p.parent.name}/{p.name}" for folder in FOLDERS for p in (CORPUS / folder).iterdir()}
    assert files == set(COUNTS)


@pytest.mark.parametrize("relpath", sorted(COUNTS))
def test_every_corpus_timetable_parses_with_its_listed_session_count(relpath):
    path = CORPUS / relpath
    fmt, timetable = parse(path.read_bytes(), filename=path.name, options=NEEDS.get(path.name, Options()))
    assert fmt == FOLDERS[relpath.split("/")[0]]
    assert len(timetable.sessions) == COUNTS[relpath]
    keys = [s.key for s in timetable.sessions]
    assert len(set(keys)) == len(keys)
    for s in timetable.sessions:
        assert (s.start is None) == (s.end is None)
        if s.start:
            assert s.start.tzinfo is not None and s.end >= s.start
    # Parsing is deterministic: the same bytes give the same keys (re-imports match).
    assert [
        s.key for s in parse(path.read_bytes(), filename=path.name, options=NEEDS.get(path.name, Options()))[1].sessions
    ] == keys


def test_duplicate_ids_are_disambiguated_and_said():
    _fmt, tt = parse((CORPUS / "ics/moca-2024-schedule.ics").read_bytes())
    assert len({s.key for s in tt.sessions}) == 88
    assert any("shared" in n and "own key" in n for n in tt.notes)


def test_fortee_unscheduled_talks_and_timeslots():
    _fmt, tt = parse((CORPUS / "fortee-json/iosdc-japan-2022-timetable.json").read_bytes())
    assert sum(1 for s in tt.sessions if s.start is None) == 15
    assert sum(1 for s in tt.sessions if s.is_break) == 14
    talk = next(s for s in tt.sessions if s.start and not s.is_break)
    assert talk.room.startswith("Track ") and talk.room_code == talk.room[-1]
    assert tt.timezone == "Asia/Tokyo"


def test_frab_after_midnight_events_keep_their_real_date():
    _fmt, tt = parse((CORPUS / "frab-xml/39c3-everything-schedule.xml").read_bytes())
    late = [s for s in tt.sessions if s.start and s.start.hour < 6]
    assert len(late) == 46 and all(s.start.utcoffset() == timedelta(hours=1) for s in late)
    assert tt.timezone == "Europe/Berlin"


def test_frab_events_without_a_date_take_the_conference_time_zone():
    """Many frab exports give only <day date> and <start>: the clock time is in the conference's zone."""
    xml = re.sub(r"\s*<date>[^<]*</date>", "", (FIXTURES / "mini.xml").read_text("utf-8"))
    assert "<date>" not in xml
    new_york = ZoneInfo("America/New_York")
    for declared, options, tz in (
        ("America/New_York", Options(), new_york),  # declared by the file
        ("", Options(timezone="Europe/Berlin"), ZoneInfo("Europe/Berlin")),  # given by the user
    ):
        data = xml.replace(
            "<time_zone_name>Asia/Tokyo</time_zone_name>", f"<time_zone_name>{declared}</time_zone_name>"
        )
        _fmt, tt = parse(data.encode("utf-8"), options=options)
        starts = {s.code: s.start for s in tt.sessions}
        assert starts == {
            "A10": datetime(2026, 7, 25, 11, 0, tzinfo=tz),
            "A20": datetime(2026, 7, 25, 13, 0, tzinfo=tz),
            "B10": datetime(2026, 7, 25, 11, 0, tzinfo=tz),
        }
        assert all(s.start.tzinfo == tz and s.end - s.start == timedelta(minutes=45) for s in tt.sessions)
    assert tt.timezone == "Europe/Berlin" and starts["A10"].utcoffset() == timedelta(hours=2)
    _fmt, tt = parse(xml.replace("Asia/Tokyo", "America/New_York").encode("utf-8"))
    assert next(s for s in tt.sessions if s.code == "A10").start.astimezone(ZoneInfo("UTC")).hour == 15


def test_sessionize_service_sessions_are_breaks_and_times_are_local():
    _fmt, tt = parse(
        (CORPUS / "sessionize-json/orlando-codecamp-2020-all.json").read_bytes(),
        options=Options(timezone="America/New_York"),
    )
    assert sum(1 for s in tt.sessions if s.is_break) == 12
    keynote = next(s for s in tt.sessions if s.title == "Keynote")
    assert keynote.start == datetime(2020, 3, 28, 8, 0, tzinfo=ZoneInfo("America/New_York"))


def test_declared_zone_contradicted_by_offsets_shows_the_printed_times():
    _fmt, tt = parse((CORPUS / "schedule-json/democon-2020-pretalx.json").read_bytes())
    assert tt.timezone == "Etc/GMT-1" and "declares UTC" in tt.notes[0]


def test_camp1999_asks_for_the_missing_facts_instead_of_guessing():
    data = (CORPUS / "csv/camp1999-ws2-workshops.csv").read_bytes()
    with pytest.raises(ParseError, match=r"no end or duration column: give .* --duration"):
        parse(data)
    with pytest.raises(
        ParseError, match=r"line 2, column 'day': only a weekday \('Freitag'\), no date: give the first day with --date"
    ):
        parse(data, options=Options(duration=120))
    _fmt, tt = parse(data, options=NEEDS["camp1999-ws2-workshops.csv"])
    hour24 = [s for s in tt.sessions if s.start.hour == 0]
    assert hour24 and all(s.start.date() in (date(1999, 8, 7), date(1999, 8, 8), date(1999, 8, 9)) for s in hour24)
    assert tt.sessions[0].start == datetime(1999, 8, 6, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))


# --- one timetable, every format --------------------------------------------------------------

MINI = [
    "mini.xml",
    "mini.json",
    "mini-sessionize.json",
    "mini-fortee.json",
    "mini.ics",
    "mini.csv",
    "mini-cp932.csv",
    "mini.tsv",
]
TZ = ZoneInfo("Asia/Tokyo")
EXPECTED = [
    (
        "Kubernetes 入門",
        datetime(2026, 7, 25, 11, 0, tzinfo=TZ),
        datetime(2026, 7, 25, 11, 45, tzinfo=TZ),
        "Track A",
        ["山田 太郎"],
    ),
    (
        "Observability <b>101</b>",
        datetime(2026, 7, 25, 11, 0, tzinfo=TZ),
        datetime(2026, 7, 25, 11, 45, tzinfo=TZ),
        "Track B",
        ["Alice", "Bob"],
    ),
    (
        "SRE のはじめかた",
        datetime(2026, 7, 25, 13, 0, tzinfo=TZ),
        datetime(2026, 7, 25, 13, 45, tzinfo=TZ),
        "Track A",
        ["佐藤 花子"],
    ),
]


@pytest.mark.parametrize("name", MINI)
def test_the_same_timetable_in_every_format_parses_to_the_same_sessions(name):
    # The file name is deliberately hidden: detection reads the content.
    _fmt, tt = parse((FIXTURES / name).read_bytes(), options=Options(default_timezone="Asia/Tokyo"))
    talks = sorted((s.title, s.start, s.end, s.room, s.speakers) for s in tt.sessions if not s.is_break)
    assert talks == EXPECTED
    assert all(s.start.utcoffset() == timedelta(hours=9) for s in tt.sessions)
    breaks = [s for s in tt.sessions if s.is_break]
    assert all(b.title in ("Lunch", "昼休み") for b in breaks)
    if name in ("mini.xml", "mini.json", "mini-fortee.json", "mini.csv", "mini-cp932.csv"):
        k8s = next(s for s in tt.sessions if s.title.startswith("Kubernetes"))
        assert [(link["url"], link["kind"]) for link in k8s.links] == [
            ("https://speakerdeck.com/example/k8s", "slides")
        ]


def test_csv_codes_give_room_codes_and_keys():
    _fmt, tt = parse((FIXTURES / "mini.csv").read_bytes())
    k8s = tt.sessions[0]
    assert (k8s.key, k8s.code, k8s.room_code) == ("A10", "A10", "A")
    assert tt.sessions[2].is_break and tt.sessions[2].key.startswith("t-")


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (b"<?xml version='1.0'?>\n<schedule></schedule>", "frab-xml"),
        (b'\xef\xbb\xbf{"schedule": {"conference": {}}}', "schedule-json"),
        (b'{"timetable": []}', "fortee"),
        (b'[{"date": "2017-05-27T00:00:00Z", "rooms": [], "timeSlots": []}]', "sessionize"),
        (b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "ics"),
        ("タイトル,開始\nA,10:00\n".encode(), "csv"),
    ],
)
def test_format_is_detected_from_content_not_the_file_name(data, fmt):
    assert detect_format(data, "misleading.ics" if fmt != "ics" else "misleading.csv") == fmt


# --- bad input --------------------------------------------------------------------------------

BAD = [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (bytes(range(256)) * 8, "binary data"),
    (b'{"schedule": {"conference": {"days": [{"rooms": {"A": [{"title": "x"', "line 1 column"),
    (b'{"hello": "world"}', "not a timetable format"),
    (b"<html><body>Not found</body></html>", "HTML page"),
    (b"<rss><channel/></rss>", "not a frab"),
    (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b"<schedule><conference><title>&lol2;</title></conference></schedule>",
        "entities and DTDs are not allowed",
    ),
    (
        b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><schedule><conference><title>&xxe;</title></conference></schedule>',
        "entities and DTDs are not allowed",
    ),
    (
        b"<schedule><day date='2026-07-25'><event id='1'><title>x</title><date>2026-02-30T10:00:00+09:00</date><duration>00:30</duration></event></day></schedule>",
        "event 1 (id 1): bad date",
    ),
    (
        "タイトル,日付,開始,終了\nA,2026-07-25,11:00,10:00\n".encode(),
        "line 2, column '終了': ends (10:00) before it starts (11:00)",
    ),
    ("タイトル,日付,開始,終了\nA,2026-13-45,11:00,12:00\n".encode(), "line 2, column '日付': not a date"),
    ("タイトル,日付,開始,終了\nA,2026-07-25,25:61,12:00\n".encode(), "line 2, column '開始'"),
    (b"who,when\nx,y\n", "no header row naming a title column"),
    (
        b'{"timetable": [{"type": "talk", "uuid": "u", "title": "t", "starts_at": "yesterday", "length_min": 5}]}',
        "timetable[0]: bad starts_at",
    ),
]


@pytest.mark.parametrize(
    ("data", "message"), BAD, ids=[re.sub(r"[^ -~]+", "~", m) for _d, m in BAD]
)  # ASCII ids: mutmut passes them back
def test_bad_input_is_refused_with_where_and_why(data, message):
    with pytest.raises(ParseError) as caught:
        parse(data)
    assert message in str(caught.value)


def test_oversized_input_is_refused_before_parsing():
    with pytest.raises(ParseError, match=r"limit is 20 MB"):
        parse(b" " * (MAX_BYTES + 1))


def test_html_in_titles_is_kept_as_text():
    _fmt, tt = parse((FIXTURES / "mini.json").read_bytes())
    assert any(s.title == "Observability <b>101</b>" for s in tt.sessions)


def test_csv_clock_and_speaker_cells():
    assert parse_clock("2:00 p.m.")[0].isoformat() == "14:00:00"
    assert parse_clock("12:30 a.m.")[0].isoformat() == "00:30:00"
    assert parse_clock("午後1時30分")[0].isoformat() == "13:30:00"
    assert parse_clock("24") == (parse_clock("0")[0], 1)
    assert split_speakers("山田；佐藤、鈴木; Ann|2:Bob") == ["山田", "佐藤", "鈴木", "Ann", "Bob"]


def test_link_kinds_from_hosts():
    assert guess_link_kind("https://speakerdeck.com/x/y") == "slides"
    assert guess_link_kind("https://docs.google.com/presentation/d/1/edit") == "slides"
    assert guess_link_kind("https://www.youtube.com/watch?v=1") == "video"
    assert guess_link_kind("https://github.com/a/b") == "code"
    assert guess_link_kind("https://example.org/talk.pdf") == "slides"
    assert guess_link_kind("https://example.org/") == "other"


@pytest.mark.parametrize("name", ["iosdc-japan-2022-timetable.json", "kinoko-2025-timetable-masked.json"])
def test_fortee_talks_read_as_the_standard_library_reads_the_file(name):
    """Our parser against a second reading: the json module and datetime, field by field."""
    raw = json.loads((CORPUS / "fortee-json" / name).read_bytes().decode("utf-8-sig"))["timetable"]
    expected = {}
    for item in raw:
        if item.get("starts_at"):
            start = datetime.fromisoformat(item["starts_at"])
            track = item.get("track") or {}
            expected[item["uuid"]] = (
                " ".join(item["title"].split()),
                start,
                start + timedelta(minutes=item["length_min"]),
                track.get("name", "") if isinstance(track, dict) else track,
            )
    _fmt, tt = parse((CORPUS / "fortee-json" / name).read_bytes())
    ours = {s.key: (s.title, s.start, s.end, s.room) for s in tt.sessions if s.start}
    assert ours == expected and len(ours) > 20
    assert all(s.start.utcoffset() == timedelta(hours=9) for s in tt.sessions if s.start)


def test_39c3_xml_and_json_exports_give_the_same_sessions():
    _f1, xml = parse((CORPUS / "frab-xml/39c3-everything-schedule.xml").read_bytes())
    _f2, js = parse((CORPUS / "schedule-json/39c3-everything-schedule.json").read_bytes())
    summary = lambda tt: sorted((s.key, s.title, s.start, s.end, s.room, tuple(s.speakers)) for s in tt.sessions)  # noqa: E731
    assert summary(xml) == summary(js)


def test_room_order_follows_the_source():
    _fmt, tt = parse((CORPUS / "schedule-json/39c3-everything-schedule.json").read_bytes())
    assert tt.rooms[:3] == ["One", "Ground", "Zero"]
    _fmt, tt = parse((CORPUS / "fortee-json/iosdc-japan-2022-timetable.json").read_bytes())
    assert tt.rooms == ["Track A", "Track B", "Track C", "Track D", "Track E"]
