"""What the golden files of real timetables cannot reach: each parser's refusals and skipped items (which
item, where and why, word for word), the rules for times, lengths, zones and encodings, and how a JSON or
YAML file is recognised. Inputs are a few inline lines each, shaped as the real files are (the corpus and
tests/fixtures hold the real ones; tests/test_parser_golden.py pins what they give)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conference.errors import BadInput, ParseError
from conference.model import derive_key
from conference.parsers import MAX_BYTES, Options, detect_format, json_format, mapping_help, parse
from conference.parsers.common import (
    first_moment,
    join_texts,
    line,
    link,
    looks_like_break,
    more_than,
    parse_duration,
    parse_moment,
    recording_links,
    resolve_zone,
    text,
    too_many_sessions,
    unescape,
)
from conference.parsers.csv_table import header_key
from conference.parsers.ical import split_pretalx_summary
from conference.parsers.pretalx import i18n
from conference.parsers.records import candidates, describe, load_yaml, paths_in, select, value
from conference.parsers.rows import NoYear, _minutes, date_order, parse_clock, parse_date, speakers_of, split_range

HERE = Path(__file__).parent


def safe_id(value) -> str:
    """A test id of plain ASCII letters: mutmut passes node ids back to pytest, which cannot find escaped ones."""
    return re.sub(r"[^A-Za-z0-9.:+-]+", "_", str(value)).strip("_")[:32] or "x"


def refusal(data: bytes | str, fmt: str | None = None, **options) -> str:
    """The one line a user reads when the file is refused."""
    with pytest.raises(ParseError) as caught:
        parse(data.encode() if isinstance(data, str) else data, fmt, options=Options(**options))
    return str(caught.value)


def frab(events: str, conference: str = "<time_zone_name>Europe/Berlin</time_zone_name>") -> bytes:
    return (
        f"<schedule><conference><title>T</title>{conference}</conference>"
        f"<day date='2026-07-25'><room name='Hall'>{events}</room></day></schedule>"
    ).encode()


# --- frab XML ---------------------------------------------------------------------------------------


def test_frab_links_with_href_keep_their_title_and_bare_url_links_are_links_too():
    """35C3's wiki export writes <link>URL</link>: the session page is the only link it gives."""
    data = frab(
        "<event id='1' guid='g1'><title>Talk</title><date>2026-07-25T10:00:00+02:00</date><duration>00:30</duration>"
        "<links><link href='https://example.org/slides.pdf'>Slides</link><link>https://example.org/wiki</link>"
        "<link>not a url</link></links>"
        "<attachments><attachment href='https://example.org/paper'>Paper</attachment></attachments></event>"
    )
    _fmt, tt = parse(data)
    assert tt.sessions[0].links == [
        {"url": "https://example.org/slides.pdf", "kind": "slides", "title": "Slides"},
        {"url": "https://example.org/wiki", "kind": "other", "title": ""},
        {"url": "https://example.org/paper", "kind": "other", "title": "Paper"},
    ]


# --- Sessionize -------------------------------------------------------------------------------------


def sessionize(*sessions: dict, **extra) -> bytes:
    return json.dumps({"sessions": list(sessions), "speakers": [], "rooms": [], "categories": [], **extra}).encode()


def test_sessionize_times_with_an_offset_are_shown_as_the_file_says_and_floating_ones_in_the_zone_given():
    """Sessionize writes local times without an offset; an export with "Z" (its own sample event) printed
    09:00, and the grid must show 09:00, not 18:00 in the app's default zone."""
    utc = sessionize({"id": "1", "title": "Talk", "startsAt": "2017-05-27T09:00:00Z", "endsAt": "2017-05-27T10:00:00Z"})
    _fmt, tt = parse(utc)
    assert (tt.timezone, tt.sessions[0].start.isoformat()) == ("UTC", "2017-05-27T09:00:00+00:00")
    assert tt.notes == [
        "the file names no time zone (default Asia/Tokyo), but its times carry UTC+00:00: shown in UTC+00:00 "
        "(--timezone names the zone)"
    ]
    floating = sessionize(
        {"id": "1", "title": "Talk", "startsAt": "2017-05-27T09:00:00", "endsAt": "2017-05-27T10:00:00"}
    )
    _fmt, tt = parse(floating, options=Options(timezone="Europe/Madrid"))
    assert (tt.timezone, tt.sessions[0].start.isoformat(), tt.notes) == (
        "Europe/Madrid",
        "2017-05-27T09:00:00+02:00",
        [],
    )
    _fmt, tt = parse(floating)
    assert (tt.timezone, tt.sessions[0].start.isoformat()) == ("Asia/Tokyo", "2017-05-27T09:00:00+09:00")
    assert tt.notes == [
        "the file names no time zone and no --timezone was given: times read in Asia/Tokyo (the app's default)"
    ]


# --- detection: what a file is, or why it is none of the formats ------------------------------------

UNKNOWN_JSON_TAIL = (
    "If it is your own JSON, say which list holds the sessions and which field is which: --records PATH "
    "--map title=… --map start=… (or --format to insist on a format)"
)
NOT_KNOWN = "json: top level: JSON, but not a timetable format this app knows (frab/pretalx, pretalx API or widget, Sessionize, fortee)"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "timetable: the file is empty"),
        (b"\xef\xbb\xbf \r\n\t\n", "timetable: the file is empty"),
        (b"title,start\n\x00\x01", "timetable: binary data, not a timetable"),
        (
            b"<html><body>Not found</body></html>",
            "timetable: an HTML page, not a timetable (is the URL the schedule's export?)",
        ),
        (b"<!DOCTYPE html>\n<p>x", "timetable: an HTML page, not a timetable (is the URL the schedule's export?)"),
        (
            b"<?xml version='1.0'?><rss version='2.0'><channel/></rss>",
            "timetable: XML, but not a frab/pentabarf <schedule> (its root is <rss>)",
        ),
        (b"<?xml version='1.0'?>", "timetable: XML, but not a frab/pentabarf <schedule>"),
        (b'"just text"', "timetable: not a timetable format this app knows"),
        (
            b"<!-- generated -->\nBEGIN:VCALENDAR\nEND:VCALENDAR\n-->",
            "ics: line 1: an iCalendar file wrapped in an HTML comment (<!-- … -->, as a site generator wrote it): "
            "not a valid calendar; delete the comment lines before BEGIN:VCALENDAR and after END:VCALENDAR",
        ),
        (
            b'{"hello": "world"}',
            f"{NOT_KNOWN}. It is an object with the keys hello. {UNKNOWN_JSON_TAIL}",
        ),
        (
            b'{"sessions": [{"name": "x", "when": 1}]}',
            f"{NOT_KNOWN}: its sessions[] have no startsAt/endsAt (their keys: name, when), so this is not "
            "Sessionize. It is an object with the keys sessions; lists of items: sessions (1: name, when). "
            + UNKNOWN_JSON_TAIL,
        ),
        (
            b'{"schedule": {"days": []}}',
            f'{NOT_KNOWN}: it has "schedule", but not pretalx/frab\'s {{"schedule": {{"conference": …}}}}. It '
            f"is an object with the keys schedule. {UNKNOWN_JSON_TAIL}",
        ),
        (
            b'{"proposals": [{"name": 1}]}',
            f"{NOT_KNOWN}: it has a timetable/proposals list, but not fortee's fields (uuid, title, starts_at). It "
            f"is an object with the keys proposals; lists of items: proposals (1: name). {UNKNOWN_JSON_TAIL}",
        ),
        (
            b'{"talks": [{"code": "A"}]}',
            f"{NOT_KNOWN}: it has talks[], but not pretalx's (code, title, and rooms/speakers beside them). It is an "
            f"object with the keys talks; lists of items: talks (1: code). {UNKNOWN_JSON_TAIL}",
        ),
        (b"[1, 2, 3]", f"{NOT_KNOWN}. It is a list of 3 items. {UNKNOWN_JSON_TAIL}"),
        (b'{"a": [1,]}', "json: line 1 column 10: invalid JSON: Expecting value"),
        (
            b"{a: 1}",
            "json: line 1 column 2: invalid JSON: Expecting property name enclosed in double quotes (keys without "
            "quotes and trailing commas are JSON5 or JavaScript, not JSON: convert it to JSON)",
        ),
        (b'{"a": "\xff"}', "json: byte 7: not UTF-8 text"),
        (b"[" * 100_000, "json: the JSON is nested too deeply"),
        (b"\xff\xfe" + "xy".encode("utf-16-le") + b"\x00\xdcz\x00", "timetable: byte 6: broken UTF-16 text"),
    ],
    ids=safe_id,
)
def test_a_file_in_no_known_format_is_refused_saying_what_it_looks_like(data, message):
    assert refusal(data) == message


def test_json5_is_named_by_the_file_name_too():
    with pytest.raises(ParseError) as caught:
        parse(b'{"a": [1,]}', filename="Timetable.JSON5")
    assert str(caught.value) == (
        "json: line 1 column 10: invalid JSON: Expecting value (keys without quotes and trailing commas are "
        "JSON5 or JavaScript, not JSON: convert it to JSON)"
    )
    assert caught.value.line == 1


@pytest.mark.parametrize(
    ("doc", "fmt"),
    [
        ({"schedule": {"conference": {"title": "x"}}}, "schedule-json"),
        ({"schedule": {"conference": "x"}}, None),
        ({"timetable": []}, "fortee"),
        ({"timetable": [{"title": "t", "uuid": "u"}]}, "fortee"),
        ({"proposals": [{"title": "t", "accepted": True}]}, "fortee"),
        ({"timetable": [{"title": "t"}]}, None),  # a title alone is anybody's
        ({"timetable": [{"uuid": "u", "starts_at": "x"}]}, None),  # fortee's fields without a title
        ({"timetable": "x", "proposals": [{"title": "t", "timetable": {}}]}, "fortee"),
        ({"talks": [{"code": "C", "title": "t"}], "rooms": []}, "pretalx-widget"),
        ({"talks": [{"code": "C", "title": "t"}], "speakers": []}, "pretalx-widget"),
        ({"talks": [{"code": "C", "title": "t"}]}, None),  # neither rooms nor speakers beside the talks
        ({"talks": [{"code": "C"}], "rooms": []}, None),
        ({"results": [{"code": "C", "slot": None}]}, "pretalx-api"),
        ({"results": [{"code": "C", "submission_type": "Talk"}]}, "pretalx-api"),
        ({"results": [{"code": "C", "state": "confirmed"}]}, "pretalx-api"),
        ({"results": [{"code": "C", "title": "t"}]}, None),
        ({"results": [{"slot": {}}]}, None),
        ({"results": []}, None),
        ([{"code": "C", "state": "accepted"}, "noise"], "pretalx-api"),
        ({"sessions": [{"title": "t", "startsAt": "x"}]}, "sessionize"),
        ({"sessions": [{"groupName": "g", "sessions": [{"title": "t", "startsAt": "x"}]}]}, "sessionize"),
        ({"sessions": [{"groupName": "g", "sessions": [{"title": "t"}]}]}, None),
        ([{"date": "2017-05-27", "rooms": []}], "sessionize"),
        ([{"date": "2017-05-27", "timeSlots": []}], "sessionize"),
        ([{"date": "2017-05-27"}], None),
        ([], None),
    ],
    ids=safe_id,
)
def test_a_json_document_is_the_format_whose_required_fields_it_has(doc, fmt):
    assert json_format(doc) == fmt


@pytest.mark.parametrize(
    ("data", "filename", "fmt"),
    [
        (b"<?xml version='1.0'?>\n<schedule version='1'>", "x.ics", "frab-xml"),
        (b"\xef\xbb\xbf<schedule>", "", "frab-xml"),
        (b"BEGIN:VCALENDAR\r\n", "x.json", "ics"),
        (b'\xef\xbb\xbf\n{"timetable": []}', "", "fortee"),
        (b"talks:\n- title: x\n", "", "yaml"),
        (b"---\n- a\n", "", "yaml"),
        (b"%YAML 1.1\n---\ntitle: x\n", "", "yaml"),
        (b"\xef\xbb\xbf\ntalks:\n- title: x\n", "", "yaml"),
        (b"---\n", "", "csv"),  # YAML, but neither a mapping nor a list: nothing to read
        (b"- title: x\n", "", "yaml"),
        (b"title: x\n", "x.csv", "csv"),  # a spreadsheet's name wins over a YAML look
        (b"anything", "x.yml", "yaml"),
        (b"anything", "x.YAML", "yaml"),
        (b"title: a, b, c\n", "", "csv"),  # two commas in the first line: a CSV row
        (b"title:\tstart\n", "", "csv"),  # a tab: a TSV row
        (b"title: [\n", "", "csv"),  # not YAML after all
        (b"title: x", "", "yaml"),
        (b"\xef\xbb\xbftitle,start\nA,10:00\n", "", "csv"),
        (b"title;start\nA;10:00\n", "", "csv"),
        (b"one line only", "x.txt", "csv"),
        (b"one line only", "x.TSV", "csv"),
    ],
    ids=safe_id,
)
def test_detection_reads_the_content_and_the_name_only_breaks_ties(data, filename, fmt):
    assert detect_format(data, filename) == fmt


def test_a_line_without_any_format_is_refused():
    with pytest.raises(ParseError) as caught:
        detect_format(b"one line only", "notes")
    assert str(caught.value) == "timetable: not a timetable format this app knows"


def test_a_spreadsheet_with_records_is_refused_naming_the_option():
    with pytest.raises(ParseError) as caught:
        detect_format(b"title,start\nA,10:00\n", "x.csv", options=Options(records="talks"))
    assert (
        str(caught.value) == "csv: --records: a spreadsheet has no lists to choose: leave out --records (--map works)"
    )


def test_own_json_with_records_or_map_is_custom_json_whatever_it_looks_like():
    fortee_like = b'{"timetable": [{"title": "t", "uuid": "u"}]}'
    assert detect_format(fortee_like, options=Options(records="timetable")) == "custom-json"
    assert detect_format(fortee_like, options=Options(fields={"title": "title"})) == "custom-json"
    assert detect_format(fortee_like) == "fortee"


