"""Calendar exports: parsed back with icalendar and with vobject; the feed over real HTTP."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import icalendar
import pytest
import requests
import vobject

from conference import store
from conference.exports import EXPORTERS
from conference.exports.ics import CalendarOptions
from conference.parsers import Options, parse
from conference.store import connect, migrate

from .conftest import CORPUS

FIXTURE = Path(__file__).parent / "fixtures" / "mini.json"
SLUG = "mini"
K8S, B10, A20 = (f"11111111-0000-4000-8000-00000000000{n}" for n in (1, 2, 3))


def setup_mini(runner, client):
    assert runner.invoke(args=["import", str(FIXTURE), "--slug", SLUG]).exit_code == 0
    client.post(f"/c/{SLUG}/mark", data={"key": [K8S, B10], "status": "going"})
    client.post(f"/c/{SLUG}/mark", data={"key": [A20], "status": "interested"})


def events(body: bytes) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(body)
    return {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}


def test_plan_parses_back_with_both_parsers(runner, client):
    setup_mini(runner, client)
    body = client.get(f"/c/{SLUG}/plan.ics").data
    evs = events(body)
    assert list(evs) == ["A10: Kubernetes 入門", "B10: Observability <b>101</b>"]  # sorted by start, then room
    k8s = evs["A10: Kubernetes 入門"]
    assert str(k8s["UID"]) == "11111111-0000-4000-8000-000000000001.mini@conference-tracker"
    assert k8s["DTSTART"].dt.astimezone(UTC) == datetime(2026, 7, 25, 2, 0, tzinfo=UTC)
    assert k8s["DTEND"].dt.astimezone(UTC) == datetime(2026, 7, 25, 2, 45, tzinfo=UTC)
    assert k8s["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert "DTSTAMP" in k8s and "LAST-MODIFIED" in k8s
    assert str(k8s["LOCATION"]) == "Track A" and "山田 太郎" in str(k8s["DESCRIPTION"])
    # Mini Festa's titles are Japanese: its calendars speak Japanese (test_calendar_language.py)
    assert "スライド: https://speakerdeck.com/example/k8s" in str(k8s["DESCRIPTION"])
    [alarm] = k8s.walk("VALARM")
    assert alarm["TRIGGER"].dt == timedelta(minutes=-5) and str(alarm["ACTION"]) == "DISPLAY"
    cal = icalendar.Calendar.from_ical(body)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    assert str(cal["X-WR-CALNAME"]) == "Mini Festa 2026（自分の予定）"

    parsed = vobject.readOne(body.decode("utf-8"))
    vevents = sorted(parsed.vevent_list, key=lambda e: e.dtstart.value)
    assert [e.uid.value for e in vevents] == [str(evs[s]["UID"]) for s in evs]
    assert vevents[0].dtstart.value.astimezone(UTC) == datetime(2026, 7, 25, 2, 0, tzinfo=UTC)
    assert vevents[0].valarm.trigger.value == timedelta(minutes=-5)
    assert all(hasattr(e, "dtstamp") for e in vevents)


def test_interested_option_and_notes_option(runner, client):
    setup_mini(runner, client)
    assert len(events(client.get(f"/c/{SLUG}/plan.ics?interested=1").data)) == 3
    client.post(f"/api/c/{SLUG}/note/{K8S}", json={"text": "kubectl debug!", "base_version": 0})
    with_notes = events(client.get(f"/c/{SLUG}/plan.ics?notes=1").data)
    assert "自分のメモ:\nkubectl debug!" in str(with_notes["A10: Kubernetes 入門"]["DESCRIPTION"])
    assert "kubectl" not in str(events(client.get(f"/c/{SLUG}/plan.ics").data)["A10: Kubernetes 入門"]["DESCRIPTION"])


def test_same_state_gives_byte_identical_files(runner, client):
    setup_mini(runner, client)
    assert client.get(f"/c/{SLUG}/plan.ics").data == client.get(f"/c/{SLUG}/plan.ics").data
    assert client.get(f"/c/{SLUG}/timetable.ics").data == client.get(f"/c/{SLUG}/timetable.ics").data


def test_reimport_bumps_sequence_and_cancels_dropped_planned_session(runner, client, tmp_path, db_path):
    setup_mini(runner, client)
    with sqlite3.connect(db_path) as raw:  # as if imported a day ago: LAST-MODIFIED can only move on
        raw.execute("update sessions set updated_at = '2026-07-20T00:00:00+00:00'")
    before = events(client.get(f"/c/{SLUG}/plan.ics").data)
    doc = json.loads(FIXTURE.read_text("utf-8"))
    rooms = doc["schedule"]["conference"]["days"][0]["rooms"]
    rooms["Track A"][0]["date"] = "2026-07-25T11:30:00+09:00"  # A10 moved
    rooms["Track B"] = []  # B10 dropped
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    runner.invoke(args=["import", str(changed), "--slug", SLUG])
    after = events(client.get(f"/c/{SLUG}/plan.ics").data)
    moved_before, moved = before["A10: Kubernetes 入門"], after["A10: Kubernetes 入門"]
    assert str(moved["UID"]) == str(moved_before["UID"])
    assert int(moved["SEQUENCE"]) == int(moved_before["SEQUENCE"]) + 1
    assert moved["LAST-MODIFIED"].dt > moved_before["LAST-MODIFIED"].dt == datetime(2026, 7, 20, tzinfo=UTC)
    assert moved["DTSTART"].dt.astimezone(UTC) == datetime(2026, 7, 25, 2, 30, tzinfo=UTC)
    dropped = after["B10: Observability <b>101</b>"]
    assert str(dropped["STATUS"]) == "CANCELLED" and int(dropped["SEQUENCE"]) == 1
    assert str(after["A10: Kubernetes 入門"]["STATUS"]) == "CONFIRMED"
    # The whole timetable keeps the dropped talk the user planned, cancelled, with a higher SEQUENCE:
    # a calendar subscribed to it must see the cancellation, not an event that silently vanished.
    whole = events(client.get(f"/c/{SLUG}/timetable.ics").data)
    assert str(whole["B10: Observability <b>101</b>"]["STATUS"]) == "CANCELLED"
    assert int(whole["B10: Observability <b>101</b>"]["SEQUENCE"]) == 1
    assert str(whole["A20: SRE のはじめかた"]["STATUS"]) == "CONFIRMED"


def test_alarm_setting_and_single_session_download(runner, client):
    setup_mini(runner, client)
    client.post(f"/c/{SLUG}/calendar", data={"alarm": "15"})
    [alarm] = events(client.get(f"/c/{SLUG}/plan.ics").data)["A10: Kubernetes 入門"].walk("VALARM")
    assert alarm["TRIGGER"].dt == timedelta(minutes=-15)
    client.post(f"/c/{SLUG}/calendar", data={"alarm": "off"})
    assert events(client.get(f"/c/{SLUG}/plan.ics").data)["A10: Kubernetes 入門"].walk("VALARM") == []
    one = client.get(f"/c/{SLUG}/ics/{A20}")
    assert one.headers["Content-Disposition"].startswith("attachment;")
    assert list(events(one.data)) == ["A20: SRE のはじめかた"]
    assert len(events(client.get(f"/c/{SLUG}/timetable.ics").data)) == 3


def test_the_reminder_takes_0_to_1440_minutes_or_off_and_refuses_anything_else_keeping_the_last(runner, client):
    """0 (at the start) and a whole day (1440) are reminders; anything else is refused with the rule, and
    the reminder stays what it was."""
    setup_mini(runner, client)

    def shown() -> str:
        page = client.get(f"/c/{SLUG}/calendar").get_data(as_text=True)
        return re.search(r'<p class="meta">(Reminder[^<]*|Reminders are off\.)</p>', page).group(1)

    for minutes in ("0", "1440"):
        assert client.post(f"/c/{SLUG}/calendar", data={"alarm": minutes}).status_code == 303
        assert shown() == f"Reminder {minutes} minutes before."
        [alarm] = events(client.get(f"/c/{SLUG}/plan.ics").data)["A10: Kubernetes 入門"].walk("VALARM")
        assert alarm["TRIGGER"].dt == timedelta(minutes=-int(minutes))
    for wrong in ("1441", "-1", "abc", "5.5", "", "OFF"):
        refused = client.post(f"/c/{SLUG}/calendar", data={"alarm": wrong})
        assert refused.status_code == 400, wrong
        assert '<p class="error">the reminder is a number of minutes (0 to 1440) or off</p>' in refused.get_data(
            as_text=True
        )
        assert shown() == "Reminder 1440 minutes before."
    client.post(f"/c/{SLUG}/calendar", data={"alarm": " off "})
    assert shown() == "Reminders are off."


def test_each_change_of_the_reminder_raises_every_events_sequence_by_one_and_no_change_by_nothing(runner, client):
    """A calendar app replaces an event only when its SEQUENCE grows: each new reminder makes every event
    one revision newer. Choosing the reminder it already has (the default 5 included) changes nothing."""
    setup_mini(runner, client)

    def sequences() -> dict[str, int]:
        return {name: int(e["SEQUENCE"]) for name, e in events(client.get(f"/c/{SLUG}/plan.ics").data).items()}

    first = sequences()
    steps = [("5", 0), ("10", 1), ("10", 1), ("off", 2), ("off", 2), ("5", 3), ("0", 4)]
    for minutes, revisions in steps:
        client.post(f"/c/{SLUG}/calendar", data={"alarm": minutes})
        assert sequences() == {name: n + revisions for name, n in first.items()}, minutes


def test_cli_ics_writes_plan_or_everything(runner, client, tmp_path):
    setup_mini(runner, client)
    out = tmp_path / "plan.ics"
    assert runner.invoke(args=["ics", SLUG, "-o", str(out)]).exit_code == 0
    assert len(events(out.read_bytes())) == 2
    result = runner.invoke(args=["ics", SLUG, "--all"])
    assert len(events(result.stdout_bytes)) == 3


def test_feed_over_http_etag_304_and_regeneration(runner, client, live_server):
    setup_mini(runner, client)
    page = client.get(f"/c/{SLUG}/calendar").get_data(as_text=True)
    path = page.split('id="feed-url" type="text" readonly value="http://localhost', 1)[1].split('"', 1)[0]
    assert path.startswith("/feeds/") and 'href="webcal://localhost/feeds/' in page
    url = live_server.url + path
    first = requests.get(url, timeout=5)
    assert first.status_code == 200 and first.headers["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(first.content)
    assert str(cal["REFRESH-INTERVAL"].to_ical().decode()) == "PT1H" and str(cal["X-PUBLISHED-TTL"]) == "PT1H"
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert requests.get(url, headers={"If-None-Match": etag}, timeout=5).status_code == 304
    assert requests.get(url, headers={"If-Modified-Since": modified}, timeout=5).status_code == 304
    # The plan changes: the calendar must follow.
    client.post(f"/c/{SLUG}/mark", data={"key": [B10], "status": "none"})
    changed = requests.get(url, headers={"If-None-Match": etag}, timeout=5)
    assert changed.status_code == 200 and len(events(changed.content)) == 1
    # A new address: the old one stops working.
    client.post(f"/c/{SLUG}/calendar", data={"action": "regenerate"})
    assert requests.get(url, timeout=5).status_code == 404
    new_path = (
        client.get(f"/c/{SLUG}/calendar")
        .get_data(as_text=True)
        .split('readonly value="http://localhost', 1)[1]
        .split('"', 1)[0]
    )
    assert new_path != path and requests.get(live_server.url + new_path, timeout=5).status_code == 200


def test_writing_notes_on_a_shortlisted_talk_puts_it_in_the_feed_at_once(runner, client):
    setup_mini(runner, client)
    page = client.get(f"/c/{SLUG}/calendar").get_data(as_text=True)
    feed = page.split('id="feed-url" type="text" readonly value="http://localhost', 1)[1].split('"', 1)[0]
    assert len(events(client.get(feed).data)) == 2
    client.post(
        f"/api/c/{SLUG}/note/{A20}", json={"text": "I went after all", "base_version": 0}
    )  # interested -> attended
    assert "A20: SRE のはじめかた" in events(client.get(feed).data)


def feed_path(client) -> str:
    page = client.get(f"/c/{SLUG}/calendar").get_data(as_text=True)
    return page.split('id="feed-url" type="text" readonly value="http://localhost', 1)[1].split('"', 1)[0]


def test_feed_last_modified_moves_with_its_etag_when_the_reminder_changes(runner, client, live_server):
    setup_mini(runner, client)
    url = live_server.url + feed_path(client)
    first = requests.get(url, timeout=5)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    before = events(first.content)
    assert requests.get(url, headers={"If-Modified-Since": modified}, timeout=5).status_code == 304
    client.post(f"/c/{SLUG}/calendar", data={"alarm": "15"})  # only the reminder changes
    for headers in ({"If-Modified-Since": modified}, {"If-None-Match": etag}):
        again = requests.get(url, headers=headers, timeout=5)
        assert again.status_code == 200, headers  # neither kind of client may be told "not modified"
    assert again.headers["ETag"] != etag
    assert parsedate_to_datetime(again.headers["Last-Modified"]) > parsedate_to_datetime(modified)
    after = events(again.content)
    for summary, event in after.items():  # each event changed (its VALARM): a newer revision of each
        assert int(event["SEQUENCE"]) > int(before[summary]["SEQUENCE"]), summary
        assert event["LAST-MODIFIED"].dt >= before[summary]["LAST-MODIFIED"].dt, summary
        assert event["DTSTAMP"].dt == event["LAST-MODIFIED"].dt
    # Unchanged since: both kinds of client get a 304 again.
    assert requests.get(url, headers={"If-None-Match": again.headers["ETag"]}, timeout=5).status_code == 304
    assert (
        requests.get(url, headers={"If-Modified-Since": again.headers["Last-Modified"]}, timeout=5).status_code == 304
    )
    # Setting the same reminder again changes nothing.
    client.post(f"/c/{SLUG}/calendar", data={"alarm": "15"})
    assert requests.get(url, headers={"If-None-Match": again.headers["ETag"]}, timeout=5).status_code == 304


def test_a_note_edit_raises_the_sequence_of_its_event_in_the_calendar_with_notes(runner, client):
    setup_mini(runner, client)
    client.post(f"/api/c/{SLUG}/note/{K8S}", json={"text": "first", "base_version": 0})
    before = events(client.get(f"/c/{SLUG}/plan.ics?notes=1").data)
    client.post(f"/api/c/{SLUG}/note/{K8S}", json={"text": "second", "base_version": 1})
    after = events(client.get(f"/c/{SLUG}/plan.ics?notes=1").data)
    k8s = "A10: Kubernetes 入門"
    assert "second" in str(after[k8s]["DESCRIPTION"])
    assert int(after[k8s]["SEQUENCE"]) == int(before[k8s]["SEQUENCE"]) + 1
    other = "B10: Observability <b>101</b>"
    assert int(after[other]["SEQUENCE"]) == int(before[other]["SEQUENCE"])  # its text did not change


@pytest.mark.parametrize(
    "relpath",
    [
        "fortee-json/iosdc-japan-2022-timetable.json",
        "ics/moca-2024-schedule.ics",
        "sessionize-json/orlando-codecamp-2020-all.json",
    ],
)
def test_the_exported_timetable_reads_back_in_vobject_as_the_source_said(tmp_path, relpath):
    """Source file -> our parser -> the store -> timetable.ics -> vobject (a second library): every
    scheduled talk is there once, with the source's title, code, room, track and times to the second."""
    data = (CORPUS / relpath).read_bytes()
    options = Options(timezone="America/New_York") if "orlando" in relpath else Options()
    _fmt, truth = parse(data, filename=relpath, options=options)
    db = connect(tmp_path / "c.db")
    migrate(db)
    store.apply_import(db, "c", truth, source=relpath)
    conf = store.conference(db, "c")
    body = EXPORTERS["timetable-ics"](conf, store.planned_sessions(db, conf), {}, CalendarOptions(alarm_minutes=None))
    db.close()
    said = sorted(
        (
            f"{s.code}: {s.title}" if s.code else s.title,
            s.start.astimezone(UTC),
            s.end.astimezone(UTC),
            s.room,
            s.track,
        )
        for s in truth.sessions
        if s.start
    )
    read = sorted(
        (
            e.summary.value,
            e.dtstart.value.astimezone(UTC),
            e.dtend.value.astimezone(UTC),
            e.location.value if hasattr(e, "location") else "",
            e.categories.value[0] if hasattr(e, "categories") else "",
        )
        for e in vobject.readOne(body.decode("utf-8")).vevent_list
    )
    assert len(said) > 50 and read == said


