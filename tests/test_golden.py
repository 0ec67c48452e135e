"""Golden text for every exporter of `exports.EXPORTERS`: the exact bytes for a fixed day of the demo.

The inputs are real (the demo timetable in a real SQLite file, marked, annotated and re-imported with
a moved and a dropped talk); only the clock is fixed: each session's `updated_at` (DTSTAMP /
LAST-MODIFIED) and the report's date. A difference fails with the first lines that differ.

To accept a deliberate change, regenerate and read the diff before committing:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
    git diff tests/golden/
"""

from __future__ import annotations

import dataclasses
import difflib
import io
import os
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conference import store
from conference.demo import demo_timetable
from conference.exports import EXPORTERS
from conference.exports.ics import CalendarOptions
from conference.exports.notes_zip import ZipOptions
from conference.exports.report import PRESETS, Options
from conference.exports.table import TableOptions
from conference.model import Photo

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
CLOCK = "2026-07-01T09:00:00+00:00"  # every session's last change, as the export shows it
NOW = datetime(2026, 7, 25, 20, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # when the report is written
NOTES = {
    "A10": "# War stories\n\nGreat **war stories**.\n\n## Backups first\n\n```sh\n# a comment, not a heading\n```\n\n"
    "Q: How many clusters?\nA: Forty\n  and growing\n\n"
    "- [ ] read the postmortems #learn\n- [x] star the repo\n- fun demo #fun\n- shipped it #done",
    "E50": "Q: Slides?\nA: Posted on Speaker Deck",
    "C30": "=SUM(1) looked at the cancelled one anyway",
    "B10": "[13:05] moved by 15 minutes、部屋も変更。#learn 掲示板を見る\n#done 間に合った",
}


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    """The demo after a day of use: marks, notes (one with headings and a code block), a link, then a
    re-import that moves B10 and drops C30 (whose note was written before it was dropped)."""
    db = store.connect(tmp_path_factory.mktemp("golden") / "golden.db")
    store.migrate(db)
    doc, timetable = demo_timetable()
    store.apply_import(db, doc["slug"], timetable, source="demo", fmt="demo", is_demo=True)
    conf = store.conference(db, doc["slug"])
    # C10 is at A10's time: still "going" when the attendee wrote notes in A10, so it was not attended.
    store.set_status(db, conf, ["A10", "B10", "C10", "C30", "D40"], "going")
    store.set_status(db, conf, ["E50"], "speaking")
    store.set_status(db, conf, ["F30", "A20"], "interested")
    # Lost to a clash: watch later, one with its recording already published.
    store.set_status(db, conf, ["B20", "C20"], "later")
    store.add_link(db, conf, "B20", "https://www.youtube.com/watch?v=demoB20", title="Recording")
    for key, text in NOTES.items():
        store.save_note(db, conf, key, text, 0)
    store.add_link(db, conf, "A10", "https://github.com/example/k8s-lessons", title="The demo's code")
    _, again = demo_timetable()
    moved = next(s for s in again.sessions if s.key == "B10")
    moved.start, moved.end = moved.start + timedelta(minutes=15), moved.end + timedelta(minutes=15)
    again.sessions = [s for s in again.sessions if s.key != "C30"]
    store.apply_import(db, doc["slug"], again, source="demo", fmt="demo", is_demo=True)
    conf = store.conference(db, doc["slug"])
    sessions = [dataclasses.replace(s, updated_at=CLOCK) for s in store.planned_sessions(db, conf)]
    texts = store.note_texts(db, conf)
    db.close()
    return conf, sessions, texts


def zip_listing(body: bytes) -> str:
    """The zip's files in order: text as it is, a photo by its size and first bytes (exporters copy photos unread)."""
    archive = zipfile.ZipFile(io.BytesIO(body))
    return "".join(
        f"=== {i.filename} ({i.date_time}) ===\n"
        + (
            archive.read(i).decode()
            if i.filename.endswith(".md")
            else f"[{i.file_size} bytes: {archive.read(i)[:12]!r}]\n"
        )
        for i in archive.infolist()
    )


TOKYO = ZoneInfo("Asia/Tokyo")
# Slide photos as the store hands them to exporters (their bytes are copied as they are: see test_photos.py
# for real pictures made with Pillow). B10's two are out of order on purpose; F30 (interested) is not in a
# report. The third caption carries Markdown and HTML that must stay text.
PHOTOS = (
    Photo(2, "B10", "", datetime(2026, 7, 25, 13, 31, tzinfo=TOKYO), 2560, 1920, data=b"\xff\xd8 B10 second"),
    Photo(
        1,
        "B10",
        "Room change: 掲示板",
        datetime(2026, 7, 25, 13, 20, tzinfo=TOKYO),
        2560,
        1920,
        data=b"\xff\xd8 B10 first",
    ),
    Photo(
        3, "A10", "[war] <b>stories</b>", datetime(2026, 7, 25, 11, 5, tzinfo=TOKYO), 1920, 2560, data=b"\xff\xd8 A10"
    ),
    Photo(
        4,
        "F30",
        "not in the report",
        datetime(2026, 7, 25, 15, 0, tzinfo=TOKYO),
        800,
        600,
        "image/png",
        data=b"\x89PNG F30",
    ),
)


# (golden file, exporter, options, sessions: "all" or the keys given)
CASES = [
    # The demo is a Japanese conference: its files speak Japanese unless asked for English (a reader on
    # an English page of an English conference gets "en").
    ("plan.ics", "plan-ics", CalendarOptions(), "all"),
    ("plan-en.ics", "plan-ics", CalendarOptions(lang="en"), "all"),
    ("plan-feed-interested-notes.ics", "plan-ics", CalendarOptions(15, True, True, True), "all"),
    ("plan-feed-interested-notes-en.ics", "plan-ics", CalendarOptions(15, True, True, True, lang="en"), "all"),
    ("timetable.ics", "timetable-ics", CalendarOptions(alarm_minutes=None), "all"),
    ("session-B10.ics", "session-ics", CalendarOptions(), ["B10"]),
    ("plan.csv", "plan-csv", TableOptions(), "all"),
    ("plan-en.csv", "plan-csv", TableOptions(lang="en"), "all"),
    *[(f"report-{p}.md", "report", Options(preset=p, hashtag="#JTFdemo", now=NOW), "all") for p in PRESETS],
    (
        "report-markdown-en-retro.md",
        "report",
        Options(lang="en", hashtag="JTFdemo", track_hashtags=True, retro=True, now=NOW),
        "all",
    ),
    ("report-hugo-honorific.md", "report", Options(preset="hugo", honorific="さん", now=NOW), "all"),
    ("notes-zip.txt", "notes-zip", None, "all"),
    ("notes-zip-en.txt", "notes-zip", ZipOptions(lang="en"), "all"),
    ("notes-zip-photos.txt", "notes-zip", ZipOptions(photos=PHOTOS), "all"),
    ("report-zenn-photos.md", "report", Options(preset="zenn", hashtag="#JTFdemo", now=NOW, photos=PHOTOS), "all"),
    (
        "report-bundle-hugo.txt",
        "report-bundle",
        Options(preset="hugo", hashtag="#JTFdemo", now=NOW, photos=PHOTOS),
        "all",
    ),
    (
        "report-bundle-hatena.txt",
        "report-bundle",
        Options(preset="hatena", hashtag="#JTFdemo", now=NOW, photos=PHOTOS),
        "all",
    ),
]


def test_every_exporter_and_every_report_preset_has_golden_text():
    assert {name for _file, name, _o, _s in CASES} == set(EXPORTERS)
    assert {o.preset for _f, name, o, _s in CASES if name == "report"} == set(PRESETS)


@pytest.mark.parametrize(("filename", "name", "options", "which"), CASES, ids=[c[0] for c in CASES])
def test_exporter_output_matches_its_golden_text(day, filename, name, options, which):
    conf, sessions, texts = day
    chosen = sessions if which == "all" else [s for s in sessions if s.key in which]
    body = EXPORTERS[name](conf, chosen, texts, options)
    text = (
        zip_listing(body)
        if name.endswith("zip") or name == "report-bundle"
        else body.decode("utf-8")
        if isinstance(body, bytes)
        else body
    )
    path = GOLDEN / filename
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    expected = path.read_bytes().decode("utf-8")
    if text != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True), text.splitlines(keepends=True), "golden", "now", n=1
        )
        pytest.fail(f"{filename} differs (UPDATE_GOLDEN=1 regenerates it):\n" + "".join(list(diff)[:40]))