# --- what parse() does for every format ---------------------------------------------------------------


def test_an_unknown_format_and_records_outside_own_json_are_refused_by_name():
    assert refusal("title,start\n", "excel") == (
        "timetable: format: unknown format 'excel'; known: frab-xml, schedule-json, pretalx-api, pretalx-widget, "
        "sessionize, fortee, ics, csv, custom-json, yaml"
    )
    assert refusal(b'{"timetable": []}', "fortee", records="timetable") == (
        "fortee: --records: --records chooses a list in your own JSON or YAML, not in fortee timetable JSON"
    )
    assert refusal(b" \n", "csv") == "csv: the file is empty"


def test_an_oversized_file_says_its_size_and_the_limit():
    assert refusal(b" " * (MAX_BYTES + 1)) == "timetable: the file is 21.0 MB; the limit is 20 MB"
    assert refusal(b"x" * (MAX_BYTES + 1), "csv").startswith("timetable: the file is 21.0 MB")


def test_over_twenty_thousand_events_are_refused_before_parsing_them():
    ics = b"BEGIN:VCALENDAR\n" + b"BEGIN:VEVENT\nEND:VEVENT\n" * 20_001 + b"END:VCALENDAR\n"
    assert refusal(ics) == (
        "ics: 20,001 sessions; a conference holds at most 20,000 (split the file, or keep the days you need)"
    )
    xml = b"<schedule><day date='2026-07-25'>" + b"<event/>" * 20_001 + b"</day></schedule>"
    assert refusal(xml).startswith("frab-xml: 20,001 sessions; a conference holds at most 20,000")


def test_excel_unicode_text_is_read_as_utf16():
    data = "\ufeffタイトル\t日付\t開始\t終了\n講演\t2026-07-25\t10:00\t10:45\n".encode("utf-16-le")
    data = b"\xff\xfe" + data[2:]
    fmt, tt = parse(data)
    assert fmt == "csv"
    assert [(s.title, s.start.isoformat(), s.end.isoformat()) for s in tt.sessions] == [
        ("講演", "2026-07-25T10:00:00+09:00", "2026-07-25T10:45:00+09:00")
    ]
    big_endian = "title,date,start,end\nTalk,2026-07-25,10:00,10:45\n".encode("utf-16")  # BOM first
    assert parse(big_endian)[1].sessions[0].title == "Talk"


def test_control_characters_go_from_every_text_a_session_carries():
    event = {
        "guid": "g\u0001",
        "code": "C\u0002",
        "title": "Ti\u0007tle",
        "subtitle": "S\u001b[31m",
        "abstract": "line\n\tkept\u0000",
        "start": "2026-07-25T10:00:00+02:00",
        "end": "2026-07-25T10:30:00+02:00",
        "room": {"name": "R\u007foom"},
        "track": "T\u0008",
        "type": "k\u000eind",
        "language": "e\u0010n",
        "url": "https://example.org/\u009b",
        "persons": [{"name": "Ann\u0005"}],
        "links": [{"url": "https://example.org/s\u0003", "title": "Sl\u0004ides"}],
    }
    doc = {
        "schedule": {
            "conference": {
                "url": "https://con.example/\u0006",
                "title": "Con\u007ff",
                "time_zone_name": "Europe/Berlin",
                "rooms": [{"name": "R\u007foom"}],
            },
            "events": [event],
        }
    }
    _fmt, tt = parse(json.dumps(doc).encode())
    assert (tt.name, tt.url, tt.rooms) == ("Conf", "https://con.example/", ["Room"])
    s = tt.sessions[0]
    assert (s.key, s.code, s.title, s.subtitle, s.abstract) == ("g", "C", "Title", "S[31m", "line\n\tkept")
    assert (s.room, s.track, s.type, s.language, s.url) == ("Room", "T", "kind", "en", "https://example.org/")
    assert s.speakers == ["Ann"]
    assert s.links == [{"url": "https://example.org/s", "kind": "other", "title": "Slides"}]


# --- frab XML, item by item ---------------------------------------------------------------------------


def test_frab_refusals_name_the_element_or_the_line():
    assert refusal("<schedule><day date='2026-07-25'><entry><title>x</title></entry><entry/></day></schedule>") == (
        "frab-xml: <schedule>: not frab/pentabarf XML: a <schedule> without any <event> (it has <entry> ×2, "
        "<day> ×1, <title> ×1); no format here reads this XML as it is: export the timetable as CSV (title, "
        "date, start, end, room, speakers) or JSON and import that (custom JSON: --records PATH --map FIELD=PATH)"
    )
    assert refusal("<schedule><day date='2026-07-25'>text</day><day/></schedule>", "frab-xml") == (
        "frab-xml: no sessions in the file: nothing to import"
    )
    assert refusal("<schedule><day date='2026-07-25'><room name='A'/></day></schedule>", "frab-xml") == (
        "frab-xml: no sessions in the file: nothing to import"
    )
    broken = refusal("<schedule>\n<day date='2026-07-25'>\n<event>\n</day></schedule>", "frab-xml")
    assert broken == "frab-xml: line 4 column 2: not well-formed XML (mismatched tag: line 4, column 2)"
    assert refusal("<rss><channel/></rss>", "frab-xml") == "frab-xml: <rss>: the root element is not <schedule>"
    assert refusal(b'<!DOCTYPE s [<!ENTITY a "b">]><schedule>&a;</schedule>', "frab-xml") == (
        "frab-xml: document: refused: DTDForbidden (entities and DTDs are not allowed)"
    )


def test_frab_events_without_a_title_or_with_a_bad_time_are_skipped_by_number_and_id():
    _fmt, tt = parse(
        frab(
            "<event id='7'><title> </title><date>2026-07-25T10:00:00+02:00</date></event>"
            "<event><title>Bad</title><date>2026-07-25T25:00:00+02:00</date><duration>0:30</duration></event>"
            "<event id='9'><title>Bad length</title><date>2026-07-25T10:00:00+02:00</date><duration>soon</duration></event>"
            "<event id='10'><title>Good</title><date>2026-07-25T10:00:00+02:00</date><duration>0:30</duration></event>"
        )
    )
    assert [str(s) for s in tt.skipped] == [
        "event 1 (id 7): has no <title>",
        "event 2 (id ?) (Bad): bad date or time: hour must be in 0..23",
        "event 3 (id 9) (Bad length): bad date or time: not a duration: 'soon'",
    ]
    assert [s.key for s in tt.sessions] == ["id-10"]


def test_frab_keys_are_the_guid_else_the_code_else_the_id_else_title_and_speakers():
    _fmt, tt = parse(
        frab(
            "<event id='1' guid='G' code='C'><title>a</title><date>2026-07-25T10:00:00+02:00</date><duration>0:30</duration></event>"
            "<event id='2' code='C2'><title>b</title><date>2026-07-25T10:00:00+02:00</date><duration>0:30</duration></event>"
            "<event id='3'><title>c</title><date>2026-07-25T10:00:00+02:00</date><duration>0:30</duration></event>"
            "<event id=''><title>d</title><date>2026-07-25T10:00:00+02:00</date><duration>0:30</duration>"
            "<persons><person>Ann</person></persons></event>"
        )
    )
    assert [(s.key, s.code) for s in tt.sessions] == [
        ("G", "C"),
        ("C2", "C2"),
        ("id-3", ""),
        (derive_key("d", ["Ann"]), ""),
    ]


def test_frab_start_without_date_uses_the_day_and_day_change_moves_the_small_hours_to_the_next_day():
    def events(conference: str) -> list[tuple[str, str]]:
        data = (
            "<schedule><conference><time_zone_name>Europe/Berlin</time_zone_name>"
            f"{conference}</conference><day date='2026-07-25'><room name='A'>"
            "<event id='1'><title>late</title><start>1:30</start><duration>1:00</duration></event>"
            "<event id='2'><title>morning</title><start>07:00</start><duration>0:30</duration></event>"
            "<event id='3'><title>midnight</title><start>00:00</start><duration>0:30</duration></event>"
            "</room></day></schedule>"
        ).encode()
        return [(s.title, s.start.isoformat()) for s in parse(data)[1].sessions]

    assert events("<day_change>06:00</day_change>") == [
        ("late", "2026-07-26T01:30:00+02:00"),
        ("morning", "2026-07-25T07:00:00+02:00"),
        ("midnight", "2026-07-26T00:00:00+02:00"),
    ]
    assert events("<day_change>01:00</day_change>") == [
        ("late", "2026-07-25T01:30:00+02:00"),
        ("morning", "2026-07-25T07:00:00+02:00"),
        ("midnight", "2026-07-26T00:00:00+02:00"),
    ]
    without = [
        ("late", "2026-07-25T01:30:00+02:00"),
        ("morning", "2026-07-25T07:00:00+02:00"),
        ("midnight", "2026-07-25T00:00:00+02:00"),
    ]
    assert events("") == without
    assert events("<day_change>soon</day_change>") == without


def test_frab_date_without_offset_is_in_the_declared_zone_and_a_bad_zone_is_said():
    data = frab("<event id='1'><title>a</title><date>2026-07-25T10:00:00</date><duration>0:30</duration></event>")
    _fmt, tt = parse(data)
    assert (tt.timezone, tt.sessions[0].start.isoformat()) == ("Europe/Berlin", "2026-07-25T10:00:00+02:00")
    _fmt, tt = parse(data.replace(b"Europe/Berlin", b"Mars/Olympus"), options=Options(timezone="Europe/Lisbon"))
    assert (tt.timezone, tt.sessions[0].start.isoformat()) == ("Europe/Lisbon", "2026-07-25T10:00:00+01:00")
    assert tt.notes == ["unknown time zone 'Mars/Olympus' in the file"]


def test_frab_empty_durations_end_at_the_next_event_in_the_room_within_twelve_hours():
    def ends(duration=None):
        data = frab(
            "<event id='1'><title>open</title><start>10:00</start><duration></duration></event>"
            "<event id='2'><title>other room</title><start>10:15</start><duration>0:30</duration><room>B</room></event>"
            "<event id='3'><title>next</title><start>11:00</start><duration>0:30</duration></event>"
            "<event id='4'><title>last</title><start>12:00</start><duration/></event>"
            "<event id='5'><title>tomorrow</title><start>23:59</start><duration>0:30</duration><room>C</room></event>"
            "<event id='6'><title>open c</title><start>11:00</start><duration/><room>C</room></event>"
        ).replace(b"<day date='2026-07-25'>", b"<day date='2026-07-25'>")
        _fmt, tt = parse(data, options=Options(duration=duration))
        return [(s.title, s.end.time().isoformat("minutes")) for s in tt.sessions], [str(x) for x in tt.skipped]

    assert ends() == (
        [("open", "11:00"), ("other room", "10:45"), ("next", "11:30"), ("tomorrow", "00:29")],
        [
            "event 4 (id 4) (last): empty <duration> and no later event in its room: give --duration MINUTES",
            "event 6 (id 6) (open c): empty <duration> and no later event in its room: give --duration MINUTES",
        ],
    )
    assert ends(45) == (
        [
            ("open", "11:00"),
            ("other room", "10:45"),
            ("next", "11:30"),
            ("last", "12:45"),
            ("tomorrow", "00:29"),
            ("open c", "11:45"),
        ],
        [],
    )


# --- pretalx / c3voc schedule JSON -----------------------------------------------------------------


def schedule(conference: dict | None = None, **schedule_fields) -> bytes:
    return json.dumps(
        {"schedule": {"conference": {"time_zone_name": "Europe/Berlin", **(conference or {})}, **schedule_fields}}
    ).encode()


def test_schedule_json_refusals_name_the_place():
    assert refusal(b"[]", "schedule-json") == 'schedule-json: top level: expected {"schedule": {"conference": …}}'
    assert (
        refusal(b'{"schedule": []}', "schedule-json")
        == 'schedule-json: top level: expected {"schedule": {"conference": …}}'
    )
    assert refusal(schedule(), "schedule-json") == "schedule-json: schedule.conference: has neither days[] nor events[]"
    assert refusal(schedule({"days": [{"rooms": ["A"]}]})) == (
        "schedule-json: days[0].rooms: is not an object of room name -> events"
    )
    assert (
        refusal(schedule({"days": [{}, {"rooms": {"A": ["x"]}}]}))
        == "schedule-json: days[1].rooms['A'][0]: is not an object"
    )
    assert refusal(schedule(events=["x"])) == "schedule-json: events[0]: is not an object"


def test_schedule_json_v1_items_are_skipped_by_their_place_and_untimed_ones_kept():
    events = [
        {"title": " "},
        {"title": "bad", "date": "2026-07-25T10:00:00+02:00", "duration": "soon"},
        {"title": "no duration", "date": "2026-07-25T10:00:00+02:00", "id": 0},
        {"title": "clock only", "start": "10:00", "id": ""},
        {"title": "timed", "date": "2026-07-25T11:00:00+02:00", "duration": "0:45", "id": 5},
    ]
    _fmt, tt = parse(schedule({"days": [{"rooms": {" Hall  1 ": events, "Empty": None}}]}))
    assert [str(s) for s in tt.skipped] == [
        "days[0].rooms[' Hall  1 '][0]: has no title",
        "days[0].rooms[' Hall  1 '][1] (bad): bad date, start or duration: not a duration: 'soon'",
    ]
    assert [
        (s.key, s.title, s.start and s.start.isoformat(), s.end and s.end.isoformat(), s.room) for s in tt.sessions
    ] == [
        ("id-0", "no duration", "2026-07-25T10:00:00+02:00", "2026-07-25T10:00:00+02:00", "Hall 1"),
        (derive_key("clock only", []), "clock only", None, None, "Hall 1"),
        ("id-5", "timed", "2026-07-25T11:00:00+02:00", "2026-07-25T11:45:00+02:00", "Hall 1"),
    ]
    assert tt.notes == ["1 of the 3 sessions have no time yet"]


