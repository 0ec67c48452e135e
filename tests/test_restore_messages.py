"""A crafted or damaged backup is refused with one line that says exactly where and why (issue 17's
restore checks; the mutants of store/backup.py showed some messages were only half checked, issue 19).
Each line is compared whole, and the database stays byte-identical."""

from __future__ import annotations

import copy
import json

import pytest

from .test_backup_restore import SLUG, _conf, _fingerprint, _row, _set, backup  # noqa: F401 (backup: a fixture)

WHERE = f"conferences[0] ({SLUG})"


def _report(**fields):
    def edit(data):
        row = next(r for r in _conf(data)["imports"])
        report = json.loads(row["report"])
        report.update(fields)
        row["report"] = json.dumps(report)

    return edit


CASES = {
    "a timetable link of an unknown kind": (
        _set(
            "sessions",
            {"key": "A10"},
            "links",
            json.dumps([{"url": "https://x.example/a", "kind": "podcast", "title": ""}]),
        ),
        'sessions[{i}] (A10): links: link 1: kind "podcast" is not one of slides, video, blog, code, other',
    ),
    "a title that is an object": (
        _set("sessions", {"key": "A10"}, "title", {"ja": "入門"}),
        "sessions[{i}] (A10): title: must be text, not an object",
    ),
    "an import report whose created is text": (
        _report(created="yes"),
        "imports[0]: report: created must be true or false",
    ),
    "an import report whose recordings lack their url": (
        _report(recordings=[{"key": "A10", "title": "Kubernetes 入門"}]),
        "imports[0]: report: recordings: every entry needs a key, a title and a url (texts)",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_damaged_backup_is_refused_with_the_whole_line(name, backup, runner, db_path, tmp_path):  # noqa: F811
    edit, why = CASES[name]
    data = copy.deepcopy(backup)
    edit(data)
    index = next(i for i, r in enumerate(_conf(data)["sessions"]) if r["key"] == "A10")
    path = tmp_path / "damaged.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    before = _fingerprint(db_path)
    result = runner.invoke(args=["restore", str(path)])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {path}: {WHERE} {why.format(i=index)}"
    assert _fingerprint(db_path) == before


def test_a_record_that_is_not_an_object_is_named(backup, runner, db_path, tmp_path):  # noqa: F811
    data = copy.deepcopy(backup)
    _conf(data)["sessions"][0] = ["A10", "Kubernetes 入門"]
    path = tmp_path / "damaged.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    result = runner.invoke(args=["restore", str(path)])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {path}: {WHERE} sessions[0]: must be an object, not a list"


def test_a_file_cut_short_is_named_with_its_line_and_column(runner, db_path, tmp_path):
    path = tmp_path / "cut.json"
    path.write_text('{"format": "conference-backup",\n "conferences": [', "utf-8")
    before = _fingerprint(db_path)
    result = runner.invoke(args=["restore", str(path)])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {path}: line 2: not JSON: Expecting value (column 18)"
    assert _fingerprint(db_path) == before
