"""Undo's report says what the undo changed back, talk by talk, in the CLI and on the report page: the
speakers as names, a talk back from cancelled, a time moved back, the talks left as they were, and those
still without a time (issue 14's undo; the mutants of merge.compare_rows found these unwatched, issue 19)."""

from __future__ import annotations

import json
import re

from .test_import_qa import visible

SLUG = "undo-fest"
HEADER = "コード,日付,開始,終了,トラック,タイトル,登壇者\n"
BEFORE = HEADER + (
    "A10,2026-07-25,11:00,11:45,Track A,Kubernetes 入門,山田 太郎\n"
    "B10,2026-07-25,11:00,11:45,Track B,Observability 101,Alice\n"
    "A20,2026-07-25,13:00,13:45,Track A,SRE のはじめかた,佐藤 花子\n"
    "C10,,,,Track C,LT 枠 (時間未定),\n"
)
AFTER = HEADER + (  # A10 gains a speaker, B10 is dropped (kept cancelled: marked), A20 moves, D10 is new
    "A10,2026-07-25,11:00,11:45,Track A,Kubernetes 入門,山田 太郎、鈴木 一郎\n"
    "A20,2026-07-25,14:00,14:45,Track A,SRE のはじめかた,佐藤 花子\n"
    "C10,,,,Track C,LT 枠 (時間未定),\n"
    "D10,2026-07-25,15:00,15:45,Track A,新しいトーク,高橋\n"
)


def imported_twice(runner, tmp_path) -> dict[str, str]:
    """Both imports done; the talks' keys by code."""
    (tmp_path / "before.csv").write_text(BEFORE, encoding="utf-8")
    (tmp_path / "after.csv").write_text(AFTER, encoding="utf-8")
    first = runner.invoke(args=["import", str(tmp_path / "before.csv"), "--slug", SLUG, "--timezone", "Asia/Tokyo"])
    assert first.exit_code == 0, first.output
    keys = {s["code"]: s["key"] for s in json.loads(runner.invoke(args=["sessions", SLUG, "--json"]).stdout)}
    assert runner.invoke(args=["mark", SLUG, keys["B10"], "--status", "going"]).exit_code == 0
    second = runner.invoke(args=["import", str(tmp_path / "after.csv"), "--slug", SLUG, "--force"])
    assert second.exit_code == 0, second.output
    return keys


def test_the_cli_says_what_undo_put_back_talk_by_talk(runner, tmp_path):
    keys = imported_twice(runner, tmp_path)
    keys_after = {s["code"]: s["key"] for s in json.loads(runner.invoke(args=["sessions", SLUG, "--json"]).stdout)}
    undone = runner.invoke(args=["undo-import", SLUG])
    assert undone.exit_code == 0, undone.output
    lines = undone.stdout.splitlines()
    assert lines[0] == "the timetable is back as it was before the last import"
    assert lines[1] == f"{SLUG}: 0 added, 3 changed, 0 cancelled, 1 removed, 1 unchanged"  # C10 unchanged
    changed = {line.split()[1]: line for line in lines if line.startswith("  changed")}
    assert changed[keys["A10"]].endswith("(speakers: 山田 太郎; 鈴木 一郎 -> 山田 太郎)")
    assert changed[keys["B10"]].endswith("(cancelled: True -> False)")
    assert re.search(r"\(start: \S+T14:00:00\+09:00 -> \S+T13:00:00\+09:00, end: \S+T14:45", changed[keys["A20"]])
    assert [line for line in lines if line.startswith("  removed")] == [
        f"  removed    {keys_after['D10']}  新しいトーク"
    ]


def test_the_undo_report_page_shows_names_times_and_the_talks_without_a_time(runner, client, tmp_path):
    imported_twice(runner, tmp_path)
    undone = client.post(f"/c/{SLUG}/undo-import")
    assert undone.status_code == 303
    page = visible(client.get(undone.headers["Location"]))
    assert "Speakers: 山田 太郎; 鈴木 一郎 → 山田 太郎" in page, page
    assert "Observability 101 Back in the timetable" in page
    assert "1 unchanged" in page and "1 no time yet" in page  # C10, still without a time
    assert '["' not in page  # names, never the stored JSON
