"""Golden output of every parser: real timetables parsed and compared, field by field, with a reviewed file.

Each case parses one real timetable (from tests/corpus or tests/fixtures, see the SOURCES.md beside each)
as the importer does (`parsers.parse`: detection, the parser, control characters, keys, room order) and
writes everything a user can see of it as JSON in a fixed order: the format found, the conference's name,
zone, URL, language and room order, the import summary's notes and skipped items, and every session with
every field (key, code, title, subtitle, start and end with their UTC offset, the conference day and the
clock the grid shows, room and room code, track, type, language, speakers with affiliations, URL, links,
break or not, abstract). A changed room, end time, speaker order, zone or abstract fails the test with
the lines that differ.

To accept a deliberate change, regenerate, then read the diff before committing:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_parser_golden.py
    git diff tests/golden/parsers/

Reviewed by hand against the source files (`REVIEWED` says what was checked in each golden): the title, the start
and end in the zone the file says (or the --timezone / default given), the room and the speakers of the
sessions named there, read in the source file with a text editor, not with our code.
"""

from __future__ import annotations

import difflib
import json
import os
from datetime import date
from pathlib import Path

import pytest

from conference.model import conference_day, day_clock, to_iso
from conference.parsers import Options, parse

from .test_wild import KUMANOFES_COLUMNS

