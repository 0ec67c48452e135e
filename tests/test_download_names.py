"""Downloads are named after what the conference is called now, not the file it came from (QA #14).

QA: a timetable uploaded as `jtf2026-sjis.csv` was renamed "July Tech Festa 2026" with the hashtag
#JTF2026, yet the calendar, CSV and zip still downloaded as `jtf2026-sjis-…`, and the three plan
calendars (plain, with the shortlist, with notes) all saved as the same `…-plan.ics`. The README says
renaming changes file names. (Both names of the header are checked: `filename*=UTF-8''…`, what
browsers save, and the ASCII `filename="…"`; tests/test_downloads.py fetches them through real servers.)
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "natsu.csv"
SLUG = "jtf2026-sjis"


@pytest.fixture
def uploaded(app, runner, tmp_path):
    source = tmp_path / f"{SLUG}.csv"
    shutil.copy(FIXTURE, source)
    assert runner.invoke(args=["import", str(source)]).exit_code == 0
    assert runner.invoke(args=["mark", SLUG, "A10", "A20", "--status", "going"]).exit_code == 0
    assert runner.invoke(args=["note", SLUG, "A10", "--set-from", "-"], input="満席だった\n").exit_code == 0
    return SLUG


def saved_as(client, path: str) -> tuple[str, str]:
    """(the name a browser saves the download under, the ASCII name for older clients)."""
    response = client.get(path)
    assert response.status_code == 200, path
    disposition = response.headers["Content-Disposition"]
    assert disposition.isascii(), disposition
    ascii_name = re.search(r'filename="([^"]*)"', disposition).group(1)
    utf8_name = unquote(re.search(r"filename\*=UTF-8''([^;]*)", disposition).group(1), errors="strict")
    return utf8_name, ascii_name


DOWNLOADS = {  # path (after /c/SLUG) -> the file name after the stem
    "/plan.ics": "-plan.ics",
    "/plan.ics?interested=1": "-plan-interested.ics",
    "/plan.ics?notes=1": "-plan-notes.ics",
    "/plan.ics?interested=1&notes=1": "-plan-interested-notes.ics",
    "/timetable.ics": ".ics",
    "/ics/A10": "-A10.ics",
    "/plan.csv": "-plan.csv",
    "/notes.zip": "-notes.zip",
    "/report?preset=hugo&bundle=1": "-report.zip",
    "/report?preset=hugo&download=1": "-report.md",
}


def names(client, slug: str) -> dict[str, tuple[str, str]]:
    return {path: saved_as(client, f"/c/{quote(slug)}{path}") for path in DOWNLOADS}


def test_downloads_follow_a_rename_in_both_names(uploaded, client):
    before = names(client, uploaded)
    assert before["/plan.ics"] == ("jtf2026-sjis-plan.ics", "jtf2026-sjis-plan.ics")  # named after the upload
    renamed = client.post(
        f"/c/{uploaded}/edit", data={"name": "July Tech Festa 2026", "hashtag": "#JTF2026", "url": ""}
    )
    assert renamed.status_code == 303
    after = names(client, uploaded)
    for path, tail in DOWNLOADS.items():
        assert after[path] == (f"jtf2026{tail}", f"jtf2026{tail}"), path
    # Without a hashtag the name gives them; a Japanese name is what the browser saves, beside an ASCII twin.
    client.post(f"/c/{uploaded}/edit", data={"name": "July Tech Festa 2026", "hashtag": "", "url": ""})
    assert saved_as(client, f"/c/{uploaded}/plan.csv") == ("july-tech-festa-2026-plan.csv",) * 2
    client.post(f"/c/{uploaded}/edit", data={"name": "夏のテック祭り", "hashtag": "", "url": ""})
    japanese = names(client, uploaded)
    for path, tail in DOWNLOADS.items():
        if "report" in path:  # the blog's file: ASCII for the blog tools (names.article_slug)
            assert japanese[path] == (f"conference-2026{tail}", f"conference-2026{tail}"), path
        else:
            assert japanese[path] == (f"夏のテック祭り-2026{tail}", f"conference-2026{tail}"), path
    assert not any("sjis" in name for pair in (*after.values(), *japanese.values()) for name in pair)


def test_the_three_plan_calendars_download_under_three_names(uploaded, client):
    plans = [saved_as(client, f"/c/{uploaded}{path}") for path in DOWNLOADS if path.startswith("/plan.ics")]
    assert len({utf8 for utf8, _ascii in plans}) == len(plans)
    assert len({ascii_name for _utf8, ascii_name in plans}) == len(plans)
