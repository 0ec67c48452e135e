"""Issue 14: timetables as conferences really publish them (tests/fixtures/wild, see SOURCES.md there).

Every fault of the issue is here with its real file (or, where no real file was found, a few inline
lines, each said so): a misread file is refused and never wipes a timetable, a re-import keeps the
conference's zone, a format is claimed only with its fields, one bad item is skipped and named,
late-night times, ISO durations, all-day events, the many speaker shapes, pretalx's calendar matched
to its XML/JSON, fortee's rejected proposals, breaks by name, spreadsheet headers, your own JSON and
YAML, pretalx's API and widget JSON; and the guard: the report first, --dry-run, --force, undo.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conference import importer, store
from conference.errors import NeedsConfirmation, NotFound, ParseError
from conference.parsers import Options, parse
from conference.parsers.common import looks_like_break, parse_duration
from conference.parsers.csv_table import parse_clock

WILD = Path(__file__).parent / "fixtures" / "wild"
FIXTURES = Path(__file__).parent / "fixtures"
# kumanofes' own column names for our fields (the late-night CSV: 24:00-29:59 times, an end day column)
KUMANOFES_COLUMNS = {
    "id": "uid",
    "title": "name",
    "date": "start_day",
    "start": "start_at",
    "end_date": "end_day",
    "end": "end_at",
    "room": "place",
}


def read(name: str, **options):
    """Parse a wild fixture as the importer would (detection from the content and the file name)."""
    return parse((WILD / name).read_bytes(), filename=name, options=Options(**options))


def refusal(name: str, **options) -> str:
    with pytest.raises(ParseError) as caught:
        read(name, **options)
    return str(caught.value)


@pytest.fixture
def db(tmp_path):
    db = store.connect(tmp_path / "wild.db")
    store.migrate(db)
    yield db
    db.close()


def run(db, name: str = "", *, force: bool = False, dry_run: bool = False, path: Path | None = None, **request):
    source = str(path or WILD / name)
    return importer.run(
        db,
        importer.ImportRequest(source=source, **request),
        allow_private=False,
        default_timezone="Asia/Tokyo",
        local_files=True,
        force=force,
        dry_run=dry_run,
    )


def rows(db, slug: str) -> dict[str, dict]:
    """The stored timetable of a conference, by key, without the row ids (an undo may renumber them)."""
    conf = store.conference(db, slug)
    return {
        r["key"]: {k: v for k, v in r.items() if k != "id"}
        for r in db.query("select * from sessions where conference_id = ? order by key", [conf.id])
    }


# --- 1, 3: a file in no supported format is refused, and never wipes a timetable -----------------


def test_an_xml_schedule_without_frab_events_is_refused_naming_what_it_has():
    message = refusal("europython-2014-schedule-day1.xml")
    assert "not frab/pentabarf XML" in message and "<entry> ×13" in message and "without any <event>" in message


def test_a_sessions_list_without_startsAt_is_not_sessionize_and_the_message_says_how_to_read_it():
    message = refusal("devfest-toulouse-2019-site.json")
    assert "its sessions[] have no startsAt/endsAt" in message and "so this is not Sessionize" in message
    assert "key, title, id" in message  # what it does have
    assert "--records PATH --map title=" in message
    # Insisting on Sessionize does not make it one.
    with pytest.raises(ParseError, match=r"not Sessionize; read it as your own JSON: --records sessions"):
        parse((WILD / "devfest-toulouse-2019-site.json").read_bytes(), "sessionize")
    # Read as what it is, the sessions have no time: legitimate, and said.
    _fmt, tt = read("devfest-toulouse-2019-site.json", records="sessions")
    assert len(tt.sessions) == 53 and all(s.start is None for s in tt.sessions)
    assert "none of the 53 sessions has a time yet" in " ".join(tt.notes)


def test_json5_and_an_html_wrapped_calendar_are_refused_with_the_line():
    assert "json: line 6 column 3: invalid JSON" in refusal("yapc-japan-online-2022-timetable.json5")
    assert "JSON5" in refusal("yapc-japan-online-2022-timetable.json5")
    message = refusal("bristol-data-week-2025-html-comment-wrapped.ics")
    assert message.startswith("ics: line 1: an iCalendar file wrapped in an HTML comment")


def test_an_import_with_no_session_at_all_is_an_error():
    with pytest.raises(ParseError, match=r"no sessions in the file"):
        parse(b"<?xml version='1.0'?><schedule><conference><title>x</title></conference></schedule>")
    with pytest.raises(ParseError, match=r"not a timetable format this app knows"):
        parse(b'{"hello": [{"a": 1}]}')


def test_a_misread_file_over_an_existing_conference_changes_nothing(db):
    run(db, "35c3-fahrplan-chaoswest-day1-before.xml", slug="cw")
    store.set_status(db, store.conference(db, "cw"), ["ab8ff127-534d-5893-b807-a31188930798"], "going")
    before = rows(db, "cw")
    for name in ("europython-2014-schedule-day1.xml", "devfest-toulouse-2019-site.json"):
        with pytest.raises(ParseError):
            run(db, name, slug="cw")
    assert rows(db, "cw") == before  # not one session cancelled or removed


# --- the guard: the report first; --dry-run, --force; undo -------------------------------------


def test_an_import_that_empties_a_timetable_stops_with_its_report_and_writes_nothing(db):
    run(db, "35c3-fahrplan-chaoswest-day1-before.xml", slug="cw")
    before = rows(db, "cw")
    with pytest.raises(NeedsConfirmation) as caught:
        run(db, "fortee-iosdc-2022-proposals-first42.json", slug="cw")
    report = caught.value.result.report
    assert report.risks == (
        "it would take 12 of the 12 sessions out of the timetable (more than half)",
        "it would bring 14 sessions without a time into a timetable that has times",
    )
    assert (len(report.added), len(report.removed), report.before) == (25, 12, 12)
    assert rows(db, "cw") == before
    preview = run(db, "fortee-iosdc-2022-proposals-first42.json", slug="cw", dry_run=True)
    assert preview.import_id is None and preview.report == report and rows(db, "cw") == before
    applied = run(db, "fortee-iosdc-2022-proposals-first42.json", slug="cw", force=True)
    assert len(applied.added) == 25 and len(rows(db, "cw")) == 25


def test_a_small_change_needs_no_confirmation(db):
    run(db, "35c3-fahrplan-chaoswest-day1-before.xml", slug="cw")
    result = run(db, "35c3-fahrplan-chaoswest-day1-after.xml", slug="cw")
    assert result.risks == [] and result.import_id is not None


def test_untimed_sessions_into_a_timed_timetable_need_confirming_even_when_nothing_is_removed(db):
    timed = "title,date,start,end\nKeynote,2026-07-25,10:00,10:45\nLT,2026-07-25,11:00,11:10\n"
    (path := db_file(db, "t.csv")).write_text(timed, encoding="utf-8")
    run(db, path=path, slug="jtf")
    path.write_text(timed + "Secret guest,,,\n", encoding="utf-8")
    with pytest.raises(NeedsConfirmation, match=r"bring 1 sessions without a time into a timetable that has times"):
        run(db, path=path, slug="jtf")
    assert len(rows(db, "jtf")) == 2


def db_file(db, name: str) -> Path:
    return Path(store.database_path(db)).parent / name


def test_undo_brings_the_timetable_back_exactly_and_leaves_marks_and_notes(db):
    run(db, "35c3-fahrplan-chaoswest-day1-before.xml", slug="cw")
    conf = store.conference(db, "cw")
    wifi = "ab8ff127-534d-5893-b807-a31188930798"
    store.set_status(db, conf, [wifi], "going")
    store.save_note(db, conf, wifi, "ask about the spec", 0)
    status = store.planned_session(db, conf, wifi).status  # a note makes "going" "attended"
    before = rows(db, "cw")
    version = store.conference(db, "cw").data_version
    run(db, "fortee-iosdc-2022-proposals-first42.json", slug="cw", force=True)
    assert rows(db, "cw")[wifi]["cancelled"] == 1  # marked: kept as cancelled, the others removed
    undone = store.undo_import(db, store.conference(db, "cw"))
    assert rows(db, "cw") == before
    assert (len(undone.removed), len(undone.added)) == (25, 11)  # the wifi talk was there all along
    assert store.conference(db, "cw").data_version > version  # kept pages and calendars are rebuilt
    assert store.planned_session(db, conf, wifi).status == status
    assert store.note(db, conf, wifi).text == "ask about the spec"
    assert store.import_report(db, conf, undone.import_id)["format"] == "undo"
    with pytest.raises(NotFound, match=r"nothing to undo"):
        store.undo_import(db, conf)


def test_undo_puts_back_the_zone_and_dates_the_import_changed(db):
    run(db, "penguicon-2019-sched-export-name-venue.csv", slug="pg", timezone="America/Detroit")
    run(db, "penguicon-2019-sched-export-name-venue.csv", slug="pg", timezone="Europe/Vienna")
    assert store.conference(db, "pg").timezone == "Europe/Vienna"
    store.undo_import(db, store.conference(db, "pg"))
    assert store.conference(db, "pg").timezone == "America/Detroit"
    first = next(iter(rows(db, "pg").values()))
    assert first["start"].endswith("-04:00")


def test_cli_dry_run_force_and_undo(runner, tmp_path):
    def cli(*args):
        return runner.invoke(args=[str(a) for a in args])

    assert cli("import", WILD / "35c3-fahrplan-chaoswest-day1-before.xml", "--slug", "cw").exit_code == 0
    sessions = cli("sessions", "cw", "--json").stdout
    dry = cli("import", WILD / "35c3-fahrplan-chaoswest-day1-after.xml", "--slug", "cw", "--dry-run")
    assert dry.exit_code == 0
    assert dry.stdout.splitlines()[:3] == [
        "dry run: nothing was written",
        "cw: 0 added, 1 changed, 0 cancelled, 0 removed, 11 unchanged",
        "  changed    ab8ff127-534d-5893-b807-a31188930798  Wifi4EU - broken by technical specification"
        "  (abstract changed)",
    ]
    assert cli("sessions", "cw", "--json").stdout == sessions
    refused = cli("import", WILD / "fortee-iosdc-2022-proposals-first42.json", "--slug", "cw")
    assert refused.exit_code == 1
    assert "cw: 25 added, 0 changed, 0 cancelled, 12 removed, 0 unchanged" in refused.stdout
    assert (
        "  needs --force: it would take 12 of the 12 sessions out of the timetable (more than half)" in refused.stdout
    )
    assert refused.stderr.strip() == (
        "Error: not imported into 'cw': it would take 12 of the 12 sessions out of the timetable (more than half);"
        " it would bring 14 sessions without a time into a timetable that has times. Nothing was written: look at the report and confirm (the CLI: run again with --force; --dry-run shows"
        " the report)"
    )
    assert cli("sessions", "cw", "--json").stdout == sessions
    assert cli("import", WILD / "fortee-iosdc-2022-proposals-first42.json", "--slug", "cw", "--force").exit_code == 0
    assert cli("sessions", "cw", "--json").stdout != sessions
    undo = cli("undo-import", "cw")
    assert undo.exit_code == 0 and undo.stdout.startswith("the timetable is back as it was before the last import")
    assert cli("sessions", "cw", "--json").stdout == sessions
    again = cli("undo-import", "cw")
    assert again.exit_code == 1 and "nothing to undo" in again.stderr


# --- 2, 12: time zones ---------------------------------------------------------------------------


def test_a_reimport_without_timezone_keeps_the_conference_zone(db):
    first = run(db, "penguicon-2019-sched-export-name-venue.csv", timezone="America/Detroit")
    assert store.conference(db, first.slug).timezone == "America/Detroit"
    again = run(db, "penguicon-2019-sched-export-name-venue.csv")  # same file, no --timezone
    assert (len(again.changed), again.unchanged) == (0, 38)
    assert "times read in America/Detroit (the zone of 'penguicon-2019-sched-export-name-venue'" in again.notes[0]
    # Sessionize's offset-less times, the issue's own case: Europe/Vienna stays Europe/Vienna.
    run(db, path=FIXTURES / "mini-sessionize.json", slug="vienna", timezone="Europe/Vienna")
    again = run(db, path=FIXTURES / "mini-sessionize.json", slug="vienna")
    assert again.changed == [] and again.unchanged > 0


def test_a_file_with_no_zone_says_which_zone_it_was_read_in():
    _fmt, tt = read("hcd-2025-tokyo-schedule-ja-breaks.csv", date=date(2025, 6, 21))
    assert tt.timezone == "Asia/Tokyo"
    assert tt.notes[0] == (
        "the file names no time zone and no --timezone was given: times read in Asia/Tokyo (the app's default)"
    )
    _fmt, tt = read("devfest-toulouse-2019-schedule.ics")  # floating times with X-WR-TIMEZONE
    assert tt.timezone == "Europe/Paris" and not any("no time zone" in n for n in tt.notes)


# --- 4: fortee proposals ---------------------------------------------------------------------------


def test_fortee_proposals_keep_only_the_accepted_ones_and_say_how_many_were_left_out():
    _fmt, tt = read("fortee-iosdc-2022-proposals-first42.json")
    assert len(tt.sessions) == 25
    assert sum(1 for s in tt.sessions if s.start) == 11
    assert all(s.start.tzinfo == ZoneInfo("Asia/Tokyo") for s in tt.sessions if s.start)
    assert "17 proposals not accepted were left out" in tt.notes
    assert "14 of the 25 sessions have no time yet" in tt.notes


# --- 5: frab speakers in every shape --------------------------------------------------------------


def test_frab_public_name_name_and_text_persons_all_give_speakers():
    _fmt, wiki = read("35c3-wiki-schedule-day1.xml")
    assert len(wiki.sessions) == 37
    assert Counter(len(s.speakers) for s in wiki.sessions) == {1: 21, 0: 16}  # every person id is "0"
    assert all(name.strip() for s in wiki.sessions for name in s.speakers)
    _fmt, mixed = read("35c3-fahrplan-mixed-persons-day1.xml")
    assert len(mixed.sessions) == 20 and all(s.speakers for s in mixed.sessions)
    assert sum(len(s.speakers) for s in mixed.sessions) == 25
    _fmt, chaoswest = read("35c3-fahrplan-chaoswest-day1-before.xml")  # <person><name>
    assert sum(len(s.speakers) for s in chaoswest.sessions) == 15


# --- 6: an abstract-only change is a change --------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "options", "key", "title"),
    [
        (
            "35c3-fahrplan-chaoswest-day1-before.xml",
            "35c3-fahrplan-chaoswest-day1-after.xml",
            {},
            "ab8ff127-534d-5893-b807-a31188930798",
            "Wifi4EU - broken by technical specification",
        ),
        (
            "juliacon-2020-pretalx-api-talks-before.json",
            "juliacon-2020-pretalx-api-talks-after.json",
            {},
            "MCFFUY",
            "Minisymposium on Partial Differential Equations",
        ),
        (
            "penguicon-2016-schedule-allday-before.csv",
            "penguicon-2016-schedule-allday-after.csv",
            {"timezone": "America/Detroit"},
            None,
            "Build Your Own Satellite!",
        ),
    ],
)
def test_an_abstract_only_change_is_reported(db, before, after, options, key, title):
    first = run(db, before, slug="c", **options)
    result = run(db, after, slug="c", **options)
    [changed] = result.changed
    assert (changed["title"], changed["fields"], changed["details"]) == (title, {}, ["abstract"])
    assert key is None or changed["key"] == key
    assert result.unchanged == len(first.added) - 1


# --- 7: skip one bad item, not the file ----------------------------------------------------------


def test_four_placeholder_ends_are_skipped_by_line_and_the_other_1252_rows_imported():
    with pytest.raises(ParseError, match=r"only a weekday \('Thursday'\), no date: give the first day with --date"):
        read("vivatech-2017-program.csv")
    _fmt, tt = read("vivatech-2017-program.csv", date=date(2017, 6, 15), timezone="Europe/Paris")
    assert len(tt.sessions) == 1252
    assert [str(s) for s in tt.skipped] == [
        "line 170, column 'end' (Big Data Startups Pitches): ends (00:00) before it starts (10:10)",
        "line 587, column 'end' (Big Data Startups Pitches): ends (00:00) before it starts (13:50)",
        "line 1091, column 'end' (Future of Transport): ends (00:00) before it starts (17:50)",
        "line 2575, column 'end' (CV Vidéo : Témoignage): ends (00:00) before it starts (15:20)",
    ]
    assert sum(1 for s in tt.sessions if s.start == s.end) == 3  # zero-length rows are kept
    assert {s.start.date() for s in tt.sessions} == {date(2017, 6, 15), date(2017, 6, 16), date(2017, 6, 17)}


def test_one_broken_vevent_is_skipped_by_uid_and_unparsable_description_lines_cost_nothing():
    _fmt, tt = read("cfgmgmtcamp-2019-monday-one-bad-dtstart.ics")
    assert len(tt.sessions) == 54
    [skipped] = tt.skipped
    assert skipped.where == "VEVENT 40 (UID objectinfra@cfgmgmtcamp.eu)"
    assert skipped.why == "bad DTSTART '20190204T1145000'"
    assert tt.timezone == "Europe/Brussels"
    assert Counter(s.title for s in tt.sessions if s.is_break) == {"Break": 9, "Lunch": 8, "Breakfast": 1}
    assert {"0.daula", "3.rudder"} <= {s.room for s in tt.sessions}


def test_two_calendars_in_one_file_are_both_read_and_five_digit_times_skipped_not_guessed():
    _fmt, tt = read("cfgmgmtcamp-2019-two-calendars-excerpt.ics")
    assert len(tt.sessions) == 7 and len(tt.skipped) == 6
    assert str(tt.skipped[0]) == "VEVENT 5 (Breakfast): bad DTSTART '20190204T83000Z'"
    assert "2 calendars in one file: the events of all of them were read" in tt.notes
    assert not any(s.start.hour == 8 and s.start.minute == 30 for s in tt.sessions)


def test_a_vevent_without_dtstart_is_skipped_and_named():
    # No real calendar was found with this fault: three lines of our own.
    ics = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//\r\nX-WR-TIMEZONE:Europe/Berlin\r\n"
        b"BEGIN:VEVENT\r\nUID:a@x\r\nSUMMARY:Talk\r\nDTSTART:20260725T100000\r\nDTEND:20260725T104500\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:b@x\r\nSUMMARY:Lost\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    _fmt, tt = parse(ics)
    assert [s.title for s in tt.sessions] == ["Talk"]
    assert [str(s) for s in tt.skipped] == ["VEVENT 2 (UID b@x) (Lost): no DTSTART"]


def test_rows_with_tba_times_are_skipped_by_line():
    _fmt, tt = read("penguicon-2019-sched-export-name-venue.csv", timezone="America/Detroit")
    assert len(tt.sessions) == 38
    assert [(s.where, s.title) for s in tt.skipped] == [
        ("line 26, column 'event_start'", "Burlesque"),
        ("line 41, column 'event_start'", "ADDITION ERRATA Author Office Hours with Colleen Nye"),
    ]
    assert all(s.why == "not a date and time: '2019-05-03 TBA'" for s in tt.skipped)


def test_the_skipped_items_reach_the_summary(db):
    result = run(db, "penguicon-2019-sched-export-name-venue.csv", timezone="America/Detroit")
    assert result.summary().endswith(", 2 skipped")
    assert result.skipped[0] == "line 26, column 'event_start' (Burlesque): not a date and time: '2019-05-03 TBA'"


# --- 8: spreadsheet headers ------------------------------------------------------------------------


def test_talk_title_and_room_name_with_a_separate_track_follow_the_header():
    _fmt, tt = read("agile-on-the-beach-2026-schedule-room-name.csv", timezone="Europe/London")
    talks = [s for s in tt.sessions if not s.is_break]
    assert (len(talks), len(tt.sessions) - len(talks)) == (35, 10)
    jam = next(s for s in tt.sessions if s.speakers == ["Cat Morris", "Derik Evangelista"])
    assert jam.room and jam.track and jam.room != jam.track
    assert {s.track for s in talks} >= {"STUDIO A"} and "ENGINEERING" in {s.room for s in talks}
    assert {s.start.date() for s in tt.sessions} == {date(2026, 7, 2), date(2026, 7, 3)}
    assert all(s.end - s.start == timedelta(minutes=int(m)) for s, m in [(tt.sessions[0], 90)])


def test_day_month_dates_and_a_badly_quoted_field_lose_no_row():
    _fmt, tt = read("agile-on-the-beach-2026-new-schedule.csv", timezone="Europe/London")
    assert len(tt.sessions) == 66
    assert {s.start.date() for s in tt.sessions} == {date(2026, 7, 2), date(2026, 7, 3)}  # 2 July, not 7 February
    assert any("The smoothest reorg" in s.title for s in tt.sessions)


def test_name_is_the_title_and_venue_the_room_in_a_sched_export():
    _fmt, tt = read("penguicon-2019-sched-export-name-venue.csv", timezone="America/Detroit")
    mayhem = [s for s in tt.sessions if s.title == "Midnight Mayhem"]
    assert len(mayhem) == 3 and len({s.room for s in mayhem}) == 3 and mayhem[0].track == "Mayhem"
    assert mayhem[0].start == datetime(2019, 5, 5, 0, 0, tzinfo=ZoneInfo("America/Detroit"))
    ceremonies = [
        s for s in tt.sessions if s.title in ("Opening Ceremonies", "Closing Ceremonies", "The Opening Chapter")
    ]
    assert ceremonies and not any(s.is_break for s in ceremonies)
    assert not any("&quot;" in name for s in tt.sessions for name in s.speakers)


def test_title_rows_above_the_header_are_left_out_and_said():
    # No real file with title rows *above* a header was found (SOURCES.md): this is the shape.
    data = b"Programme 2026,,\n,,\nTitle,Start,End\nOpening,2026-07-25 10:00,2026-07-25 10:15\n"
    _fmt, tt = parse(data, options=Options(timezone="Asia/Tokyo"))
    assert [s.title for s in tt.sessions] == ["Opening"]
    assert "1 title row above the header (line 3) was left out: 'Programme 2026'" in tt.notes
    two = b"Programme 2026,,\nDay 1,,\nTitle,Start,End\nOpening,2026-07-25 10:00,2026-07-25 10:15\n"
    _fmt, tt = parse(two, options=Options(timezone="Asia/Tokyo"))
    assert "2 title rows above the header (line 3) were left out: 'Programme 2026'; 'Day 1'" in tt.notes


def test_a_file_without_a_header_row_is_refused_with_what_its_rows_look_like():
    message = refusal("salt30-sched-day-title-rows.csv")
    assert "no header row naming a title column" in message and "'FRIDAY'" in message
    assert "no header row naming a title column" in refusal("writethedocs-na-2013-day1.csv")


def test_category_and_track_are_kept_apart():
    data = b"title,start,end,room,track,category\nTalk,2026-07-25 10:00,2026-07-25 10:45,Hall A,Cloud,Beginner\n"
    _fmt, tt = parse(data, options=Options(timezone="Asia/Tokyo"))
    [s] = tt.sessions
    assert (s.room, s.track, s.type) == ("Hall A", "Cloud", "Beginner")
    _fmt, tt = read("vivatech-2017-program.csv", date=date(2017, 6, 15), timezone="Europe/Paris")
    first = tt.sessions[0]  # no track column: the categories are the track; the type stays the type
    assert first.track.startswith("#") and "\\n" not in first.track and first.type == "Partners Program"


# --- 9: Japanese late-night times ------------------------------------------------------------------


def test_late_night_times_up_to_29_59_are_the_next_day():
    assert parse_clock("24:30") == (parse_clock("0:30")[0], 1)
    assert parse_clock("29:59") == (parse_clock("5:59")[0], 1)
    with pytest.raises(ValueError, match=r"hours go up to 29"):
        parse_clock("30:00")
    _fmt, tt = read("kumanofes-2021-program-late-night.csv", date=date(2021, 11, 26), fields=KUMANOFES_COLUMNS)
    by_key = {s.key: s for s in tt.sessions}
    tokyo = ZoneInfo("Asia/Tokyo")
    starts_at_24 = [
        s
        for s in tt.sessions
        if s.start
        and (s.start, s.end) == (datetime(2021, 11, 27, 0, 0, tzinfo=tokyo), datetime(2021, 11, 27, 1, 0, tzinfo=tokyo))
    ]
    assert starts_at_24  # 1126 24:00 - 1126 25:00
    assert any(
        (s.start, s.end) == (datetime(2021, 11, 26, 21, 0, tzinfo=tokyo), datetime(2021, 11, 27, 4, 0, tzinfo=tokyo))
        for s in tt.sessions
    )  # 1126 21:00 - 1126 28:00
    assert any(
        (s.start, s.end) == (datetime(2021, 12, 3, 21, 0, tzinfo=tokyo), datetime(2021, 12, 5, 4, 0, tzinfo=tokyo))
        for s in tt.sessions
    )  # 1203 21:00 - 1204 28:00: a 31-hour endurance event, kept
    assert {k for k, s in by_key.items() if s.start is None} == {"id-ev188", "id-ev189"}


# --- 10: pretalx's calendar and its XML/JSON are one timetable ------------------------------------


def test_pretalx_ics_titles_lose_the_speakers_and_keep_their_own_dashes():
    _fmt, tt = read("good-2025-pretalx-schedule.ics")
    by_title = {s.title: s for s in tt.sessions}
    assert by_title["Scaling up OOD - a sysadmin's perspective"].speakers == [
        "Simon Westersund [CSC - IT Center for Science]"
    ]
    assert by_title["Federated Open OnDemand"].speakers == ["Robin Karlsson [CSC - IT Center for Science]"]
    assert by_title["Governance Working Group - Community Engagement"].speakers == []
    assert by_title["Contributor Jam"].speakers == [
        "Emily Moffat Sadeghi [Ohio Supercomputer Center]",
        "Travis Ravert [Ohio Supercomputer Center]",
    ]
    _fmt, xml = read("good-2025-pretalx-schedule.xml")
    assert sorted(s.title for s in tt.sessions) == sorted(s.title for s in xml.sessions)
    assert sorted(map(tuple, (s.speakers for s in tt.sessions))) == sorted(
        map(tuple, (s.speakers for s in xml.sessions))
    )
    from conference.parsers.ical import split_pretalx_summary

    assert split_pretalx_summary("Title (Ann, Bob)") == ("Title", ["Ann", "Bob"])  # the issue's spelling


@pytest.mark.parametrize("first", ["good-2025-pretalx-schedule.xml", "good-2025-pretalx-schedule.json"])
def test_switching_a_pretalx_event_to_its_ics_changes_nothing(db, first):
    run(db, first, slug="good")
    store.set_status(db, store.conference(db, "good"), [next(iter(rows(db, "good")))], "going")
    before = rows(db, "good")
    result = run(db, "good-2025-pretalx-schedule.ics", slug="good")
    assert (result.added, result.changed, result.cancelled, result.removed) == ([], [], [], [])
    assert result.unchanged == 44 and rows(db, "good") == before


def test_xml_and_json_of_one_pretalx_event_agree(db):
    run(db, "good-2025-pretalx-schedule.xml", slug="good")
    result = run(db, "good-2025-pretalx-schedule.json", slug="good")
    assert (result.changed, result.unchanged) == ([], 44)  # the XML's //2025 URL spelling is read as /2025


def test_a_calendar_that_is_not_pretalx_keeps_its_titles_whole():
    _fmt, tt = read("pycon-india-2021-schedule.ics")
    assert len(tt.sessions) == 60
    assert any(s.title.startswith("Python in Space - Curiosity Sparks - ") for s in tt.sessions)


# --- 11: all-day events are not talks --------------------------------------------------------------


def test_all_day_rows_are_left_out_and_said():
    _fmt, tt = read("penguicon-2016-schedule-allday-before.csv", timezone="America/Detroit")
    assert len(tt.sessions) == 21
    assert max(s.end - s.start for s in tt.sessions) < timedelta(hours=12)
    note = next(n for n in tt.notes if "all-day" in n)
    assert note.startswith("12 all-day items are not talks and were left out: Charity Raffle, Chaos Machine")


def test_all_day_calendar_events_are_left_out_and_said():
    # No conference calendar mixing VALUE=DATE events with talks was found: the shape, inline.
    ics = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//\r\nX-WR-TIMEZONE:Asia/Tokyo\r\n"
        b"BEGIN:VEVENT\r\nUID:day@x\r\nSUMMARY:Sponsor booths\r\nDTSTART;VALUE=DATE:20260725\r\n"
        b"DTEND;VALUE=DATE:20260726\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:talk@x\r\nSUMMARY:Keynote\r\nDTSTART:20260725T100000\r\nDURATION:PT45M\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    _fmt, tt = parse(ics)
    assert [s.title for s in tt.sessions] == ["Keynote"]
    assert "1 all-day events are not talks and were left out: Sponsor booths" in tt.notes


# --- durations -------------------------------------------------------------------------------------


def test_iso_8601_durations():
    assert parse_duration("PT40M") == timedelta(minutes=40)
    assert parse_duration("PT1H30M") == timedelta(minutes=90)
    assert parse_duration("P0Y0M0DT0H40M0.000S") == timedelta(minutes=40)  # Java/Joda writes this
    assert parse_duration("P1D") == timedelta(days=1)
    assert parse_duration("00hr:50min") == timedelta(minutes=50)
    with pytest.raises(ValueError):
        parse_duration("P1M")  # a month is no fixed length
    _fmt, tt = read("devfest-toulouse-2019-schedule.ics")  # DURATION only, and PROID instead of PRODID
    assert len(tt.sessions) == 47
    first = tt.sessions[0]
    assert first.start == datetime(2019, 10, 3, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert first.end - first.start == timedelta(minutes=40)
    _fmt, tt = read("pycon-india-2021-schedule.ics")
    assert timedelta(hours=2, minutes=30) in {s.end - s.start for s in tt.sessions}


def test_an_empty_frab_duration_ends_at_the_next_slot_or_after_duration():
    # No real frab file with an empty <duration> was found (SOURCES.md): the shape, inline.
    def xml(last_duration: str) -> bytes:
        events = [("1", "10:00", ""), ("2", "11:00", last_duration)]
        body = "".join(
            f"<event id='{i}' guid='g{i}'><start>{t}</start><duration>{d}</duration><room>A</room>"
            f"<title>T{i}</title></event>"
            for i, t, d in events
        )
        return (
            "<schedule><conference><title>x</title><time_zone_name>Europe/Berlin</time_zone_name></conference>"
            f"<day index='1' date='2026-07-25'><room name='A'>{body}</room></day></schedule>"
        ).encode()

    _fmt, tt = parse(xml("00:30"))
    assert tt.sessions[0].end == tt.sessions[1].start
    _fmt, tt = parse(xml(""), options=Options(duration=45))
    assert tt.sessions[1].end - tt.sessions[1].start == timedelta(minutes=45)
    _fmt, tt = parse(xml(""))
    assert [s.title for s in tt.sessions] == ["T1"]
    assert "empty <duration> and no later event in its room: give --duration" in str(tt.skipped[0])


# --- breaks by name --------------------------------------------------------------------------------


def test_breaks_by_name_in_english_german_and_japanese_but_opening_and_closing_are_sessions():
    for title in (
        "Coffee",
        "Coffee Break",
        "Kaffeepause",
        "Mittagspause",
        "休憩",
        "休憩(15分)",
        "昼休憩",
        "ランチ",
        "受付",
        "場面転換",
        "Lunch",
        "Essenszeit (Mittag)",
        "お昼ごはん",
        "Break/Networking",
        "*Coffee*",
    ):
        assert looks_like_break(title), title
    for title in (
        "Opening",
        "Closing",
        "Opening Ceremonies",
        "Welcome",
        "オープニング",
        "クロージング",
        "懇親会",
        "Networking Dinner",
        "Day 1 Opening Address",
        "ごあいさつ",
    ):
        assert not looks_like_break(title), title
    _fmt, hcd = read("hcd-2025-tokyo-schedule-ja-breaks.csv", date=date(2025, 6, 21))
    assert [s.title for s in hcd.sessions if s.is_break] == ["休憩", "休憩"]
    assert sum(1 for s in hcd.sessions if s.title == "分科会①") == 4
    _fmt, jev = read("jev22-kantine-day2-essenszeit.xml")
    assert all(s.is_break for s in jev.sessions)
    _fmt, bioc = read("eurobioc-2025-schedule-start-only.csv", date=date(2025, 9, 17), duration=30)
    assert Counter(s.title for s in bioc.sessions if s.is_break) == {"Break": 3, "Lunch": 2}
    assert not any(s.is_break for s in bioc.sessions if s.type in ("Opening", "Closing"))


# --- 12: your own YAML and JSON ------------------------------------------------------------------


def test_yaml_without_records_is_answered_as_yaml_asking_which_list():
    message = refusal("oedo-ruby-kaigi-08-timetable.yml")
    assert message.startswith("yaml: top level: which list holds the sessions? give --records PATH")
    assert "events (16 items: color, begin, end, name, speakers" in message
    assert "csv" not in message.lower()
    assert refusal("writethedocs-berlin-2025-schedule.yaml").startswith("yaml: top level: which list")


def test_custom_yaml_with_records_and_map_speakers_as_a_list_of_objects():
    mapping = {"title": "name", "start": "begin", "end": "end", "speakers": "speakers.name"}
    with pytest.raises(ParseError, match=r"no date for this time: .* --date"):
        read("oedo-ruby-kaigi-08-timetable.yml", records="events", fields=mapping)
    _fmt, tt = read("oedo-ruby-kaigi-08-timetable.yml", records="events", fields=mapping, date=date(2020, 2, 11))
    assert len(tt.sessions) == 16
    assert [s.title for s in tt.sessions if s.is_break] == [
        "受付",
        "休憩",
        "お昼ごはん",
        "休憩",
        "休憩",
        "休憩",
        "休憩",
    ]
    by_title = {s.title: s for s in tt.sessions}
    assert len(by_title["Ninja Talks 壱"].speakers) == 3 and len(by_title["くノ一 トーク"].speakers) == 11
    assert sum(len(s.speakers) for s in tt.sessions) == 23
    assert tt.sessions[0].start == datetime(2020, 2, 11, 9, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert "16 items in events; fields: title=name, start=begin, end=end, speakers=speakers.name" in tt.notes


def test_a_name_given_as_text_where_speaker_objects_are_expected_is_the_speaker():
    # WILD.md says one Oedo event has `speakers: RubyKaigi Organizers`; the kept file has none, so inline.
    data = (
        b"events:\n- {name: Talk, begin: '10:00', end: '10:30', speakers: [{name: Ann}, {name: Bob}]}\n"
        b"- {name: Closing, begin: '10:30', end: '10:40', speakers: RubyKaigi Organizers}\n"
    )
    fields = {"title": "name", "start": "begin", "end": "end", "speakers": "speakers.name"}
    _fmt, tt = parse(data, filename="t.yml", options=Options(records="events", fields=fields, date=date(2020, 2, 11)))
    assert [s.speakers for s in tt.sessions] == [["Ann", "Bob"], ["RubyKaigi Organizers"]]


def test_an_unquoted_9_30_in_yaml_is_half_past_nine_not_570():
    fields = {"title": "events.title", "speakers": "events.speaker", "id": "events.id"}
    _fmt, tt = read("redmine-japan-vol3-timetable.yml", records="body", fields=fields, date=date(2019, 10, 4))
    opening = next(s for s in tt.sessions if s.title == "オープニングセッション")
    assert (opening.start.time().isoformat(), opening.end.time().isoformat()) == ("10:15:00", "10:25:00")
    assert all(s.end - s.start < timedelta(hours=3) for s in tt.sessions)
    assert len(tt.sessions) == 7
    assert [s.where for s in tt.skipped] == ["body[0]", "body[3]", "body[5]"]  # room grids and 開場: no title


def test_a_top_level_yaml_list_is_read_by_its_field_names():
    _fmt, tt = read("jsconf-jp-2024-talks.yaml", date=date(2024, 11, 23))
    assert len(tt.sessions) == 69
    assert sum(1 for s in tt.sessions if s.type == "TALK") == 46
    assert sum(1 for s in tt.sessions if s.is_break) == 7
    assert any(s.title == "OPENING_TALK" for s in tt.sessions)  # no title: its kind names it


def test_custom_json_flat_records_with_placeholder_ends():
    _fmt, tt = read(
        "vivatech-2017-program-excerpt.json",
        records=".",
        fields={"room": "location"},
        date=date(2017, 6, 15),
        timezone="Europe/Paris",
    )
    assert (len(tt.sessions), len(tt.skipped)) == (33, 4)
    assert tt.skipped[0].where == "[30], field 'end'"


def test_cli_records_and_map(runner):
    result = runner.invoke(
        args=[
            "import",
            str(WILD / "oedo-ruby-kaigi-08-timetable.yml"),
            "--records",
            "events",
            "--map",
            "title=name",
            "--map",
            "speakers=speakers.name",
            "--date",
            "2020-02-11",
            "--slug",
            "oedo",
        ]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("oedo: 16 added")
    sessions = json.loads(runner.invoke(args=["sessions", "oedo", "--json"]).stdout)
    assert len(sessions) == 16 and sessions[0]["title"] == "受付" and sessions[0]["is_break"] is True
    bad = runner.invoke(args=["import", str(WILD / "oedo-ruby-kaigi-08-timetable.yml"), "--map", "titel=name"])
    assert bad.exit_code == 1 and "unknown field 'titel'" in bad.stderr


# --- pretalx's API and widget JSON -----------------------------------------------------------------


def test_pretalx_api_talks_with_slots():
    _fmt, tt = read("juliacon-2020-pretalx-api-talks-before.json")
    assert _fmt == "pretalx-api" and len(tt.sessions) == 25 and tt.timezone == "UTC"
    assert Counter(len(s.speakers) for s in tt.sessions) == {1: 23, 2: 1, 4: 1}
    assert "Purple Track" in {s.room for s in tt.sessions}
    assert {"Talk", "Lightning Talk"} <= {s.type for s in tt.sessions}  # a string and {"en": …} alike


def test_pretalx_api_envelope_and_submissions_keep_only_confirmed_talks():
    talks = json.loads((WILD / "juliacon-2020-pretalx-api-talks-before.json").read_text("utf-8"))
    rejected = {**talks[0], "code": "NOPE01", "state": "rejected", "slot": None}
    envelope = {"count": 26, "next": None, "previous": None, "results": [*talks, rejected]}  # the API's own answer
    fmt, tt = parse(json.dumps(envelope).encode())
    assert fmt == "pretalx-api" and len(tt.sessions) == 25
    assert "1 submissions not confirmed (rejected, withdrawn or still in review) were left out" in tt.notes


def test_pretalx_widget_json():
    fmt, tt = read("pretalx-democon-widget-v2.json")
    assert fmt == "pretalx-widget" and len(tt.sessions) == 36 and tt.timezone == "Europe/Berlin"
    assert len({name for s in tt.sessions for name in s.speakers}) == 31
    assert all(s.room for s in tt.sessions) and all(s.track for s in tt.sessions)


def _words(value) -> str:
    return " ".join(str(value or "").split())


def test_pretalx_api_talks_read_as_the_json_module_reads_them():
    """A second reading of the file (json and datetime), field by field, against the parser's."""
    talks = json.loads((WILD / "juliacon-2020-pretalx-api-talks-before.json").read_text("utf-8"))

    def en(value):
        return value.get("en") if isinstance(value, dict) else value

    expected = {
        t["code"]: (
            _words(t["title"]),
            datetime.fromisoformat(t["slot"]["start"].replace("Z", "+00:00")),
            datetime.fromisoformat(t["slot"]["end"].replace("Z", "+00:00")),
            _words(en(t["slot"]["room"])),
            _words(en(t["submission_type"])),
            _words(en(t["track"])),
            t["content_locale"],
            [_words(p["name"]) for p in t["speakers"]],
        )
        for t in talks
    }
    _fmt, tt = parse(json.dumps(talks).encode())
    ours = {s.key: (s.title, s.start, s.end, s.room, s.type, s.track, s.language, s.speakers) for s in tt.sessions}
    assert ours == expected
    for t, s in zip(talks, tt.sessions, strict=True):
        assert s.code == t["code"] and _words(t["abstract"])[:60] in _words(s.abstract)
        assert _words(t["description"])[:60] in _words(s.abstract)
        assert s.room_code == "" or s.room.startswith(s.room_code)