HERE = Path(__file__).parent
GOLDEN = HERE / "golden" / "parsers"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def serialise(fmt: str, timetable) -> str:
    """Everything a user sees of a parsed timetable, as JSON with a fixed key order."""
    doc = {
        "format": fmt,
        "name": timetable.name,
        "timezone": timetable.timezone,
        "url": timetable.url,
        "language": timetable.language,
        "rooms": timetable.rooms,
        "keeps": list(timetable.keeps),
        "notes": [str(n) for n in timetable.notes],
        "skipped": [str(s) for s in timetable.skipped],
        "sessions": [
            {
                "key": s.key,
                "code": s.code,
                "title": s.title,
                "subtitle": s.subtitle,
                "start": to_iso(s.start),
                "end": to_iso(s.end),
                "day": conference_day(s.start).isoformat() if s.start else None,
                "clock": f"{day_clock(s.start)}-{day_clock(s.end)}" if s.start else None,
                "room": s.room,
                "room_code": s.room_code,
                "track": s.track,
                "type": s.type,
                "language": s.language,
                "speakers": s.speakers,
                "url": s.url,
                "links": s.links,
                "is_break": s.is_break,
                "abstract": s.abstract,
            }
            for s in timetable.sessions
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


# golden name -> (file under tests/, options, format to insist on or None to detect)
CASES: dict[str, tuple[str, dict, str | None]] = {
    # frab / pentabarf XML
    "frab-jev22-kantine": ("fixtures/wild/jev22-kantine-day2-essenszeit.xml", {}, None),
    "frab-35c3-mixed-persons": ("fixtures/wild/35c3-fahrplan-mixed-persons-day1.xml", {}, None),
    "frab-35c3-wiki": ("fixtures/wild/35c3-wiki-schedule-day1.xml", {}, None),
    "frab-good-2025-pretalx": ("fixtures/wild/good-2025-pretalx-schedule.xml", {}, None),
    # schedule JSON, v1 and v2
    "schedule-json-38c3-hub-v2": ("corpus/schedule-json/38c3-hub-schedule-v2-example.json", {}, None),
    "schedule-json-democon-2020": ("corpus/schedule-json/democon-2020-pretalx.json", {}, None),
    "schedule-json-good-2025-pretalx": ("fixtures/wild/good-2025-pretalx-schedule.json", {}, None),
    # Sessionize: All data and GridSmart
    "sessionize-sample-all": ("corpus/sessionize-json/sessionize-sample-event-all.json", {}, None),
    "sessionize-sample-gridsmart": ("corpus/sessionize-json/sessionize-sample-event-gridsmart.json", {}, None),
    "sessionize-droidkaigi-2018": ("corpus/sessionize-json/droidkaigi-2018-all-subset.json", {}, None),
    # fortee: timetable and proposals
    "fortee-kinoko-2025": ("corpus/fortee-json/kinoko-2025-timetable-masked.json", {}, None),
    "fortee-iosdc-2022-proposals": ("fixtures/wild/fortee-iosdc-2022-proposals-first42.json", {}, None),
    # iCalendar
    "ics-bristol-data-week-2025": ("corpus/ics/bristol-data-week-2025-schedule.ics", {}, None),
    "ics-cfgmgmtcamp-2019-two-calendars": ("fixtures/wild/cfgmgmtcamp-2019-two-calendars-excerpt.ics", {}, None),
    "ics-good-2025-pretalx": ("fixtures/wild/good-2025-pretalx-schedule.ics", {}, None),
    "ics-pycon-india-2021": ("fixtures/wild/pycon-india-2021-schedule.ics", {}, None),
    # pretalx API and widget
    "pretalx-api-juliacon-2020": ("fixtures/wild/juliacon-2020-pretalx-api-talks-before.json", {}, None),
    "pretalx-widget-democon": ("fixtures/wild/pretalx-democon-widget-v2.json", {}, None),
    # CSV / TSV
    "csv-31c3-sendezentrum": ("corpus/csv/31c3-sendezentrum.csv", {"timezone": "Europe/Berlin"}, None),
    "csv-gpn11": ("corpus/csv/gpn11-2011-programme.csv", {"timezone": "Europe/Berlin"}, None),
    "csv-kumanofes-2021-late-night": (
        "fixtures/wild/kumanofes-2021-program-late-night.csv",
        {
            "date": "2021-11-26",
            "fields": KUMANOFES_COLUMNS,
        },
        None,
    ),
    "csv-hcd-2025-tokyo": ("fixtures/wild/hcd-2025-tokyo-schedule-ja-breaks.csv", {"date": "2025-08-30"}, None),
    "csv-jtf-mini": ("fixtures/jp-organiser/jtf-mini.csv", {}, None),
    "csv-jp-start-end-one": ("fixtures/jp-organiser/jp-start-end-one.csv", {}, None),
    "csv-eurobioc-2025-start-only": (
        "fixtures/wild/eurobioc-2025-schedule-start-only.csv",
        {"date": "2025-09-16", "duration": 30, "timezone": "Europe/Madrid"},
        None,
    ),
    # your own YAML / JSON
    "yaml-oedo-ruby-kaigi-08": (
        "fixtures/wild/oedo-ruby-kaigi-08-timetable.yml",
        {
            "records": "events",
            "fields": {"title": "name", "start": "begin", "end": "end", "speakers": "speakers.name"},
            "date": "2020-02-11",
        },
        None,
    ),
    "yaml-redmine-japan-vol3": (
        "fixtures/wild/redmine-japan-vol3-timetable.yml",
        {
            "records": "body",
            "fields": {"title": "events.title", "speakers": "events.speaker", "id": "events.id"},
            "date": "2019-10-04",
        },
        None,
    ),
    "custom-json-vivatech-2017": (
        "fixtures/wild/vivatech-2017-program-excerpt.json",
        {"records": ".", "fields": {"room": "location"}, "date": "2017-06-15", "timezone": "Europe/Paris"},
        None,
    ),
}


# What was checked by hand in each golden against its source file (see the module's docstring).
REVIEWED: dict[str, str] = {
    "frab-jev22-kantine": "both events: 11:30-14:30 and 17:00-20:00 +01:00 (Europe/Amsterdam declared), room, "
    "subtitle with &amp;, person, abstract + description joined with the CR-LF of &#13; as plain line breaks, "
    "both breaks by the German 'Essenszeit'",
    "frab-35c3-mixed-persons": "no zone declared: +01:00 offsets win over the default (note); Opening Event 11:00; "
    "Taming the Chaos's four <link>s in order; Freude ist nur… 00:40-01:40 on 12-28, day 12-27 (24:40); "
    "Freifunk IoT's three <public_name> persons in order; Polizeigesetze's two persons",
    "frab-35c3-wiki": "A/V Angel Meeting 17:00 + 1:30 (duration H:MM), <public_name> person; Advanced Bondage "
    "Workshop 22:00 + 1:59; both Translation meetings (guids …a2 and …a3) with no persons",
    "frab-good-2025-pretalx": "US/Eastern declared; Contributor Jam 13:00-17:00 -04:00, url's '//' made '/'; "
    "Contributor Jam (Breakout Sessions) in Belfer with Travis Ravert before Emily Moffat Sadeghi as the file "
    "lists them; Developer Forum's five persons in order; room order from the days' <room> wrappers",
    "schedule-json-38c3-hub-v2": "both v2 events: room objects, track slugs, SPEAKER participants only (the "
    "CONTRIBUTOR left out), links then the SLIDES attachment, the 00:15 talk on day 12-27 (24:15)",
    "schedule-json-democon-2020": "declares UTC but dates carry +01:00 (note, Etc/GMT-1); Focused 5thgeneration "
    "hardware 09:00 + 00:30 in Gray Room; Networked modular help-desk's two persons in order",
    "schedule-json-good-2025-pretalx": "the same sessions, field for field, as frab-good-2025-pretalx (compared "
    "with a diff); room order from conference.rooms",
    "sessionize-sample-all": "times carry Z: shown in UTC (note), as printed; Aiden's Session 09:00Z-10:00Z, Green Room (roomId 215), format "
    "Session, track Technical, language Italian from categoryItems; Lunch is a service session (break)",
    "sessionize-sample-gridsmart": "the same event as sessionize-sample-all from the GridSmart view: embedded "
    "speakers and categories (no Language category there), rooms from each day's rooms",
    "sessionize-droidkaigi-2018": "floating times in the default zone (note); Kotlinアンチパターン 10:20-10:50 Hall; "
    "今から始めるAndroidアプリ開発 Room 7, speakers punchdrunker then HideyukiKikuma; bilingual category titles "
    "('トピック / Topic') give the track",
    "fortee-kinoko-2025": "+09:00 means Asia/Tokyo; 受付 16:30 + 30 min is a timeslot (break); エンジニアとしての学び"
    "の共有を語る Track B 11:00 + 20 min with its slide_url and blog_url; 明日から使える… tags as the track",
    "fortee-iosdc-2022-proposals": "17 accepted:false left out (note); 広まれSafari Web Extensions Track E 18:45 "
    "+ 20 min; accepted talks without a timetable have no time (note: 14 of 25)",
    "ics-bristol-data-week-2025": "UTC times (note); Introduction to Python 08:30-11:30Z; &#x3D; in DESCRIPTION "
    "decoded; LOCATION with its unescaped ';' kept whole; X-WR-CALNAME as the name",
    "ics-cfgmgmtcamp-2019-two-calendars": "both calendars read (note); the six five-digit times skipped with "
    "their titles; Ansible Community Update 14:00-14:55Z in 3.ansible, CATEGORIES talk as the track",
    "ics-good-2025-pretalx": "pretalx calendar: TZID US/Eastern, codes from the UIDs, speakers split from "
    "SUMMARY (affiliations in [] kept), the fields a re-import keeps listed",
    "ics-pycon-india-2021": "not pretalx: SUMMARY kept whole ('Title - Speaker'); DURATION PT30M gives the end; "
    "No Code Platform… 10:30-11:00Z on 2021-09-19",
    "pretalx-api-juliacon-2020": "Z times; 38UTLX 13:30-14:00 Purple Track ({'en': …} room), type Talk (a "
    "string) and Birds of Feather ({'en': …}) alike, content_locale as the language",
    "pretalx-widget-democon": "Europe/Berlin declared; XFUR3C 01:50-03:20 +02:00 in room 2 (Dark Red Room), "
    "track 4 (Organic), speaker YY3RMW (Susan Martinez) by code",
    "csv-31c3-sendezentrum": "12-hour times ('2:00 p.m.', '04:30 p.m.', '0:00 a.m.'), DD/MM/YY dates, the "
    "'Podcast' column as track and room, the empty title shown as its podcast (note), the 'tbd' end assumed 60 "
    "minutes (note), speakers split at commas",
    "csv-gpn11": "Duration H:MM ('1:30'); '1:diverse' ids dropped from speakers; ID as the key; abstract and "
    "description joined; the unused File URL column named",
    "csv-kumanofes-2021-late-night": "--map for its own headers: 24:00-28:00 are the next day (桜Trick… 21:00 to "
    "04:00), an end_day later than the start day (全国学寮交流会 1127 18:00 - 1128 5:00), the two untimed items",
    "csv-hcd-2025-tokyo": "times only, --date; 休憩 is a break, 懇親会 and クロージング are not; the four rooms of "
    "分科会① each its own key (note)",
    "csv-jtf-mini": "the title row names the conference (note); Aルーム (大ホール) with code A00 gives room code A; "
    "speakers split at ；and 、; quoted two-line abstracts; the <script> title kept as text",
    "csv-jp-start-end-one": "トラック is the room; 所属 joined to the speaker as '名前 (所属)'; セッションID as code",
    "csv-eurobioc-2025-start-only": "day numbers from --date, --duration for every talk, empty titles named "
    "after the type (notes), Break and Lunch breaks",
    "yaml-oedo-ruby-kaigi-08": "'09:30' strings, speakers.name as a list, the <span> in あーろん・ぱたーそん "
    "dropped, 受付/休憩/お昼ごはん breaks, the five 休憩 keys disambiguated (note)",
    "yaml-redmine-japan-vol3": "unquoted 10:15 stays a time (not 615); the three room-grid items skipped by "
    "index; A11 shared by two items (note)",
    "custom-json-vivatech-2017": "Thursday with --date 2017-06-15 is that day; Europe/Paris; categories as the "
    "track; the four 00:00 placeholder ends skipped by index with the title",
}


def run_case(name: str) -> str:
    relpath, options, fmt = CASES[name]
    given = {k: date.fromisoformat(v) if k == "date" else v for k, v in options.items()}
    path = HERE / relpath
    found, timetable = parse(path.read_bytes(), fmt, filename=path.name, options=Options(**given))
    return serialise(found, timetable)


def test_every_golden_file_has_its_case_and_its_review():
    assert {p.stem for p in GOLDEN.glob("*.json")} == set(CASES) == set(REVIEWED)


@pytest.mark.parametrize("name", sorted(CASES))
def test_parser_output_matches_its_reviewed_golden(name):
    text = run_case(name)
    path = GOLDEN / f"{name}.json"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    expected = path.read_text("utf-8")
    if text != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True), text.splitlines(keepends=True), "golden", "now", n=2
        )
        pytest.fail(
            f"{name}: the parsed timetable changed (UPDATE_GOLDEN=1 regenerates it):\n" + "".join(list(diff)[:60])
        )