def test_schedule_json_v2_times_durations_people_and_links():
    events = [
        {
            "title": "ends",
            "start": "2026-07-25T10:00:00+02:00",
            "end": "2026-07-25T10:20:00+02:00",
            "duration": "PT1H",
            "room": {"slug": "saal-1"},
            "track": {"name": "Science", "slug": "science"},
            "participants": [
                {"name": "Ann", "role": "SPEAKER"},
                "Zed",
                {"name": "Bob"},
                {"name": "Cy", "role": "MODERATOR"},
            ],
            "links": [
                {"url": "https://example.org/a", "title": "A", "type": "slides"},
                "not a link",
                {"href": "https://example.org/b"},
                {"url": "ftp://example.org/c"},
            ],
            "attachments": [{"url": "https://example.org/a", "type": "SLIDES"}],
            "recording": {"url": "https://media.example.org/v"},
            "recording_url": "https://example.org/a",
        },
        {
            "title": "lasts",
            "start": "2026-07-25T11:00:00",
            "duration": "PT1H30M",
            "room": "Saal 2",
            "track": "Art",
            "persons": [{"public_name": "Dee", "name": "D. E."}, {"name": "Eve"}, {"public_name": ""}],
            "participants": [{"name": "ignored"}],
        },
        {"title": "zero", "start": "2026-07-25T12:00:00+02:00", "room": None},
        {"title": "bad", "start": "2026-07-25T13:00:00+02:00", "end": "later"},
    ]
    _fmt, tt = parse(schedule(events=events, base_url="https://base.example/"))
    assert tt.url == "https://base.example/"
    assert [str(s) for s in tt.skipped] == [
        "events[3] (bad): bad date, start or duration: Invalid isoformat string: 'later'"
    ]
    ends, lasts, zero = tt.sessions
    assert (ends.start.isoformat(), ends.end.isoformat(), ends.room, ends.track) == (
        "2026-07-25T10:00:00+02:00",
        "2026-07-25T10:20:00+02:00",
        "saal-1",
        "Science",
    )
    assert ends.speakers == ["Ann", "Bob"]
    assert ends.links == [
        {"url": "https://example.org/a", "kind": "slides", "title": "A"},
        {"url": "https://example.org/b", "kind": "other", "title": ""},
        {"url": "https://example.org/a", "kind": "slides", "title": ""},
        {"url": "https://media.example.org/v", "kind": "video", "title": "Recording"},
    ]
    assert (lasts.start.isoformat(), lasts.end.isoformat(), lasts.room, lasts.track) == (
        "2026-07-25T11:00:00+02:00",
        "2026-07-25T12:30:00+02:00",
        "Saal 2",
        "Art",
    )
    assert lasts.speakers == ["Dee", "Eve"]
    assert (zero.start, zero.end, zero.room) == (zero.start, zero.start, "")


def test_schedule_json_conference_title_url_and_rooms():
    events = [
        {"title": "a", "start": "2026-07-25T10:00:00+02:00", "end": "2026-07-25T10:30:00+02:00", "room": "Zero"},
        {"title": "b", "start": "2026-07-25T10:00:00+02:00", "end": "2026-07-25T10:30:00+02:00", "room": "One"},
        {"title": "c", "start": "2026-07-25T10:00:00+02:00", "end": "2026-07-25T10:30:00+02:00", "room": "Annex"},
    ]
    conference = {
        "title": " Con  2026 ",
        "url": "https://con.example/",
        "rooms": [{"name": "One"}, "Zero", {"slug": "unused"}, {}],
    }
    _fmt, tt = parse(schedule(conference, events=events, base_url="https://base.example/"))
    assert (tt.name, tt.url, tt.rooms) == ("Con 2026", "https://con.example/", ["One", "Zero", "Annex"])


# --- fortee --------------------------------------------------------------------------------------------


def test_fortee_refusals_and_skipped_items():
    expected = 'fortee: top level: expected {"timetable": [...]} or {"proposals": [...]}'
    assert refusal(b"[1]", "fortee") == expected
    assert refusal(b'{"timetable": "x"}', "fortee") == expected
    assert refusal(b'{"timetable": [1]}', "fortee") == "fortee: timetable[0]: is not an object"
    assert (
        refusal(b'{"proposals": [{"title": "t", "accepted": true}, 2]}', "fortee")
        == "fortee: proposals[1]: is not an object"
    )
    items = [
        {"title": ""},
        {"title": "t", "starts_at": "2026-07-25T10:00:00+09:00", "length_min": "long"},
        {"title": "u", "starts_at": "soon", "length_min": 5},
        {"title": "v", "starts_at": "2026-07-25T10:00:00+09:00", "length_min": 30},
    ]
    _fmt, tt = parse(json.dumps({"timetable": items}).encode(), "fortee")
    assert [str(s) for s in tt.skipped] == [
        "timetable[0]: has no title",
        "timetable[1] (t): bad starts_at/length_min: invalid literal for int() with base 10: 'long'",
        "timetable[2] (u): bad starts_at/length_min: Invalid isoformat string: 'soon'",
    ]
    assert [s.title for s in tt.sessions] == ["v"]


def test_fortee_fields_speakers_links_tags_and_rooms_by_their_sort():
    items = [
        {
            "type": "talk",
            "uuid": "u1",
            "title": "Talk",
            "abstract": " text\r\nmore ",
            "url": "https://fortee.jp/e/proposal/u1",
            "track": {"name": "Track B", "sort": 1},
            "starts_at": "2026-07-25T10:00:00+09:00",
            "length_min": 40,
            "speaker": {"name": " 山田  太郎 "},
            "slide_url": "https://speakerdeck.com/x/y",
            "blog_url": "https://example.com/blog",
            "tags": [{"name": "Sponsor"}, "LT", {"name": ""}],
        },
        {
            "title": "Panel",
            "track": {"name": "Track A", "sort": 2},
            "starts_at": "2026-07-25T11:00:00+09:00",
            "length_min": 30,
            "speaker": [{"name": "A"}, {"name": " "}, "x", {"name": "B"}],
            "slide_url": "javascript:alert(1)",
        },
        {
            "type": "timeslot",
            "title": "受付",
            "track": {"name": "Hall"},
            "starts_at": "2026-07-25T09:00:00+09:00",
            "length_min": 60,
        },
        {"title": "unscheduled", "speaker": {"name": ""}},
    ]
    _fmt, tt = parse(json.dumps({"timetable": items}).encode(), "fortee")
    talk, panel, desk, later = tt.sessions
    assert (talk.key, talk.abstract, talk.url, talk.room, talk.room_code, talk.track, talk.type) == (
        "u1",
        "text\nmore",
        "https://fortee.jp/e/proposal/u1",
        "Track B",
        "B",
        "Sponsor, LT",
        "talk",
    )
    assert (talk.speakers, talk.end.isoformat()) == (["山田 太郎"], "2026-07-25T10:40:00+09:00")
    assert talk.links == [
        {"url": "https://speakerdeck.com/x/y", "kind": "slides", "title": ""},
        {"url": "https://example.com/blog", "kind": "blog", "title": ""},
    ]
    assert (panel.key, panel.type, panel.speakers, panel.links) == (
        derive_key("Panel", ["A", "B"]),
        "talk",
        ["A", "B"],
        [],
    )
    assert (desk.is_break, desk.type, talk.is_break) == (True, "timeslot", False)
    assert (later.start, later.end, later.speakers, later.room) == (None, None, [], "")
    assert (tt.language, tt.rooms) == ("ja", ["Hall", "Track B", "Track A"])  # by their sort, not by name


def test_fortee_plus_nine_is_tokyo_unless_the_user_names_a_zone_and_other_offsets_win_over_the_default():
    one = {"title": "t", "starts_at": "2026-07-25T10:00:00+09:00", "length_min": 30}
    data = json.dumps({"timetable": [{"title": "untimed", "uuid": "u"}, one]}).encode()
    _fmt, tt = parse(data)
    assert (tt.timezone, tt.notes) == ("Asia/Tokyo", ["1 of the 2 sessions have no time yet"])
    _fmt, tt = parse(data, options=Options(timezone="Asia/Seoul", default_timezone="Europe/Paris"))
    assert (tt.timezone, tt.sessions[1].start.isoformat()) == ("Asia/Seoul", "2026-07-25T10:00:00+09:00")
    _fmt, tt = parse(data, options=Options(default_timezone="Europe/Paris"))
    assert tt.timezone == "Asia/Tokyo"
    proposals = {
        "proposals": [
            {"title": "p", "accepted": True, "timetable": {"starts_at": "2026-07-25T10:00:00+02:00", "length_min": 5}}
        ]
    }
    _fmt, tt = parse(json.dumps(proposals).encode())
    assert (tt.timezone, tt.sessions[0].start.isoformat()) == ("Etc/GMT-2", "2026-07-25T10:00:00+02:00")
    assert tt.notes == [
        "the file names no time zone (default Asia/Tokyo), but its times carry UTC+02:00: shown in UTC+02:00 "
        "(--timezone names the zone)"
    ]


def test_sessionize_refusals_and_skipped_items():
    expected = "sessionize: top level: expected Sessionize data: an object with sessions[] or a list of days"
    assert refusal(b'{"sessions": "x"}', "sessionize") == expected
    assert refusal(b'"x"', "sessionize") == expected
    assert refusal(b'{"sessions": [{"title": "t", "when": 1}]}', "sessionize") == (
        "sessionize: sessions: its sessions[] have no startsAt/endsAt (their keys: title, when), so this is not "
        "Sessionize; read it as your own JSON: --records sessions --map title=… --map start=…"
    )
    raw = [
        {"id": 1},
        {"id": 2, "title": "a", "startsAt": "2026-07-25T10:00:00", "endsAt": "soon"},
        {"id": 3, "title": "b", "startsAt": "2026-07-25T10:00:00"},
        {"id": 4, "title": "b2", "endsAt": "2026-07-25T10:00:00"},
        {"id": "", "title": "c", "startsAt": None, "endsAt": None, "speakers": [{"name": "Ann"}]},
    ]
    _fmt, tt = parse(sessionize(*raw), options=Options(timezone="Europe/Berlin"))
    assert [str(s) for s in tt.skipped] == [
        "sessions[0] (id 1): has no title",
        "sessions[1] (id 2) (a): bad startsAt/endsAt: Invalid isoformat string: 'soon'",
        "sessions[2] (id 3) (b): has only one of startsAt and endsAt",
        "sessions[3] (id 4) (b2): has only one of startsAt and endsAt",
    ]
    assert [(s.key, s.title, s.start, s.speakers) for s in tt.sessions] == [
        (derive_key("c", ["Ann"]), "c", None, ["Ann"])
    ]
    assert tt.notes == ["none of the 1 sessions has a time yet: they are listed as “no time yet”"]


def test_sessionize_all_data_speakers_rooms_and_categories_by_id():
    doc = {
        "sessions": [
            {
                "id": "7",
                "title": "Talk",
                "description": "About\r\nit ",
                "startsAt": "2026-07-25T10:00:00",
                "endsAt": "2026-07-25T10:45:00",
                "speakers": ["s2", "s1", "gone", "s3"],
                "categoryItems": [11, 21, 31, 41, 99],
                "roomId": 2,
            },
            {
                "id": 8,
                "title": "Lunch",
                "startsAt": "2026-07-25T12:00:00",
                "endsAt": "2026-07-25T13:00:00",
                "isServiceSession": False,
                "roomId": 1,
                "room": "Own room",
            },
            {
                "id": 9,
                "title": "Keynote",
                "startsAt": "2026-07-25T09:00:00",
                "endsAt": "2026-07-25T09:30:00",
                "isServiceSession": True,
                "roomId": 3,
            },
        ],
        "speakers": [
            {"id": "s1", "fullName": " Ann  Lee ", "firstName": "x"},
            {"id": "s2", "name": "Bo"},
            {"id": "s3", "firstName": "Cy", "lastName": "Dee"},
        ],
        "rooms": [
            {"id": 1, "name": "Hall", "sort": 2},
            {"id": 2, "name": "Room 2", "sort": 1},
            {"id": 3, "name": "Annex", "sort": "x"},
        ],
        "categories": [
            {"title": "Session format", "items": [{"id": 11, "name": "Talk"}]},
            {"name": "Track", "categoryItems": [{"id": 21, "name": "Cloud"}]},
            {"title": "Language", "items": [{"id": 31, "name": "English"}]},
            {"title": "Level", "items": [{"id": 41, "name": "Expert"}]},
        ],
    }
    _fmt, tt = parse(json.dumps(doc).encode(), options=Options(timezone="Europe/Berlin"))
    talk, lunch, keynote = tt.sessions
    assert (talk.key, talk.abstract, talk.room, talk.room_code) == ("sessionize-7", "About\nit", "Room 2", "2")
    assert talk.speakers == ["Bo", "Ann Lee", "Cy Dee"]
    assert (talk.track, talk.type, talk.language, talk.is_break) == ("Cloud", "Talk", "English", False)
    assert (talk.start.isoformat(), talk.end.isoformat()) == ("2026-07-25T10:00:00+02:00", "2026-07-25T10:45:00+02:00")
    assert (lunch.key, lunch.room, lunch.is_break, lunch.track, lunch.type) == (
        "sessionize-8",
        "Own room",
        True,
        "",
        "",
    )
    assert (keynote.room, keynote.is_break) == ("Annex", True)
    assert tt.rooms == ["Annex", "Room 2", "Own room"]


