"""Issue 13's day, as a new Japanese user lives it, in a real SQLite file through the CLI.

A two-day conference named in Japanese ("夏のテック祭り 2026", so its slug holds Japanese characters),
imported from a CSV uploaded as `timetable.csv` (the file's name must never become a tag); the user
gives a talk (A20, with the questions received), plans three others, writes notes with `#learn` and
`#fun` in mid-line, a Q&A, TODOs and a link; then the organisers drop B30, which the user planned.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from conference import create_app

FIXTURE = Path(__file__).parent / "fixtures" / "natsu.csv"  # written for these tests, a made-up timetable
NAME = "夏のテック祭り 2026"
SLUG = "夏のテック祭り-2026"
OWN, CANCELLED, NOTED = "A20", "B30", "A10"
NOTE = (
    "etcd のバックアップが大事。#learn 復元手順も練習する。\n"
    "運用は楽しい、#fun\n"
    "\n"
    "Q: マルチクラスタは？\n"
    "A: 3 つ、リージョンごと\n"
    "\n"
    "- [ ] 復元手順を書く\n"
    "- [x] スライドを読む\n"
    "#done 社内で共有した\n"
)


def make_day(db_path: Path, tmp_path: Path, *, hashtag: str = "", url: str = "") -> str:
    """The day above in `db_path`; returns the conference's slug. `hashtag`/`url` are set with
    `flask conference SLUG …` when given (the CSV names neither)."""
    app = create_app({"TESTING": True, "DATABASE": str(db_path)})
    runner = app.test_cli_runner()

    def run(*args: str, stdin: str | None = None) -> str:
        result = runner.invoke(args=list(args), input=stdin)
        assert result.exit_code == 0, (args, result.output)
        return result.output

    upload = tmp_path / "timetable.csv"
    shutil.copy(FIXTURE, upload)
    run("import", str(upload), "--name", NAME)
    run("mark", SLUG, OWN, "--status", "speaking")
    run("mark", SLUG, "A10", "A30", CANCELLED, "--status", "going")
    run("note", SLUG, OWN, "--set-from", "-", stdin="Q: 何人で運用していますか？\nA: 3 人です\n")
    run("note", SLUG, NOTED, "--set-from", "-", stdin=NOTE)
    run("link", SLUG, NOTED, "https://github.com/example/etcd-backup", "--title", "etcd バックアップ手順")
    dropped = tmp_path / "timetable-2.csv"
    dropped.write_text(
        "".join(line for line in FIXTURE.read_text("utf-8").splitlines(keepends=True) if not line.startswith("B30")),
        "utf-8",
    )
    assert "1 cancelled" in run("import", str(dropped), "--slug", SLUG)
    if hashtag or url:
        run("conference", SLUG, "--hashtag", hashtag, "--url", url)
    return SLUG