def test_a_reimport_that_only_moves_a_talk_to_another_room_is_news(runner, client, tmp_path, db_path):
    """Same time, same title, another room: the import says so, and calendars get a higher SEQUENCE, a
    newer LAST-MODIFIED and the new LOCATION (the talk was imported yesterday)."""
    setup_mini(runner, client)
    with sqlite3.connect(db_path) as raw:  # as if imported a day ago: LAST-MODIFIED can only move on
        raw.execute("update sessions set updated_at = '2026-07-20T00:00:00+00:00'")
    before = events(client.get(f"/c/{SLUG}/plan.ics").data)["A10: Kubernetes 入門"]
    doc = json.loads(FIXTURE.read_text("utf-8"))
    rooms = doc["schedule"]["conference"]["days"][0]["rooms"]
    moved = {**rooms["Track A"].pop(0), "room": "Track B"}
    rooms["Track B"].append(moved)
    changed = tmp_path / "moved.json"
    changed.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    result = runner.invoke(args=["import", str(changed), "--slug", SLUG])
    assert result.exit_code == 0 and "1 changed" in result.output, result.output
    assert "Track A → Track B" in result.output or "Track A -> Track B" in result.output, result.output
    after = events(client.get(f"/c/{SLUG}/plan.ics").data)
    event = after["A10: Kubernetes 入門"]
    assert str(event["LOCATION"]) == "Track B" and int(event["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert event["LAST-MODIFIED"].dt > before["LAST-MODIFIED"].dt
    assert event["DTSTART"].dt == before["DTSTART"].dt
    unchanged = after["B10: Observability <b>101</b>"]
    assert int(unchanged["SEQUENCE"]) == 0 and unchanged["LAST-MODIFIED"].dt == before["LAST-MODIFIED"].dt
    page = client.get(f"/c/{SLUG}/s/{K8S}").get_data(as_text=True)
    assert "Track B" in page and "Track A" in page  # where it is now, and where it was