@pytest.mark.parametrize(
    ("categories", "track", "kind", "language"),
    [
        ([("トピック / Topic", "UI"), ("形式", "LT"), ("言語", "日本語")], "UI", "LT", "日本語"),
        ([("Topics", "Web"), ("Session Type", "Panel")], "Web", "Panel", ""),
        ([("Category", "Data"), ("Format", "Workshop"), ("Track", "Main")], "Main", "Workshop", ""),
        (
            [("Session Category", "Data"), ("Format", "Talk")],
            "Data",
            "Talk",
            "",
        ),  # a category is the track only without one
        ([("Track", "A"), ("track 2", "B")], "A, B", "", ""),
        ([("トラック", "ルームA"), ("Level", "Expert")], "ルームA", "", ""),
        ([("トピック", "設計"), ("Language", "English"), ("Language", "Mixed")], "設計", "", "English, Mixed"),
    ],
    ids=safe_id,
)
def test_sessionize_categories_by_their_title_give_track_type_and_language(categories, track, kind, language):
    """GridSmart embeds the categories; their titles name what they are (English or Japanese)."""
    day = {
        "date": "2026-07-25T00:00:00",
        "rooms": [
            {
                "id": 1,
                "name": "Hall",
                "sessions": [
                    {
                        "id": "1",
                        "title": "Talk",
                        "startsAt": "2026-07-25T10:00:00",
                        "endsAt": "2026-07-25T10:30:00",
                        "speakers": [{"id": "a", "name": "Ann"}, {"id": "b", "fullName": "Bo"}],
                        "categories": [{"name": name, "categoryItems": [{"name": item}]} for name, item in categories],
                    }
                ],
            }
        ],
    }
    _fmt, tt = parse(json.dumps([day]).encode(), options=Options(timezone="UTC"))
    talk = tt.sessions[0]
    assert (talk.track, talk.type, talk.language) == (track, kind, language)
    assert (talk.room, talk.speakers) == ("Hall", ["Ann", "Bo"])


def test_sessionize_gridsmart_rooms_come_from_the_day_when_a_session_names_none():
    days = [
        {
            "date": "d1",
            "rooms": [
                {
                    "name": "Zeta",
                    "sessions": [
                        {"id": 1, "title": "a", "startsAt": "2026-07-25T10:00:00", "endsAt": "2026-07-25T10:30:00"}
                    ],
                }
            ],
        },
        {
            "date": "d2",
            "rooms": [
                {
                    "name": "Alpha",
                    "sessions": [
                        {
                            "id": 2,
                            "title": "b",
                            "startsAt": "2026-07-26T10:00:00",
                            "endsAt": "2026-07-26T10:30:00",
                            "room": "Beta",
                        }
                    ],
                },
                {"name": "Zeta", "sessions": None},
            ],
        },
        {"date": "d3", "timeSlots": []},
    ]
    _fmt, tt = parse(json.dumps(days).encode(), options=Options(timezone="UTC"))
    assert [(s.key, s.room) for s in tt.sessions] == [("sessionize-1", "Zeta"), ("sessionize-2", "Beta")]
    assert tt.rooms == ["Zeta", "Beta"]  # the event's order where it gives one, then the others


# --- pretalx API and widget ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("  Plain  text ", "Plain text"),
        ({"de": "Saal", "en": " Hall  1 "}, "Hall 1"),
        ({"en": "", "de": "Saal", "fr": "Salle"}, "Saal"),
        ({"name": {"de": "Raum", "en": "Room"}}, "Room"),
        ({"name": "Named"}, "Named"),
        ({"id": 3, "de": " ", "fr": "Salle"}, "Salle"),
        ({"id": 3}, ""),
        (None, ""),
        (42, "42"),
    ],
    ids=safe_id,
)
def test_pretalx_texts_are_english_else_the_first_language_given(value, text):
    assert i18n(value) == text


def test_pretalx_api_talks_every_field_and_the_bare_list():
    talks = [
        {
            "code": "ABC123",
            "title": {"en": "Talk", "de": "Vortrag"},
            "state": "confirmed",
            "abstract": "Short",
            "description": "Long\r\ntext",
            "content_locale": " de ",
            "track": {"en": "Science"},
            "submission_type": {"de": "Vortrag", "fr": "Exposé"},
            "speakers": [{"name": " Ann "}, {"code": "x"}, "Bob", {"name": "Cy"}],
            "slot": {"start": "2026-07-25T10:00:00Z", "end": "2026-07-25T10:30:00Z", "room": "Track 2"},
            "recording_url": "https://media.example.org/abc",
        },
        {"code": "", "title": "No code", "slot": {"start": "2026-07-25T11:00:00Z", "end": "2026-07-25T11:30:00Z"}},
        {"code": "", "title": "", "slot": None},
        {"code": "OLD", "title": "Old", "state": "rejected"},
        {"code": "NEW", "title": "Draft", "state": "submitted"},
    ]
    fmt, tt = parse(json.dumps(talks).encode())
    assert fmt == "pretalx-api"
    talk, untitled_code = tt.sessions
    assert (talk.key, talk.code, talk.title, talk.abstract, talk.language) == (
        "ABC123",
        "ABC123",
        "Talk",
        "Short\n\nLong\ntext",
        "de",
    )
    assert (talk.track, talk.type, talk.room, talk.room_code, talk.speakers) == (
        "Science",
        "Vortrag",
        "Track 2",
        "2",
        ["Ann", "Cy"],
    )
    assert (talk.start.isoformat(), talk.end.isoformat()) == ("2026-07-25T10:00:00+00:00", "2026-07-25T10:30:00+00:00")
    assert talk.links == [{"url": "https://media.example.org/abc", "kind": "video", "title": "Recording"}]
    assert (untitled_code.key, untitled_code.code) == (derive_key("No code", []), "")
    assert [str(s) for s in tt.skipped] == ["results[2]: no title"]
    assert tt.notes == [
        "the file names no time zone (default Asia/Tokyo), but its times carry UTC+00:00: shown in UTC+00:00 "
        "(--timezone names the zone)",
        "2 submissions not confirmed (rejected, withdrawn or still in review) were left out",
    ]
    assert refusal(b'{"results": [{"title": "t"}]}', "pretalx-api") == (
        'pretalx-api: top level: expected the pretalx API\'s talks: {"results": [{"code", "title", "slot", …}]} or that list'
    )
    assert refusal(json.dumps([talks[0], 5]).encode(), "pretalx-api") == "pretalx-api: results[1]: is not an object"


def test_pretalx_widget_every_field_and_its_refusals():
    doc = {
        "timezone": " Europe/Vienna ",
        "rooms": [{"id": 1, "name": {"en": "Hall"}}, "junk", {"id": 2, "name": ""}],
        "tracks": [{"id": 7, "name": {"de": "Wissenschaft"}}, "junk"],
        "speakers": [{"code": "S1", "name": " Ann "}, "junk", {"code": "S2", "name": "Bo"}],
        "talks": [
            {
                "code": "T1",
                "title": {"en": "Talk"},
                "abstract": " About ",
                "start": "2026-07-25T10:00:00",
                "end": "2026-07-25T10:30:00",
                "room": 1,
                "track": 7,
                "speakers": ["S2", "S1"],
                "recording": "https://media.example.org/t1",
            },
            {
                "code": "",
                "title": "Kaffeepause",
                "start": "2026-07-25T11:00:00+02:00",
                "end": "2026-07-25T11:15:00+02:00",
                "room": 9,
                "track": 8,
            },
        ],
    }
    fmt, tt = parse(json.dumps(doc).encode())
    assert (fmt, tt.timezone, tt.rooms, tt.notes) == ("pretalx-widget", "Europe/Vienna", ["Hall"], [])
    talk, coffee = tt.sessions
    assert (talk.key, talk.code, talk.title, talk.abstract, talk.room, talk.track, talk.speakers) == (
        "T1",
        "T1",
        "Talk",
        "About",
        "Hall",
        "Wissenschaft",
        ["Bo", "Ann"],
    )
    assert talk.start.isoformat() == "2026-07-25T10:00:00+02:00"
    assert talk.links == [{"url": "https://media.example.org/t1", "kind": "video", "title": "Recording"}]
    assert (coffee.key, coffee.room, coffee.track, coffee.is_break) == (derive_key("Kaffeepause", []), "", "", True)
    assert refusal(b'{"talks": [{"code": "C", "title": "t"}]}', "pretalx-widget") == (
        'pretalx-widget: top level: expected pretalx widget data: {"talks": [{"code", "title", …}], "rooms"}'
    )
    assert refusal(json.dumps({**doc, "talks": [doc["talks"][0], 5]}).encode(), "pretalx-widget") == (
        "pretalx-widget: talks[1]: is not an object"
    )
    _fmt, tt = parse(
        json.dumps({**doc, "talks": [{**doc["talks"][0], "code": "", "start": "soon"}, doc["talks"][1]]}).encode(),
        "pretalx-widget",
    )
    assert [str(s) for s in tt.skipped] == ["talks[0] (Talk): bad start/end: Invalid isoformat string: 'soon'"]


# --- iCalendar ---------------------------------------------------------------------------------------


def calendar(*events: str, head: str = "") -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{head}{body}END:VCALENDAR\r\n".replace("\n\n", "\n").encode()


def test_ics_refusals_name_the_calendar_or_the_event():
    assert refusal(b"hello\n", "ics") == (
        "ics: calendar: not a valid iCalendar file: Content line could not be parsed into parts: 'hello': Invalid content line"
    )
    assert refusal(b"BEGIN:VTODO\nEND:VTODO\n", "ics") == "ics: calendar: no VCALENDAR in the file"
    assert refusal(calendar("UID:a\nSUMMARY:x\nDTSTART:20260725T100000Z", "END:VTODO"), "ics") == (
        "ics: VEVENT 2: not a valid iCalendar event: END encountered without an accompanying BEGIN!"
    )
    assert refusal(calendar(), "ics") == "ics: no sessions in the file: nothing to import"


def test_ics_events_that_cannot_be_used_are_named_by_number_uid_and_title():
    data = calendar(
        "UID:raffle\nSUMMARY:Raffle\nDTSTART;VALUE=DATE:20260725",
        "SUMMARY:Mixed\nDTSTART:20260725T100000Z\nDTEND;VALUE=DATE:20260726",
        "UID:c\nSUMMARY:Backwards\nDTSTART:20260725T100000Z\nDTEND:20260725T090000Z",
        "UID:d\nDTSTART:20260725T100000Z\nDURATION:PT45M",
        "UID:e\nSUMMARY:No start",
        "UID:f\nSUMMARY:Java duration\nDTSTART:20260725T100000Z\nDURATION:P0Y0M0DT0H40M0.000S",
        "UID:g\nSUMMARY:Bad duration\nDTSTART:20260725T100000Z\nDURATION:soon",
        "UID:h\nSUMMARY:Five digits\nDTSTART:20260725T93000Z\nDTEND:20260725T100000Z",
        "UID:i\nSUMMARY:Instant\nDTSTART:20260725T120000Z",
        *[f"UID:day{n}\nSUMMARY:Day {n}\nDTSTART;VALUE=DATE:2026072{n}" for n in range(1, 7)],
    )
    _fmt, tt = parse(data, options=Options(timezone="UTC"))
    assert [str(s) for s in tt.skipped] == [
        "VEVENT 2 (Mixed): DTEND is a date, DTSTART a time",
        "VEVENT 3 (UID c) (Backwards): ends (09:00) before it starts (10:00)",
        "VEVENT 5 (UID e) (No start): no DTSTART",
        "VEVENT 7 (UID g) (Bad duration): not a duration: 'soon'",
        "VEVENT 8 (UID h) (Five digits): bad DTSTART '20260725T93000Z'",
    ]
    assert [s.abstract for s in tt.sessions] == ["", "", ""]  # no DESCRIPTION: no abstract (not "None")
    assert [(s.key, s.title, s.start.time().isoformat(), s.end.time().isoformat()) for s in tt.sessions] == [
        ("d", "(untitled)", "10:00:00", "10:45:00"),
        ("f", "Java duration", "10:00:00", "10:40:00"),
        ("i", "Instant", "12:00:00", "12:00:00"),
    ]
    assert tt.notes == [
        "VEVENT 4 (UID d): no SUMMARY; shown as '(untitled)'",
        "7 all-day events are not talks and were left out: Raffle, Day 1, Day 2, Day 3, Day 4 and 2 more",
    ]


def test_ics_fields_people_rooms_categories_and_the_calendars_zone():
    event = (
        "UID:a\nSUMMARY:Talk &amp; demo\nDTSTART:20260725T100000\nDTEND:20260725T110000\nLOCATION:Sala &amp; 1\n"
        "URL:javascript:alert(1)\nCATEGORIES:Web,Cloud\nCATEGORIES:Data\n"
        'ORGANIZER;CN=Ann Lee:mailto:a@example.org\nATTENDEE;CN="Bo, Cy":mailto:b@example.org\n'
        "ATTENDEE:mailto:x@example.org\nDESCRIPTION:Line1\\nLine2 &lt;b&gt;\\n"
    )
    _fmt, tt = parse(calendar(event, head="X-WR-TIMEZONE:Europe/Rome\r\nX-WR-CALNAME: Con  2026 \r\n"))
    talk = tt.sessions[0]
    assert (tt.name, tt.timezone, tt.notes, tt.keeps) == ("Con 2026", "Europe/Rome", [], ())
    assert (talk.title, talk.room, talk.url, talk.track, talk.code) == (
        "Talk & demo",
        "Sala & 1",
        "",
        "Web, Cloud, Data",
        "",
    )
    assert talk.speakers == ["Ann Lee", "Bo", "Cy"]
    assert talk.abstract == "Line1\nLine2 <b>"
    assert (talk.start.isoformat(), talk.end.isoformat()) == ("2026-07-25T10:00:00+02:00", "2026-07-25T11:00:00+02:00")
    one = (
        "UID:a\nSUMMARY:Talk\nDTSTART:20260725T100000\nDTEND:20260725T110000\nURL:https://example.org/t\nCATEGORIES:Web"
    )
    for head, zone_name in (
        ("VTIMEZONE:Europe/Rome\r\n", "Europe/Rome"),  # a property some generators write instead of the component
        ("BEGIN:VTIMEZONE\r\nTZID:Europe/Lisbon\r\nEND:VTIMEZONE\r\n", "Europe/Lisbon"),
        ("X-WR-TIMEZONE: \r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Lisbon\r\nEND:VTIMEZONE\r\n", "Europe/Lisbon"),
    ):
        _fmt, tt = parse(calendar(one, head=head))
        assert (tt.timezone, tt.sessions[0].url, tt.sessions[0].track) == (zone_name, "https://example.org/t", "Web")


