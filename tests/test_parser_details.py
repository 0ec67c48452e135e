"""What the golden files of real timetables cannot reach: each parser's refusals and skipped items (which
item, where and why, word for word), the rules for times, lengths, zones and encodings, and how a JSON or
YAML file is recognised. Inputs are a few inline lines each, shaped as the real files are (the corpus and
tests/fixtures hold the real ones; tests/test_parser_golden.py pins what they give)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conference.errors import ParseError
from conference.parsers import Options, parse

HERE = Path(__file__).parent


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