def test_pretalx_api_edge_cases_are_named_not_guessed():
    slot = {"start": "2026-07-25T10:00:00+02:00", "end": "2026-07-25T10:30:00+02:00", "room": {"de": "Saal 1"}}
    talks = [
        {
            "code": "OK0001",
            "title": {"de": "Nur deutsch"},
            "state": "confirmed",
            "slot": slot,
            "speakers": [{"name": "Ann"}, {}],
        },
        {
            "code": "OK0002",
            "title": "Accepted",
            "state": "ACCEPTED",
            "slot": {**slot, "room": {"name": {"en": "Hall"}}},
        },
        {"code": "NO0001", "title": "Withdrawn", "state": "withdrawn", "slot": slot},
        {"code": "NO0002", "title": "In review", "state": "submitted", "slot": slot},
        {"code": "NOTITLE", "title": "", "state": "confirmed", "slot": slot},
        {"code": "BAD001", "title": "Bad slot", "state": "confirmed", "slot": {"start": "yesterday", "end": "x"}},
        {"code": "HALF01", "title": "Half a slot", "state": "confirmed", "slot": {"start": slot["start"]}},
        {
            "code": "LATER1",
            "title": "Not yet scheduled",
            "state": "confirmed",
            "slot": None,
            "submission_type": "Break",
        },
    ]
    fmt, tt = parse(json.dumps({"count": 8, "results": talks}).encode(), options=Options(timezone="Europe/Berlin"))
    assert fmt == "pretalx-api" and tt.timezone == "Europe/Berlin"
    by_code = {s.code: s for s in tt.sessions}
    assert list(by_code) == ["OK0001", "OK0002", "LATER1"]
    first = by_code["OK0001"]
    assert (first.title, first.room, first.speakers) == ("Nur deutsch", "Saal 1", ["Ann"])
    assert first.start == datetime(2026, 7, 25, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert by_code["OK0002"].room == "Hall"
    assert by_code["LATER1"].start is None and by_code["LATER1"].end is None and by_code["LATER1"].is_break
    assert [str(x) for x in tt.skipped] == [
        "results[4] (NOTITLE): no title",
        "results[5] (BAD001) (Bad slot): bad slot start/end: " + str(tt.skipped[1]).split("bad slot start/end: ")[1],
        "results[6] (HALF01) (Half a slot): the slot has only one of start and end",
    ]
    assert "2 submissions not confirmed (rejected, withdrawn or still in review) were left out" in tt.notes
    with pytest.raises(ParseError, match=r"results\[1\]: is not an object"):
        parse(json.dumps({"results": [talks[0], "text"]}).encode(), options=Options(timezone="UTC"), fmt="pretalx-api")
    with pytest.raises(ParseError, match="expected the pretalx API's talks"):
        parse(b'{"results": []}', fmt="pretalx-api")


def test_pretalx_widget_talks_read_as_the_json_module_reads_them():
    doc = json.loads((WILD / "pretalx-democon-widget-v2.json").read_text("utf-8"))
    rooms = {r["id"]: r["name"] for r in doc["rooms"]}
    tracks = {t["id"]: t["name"] for t in doc["tracks"]}
    people = {p["code"]: p["name"] for p in doc["speakers"]}
    expected = {
        t["code"]: (
            _words(t["title"]),
            datetime.fromisoformat(t["start"]),
            datetime.fromisoformat(t["end"]),
            rooms[t["room"]],
            tracks[t["track"]],
            [people[c] for c in t["speakers"]],
            _words(t["abstract"]),
        )
        for t in doc["talks"]
    }
    _fmt, tt = parse(json.dumps(doc).encode())
    ours = {s.key: (s.title, s.start, s.end, s.room, s.track, s.speakers, _words(s.abstract)) for s in tt.sessions}
    assert ours == expected
    assert all(s.start.tzinfo == ZoneInfo("Europe/Berlin") and s.code == s.key for s in tt.sessions)
    assert tt.rooms == [r["name"] for r in doc["rooms"]]


def test_pretalx_widget_edge_cases_are_named_not_guessed():
    doc = {
        "timezone": "Asia/Tokyo",
        "rooms": [{"id": 1, "name": {"en": "Hall A"}}, {"id": 2, "name": ""}],
        "tracks": [{"id": 7, "name": "Cloud"}],
        "speakers": [{"code": "S1", "name": " Ann  Lee "}],
        "talks": [
            {
                "code": "T1",
                "title": "Inline",
                "start": "2026-07-25T10:00:00",
                "end": "2026-07-25T10:45:00",
                "room": {"en": "Hall B"},
                "track": {"en": "Data"},
                "speakers": ["S1", {"name": "Bob"}, "S9"],
            },
            {"code": "T2", "title": "", "start": "2026-07-25T11:00:00", "end": "2026-07-25T11:45:00"},
            {"code": "T3", "title": "Broken", "start": "soon", "end": "later"},
            {"code": "T4", "title": "Open end", "start": "2026-07-25T12:00:00"},
            {
                "code": "T5",
                "title": "Lunch",
                "start": "2026-07-25T12:00:00",
                "end": "2026-07-25T13:00:00",
                "room": 1,
                "track": 7,
            },
            {"code": "T6", "title": "Unscheduled"},
        ],
    }
    fmt, tt = parse(json.dumps(doc).encode())
    assert fmt == "pretalx-widget" and tt.timezone == "Asia/Tokyo" and tt.rooms == ["Hall A", "Hall B"]
    by_code = {s.code: s for s in tt.sessions}
    assert list(by_code) == ["T1", "T5", "T6"]
    inline = by_code["T1"]
    assert (inline.room, inline.track, inline.speakers) == ("Hall B", "Data", ["Ann Lee", "Bob"])
    assert inline.start == datetime(2026, 7, 25, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert (by_code["T5"].room, by_code["T5"].track, by_code["T5"].is_break) == ("Hall A", "Cloud", True)
    assert by_code["T6"].start is None
    assert [str(x).split(": ")[0] for x in tt.skipped] == [
        "talks[1] (T2)",
        "talks[2] (T3) (Broken)",
        "talks[3] (T4) (Open end)",
    ]
    assert [str(x).split(": ", 1)[1].split(":")[0] for x in tt.skipped] == [
        "no title",
        "bad start/end",
        "has only one of start and end",
    ]
    with pytest.raises(ParseError, match=r"talks\[1\]: is not an object"):
        parse(json.dumps({**doc, "talks": [doc["talks"][0], 5]}).encode(), fmt="pretalx-widget")
    with pytest.raises(ParseError, match="expected pretalx widget data"):
        parse(b'{"talks": []}', fmt="pretalx-widget")


# --- the import form: confirm, choose fields, undo ------------------------------------------------


def upload(client, name: str, **data):
    with (WILD / name).open("rb") as f:
        return client.post("/import", data={"file": (f, name), **data}, content_type="multipart/form-data")


def test_the_form_shows_the_report_and_imports_only_when_confirmed(client, db_path):
    assert upload(client, "35c3-fahrplan-chaoswest-day1-before.xml", slug="cw").status_code == 303
    db = store.connect(db_path)
    before = rows(db, "cw")
    page = upload(client, "fortee-iosdc-2022-proposals-first42.json", slug="cw")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Check before importing" in html
    assert "It would take 12 of the 12 sessions out of the timetable (more than half)." in html
    assert "It would bring 14 sessions without a time into a timetable that has times." in html
    assert rows(db, "cw") == before
    token = re.search(r'action="/import/pending/([\w-]+)"', html).group(1)
    done = client.post(f"/import/pending/{token}", data={"confirm": "1"})
    assert done.status_code == 303 and len(rows(db, "cw")) == 25
    report = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Undo last import" in report and "no time yet" in report
    undone = client.post("/c/cw/undo-import")
    assert undone.status_code == 303 and rows(db, "cw") == before
    assert "Import undone" in client.get(undone.headers["Location"]).get_data(as_text=True)
    assert client.post(f"/import/pending/{token}", data={"confirm": "1"}).status_code == 404  # used up
    db.close()


def test_cancel_imports_nothing(client, db_path):
    upload(client, "35c3-fahrplan-chaoswest-day1-before.xml", slug="cw")
    html = upload(client, "fortee-iosdc-2022-proposals-first42.json", slug="cw").get_data(as_text=True)
    token = re.search(r'action="/import/pending/([\w-]+)/cancel"', html).group(1)
    assert client.post(f"/import/pending/{token}/cancel").status_code == 303
    db = store.connect(db_path)
    assert len(rows(db, "cw")) == 12
    db.close()


def test_the_form_picks_the_list_maps_the_fields_and_previews_five_sessions(client, db_path):
    first = upload(client, "oedo-ruby-kaigi-08-timetable.yml", date="2020-02-11", slug="oedo")
    assert first.status_code == 303 and "/import/pending/" in first.headers["Location"]
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "Choose the sessions and their fields" in page and '<option value="events">' in page
    chosen = client.get(
        first.headers["Location"] + "?records=events&map_title=name&map_start=begin&map_end=end"
        "&map_speakers=speakers.name"
    ).get_data(as_text=True)
    preview = re.search(r'<ol class="preview">(.*?)</ol>', chosen, re.S).group(1)
    assert preview.count("<li>") == 5 and "受付" in preview and "キレイなタゴモリス" in preview
    assert "5 of 16 sessions" in chosen
    db = store.connect(db_path)
    with pytest.raises(NotFound):
        store.conference(db, "oedo")  # nothing imported by looking
    fields = dict(re.findall(r'<input type="hidden" name="(records|map_\w+)" value="([^"]*)"', chosen))
    done = client.post(first.headers["Location"].replace("http://localhost", ""), data=fields)
    assert done.status_code == 303 and len(rows(db, "oedo")) == 16
    db.close()


def test_refresh_that_would_empty_the_timetable_asks_first(client, db_path, http_server):
    http_server.put("/s.xml", (WILD / "35c3-fahrplan-chaoswest-day1-before.xml").read_bytes(), "application/xml")
    assert client.post("/import", data={"url": http_server.url + "/s.xml", "slug": "cw"}).status_code == 303
    http_server.put("/s.xml", (WILD / "jev22-kantine-day2-essenszeit.xml").read_bytes(), "application/xml")
    page = client.post("/c/cw/refresh")
    assert page.status_code == 200 and "Check before importing" in page.get_data(as_text=True)
    db = store.connect(db_path)
    assert len(rows(db, "cw")) == 12
    token = re.search(r'action="/import/pending/([\w-]+)"', page.get_data(as_text=True)).group(1)
    assert client.post(f"/import/pending/{token}", data={"confirm": "1"}).status_code == 303
    assert len(rows(db, "cw")) == 2
    assert store.conference(db, "cw").source == http_server.url + "/s.xml"  # still refreshable from the URL
    assert http_server.hits == ["/s.xml", "/s.xml"]  # the confirmed bytes were not fetched again
    db.close()


def test_the_issues_own_mapping_example(runner, tmp_path):
    # The command line of issue 14, on a file of that shape (written here: it is the issue's example).
    doc = {
        "data": {
            "talks": [
                {
                    "talk_title": "Kubernetes 入門",
                    "begin": "2026-07-25T10:00:00+09:00",
                    "finish": "2026-07-25T10:45:00+09:00",
                    "place": {"label": "Track A"},
                    "who": [{"display": "山田"}, {"display": "佐藤"}],
                }
            ]
        }
    }
    path = tmp_path / "talks.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    maps = ["title=talk_title", "start=begin", "end=finish", "room=place.label", "speakers=who.display"]
    args = ["import", str(path), "--records", "data.talks", "--slug", "own"]
    result = runner.invoke(args=args + [x for m in maps for x in ("--map", m)])
    assert result.exit_code == 0, result.output
    [s] = json.loads(runner.invoke(args=["sessions", "own", "--json"]).stdout)
    assert (s["title"], s["start"], s["end"], s["room"], s["room_code"], s["speakers"]) == (
        "Kubernetes 入門",
        "2026-07-25T10:00:00+09:00",
        "2026-07-25T10:45:00+09:00",
        "Track A",
        "A",
        ["山田", "佐藤"],
    )