def test_ics_in_several_calendars_all_events_are_read_and_the_first_calendar_names_the_conference():
    first = calendar(
        "UID:a\nSUMMARY:A\nDTSTART:20260725T100000Z\nDTEND:20260725T110000Z", head="X-WR-CALNAME:First\r\n"
    )
    second = calendar(
        "UID:b\nSUMMARY:B\nDTSTART:20260726T100000Z\nDTEND:20260726T110000Z", head="X-WR-CALNAME:Second\r\n"
    )
    _fmt, tt = parse(first + second, options=Options(timezone="UTC"))
    assert ([s.key for s in tt.sessions], tt.name) == (["a", "b"], "First")
    assert tt.notes == ["2 calendars in one file: the events of all of them were read"]


def test_ics_times_are_read_in_the_zone_their_offsets_say():
    floating = "UID:a\nSUMMARY:A\nDTSTART:20260725T100000\nDTEND:20260725T110000"
    utc = "UID:b\nSUMMARY:B\nDTSTART:20260725T100000Z\nDTEND:20260725T110000Z"
    _fmt, tt = parse(calendar(floating, utc))
    assert tt.timezone == "UTC" and [s.start.isoformat() for s in tt.sessions] == [
        "2026-07-25T10:00:00+00:00",
        "2026-07-25T10:00:00+00:00",
    ]
    _fmt, tt = parse(calendar(floating))
    assert tt.timezone == "Asia/Tokyo" and tt.sessions[0].start.isoformat() == "2026-07-25T10:00:00+09:00"
    tokyo = "UID:c\nSUMMARY:C\nDTSTART;TZID=Asia/Tokyo:20260725T100000\nDTEND;TZID=Asia/Tokyo:20260725T110000"
    _fmt, tt = parse(calendar(floating, tokyo), options=Options(default_timezone="Europe/Berlin"))
    assert tt.timezone == "Etc/GMT-9" and [s.start.isoformat() for s in tt.sessions] == [
        "2026-07-25T10:00:00+09:00",
        "2026-07-25T10:00:00+09:00",
    ]


@pytest.mark.parametrize(
    ("summary", "title", "speakers"),
    [
        ("Title - Ann", "Title", ["Ann"]),
        ("Title - Ann [ACME - Labs, Inc.], Bo", "Title", ["Ann [ACME - Labs, Inc.]", "Bo"]),
        ("A - B - Ann, Bo", "A - B", ["Ann", "Bo"]),
        ("Title -", "Title", []),
        ("Title - ", "Title", []),
        ("Title (Ann, Bo)", "Title", ["Ann", "Bo"]),
        ("Title (with (nested))", "Title (with (nested))", []),
        ("Just a title", "Just a title", []),
        ("[a - b] title", "[a - b] title", []),
        ("Title - Ann]] - Bo", "Title - Ann]]", ["Bo"]),
    ],
    ids=safe_id,
)
def test_pretalx_summaries_split_into_title_and_speakers(summary, title, speakers):
    assert split_pretalx_summary(summary) == (title, speakers)


def test_a_pretalx_calendar_gives_codes_and_keeps_what_it_lacks():
    events = [
        "UID:pretalx-con-ABC123@cfp.example.org\nSUMMARY:Talk - Ann\nDTSTART:20260725T100000Z\nDTEND:20260725T110000Z",
        "UID:other\nSUMMARY:Other (Bo)\nDTSTART:20260725T100000Z\nDTEND:20260725T110000Z\nURL:https://cfp.example.org/con/talk/XYZ9/",
        "UID:third\nSUMMARY:Third\nDTSTART:20260725T100000Z\nDTEND:20260725T110000Z\nURL:https://cfp.example.org/con/schedule/",
    ]
    _fmt, tt = parse(calendar(*events, head="PRODID:-//pretalx//cfp.example.org//\r\n"))
    assert [(s.key, s.code, s.title, s.speakers) for s in tt.sessions] == [
        ("pretalx-con-ABC123@cfp.example.org", "ABC123", "Talk", ["Ann"]),
        ("other", "XYZ9", "Other", ["Bo"]),
        ("third", "", "Third", []),
    ]
    assert tt.keeps == ("abstract", "url", "code", "subtitle", "track", "type", "language", "links", "is_break")
    assert tt.notes[-1] == (
        "a pretalx calendar: speakers split from the titles; a re-import keeps the abstract, track and links the "
        "schedule XML/JSON gave"
    )


# --- CSV: encodings, the header, the rows ------------------------------------------------------------


def csv_sessions(data: bytes | str, **options) -> list[tuple]:
    _fmt, tt = parse(data.encode() if isinstance(data, str) else data, "csv", options=Options(**options))
    return [(s.title, s.start and s.start.isoformat(), s.end and s.end.isoformat()) for s in tt.sessions]


def test_csv_encodings_bom_utf8_cp932_cp1252_or_the_one_named():
    row = "タイトル,日付,開始,終了\n講演,2026-07-25,10:00,10:45\n"
    expected = [("講演", "2026-07-25T10:00:00+09:00", "2026-07-25T10:45:00+09:00")]
    assert csv_sessions(row.encode("utf-8")) == expected
    assert csv_sessions(b"\xef\xbb\xbf" + row.encode("utf-8")) == expected
    assert csv_sessions(row.encode("cp932")) == expected
    assert csv_sessions(row.encode("utf-16-be"), encoding="utf-16-be") == expected
    german = "Titel;Datum;Beginn;Ende\nÜberblick…;25.07.2026;10:00;11:00\n".encode("cp1252")  # not cp932
    assert csv_sessions(german) == [("Überblick…", "2026-07-25T10:00:00+09:00", "2026-07-25T11:00:00+09:00")]
    latin = "Titel;Datum;Beginn;Ende\nÜberblick;25.07.2026;10:00;11:00\n".encode("latin-1")
    assert csv_sessions(latin, encoding="latin-1")[0][0] == "Überblick"
    assert (
        refusal(b"\xef\xbb\xbftitle,date,start,end\n\xff,2026-07-25,10:00,11:00\n", "csv")
        == "csv: byte 24: not UTF-8 text"
    )
    assert refusal(b"title,start\n\x81 x,10:00\n", "csv") == (
        "csv: encoding: not UTF-8, cp932/Shift_JIS or cp1252 text; say which with --encoding"
    )
    assert refusal(b"title,start\n", "csv", encoding="klingon") == (
        "csv: encoding: cannot read the file as klingon: unknown encoding: klingon"
    )
    assert refusal(b"title,start\n\x81\xff\n", "csv", encoding="utf-8") == (
        "csv: encoding: cannot read the file as utf-8: 'utf-8' codec can't decode byte 0x81 in position 12: "
        "invalid start byte"
    )


def test_csv_separators_and_line_ends():
    expected = [("A", "2026-07-25T10:00:00+09:00", "2026-07-25T11:00:00+09:00")]
    for data in (
        "title,date,start,end\r\nA,2026-07-25,10:00,11:00\r\n",
        "title,date,start,end\rA,2026-07-25,10:00,11:00\r",  # old Mac Excel
        "title\tdate\tstart\tend\nA\t2026-07-25\t10:00\t11:00",
        "title;date;start;end\nA;2026-07-25;10:00;11:00\n",
        "title;date;start;end\nA;2026-07-25;10:00;11:00\n\n\n",
        "\n\ntitle,date,start,end\n\nA,2026-07-25,10:00,11:00\n,,,\n",
    ):
        assert csv_sessions(data) == expected, data
    comma_in_title = 'title;date;start;end\n"A, B and C";2026-07-25;10:00;11:00\n'
    assert csv_sessions(comma_in_title)[0][0] == "A, B and C"
    assert refusal('title,date,start,end\n"' + "x" * 140_000 + '",2026-07-25,10:00,11:00\n', "csv") == (
        "csv: line 2: broken CSV: field larger than field limit (131072)"
    )


def test_csv_refusals_say_what_the_first_rows_look_like():
    assert refusal("who,when\nx,y\n", "csv") == (
        "csv: header: no header row naming a title column in the first 30 rows (they look like: 'who, when'; "
        "'x, y'); the header names the columns, e.g. title,date,start,end,room,speakers (title headers: title, "
        "talk title, session title, event title, presentation title, タイトル, …; or --map title=HEADER)"
    )
    assert refusal("note\nanother line\n", "csv") == (
        "csv: line 1: not a timetable: no line has columns and none names a field (title, date, start, room…); it "
        "starts: 'note'; 'another line'"
    )
    assert refusal("\n\n,,\n", "csv") == "csv: line 1: the file is empty"
    assert refusal("x,y\nA,10:00\n", "csv", fields={"title": "titel"}) == (
        "csv: header: no row names the columns given with --map ('titel'); the first rows: 'x, y'; 'A, 10:00'"
    )
    assert refusal("x,y\nA,10:00\n", "csv", fields={"start": "Y"}) == (
        "csv: line 1: no column is the title: say which one is (--map title=HEADER); the columns: x, y"
    )
    assert refusal("title,start\nA,10:00\n", "csv") == (
        "csv: header: no end or duration column: give the talks' length with --duration MINUTES"
    )
    assert refusal("title,start\nA,10:00\n", "csv", duration=30) == (
        "csv: line 2: no date for this time: add a date column or give the first day with --date YYYY-MM-DD"
    )
    long_rows = "\n".join(f"row {n}, and more" for n in range(40))
    assert refusal(long_rows, "csv").startswith(
        "csv: header: no header row naming a title column in the first 30 rows (they look like: 'row 0,  and "
        "more'; 'row 1,  and more'; 'row 2,  and more'; 'row 3,  and more'); "
    )


def test_csv_header_is_found_below_title_rows_and_the_first_names_the_conference():
    data = "July Tech Festa 2026 タイムテーブル\n\nDay one\ntitle,date,start,end,notes,,memo\nA,2026-07-25,10:00,11:00,x,,y\n"
    _fmt, tt = parse(data.encode(), "csv")
    assert tt.name == "July Tech Festa 2026"
    assert tt.notes[1:] == [
        "2 title rows above the header (line 4) were left out: 'July Tech Festa 2026 タイムテーブル'; 'Day one'",
        "columns not used: notes, memo",
    ]
    _fmt, tt = parse(b"2026 Programme\ntitle,date,start,end\nA,2026-07-25,10:00,11:00\n", "csv")
    assert (tt.name, tt.notes[1]) == ("", "1 title row above the header (line 2) was left out: '2026 Programme'")
    # A title column alone does not make a header below the first row; with a second known column it does.
    data = "Title of the day\ntitle,whatever\ntitle,date,start,end\nA,2026-07-25,10:00,11:00\n"
    assert csv_sessions(data) == [("A", "2026-07-25T10:00:00+09:00", "2026-07-25T11:00:00+09:00")]


def test_csv_map_names_columns_by_their_header_whatever_the_case_and_spacing():
    data = "Talk_Name,When,Until,Where\nA,2026-07-25 10:00,2026-07-25 11:00,Hall\n"
    fields = {"title": "talk name", "start": "WHEN", "end": "until", "room": "Where"}
    _fmt, tt = parse(data.encode(), "csv", options=Options(fields=fields))
    assert [(s.title, s.start.isoformat(), s.room) for s in tt.sessions] == [("A", "2026-07-25T10:00:00+09:00", "Hall")]
    # The mapped column is that field only: "Title" no longer counts as the title when --map names another.
    data = "Title,Name,Start,End\nnot this,A,2026-07-25 10:00,2026-07-25 11:00\n"
    _fmt, tt = parse(data.encode(), "csv", options=Options(fields={"title": "name"}))
    assert [s.title for s in tt.sessions] == ["A"]
    assert tt.notes[-1] == "columns not used: Title"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Talk_Title", "talk title"),
        ("talkTitle", "talk title"),
        (" \ufefftalk-title ", "talk title"),
        ("開始時刻", "開始時刻"),
    ],
    ids=safe_id,
)
def test_csv_header_names_compare_without_case_separators_or_a_bom(name, key):
    assert header_key(name) == key


# --- rows: times, dates, lengths and speakers as spreadsheets and YAML write them ----------------------


@pytest.mark.parametrize(
    ("value", "clock", "carry"),
    [
        ("10:00", "10:00:00", 0),
        ("10:00:30", "10:00:30", 0),
        ("0930", "09:30:00", 0),
        ("9", "09:00:00", 0),
        ("2:00 p.m.", "14:00:00", 0),
        ("7 PM", "19:00:00", 0),
        ("12:00 pm", "12:00:00", 0),
        ("12:30 a.m.", "00:30:00", 0),
        ("11:59am", "11:59:00", 0),
        ("午後2時", "14:00:00", 0),
        ("午後1時30分", "13:30:00", 0),
        ("午前12時", "00:00:00", 0),
        ("10時", "10:00:00", 0),
        ("１０：００", "10:00:00", 0),
        ("24:00", "00:00:00", 1),
        ("24:30", "00:30:00", 1),
        ("29:59", "05:59:00", 1),
        ("23:59:59", "23:59:59", 0),
    ],
    ids=safe_id,
)
def test_clock_times_as_timetables_write_them(value, clock, carry):
    found, day_carry = parse_clock(value)
    assert (found.isoformat(), day_carry) == (clock, carry)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("13:00 pm", "not a 12-hour time: '13:00 pm'"),
        ("午後13時", "not a 12-hour time: '午後13時'"),
        ("10:60", "not a time: '10:60'"),
        ("10:00:60", "not a time: '10:00:60'"),
        ("30:00", "not a time: '30:00' (hours go up to 29 for the next morning)"),
        ("noon", "not a time: 'noon'"),
        ("10:", "not a time: '10:'"),
    ],
    ids=safe_id,
)
def test_clock_times_that_cannot_be_read_say_so(value, message):
    with pytest.raises(BadInput) as caught:
        parse_clock(value)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("value", "span"),
    [
        ("10:00〜10:45", ("10:00", "10:45")),
        ("10:00～10:45", ("10:00", "10:45")),
        ("10:00 - 10:45", ("10:00", "10:45")),
        ("10:00 – 10:45", ("10:00", "10:45")),
        ("10:00—10:45", ("10:00", "10:45")),
        ("10時〜10時45分", ("10時", "10時45分")),
        ("10:00 to 10:45", ("10:00", "10:45")),
        ("10:00から10:45まで", ("10:00", "10:45")),
        ("10:00", None),
        ("ab - cd", None),
        ("10:00 - 25:61", None),
        (1000, None),
    ],
    ids=safe_id,
)
def test_a_cell_holding_a_start_and_an_end(value, span):
    assert split_range(value) == span


