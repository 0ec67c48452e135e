"""What the attendee really attended, as the draft and the plan spreadsheet say it (QA #12).

The QA attendee planned B40, which the organisers cancelled, and wrote "楽しみにしていたが中止" on it:
the note marked it attended and the draft listed it under 参加したセッション. C60, only planned and at
the time of a talk they attended, was listed as attended too. Here, on issue 13's Japanese day (a real
SQLite file through the CLI and the pages): B30 is cancelled, A20 is the user's own talk, A10 has notes.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from PIL import Image

from conference import store
from conference.demo import demo_timetable
from conference.exports import report
from tests.japanese_day import CANCELLED, OWN, make_day

LABELS = {
    "ja": ("参加したセッション", "登壇しました", "中止になったセッション", "（中止）"),
    "en": ("Talks I attended", "My talk", "Cancelled talks", " (cancelled)"),
}


@pytest.fixture
def day(app, db_path, tmp_path, runner):
    slug = make_day(db_path, tmp_path)
    return slug


def statuses(runner, slug) -> dict[str, str | None]:
    return {r["key"]: r["status"] for r in json.loads(runner.invoke(args=["sessions", slug, "--json"]).stdout)}


def section(body: str, heading: str) -> str:
    """The lines under `## heading` up to the next `## ` ("" when the draft has no such part)."""
    for part in re.split(r"^## ", body, flags=re.M)[1:]:
        title, _, rest = part.partition("\n")
        if title == heading:
            return rest
    return ""


def draft(client, slug, preset, lang) -> str:
    response = client.get(f"/c/{slug}/report", query_string={"preset": preset, "lang": lang, "download": "1"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_note_or_a_photo_on_a_cancelled_talk_does_not_mark_it_attended(day, client, runner, tmp_path):
    assert statuses(runner, day)[CANCELLED] == "going"
    saved = client.post(f"/api/c/{day}/note/{CANCELLED}", json={"text": "楽しみにしていたが中止。", "base_version": 0})
    assert saved.status_code == 200
    picture = tmp_path / "closed-room.jpg"
    Image.new("RGB", (64, 48), (200, 30, 30)).save(picture, "JPEG")
    assert runner.invoke(args=["photo", "add", day, CANCELLED, str(picture)]).exit_code == 0
    assert statuses(runner, day)[CANCELLED] == "going"
    # The same on a talk that took place: the first words mark it attended, a photo too.
    client.post(f"/api/c/{day}/note/A30", json={"text": "CI の話", "base_version": 0})
    assert statuses(runner, day)["A30"] == "attended"
    runner.invoke(args=["mark", day, "B20", "--status", "going"])
    assert runner.invoke(args=["photo", "add", day, "B20", str(picture)]).exit_code == 0
    assert statuses(runner, day)["B20"] == "attended"


def test_a_cancelled_talk_is_never_under_the_talks_attended_in_any_preset(day, client, runner):
    # The attendee wrote about it, and (an older version did this) it is marked attended.
    client.post(
        f"/api/c/{day}/note/{CANCELLED}",
        json={"text": "楽しみにしていたが中止。 #learn 代わりに B20 を見た", "base_version": 0},
    )
    assert runner.invoke(args=["mark", day, CANCELLED, "--status", "attended"]).exit_code == 0
    for preset in report.PRESETS:
        for lang, (attended, own, cancelled, mark) in LABELS.items():
            text = draft(client, day, preset, lang)
            assert CANCELLED not in section(text, attended), (preset, lang)
            assert CANCELLED not in section(text, own), (preset, lang)
            [listed] = [line for line in section(text, cancelled).splitlines() if line.startswith("- ")]
            assert listed.startswith(f"- 11:00-11:45 {CANCELLED}: ") and listed.endswith(mark), (preset, lang)
            # What the attendee wrote keeps its section, marked cancelled.
            assert re.search(rf"^#### {CANCELLED}: .*{re.escape(mark)}$", text, re.M), (preset, lang)
            assert "楽しみにしていたが中止。" in text


def test_a_cancelled_talk_without_notes_is_only_in_the_cancelled_list(day, client):
    for lang, (attended, _own, cancelled, _mark) in LABELS.items():
        text = draft(client, day, "hugo", lang)
        assert CANCELLED not in section(text, attended)
        assert CANCELLED in section(text, cancelled)
        assert f"#### {CANCELLED}" not in text


def test_a_going_talk_at_the_time_of_one_attended_or_given_is_not_listed_as_attended(day, client, runner):
    # A10 (10:00, day 1) has notes: attended. B10 is at the same time, only "going".
    # B20 (11:00) is at the time of the user's own talk A20. A30 (day 2) is "going" and clashes with nothing.
    assert runner.invoke(args=["mark", day, "B10", "B20", "--status", "going"]).exit_code == 0
    assert statuses(runner, day)["A10"] == "attended"
    for preset in report.PRESETS:
        for lang, (attended, own, _cancelled, _mark) in LABELS.items():
            text = draft(client, day, preset, lang)
            listed = section(text, attended)
            assert "A10:" in listed and "A30:" in listed, (preset, lang)
            assert "B10:" not in listed and "B20:" not in listed, (preset, lang)
            assert f"{OWN}:" in section(text, own)
            assert "#### B10" not in text and "#### B20" not in text


def test_a_going_talk_at_the_time_of_a_cancelled_one_is_still_listed(app, db_path, client, runner):
    """The demo: C30 (14:00) was attended by its note, then cancelled; F30 at 14:00 is where the
    attendee went instead, so it stays in the list."""
    demo = "demo-tech-festa-2026"
    assert runner.invoke(args=["mark", demo, "C30", "F30", "--status", "going"]).exit_code == 0
    client.post(f"/api/c/{demo}/note/C30", json={"text": "始まる前のメモ", "base_version": 0})
    assert statuses(runner, demo)["C30"] == "attended"
    db = store.connect(db_path)
    _doc, again = demo_timetable()
    again.sessions = [s for s in again.sessions if s.key != "C30"]  # the organisers drop C30
    store.apply_import(db, demo, again, source="demo", fmt="demo", is_demo=True)
    db.close()
    text = draft(client, demo, "markdown", "ja")
    assert "F30:" in section(text, "参加したセッション")
    assert "C30:" in section(text, "中止になったセッション")


def test_two_going_talks_at_the_same_time_are_not_claimed_as_attended(app, client, runner):
    """Visual review: A30 and D30 both "going" at 14:00 (a clash never resolved) were both listed under
    参加したセッション. Neither is now: they are named on one line as planned at the same time."""
    demo = "demo-tech-festa-2026"
    assert runner.invoke(args=["mark", demo, "A30", "D30", "A10", "--status", "going"]).exit_code == 0
    clashed = {"ja": "予定が重なっていたセッション: ", "en": "Planned, at the same time as another: "}
    for preset in report.PRESETS:
        for lang, (attended, *_rest) in LABELS.items():
            text = draft(client, demo, preset, lang)
            listed = [x for x in section(text, attended).splitlines() if x.startswith("- ")]
            assert any("A10:" in x for x in listed), (preset, lang)
            assert not any("A30:" in x or "D30:" in x for x in listed), (preset, lang)
            [line] = [x for x in text.splitlines() if x.startswith(clashed[lang])]
            assert "14:00-14:45 A30: " in line and "14:00-14:45 D30: " in line, (preset, lang)
            assert "#### A30" not in text and "#### D30" not in text
    # A note on one of them marks it attended: it is listed, the other one is left out (they were not there).
    client.post(f"/api/c/{demo}/note/D30", json={"text": "ゼロトラストの話", "base_version": 0})
    text = draft(client, demo, "markdown", "ja")
    assert "D30:" in section(text, "参加したセッション") and "A30:" not in section(text, "参加したセッション")
    assert not any(x.startswith(clashed["ja"]) for x in text.splitlines())


def test_the_plan_spreadsheet_has_a_cancelled_column(day, client):
    # The conference is Japanese: its sheet speaks Japanese to an English reader too (the English demo's
    # sheet has the English header, tests/golden/plan-en.csv).
    for accept, header, flag, status in (
        ("en", "中止", "中止", "行く"),
        ("ja", "中止", "中止", "行く"),
    ):
        body = client.get(f"/c/{day}/plan.csv", headers={"Accept-Language": accept}).get_data(as_text=True)
        rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
        by_code = {r[list(r)[3]]: r for r in rows}  # the fourth column is the code
        assert by_code[CANCELLED][header] == flag, accept
        assert list(by_code[CANCELLED].values())[7] == status, accept  # the status as planned
        assert all(r[header] == "" for code, r in by_code.items() if code != CANCELLED), accept
