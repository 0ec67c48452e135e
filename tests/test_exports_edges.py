"""What the exporters put in front of a calendar or a blog in the cases the goldens do not reach (the
mutants of exports/ found these unwatched, issue 19): a note's time in LAST-MODIFIED, slides listed apart
from other links, kana names romanised (small kana, 拗音, brackets), a lone letter kept in a file name,
unbalanced brackets in a photo caption, a session key in Japanese downloaded with an ASCII fallback."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar

from conference.exports import ics, names
from conference.exports.report import md_alt
from conference.model import Conference, Link, PlannedSession

from .test_download_names import saved_as

TOKYO = ZoneInfo("Asia/Tokyo")
CONF = Conference(id=1, slug="jtf2026", name="July Tech Festa 2026", timezone="Asia/Tokyo", start_date="2026-07-25")
TALK = PlannedSession(
    key="A10",
    code="A10",
    title="Kubernetes 入門",
    start=datetime(2026, 7, 25, 11, 0, tzinfo=TOKYO),
    end=datetime(2026, 7, 25, 11, 45, tzinfo=TOKYO),
    room="Track A",
    speakers=("山田 太郎",),
    links=(
        Link("https://speakerdeck.com/example/k8s", "slides"),
        Link("https://zenn.dev/example/articles/k8s", "blog"),
        Link("https://github.com/example/k8s-demo", "code"),
    ),
    status="going",
    updated_at="2026-07-01T00:00:00+00:00",
)


def read_back(event) -> dict:
    calendar = Calendar()
    calendar.add_component(event)
    [parsed] = Calendar.from_ical(calendar.to_ical()).walk("VEVENT")
    return parsed


def test_a_note_written_after_the_timetable_moves_the_events_last_modified():
    """A calendar that carries the notes tells clients the event changed when the note did."""
    noted = read_back(ics.event(CONF, TALK, note="満席だった", revision=(0, None, 3, "2026-07-25T02:30:00+00:00")))
    assert noted["LAST-MODIFIED"].dt == datetime(2026, 7, 25, 2, 30, tzinfo=UTC)
    assert noted["DTSTAMP"].dt == datetime(2026, 7, 25, 2, 30, tzinfo=UTC)
    assert noted["SEQUENCE"] == 3
    plain = read_back(ics.event(CONF, TALK))
    assert plain["LAST-MODIFIED"].dt == datetime(2026, 7, 1, tzinfo=UTC)


def test_the_calendar_lists_the_slides_apart_from_the_other_links_each_once():
    description = str(read_back(ics.event(CONF, TALK, note="満席だった"))["DESCRIPTION"])
    assert description.split("\n\n") == [
        "山田 太郎",
        "Slides: https://speakerdeck.com/example/k8s",
        "Links: https://zenn.dev/example/articles/k8s https://github.com/example/k8s-demo",
        "My notes:\n満席だった",
    ]


def test_a_name_written_in_kana_is_romanised_small_kana_and_brackets_included():
    assert names.ascii_words("「ぱいそんかんふぁれんす」きょうと") == ["paisonkanfarensu", "kyouto"]
    assert names.ascii_words("しぇるすくりぷと・じゅうよう") == ["sherusukuriputo", "juuyou"]
    assert names.ascii_words("ぁぃぅ") == ["aiu"]  # the smallest kana, first of the range, on its own


def test_a_word_of_one_letter_stays_in_a_japanese_names_file_name():
    conf = Conference(id=1, slug="x", name="Product X Day 東京", timezone="Asia/Tokyo", start_date="2026-07-25")
    assert names.download_stems(conf)[0] == "Product-X-Day-東京-2026"
    dots = Conference(id=1, slug="x", name="SRE ... 東京", timezone="Asia/Tokyo", start_date="2026-07-25")
    assert names.download_stems(dots)[0] == "SRE-東京-2026"  # a word of dots alone is dropped


def test_a_caption_with_a_bracket_left_open_or_closed_stays_inert_in_the_image():
    assert md_alt("質疑応答] 質問") == "質疑応答］ 質問"
    assert md_alt("図 [1") == "図 ［1"
    assert md_alt("The [cluster] map") == "The [cluster] map"  # pairs stay as they are


def test_a_session_key_in_japanese_downloads_under_an_ascii_fallback(runner, client, tmp_path):
    (tmp_path / "keys.csv").write_text(
        "code,date,start,end,room,title\n基調講演,2026-07-25,10:00,10:45,A,Keynote\n閉会,2026-07-25,18:00,18:15,A,Closing\n",
        encoding="utf-8",
    )
    assert runner.invoke(args=["import", str(tmp_path / "keys.csv"), "--slug", "keys"]).exit_code == 0
    keynote = saved_as(client, "/c/keys/ics/基調講演")
    closing = saved_as(client, "/c/keys/ics/閉会")
    assert keynote[0] == "keys-2026-基調講演.ics"
    assert re.fullmatch(r"keys-2026-[0-9a-f]{12}\.ics", keynote[1]) and keynote[1] != closing[1]