@pytest.mark.parametrize(
    ("value", "order", "year", "day"),
    [
        ("2026-07-25", "dmy", None, "2026-07-25"),
        ("2026/7/5", "dmy", None, "2026-07-05"),
        ("2026.07.25", "dmy", None, "2026-07-25"),
        ("2026年7月25日(土)", "dmy", None, "2026-07-25"),
        ("２０２６－０７－２５", "dmy", None, "2026-07-25"),
        ("25/07/2026", "dmy", None, "2026-07-25"),
        ("07/25/2026", "dmy", None, "2026-07-25"),  # 25 cannot be a month
        ("05/07/2026", "dmy", None, "2026-07-05"),
        ("05/07/2026", "mdy", None, "2026-05-07"),
        ("25/07/2026", "mdy", None, "2026-07-25"),
        ("5.7.26", "dmy", None, "2026-07-05"),
        ("0726", "dmy", 2026, "2026-07-26"),
        ("7月25日(土)", "dmy", 2026, "2026-07-25"),
        ("7/25", "dmy", 2027, "2027-07-25"),
    ],
    ids=safe_id,
)
def test_dates_as_timetables_write_them(value, order, year, day):
    assert parse_date(value, order, year).isoformat() == day


def test_dates_without_a_year_or_that_do_not_exist():
    with pytest.raises(NoYear):
        parse_date("7/25")
    for written in ("0726", "2026-02-30", "soon"):
        with pytest.raises(ValueError):
            parse_date(written)
    assert date_order(["1/2/2016", "4/29/2016"]) == "mdy"
    assert date_order(["29/4/2016", "4/29/2016"]) == "dmy"  # the first that tells decides
    assert date_order(["2016-01-01", "1/2/2016"]) == "dmy"
    assert date_order([]) == "dmy"


@pytest.mark.parametrize(
    ("names", "places", "speakers"),
    [
        (
            "山田；佐藤、鈴木; Ann|2:Bob\nCy，Dee, 12:Eve",
            None,
            ["山田", "佐藤", "鈴木", "Ann", "Bob", "Cy", "Dee", "Eve"],
        ),
        ("Ann; Bo", "ACME", ["Ann (ACME)", "Bo (ACME)"]),
        ("Ann; Bo", "A社、B社", ["Ann (A社)", "Bo (B社)"]),
        ("Ann; Bo; Cy", "A社、B社", ["Ann (A社)", "Bo (B社)", "Cy"]),
        ("Ann", "Foo, Inc.", ["Ann (Foo, Inc.)"]),
        ("Ann", "A社; B大学", ["Ann (A社, B大学)"]),
        (["Ann", "Bo"], ["A", "B"], ["Ann (A)", "Bo (B)"]),
        (["Ann", "Bo"], ["A", None], ["Ann (A)", "Bo"]),
        ("Ann (ACME)", "ACME", ["Ann (ACME)"]),
        ("ACME", "ACME", ["ACME"]),  # a team named as its company, or a YAML text where objects were expected
        ("Ann", "  ", ["Ann"]),
        ("", "ACME", []),
        (None, None, []),
        (
            [
                {"name": "Ann"},
                {"public_name": "Bo"},
                {"fullName": "Cy"},
                {"display": "Dee"},
                {"display_name": "Eve"},
                {"x": 1},
            ],
            None,
            ["Ann", "Bo", "Cy", "Dee", "Eve"],
        ),
        (["<b>Fay</b> &amp; Gil", ""], None, ["Fay & Gil"]),
        ('あーろ<span class="kerning">ん・</span>ぱたーそん', "<i>Ruby</i>", ["あーろん・ぱたーそん (Ruby)"]),
    ],
    ids=safe_id,
)
def test_speakers_and_their_affiliations(names, places, speakers):
    assert speakers_of(names, places) == speakers


@pytest.mark.parametrize(
    ("value", "minutes"),
    [
        (45, 45),
        (1.5, 1.5),
        ("45", 45),
        ("45分", 45),
        ("45 min", 45),
        ("45 Minuten", 45),
        ("1:30", 90),
        ("PT1H", 60),
        ("1h 30m", 90),
    ],
    ids=safe_id,
)
def test_lengths_in_minutes_clock_or_iso_form(value, minutes):
    assert _minutes(value) == timedelta(minutes=minutes)


def test_a_true_is_no_length():
    with pytest.raises(BadInput) as caught:
        _minutes(True)
    assert str(caught.value) == "not a duration: True"


# --- your own JSON and YAML -------------------------------------------------------------------------


def test_own_yaml_and_json_refusals_name_the_option_to_give():
    assert (
        refusal("a: 1\nb: [1, 2]\n", "yaml")
        == "yaml: top level: YAML with no list of items in it: an object with the keys a, b"
    )
    assert (
        refusal('{"a": 1}', "custom-json")
        == "custom-json: top level: JSON with no list of items in it: an object with the keys a"
    )
    two_levels = (
        "days:\n- talks:\n  - {title: A}\n  - {title: B}\n- talks:\n  - {title: C, start: '10:00'}\nnotes: []\n"
    )
    assert refusal(two_levels, "yaml") == (
        "yaml: top level: which list holds the sessions? give --records PATH (and --map FIELD=PATH): days (2 items: "
        "talks); days.talks (3 items: title, start)"
    )
    assert (
        refusal(two_levels, "yaml", records="nope")
        == "yaml: --records nope: no list of items there; lists in the file: days, days.talks"
    )
    assert refusal("a: 1\n", "yaml", records="a") == "yaml: --records a: no list of items there; lists in the file: -"
    assert refusal("- {title: A, start: '10:00'}\n", "yaml") == (
        "yaml: fields: no end or duration field (--map end=… or --map duration=…): give the talks' length with "
        "--duration MINUTES"
    )
    seven = "".join(f"l{n}: [{{k{n}: 1}}]\n" for n in range(7))
    assert refusal(seven, "yaml") == (
        "yaml: top level: which list holds the sessions? give --records PATH (and --map FIELD=PATH): l0 (1 items: "
        "k0); l1 (1 items: k1); l2 (1 items: k2); l3 (1 items: k3); l4 (1 items: k4); l5 (1 items: k5)"
    )
    assert refusal(seven, "yaml", records="none") == (
        "yaml: --records none: no list of items there; lists in the file: l0, l1, l2, l3, l4, l5"
    )
    assert refusal("talks:\n- {foo: 1, bar: 2}\n- {baz: 3}\n", "yaml", records="talks") == (
        "yaml: --records talks: no title field: give --map title=PATH (the items have: foo, bar, baz)"
    )
    assert refusal("talks:\n- {name: A}\n", "yaml", records="talks", fields={"titel": "name"}) == (
        "yaml: --map titel=…: unknown field 'titel'; fields: id, code, title, subtitle, date, end_date, day, start, "
        "end, duration, room, track, category, speakers, affiliation, abstract, description, url, slides, language, "
        "type, all_day"
    )
    assert (
        refusal("a: [\n", "yaml")
        == "yaml: line 2 column 1: invalid YAML: expected the node content, but found '<stream end>'"
    )
    assert refusal("a: !!python/object:os.system x\n", "yaml") == (
        "yaml: line 1 column 4: invalid YAML: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object:os.system'"
    )
    assert refusal("a: \x07\n", "yaml").startswith(
        "yaml: document: invalid YAML: unacceptable character #x0007: special characters are not allowed"
    )
    assert refusal(b"- {title: A}\n\xff", "yaml") == "yaml: byte 13: not UTF-8 text"
    assert refusal("[" * 5000, "yaml") == "yaml: document: the YAML is nested too deeply"
    assert refusal("x", "custom-json") == "custom-json: line 1 column 1: invalid JSON: Expecting value"
    assert refusal("[" * 100_000, "custom-json") == "custom-json: the JSON is nested too deeply"


def test_yaml_keeps_times_and_zero_led_numbers_as_text():
    doc = load_yaml(b"a: 9:30\nb: 0730\nc: 1_000\nd: 0x1F\ne: 1.5\nf: .5\ng: -.inf\nh: 1:30:00\ni: 012\nj: +7\n")
    assert doc == {
        "a": "9:30",
        "b": "0730",
        "c": 1000,
        "d": 31,
        "e": 1.5,
        "f": 0.5,
        "g": float("-inf"),
        "h": "1:30:00",
        "i": "012",
        "j": 7,
    }


def test_own_records_every_field_found_by_name_or_mapped():
    data = (
        "events:\n"
        "- id: 1\n  name: Opening\n  begin: 2026-07-25 10:00:00\n  finish: '10:30'\n  place: {hall: Main}\n"
        "  who: [{name: Ann, org: X}, {name: Bo, org: Y}]\n  tags: [web, cloud]\n  link: https://example.org/1\n"
        "  extra: x\n"
        "- id: 2\n  name: Later\n  date: 2026-07-26\n  begin: '9:30'\n  finish: '10:00'\n  place: {hall: Side}\n"
        "  who: Organisers\n"
    )
    fields = {
        "title": "name",
        "start": "begin",
        "end": "finish",
        "room": "place.hall",
        "speakers": "who.name",
        "affiliation": "who.org",
        "track": "tags",
    }
    _fmt, tt = parse(data.encode(), "yaml", options=Options(records="events", fields=fields, timezone="Europe/Berlin"))
    first, later = tt.sessions
    assert (first.key, first.title, first.room, first.track, first.url) == (
        "id-1",
        "Opening",
        "Main",
        "web, cloud",
        "https://example.org/1",
    )
    assert first.speakers == ["Ann (X)", "Bo (Y)"]
    assert (first.start.isoformat(), first.end.isoformat()) == (
        "2026-07-25T10:00:00+02:00",
        "2026-07-25T10:30:00+02:00",
    )
    assert (later.start.isoformat(), later.end.isoformat(), later.speakers) == (
        "2026-07-26T09:30:00+02:00",
        "2026-07-26T10:00:00+02:00",
        ["Organisers"],
    )
    assert tt.notes == [
        "2 items in events; fields: title=name, start=begin, end=finish, room=place.hall, speakers=who.name, "
        "affiliation=who.org, track=tags, id=id, url=link, date=date",
        "fields not used: extra",
    ]


def test_own_records_without_titles_are_named_after_their_type_or_skipped():
    data = "talks:\n- {type: BREAK, start: '2026-07-25 10:00', end: '2026-07-25 11:00'}\n- {start: '2026-07-25 11:00', end: '2026-07-25 12:00'}\n"
    _fmt, tt = parse(data.encode(), "yaml", options=Options(records="talks"))
    assert [(s.title, s.is_break) for s in tt.sessions] == [("BREAK", True)]
    assert [str(s) for s in tt.skipped] == ["talks[1]: no title"]
    assert tt.notes[-1] == "talks[0]: the title is empty; shown as 'BREAK'"
    numbers = (
        "- {title: A, start: 2026-07-25 10:00:00, end: 2026-07-25 11:00:00}\n- {title: C, start: 1000, end: 1100}\n"
    )
    _fmt, tt = parse(numbers.encode(), "yaml")
    assert [str(s) for s in tt.skipped] == ["[1], field 'start' (C): a number (1000), not a time"]


def test_lists_in_a_document_and_values_at_dotted_paths():
    doc = {
        "conf": {
            "name": "x",
            "days": [
                {"date": "d1", "talks": [{"title": "A", "who": [{"name": "Ann"}]}, {"title": "B"}]},
                {"date": "d2", "talks": [{"title": "C", "who": {"name": "Cy"}}]},
            ],
        },
        "sponsors": [{"n": 1}],
    }
    assert candidates(doc) == [
        ("sponsors", 1, ["n"]),
        ("conf.days", 2, ["date", "talks"]),
        ("conf.days.talks", 3, ["title", "who"]),
        ("conf.days.talks.who", 1, ["name"]),
    ]
    assert candidates(doc, limit=2) == candidates(doc)[:2]
    assert str(describe(doc)) == (
        "an object with the keys conf, sponsors; lists of items: sponsors (1: n); conf.days (2: date, talks); "
        "conf.days.talks (3: title, who); conf.days.talks.who (1: name)"
    )
    assert (str(describe([1, 2])), str(describe(5))) == ("a list of 2 items", "a single int value")
    assert [t["title"] for t in select(doc, "conf.days.talks")] == ["A", "B", "C"]
    assert [t["title"] for t in select(doc, "conf.days.1.talks")] == ["C"]
    assert select(doc, "conf.days.5.talks") == []
    assert select([{"a": 1}, [{"b": 2}], 3], ".") == [{"a": 1}, {"b": 2}]
    record = {
        "title": "A",
        "who": [{"name": "Ann"}, {"name": None}, {"x": 1}],
        "place": {"hall": "H"},
        "speakers": "Org team",
    }
    assert [value(record, p) for p in ("title", "who.name", "place.hall", "nope", "speakers.name", "place")] == [
        "A",
        ["Ann"],
        "H",
        None,
        "Org team",
        {"hall": "H"},
    ]
    assert paths_in([{"title": "A", "who": [{"name": "Ann", "org": {"n": "X"}}], "tags": ["a", "b"]}]) == [
        "title",
        "who",
        "who.name",
        "who.org",
        "tags",
    ]


def test_the_import_forms_mapping_help_for_json_yaml_and_csv():
    doc = {"conf": {"days": [{"talks": [{"title": "A", "who": [{"name": "Ann"}]}]}]}, "sponsors": [{"n": 1}, {"n": 2}]}
    help_ = mapping_help(json.dumps(doc).encode(), "x.json")
    assert (help_.fmt, help_.records, help_.ready) == ("custom-json", None, False)
    assert help_.lists == (
        ("sponsors", 2, ("n",)),
        ("conf.days", 1, ("talks",)),
        ("conf.days.talks", 1, ("title", "who")),
        ("conf.days.talks.who", 1, ("name",)),
    )
    chosen = mapping_help(json.dumps(doc).encode(), "x.json", "conf.days.talks")
    assert (chosen.records, chosen.paths, chosen.suggested, chosen.ready) == (
        "conf.days.talks",
        ("title", "who", "who.name"),
        {"title": "title"},
        True,
    )
    only = mapping_help(b"talks:\n- {title: A, begin: 10:00}\n", "x.yaml")
    assert (only.fmt, only.records, only.paths, only.suggested) == (
        "yaml",
        "talks",
        ("title", "begin"),
        {"title": "title", "start": "begin"},
    )
    top = mapping_help(b'\xef\xbb\xbf [{"title": "A", "startsAt": "x"}]', "")
    assert (top.fmt, top.records, top.suggested) == ("custom-json", ".", {"title": "title", "start": "startsAt"})
    sheet = mapping_help("タイトル,開始時刻,会場,メモ,,会場\nA,10:00,B,x,,C\n".encode("cp932"), "x.csv")
    assert (sheet.fmt, sheet.records, sheet.lists, sheet.ready) == ("csv", None, (), True)
    assert (sheet.paths, sheet.suggested) == (
        ("タイトル", "開始時刻", "会場", "メモ"),
        {"title": "タイトル", "start": "開始時刻", "room": "会場"},
    )
    unknown = mapping_help(b"Programme\n\nx,y,z\nA,10:00,1\n", "x.csv")
    assert (unknown.paths, unknown.suggested) == (("x", "y", "z"), {})
    time_column = mapping_help("タイトル,時間\nA,10:00〜10:45\n".encode(), "x.csv")
    assert time_column.suggested == {"title": "タイトル", "start": "時間"}
    with pytest.raises(ParseError) as caught:
        mapping_help(b"note\nanother line\n", "x.txt")
    assert str(caught.value).startswith("csv: line 1: not a timetable")


# --- rows: what a spreadsheet row becomes --------------------------------------------------------------


def csv_read(data: str, **options):
    _fmt, tt = parse(data.encode(), "csv", options=Options(**options))
    return tt


def test_ends_before_the_start_cross_midnight_only_for_evening_talks_of_at_most_twelve_hours():
    tt = csv_read(
        "title,start,end\nLate,2026-07-25 23:30,00:30\nEvening,2026-07-25 18:00,06:00\n"
        "Morning,2026-07-25 10:00,09:00\nToo long,2026-07-25 17:59,05:00\nAfternoon,2026-07-25 16:00,04:00\n"
    )
    assert [(s.title, s.end.isoformat()) for s in tt.sessions] == [
        ("Late", "2026-07-26T00:30:00+09:00"),
        ("Evening", "2026-07-26T06:00:00+09:00"),
    ]
    assert [str(s) for s in tt.skipped] == [
        "line 4, column 'end' (Morning): ends (09:00) before it starts (10:00)",
        "line 5, column 'end' (Too long): ends (05:00) before it starts (17:59)",
        "line 6, column 'end' (Afternoon): ends (04:00) before it starts (16:00)",
    ]
    assert refusal("title,start,end\nA,2026-07-25 18:00,06:01\n", "csv") == (
        "csv: line 2, column 'end': ends (06:01) before it starts (18:00); nothing was imported"
    )


def test_an_end_date_column_gives_the_day_of_the_end():
    tt = csv_read(
        "title,date,start,end_date,end\nMulti,2026-07-25,22:00,2026-07-27,02:00\nBad,2026-07-25,22:00,soon,02:00\n"
        "Day,2026-07-25,22:00,day 2,25:30\n",
        date=date(2026, 7, 25),
    )
    assert [(s.title, s.end.isoformat()) for s in tt.sessions] == [
        ("Multi", "2026-07-27T02:00:00+09:00"),
        ("Day", "2026-07-27T01:30:00+09:00"),
    ]
    assert [str(s) for s in tt.skipped] == ["line 3, column 'end_date' (Bad): not a date: 'soon'"]


def test_missing_or_placeholder_ends_and_lengths():
    tt = csv_read(
        "title,date,start,end,duration\nA,2026-07-25,10:00,,\nB,2026-07-25,10:00,tba,\nC,2026-07-25,10:00,,90\n"
        "D,2026-07-25,10:00,,soon\nE,2026-07-25,10:00,noon,\nF,2026-07-25,10:00,-,45分\n"
    )
    assert [(s.title, s.end.time().isoformat("minutes")) for s in tt.sessions] == [
        ("A", "11:00"),
        ("B", "11:00"),
        ("C", "11:30"),
        ("F", "10:45"),
    ]
    assert tt.notes[1:] == [
        "line 2: end '(empty)' unknown; assumed 60 minutes",
        "line 3: end 'tba' unknown; assumed 60 minutes",
    ]
    assert [str(s) for s in tt.skipped] == [
        "line 5, column 'duration' (D): not a duration: 'soon'",
        "line 6, column 'end' (E): not a time: 'noon'",
    ]
    given = csv_read("title,date,start,end,duration\nA,2026-07-25,10:00,,\n", duration=20)
    assert (given.sessions[0].end.time().isoformat("minutes"), given.notes[1]) == (
        "10:20",
        "line 2: end '(empty)' unknown; assumed 20 minutes",
    )
    without_columns = csv_read("title,date,start\nA,2026-07-25,10:00\n", duration=20)
    assert (without_columns.sessions[0].end.time().isoformat("minutes"), without_columns.notes[1:]) == ("10:20", [])


def test_full_dates_and_times_in_one_cell_and_those_that_cannot_be():
    tt = csv_read(
        "title,start,end\nA,2026/07/25 10:00,2026-07-25T11:00+02:00\nB,2026-13-01 10:00,x\nC,2026-07-25 10:00Z,2026-07-25 11:00Z\n"
    )
    assert [(s.title, s.start.isoformat(), s.end.isoformat()) for s in tt.sessions] == [
        ("A", "2026-07-25T10:00:00+09:00", "2026-07-25T18:00:00+09:00"),
        ("C", "2026-07-25T19:00:00+09:00", "2026-07-25T20:00:00+09:00"),
    ]
    assert [str(s) for s in tt.skipped] == ["line 3, column 'start' (B): not a date and time: '2026-13-01 10:00'"]


def test_ends_or_lengths_without_a_start_column_are_checked_and_counted():
    tt = csv_read("title,end,duration\nA,2026-07-25 11:00,\nB,soon,\nC,,tbd\nD,,xx\nE,11:00,\n")
    assert [(s.title, s.start) for s in tt.sessions] == [("A", None), ("C", None), ("E", None)]
    assert [str(s) for s in tt.skipped] == [
        "line 3, column 'end' (B): cannot be read as a time (not a time: 'soon'), and no column gives the start time",
        "line 5, column 'duration' (D): cannot be read as a length of time (not a duration: 'xx'), and no column gives "
        "the start time",
    ]
    assert tt.notes[1:] == [
        "column 'end' gives when talks end or how long they are, but no column gives when they start: 2 sessions have "
        "no time (choose the start column, or import a file with one)",
        "none of the 3 sessions has a time yet: they are listed as “no time yet”",
    ]
    lengths = csv_read("title,length\nA,45\nB,1:30\n")
    assert lengths.notes[1] == (
        "column 'length' gives when talks end or how long they are, but no column gives when they start: 2 sessions "
        "have no time (choose the start column, or import a file with one)"
    )


def test_a_start_column_with_empty_cells_gives_untimed_sessions_without_checking_their_ends():
    tt = csv_read("title,start,end\nA,,11:00\nB,,soon\n")
    assert [(s.title, s.start, s.end) for s in tt.sessions] == [("A", None, None), ("B", None, None)]
    assert tt.skipped == []


def test_days_as_weekdays_day_numbers_or_dates_and_those_that_are_none():
    tt = csv_read(
        "title,day,start,end\nA,Sat,10:00,11:00\nB,day 2,10:00,11:00\nC,月曜日,10:00,11:00\nD,someday,10:00,11:00\n"
        "E,(金),10:00,11:00\nF,2026-07-30,10:00,11:00\nG,第3日,10:00,11:00\nH,Sonntag,10:00,11:00\n",
        date=date(2026, 7, 25),
    )
    assert [(s.title, s.start.date().isoformat()) for s in tt.sessions] == [
        ("A", "2026-07-25"),
        ("B", "2026-07-26"),
        ("C", "2026-07-27"),
        ("E", "2026-07-31"),
        ("F", "2026-07-30"),
        ("G", "2026-07-27"),
        ("H", "2026-07-26"),
    ]
    assert [str(s) for s in tt.skipped] == ["line 5, column 'day' (D): not a date: 'someday'"]
    assert refusal("title,day,start,end\nA,day 2,10:00,11:00\n", "csv") == (
        "csv: line 2, column 'day': only a day number ('day 2'), no date: give the first day with --date YYYY-MM-DD"
    )
    assert refusal("title,day,start,end\nA,Samstag,10:00,11:00\n", "csv") == (
        "csv: line 2, column 'day': only a weekday ('Samstag'), no date: give the first day with --date YYYY-MM-DD"
    )
    assert refusal("title,date,start,end\nA,7月25日(土),10:00,11:00\n", "csv") == (
        "csv: line 2, column 'date': only a month and a day ('7月25日(土)'), no year: give the first day with --date YYYY-MM-DD"
    )
    both = csv_read(
        "title,date,day,start,end\nA,,Tue,10:00,11:00\nB,2026-08-01,Tue,10:00,11:00\n", date=date(2026, 7, 25)
    )
    assert [s.start.date().isoformat() for s in both.sessions] == ["2026-07-28", "2026-08-01"]


def test_titles_types_categories_tracks_and_rooms():
    tt = csv_read(
        "title,date,start,end,category,track\n"
        "Talk,2026-07-25,10:00,11:00,Cloud,\n"
        ",2026-07-25,11:00,11:30,Break,\n"
        ",2026-07-25,12:00,12:30,,Hall B\n"
        ",2026-07-25,13:00,13:30,,\n"
        "Coffee,2026-07-25,14:00,14:30,,\n"
    )
    assert [(s.title, s.type, s.track, s.room, s.is_break) for s in tt.sessions] == [
        ("Talk", "Cloud", "", "", False),
        ("Break", "Break", "", "", True),
        ("Hall B", "", "Hall B", "Hall B", False),  # no room column: the track is the room
        ("(untitled)", "", "", "", False),
        ("Coffee", "", "", "", True),
    ]
    assert tt.notes[1:] == [
        "line 3: the title is empty; shown as 'Break'",
        "line 4: the title is empty; shown as 'Hall B'",
        "line 5: the title is empty; shown as '(untitled)'",
    ]
    no_track_column = csv_read("title,date,start,end,category\nTalk,2026-07-25,10:00,11:00,Cloud\n")
    assert [(s.track, s.type, s.room) for s in no_track_column.sessions] == [("Cloud", "", "Cloud")]
    with_room = csv_read("title,date,start,end,track,room\nTalk,2026-07-25,10:00,11:00,Cloud,\n")
    assert [(s.track, s.room) for s in with_room.sessions] == [("Cloud", "")]
    # Category is the track where no column is, else the type where no column is; with both it is not read.
    both = csv_read("title,date,start,end,type,category,track\nTalk,2026-07-25,10:00,11:00,Talk,Cloud,Web\n")
    assert [(s.type, s.track) for s in both.sessions] == [("Talk", "Web")]


def test_ids_codes_links_languages_and_all_day_rows():
    tt = csv_read(
        "id,code,title,subtitle,date,start,end,room,url,slides,language,abstract,description,all day\n"
        "7,,One,Sub,2026-07-25,10:00,11:00,Track A,https://example.org/1,https://speakerdeck.com/x/y,ja,Short,Long,\n"
        "A10,,Two,,2026-07-25,10:00,11:00,大ホール,javascript:alert(1),ftp://x,,Same,Same,no\n"
        ",B20,Three,,2026-07-25,10:00,11:00,,,,,,,\n"
        ",,Raffle,,2026-07-25,,,,,,,,,yes\n"
        ",,Game room,,2026-07-25,,,,,,,,,✓\n"
        ",,,,,,,,,,,,,x\n" + "".join(f",,Day {n},,,,,,,,,,,TRUE\n" for n in range(1, 4))
    )
    one, two, three = tt.sessions
    assert (one.key, one.code, one.subtitle, one.room_code, one.url, one.language, one.abstract) == (
        "id-7",
        "",
        "Sub",
        "A",
        "https://example.org/1",
        "ja",
        "Short\n\nLong",
    )
    assert one.links == [{"url": "https://speakerdeck.com/x/y", "kind": "slides", "title": ""}]
    assert (two.key, two.code, two.room_code, two.url, two.links, two.abstract) == (
        "id-A10",
        "A10",
        "A",
        "",
        [],
        "Same",
    )
    assert (three.key, three.code, three.room_code) == ("B20", "B20", "B")
    assert (
        tt.notes[-1]
        == "6 all-day items are not talks and were left out: Raffle, Game room, line 7, Day 1, Day 2 and 1 more"
    )


# --- what every parser shares -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "minutes"),
    [
        ("00:45", 45),
        ("1:30", 90),
        ("01:00:00", 60),
        ("0:00:30", 0.5),
        ("45", 45),
        (" 45 ", 45),
        ("PT40M", 40),
        ("PT1H30M", 90),
        ("pt1h", 60),
        ("P0Y0M0DT0H40M0.000S", 40),
        ("PT0,5H", 30),
        ("PT1.5M", 1.5),
        ("PT90S", 1.5),
        ("P1D", 1440),
        ("P1W", 10080),
        ("P1DT1H", 1500),
        ("00hr:50min", 50),
        ("2 hours", 120),
        ("1h 30m", 90),
        ("90分", 90),
        ("1時間30分", 90),
        ("1 hr", 60),
        ("30 mins", 30),
    ],
    ids=safe_id,
)
def test_durations_in_every_spelling_timetables_use(value, minutes):
    assert parse_duration(value) == timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("P", "not a duration: 'P'"),
        ("PT", "not a duration: 'PT'"),
        ("P1M", "not a duration in days, hours and minutes: 'P1M'"),
        ("P1Y", "not a duration in days, hours and minutes: 'P1Y'"),
        ("", "not a duration: ''"),
        ("1:2", "not a duration: '1:2'"),
        ("PT1H30", "not a duration: 'PT1H30'"),
        ("1:30:00:00", "not a duration: '1:30:00:00'"),
        ("soon", "not a duration: 'soon'"),
    ],
    ids=safe_id,
)
def test_durations_that_are_none_say_so(value, message):
    with pytest.raises(BadInput) as caught:
        parse_duration(value)
    assert str(caught.value) == message


def at(hours: float) -> datetime:
    return datetime(2026, 7, 25, 10, tzinfo=dt_timezone(timedelta(hours=hours)))


@pytest.mark.parametrize(
    ("declared", "options", "sample", "zone_name", "notes"),
    [
        ("Europe/Berlin", {}, None, "Europe/Berlin", []),
        ("Europe/Berlin", {}, at(2), "Europe/Berlin", []),
        (
            "Europe/Berlin",
            {},
            at(-5),
            "Etc/GMT+5",
            [
                "the file declares Europe/Berlin, but its times carry UTC-05:00: shown in UTC-05:00 (--timezone names the zone)"
            ],
        ),
        (
            "UTC",
            {},
            at(1),
            "Etc/GMT-1",
            ["the file declares UTC, but its times carry UTC+01:00: shown in UTC+01:00 (--timezone names the zone)"],
        ),
        (
            "Nowhere/City",
            {},
            None,
            "Asia/Tokyo",
            [
                "unknown time zone 'Nowhere/City' in the file",
                "the file names no time zone and no --timezone was given: times read in Asia/Tokyo (the app's default)",
            ],
        ),
        (
            "Nowhere/City",
            {"timezone": "Europe/Paris"},
            None,
            "Europe/Paris",
            ["unknown time zone 'Nowhere/City' in the file"],
        ),
        ("Europe/Berlin", {"timezone": "Europe/Paris"}, None, "Europe/Berlin", []),
        ("", {"timezone": "Europe/Paris"}, at(9), "Europe/Paris", []),
        (
            "",
            {"default_timezone": "Europe/Paris", "default_reason": "the conference's zone"},
            None,
            "Europe/Paris",
            [
                "the file names no time zone and no --timezone was given: times read in Europe/Paris (the conference's zone)"
            ],
        ),
        (
            "",
            {"default_timezone": "Europe/Paris"},
            at(2),
            "Europe/Paris",
            ["the file names no time zone and no --timezone was given: times read in Europe/Paris (the app's default)"],
        ),
        (
            "",
            {},
            at(0),
            "UTC",
            [
                "the file names no time zone (default Asia/Tokyo), but its times carry UTC+00:00: shown in UTC+00:00 (--timezone names the zone)"
            ],
        ),
        (
            "",
            {},
            at(5.5),
            "Asia/Tokyo",
            ["the file names no time zone and no --timezone was given: times read in Asia/Tokyo (the app's default)"],
        ),
        (
            "",
            {},
            datetime(2026, 7, 25, 10),
            "Asia/Tokyo",
            ["the file names no time zone and no --timezone was given: times read in Asia/Tokyo (the app's default)"],
        ),
    ],
    ids=safe_id,
)
def test_the_conference_zone_is_the_files_else_the_users_else_the_default_unless_the_offsets_say_otherwise(
    declared, options, sample, zone_name, notes
):
    found, said = resolve_zone("x", declared, Options(**options), sample)
    assert (found, [str(n) for n in said]) == (zone_name, notes)


def test_an_unknown_zone_given_by_the_user_is_refused():
    with pytest.raises(BadInput) as caught:
        resolve_zone("x", "", Options(timezone="Nowhere/City"))
    assert str(caught.value) == "unknown time zone 'Nowhere/City'"


def test_links_texts_and_breaks_as_every_parser_reads_them():
    assert link(" https://example.org/x ", " My  slides ") == {
        "url": "https://example.org/x",
        "kind": "slides",
        "title": "My slides",
    }
    assert link("HTTP://EXAMPLE.org") == {"url": "HTTP://EXAMPLE.org", "kind": "other", "title": ""}
    assert link("https://youtube.com/watch?v=1", kind="slides")["kind"] == "slides"
    assert [link(u) for u in ("javascript:alert(1)", "//example.org", "ftp://x", "")] == [None, None, None, None]
    assert recording_links(
        {"recording": {"url": "https://a/v", "link": "https://b"}, "recording_url": "https://a/v"}
    ) == [{"url": "https://a/v", "kind": "video", "title": "Recording"}]
    assert recording_links({"recording": {"link": "https://b"}, "recording_url": "https://c"}) == [
        {"url": "https://b", "kind": "video", "title": "Recording"},
        {"url": "https://c", "kind": "video", "title": "Recording"},
    ]
    assert recording_links({"recording": "record_by_default", "recording_url": 5}) == []
    assert join_texts("a", "", "a", "b") == "a\n\nb" and join_texts() == ""
    assert (text(None), text(" a\r\nb\rc "), text(5)) == ("", "a\nb\nc", "5")
    assert (line(None), line(" a\u3000 b\n c "), line(0)) == ("", "a b c", "0")
    assert (unescape("a &amp; b &#x3D;"), unescape("no entities")) == ("a & b =", "no entities")
    assert (str(more_than([1, 2, 3], 2)), more_than([1, 2], 2)) == (" and 1 more", "")
    assert str(too_many_sessions(20_001)) == (
        "20,001 sessions; a conference holds at most 20,000 (split the file, or keep the days you need)"
    )
    assert first_moment([None, "", "x", "2026-07-25T10:00:00+02:00", "2026-07-26"]) == at(2)
    assert first_moment([]) is None
    tokyo = ZoneInfo("Asia/Tokyo")
    assert parse_moment("2026-07-25T10:00:00Z", tokyo).isoformat() == "2026-07-25T10:00:00+00:00"
    assert parse_moment(" 2026-07-25T10:00 ", tokyo).isoformat() == "2026-07-25T10:00:00+09:00"


@pytest.mark.parametrize(
    ("title", "kind", "is_break"),
    [
        ("Lunch", "", True),
        ("Coffee Break (30 min)", "", True),
        ("  — Lunch —", "", True),
        ("休憩(15分)", "", True),
        ("昼休憩", "", True),
        ("Kaffeepause", "", True),
        ("Essenszeit (Mittag)", "", True),
        ("déjeuner", "", True),
        ("受付", "", True),
        ("Anything", "Break", True),
        ("Anything", " timeslot ", True),
        ("Anything", "休憩", True),
        ("Opening", "", False),
        ("Closing", "", False),
        ("懇親会", "", False),
        ("Networking Lunch", "", False),
        ("Breaking changes in Python", "", False),
        ("Lunchtime talk", "", False),
        ("Talk", "talk", False),
    ],
    ids=safe_id,
)
def test_breaks_by_type_or_by_the_first_words_of_the_title(title, kind, is_break):
    assert looks_like_break(title, kind) is is_break


@pytest.mark.parametrize(
    ("data", "fmt", "options", "answer"),
    [
        ("who,when\nx,y\n", "csv", {}, ("map",)),
        ("x,y\nA,10:00\n", "csv", {"fields": {"title": "titel"}}, ("map",)),
        ("x,y\nA,10:00\n", "csv", {"fields": {"start": "y"}}, ("map",)),
        ("title,start\nA,10:00\n", "csv", {}, ("duration", "map")),
        ("title,start\nA,10:00\n", "csv", {"duration": 30}, ("date",)),
        ("title,day,start,end\nA,Sat,10:00,11:00\n", "csv", {}, ("date",)),
        ("title,date,start,end\nA,7/25,10:00,11:00\n", "csv", {}, ("date",)),
        ("note\nanother line\n", "csv", {}, ()),
        ("talks:\n- {title: A}\nmore:\n- {title: B}\n", "yaml", {}, ("map",)),
        ("talks:\n- {title: A}\n", "yaml", {"records": "nope"}, ("map",)),
        ("talks:\n- {foo: 1}\n", "yaml", {"records": "talks"}, ("map",)),
        ("- {title: A, start: '10:00'}\n", "yaml", {}, ("duration", "map")),
        ("a: 1\n", "yaml", {}, ()),
    ],
    ids=safe_id,
)
def test_a_refusal_says_which_import_options_answer_it(data, fmt, options, answer):
    """The import form asks for these (the first day, the talks' length, the fields) instead of only failing."""
    with pytest.raises(ParseError) as caught:
        parse(data.encode(), fmt, options=Options(**options))
    assert caught.value.answer == answer


def test_the_walk_for_lists_stops_six_levels_down_and_after_two_hundred_thousand_nodes():
    """A file's lists are offered for --records as far as the walk goes: YAML aliases can multiply nodes."""
    six = {"a": {"b": {"c": {"d": {"e": {"f": [{"x": 1}]}}}}}}
    assert candidates(six) == [("a.b.c.d.e.f", 1, ["x"])]
    assert candidates({"z": six}) == []
    huge = {"big": [{"x": 1}] * 199_997, "later": [{"y": 1}]}
    assert [path for path, _n, _keys in candidates(huge)] == ["big", "later"]
    huger = {"big": [{"x": 1}] * 199_998, "later": [{"y": 1}]}
    assert [path for path, _n, _keys in candidates(huger)] == ["big"]


def test_a_range_in_the_start_cell_gives_the_end_unless_the_end_column_says_it():
    tt = csv_read("title,date,start,end\nA,2026-07-25,10:00〜10:45,\nB,2026-07-25,10:00〜10:45,11:00\n")
    assert [(s.title, s.end.time().isoformat("minutes")) for s in tt.sessions] == [("A", "10:45"), ("B", "11:00")]


def test_a_placeholder_length_is_an_unknown_end():
    tt = csv_read("title,date,start,duration\nA,2026-07-25,10:00,tbd\nB,2026-07-25,10:00,未定\n")
    assert [s.end.time().isoformat("minutes") for s in tt.sessions] == ["11:00", "11:00"]
    assert tt.notes[1:] == [
        "line 2: end 'tbd' unknown; assumed 60 minutes",
        "line 3: end '未定' unknown; assumed 60 minutes",
    ]


def test_slash_dates_are_month_first_when_the_date_column_shows_it():
    tt = csv_read("title,date,start,end\nA,4/29/2016,10:00,11:00\nB,5/1/2016,10:00,11:00\n")
    assert [s.start.date().isoformat() for s in tt.sessions] == ["2016-04-29", "2016-05-01"]
    tt = csv_read("title,date,start,end_date,end\nA,5/1/2016,22:00,5/13/2016,01:00\n")  # the end date tells
    assert [(s.start.isoformat(), s.end.isoformat()) for s in tt.sessions] == [
        ("2016-05-01T22:00:00+09:00", "2016-05-13T01:00:00+09:00")
    ]
    tt = csv_read("title,date,start,end\nA,29/4/2016,10:00,11:00\nB,5/1/2016,10:00,11:00\n")
    assert [s.start.date().isoformat() for s in tt.sessions] == ["2016-04-29", "2016-01-05"]


def test_only_the_first_three_title_rows_are_quoted_in_the_note():
    tt = csv_read("One\nTwo\nThree\nFour\ntitle,date,start,end\nA,2026-07-25,10:00,11:00\n")
    assert tt.notes[1] == "4 title rows above the header (line 5) were left out: 'One'; 'Two'; 'Three'"
    assert tt.name == "One"


def test_a_session_a_parser_gives_ending_before_it_starts_is_skipped_by_its_key():
    events = [
        {"title": "back", "guid": "g1", "start": "2026-07-25T10:00:00+02:00", "end": "2026-07-25T09:00:00+02:00"},
        {"title": "ok", "start": "2026-07-25T10:00:00+02:00", "end": "2026-07-25T11:00:00+02:00"},
    ]
    _fmt, tt = parse(schedule(events=events))
    assert [str(s) for s in tt.skipped] == ["session 'g1' (back): ends before it starts"]
    assert [s.title for s in tt.sessions] == ["ok"]


def test_own_records_may_be_one_object_and_fields_may_be_objects_with_a_name():
    data = (
        "event:\n  title: Solo\n  start: '2026-07-25 10:00'\n  end: '2026-07-25 11:00'\n  room: {name: Hall, floor: 2}\n"
        "  track: {title: Web}\n  type: {en: Talk, de: Vortrag}\n  language: {code: ja}\n"
    )
    _fmt, tt = parse(data.encode(), "yaml", options=Options(records="event"))
    solo = tt.sessions[0]
    assert (solo.title, solo.room, solo.track, solo.type, solo.language) == ("Solo", "Hall", "Web", "Talk", "")
    assert (
        tt.notes[1]
        == "1 items in event; fields: title=title, start=start, end=end, room=room, track=track, type=type, language=language"
    )


def test_a_refusal_describes_at_most_five_lists():
    seven = {f"l{n}": [{f"k{n}": 1}] for n in range(7)}
    assert str(describe(seven)) == (
        "an object with the keys l0, l1, l2, l3, l4, l5, l6; lists of items: l0 (1: k0); l1 (1: k1); l2 (1: k2); "
        "l3 (1: k3); l4 (1: k4)"
    )
    many = {f"key{n}": n for n in range(14)}
    assert str(describe(many)) == "an object with the keys " + ", ".join(f"key{n}" for n in range(12))
