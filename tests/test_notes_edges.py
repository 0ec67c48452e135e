"""The note's text rules where a phone user would notice a slip (the mutants of notes.py found these
unwatched, issue 19): "keep both" after a conflict keeps every line of both texts and the shared ones once,
however the lines moved (also for notes too long to compare pair by pair); a note's length limit; the
line ends a browser's form sends; adding a line; ticking and unticking a TODO from the TODO list."""

from __future__ import annotations

import random
import re
from functools import cache

import pytest

from conference import notes, store
from conference.notes import merge_both

SLUG = "demo-tech-festa-2026"


def is_subsequence(part: list[str], whole: list[str]) -> bool:
    it = iter(whole)
    return all(line in it for line in part)


def common_length(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """The longest common subsequence's length, by the textbook recursion (independent of notes.py)."""

    @cache
    def lcs(i: int, j: int) -> int:
        if i == len(a) or j == len(b):
            return 0
        if a[i] == b[j]:
            return 1 + lcs(i + 1, j + 1)
        return max(lcs(i + 1, j), lcs(i, j + 1))

    return lcs(0, 0)


@pytest.mark.parametrize(
    ("mine", "theirs", "both"),
    [
        ("x\ny", "y\nx", "x\ny\nx"),  # a tie: this device's line first
        ("a\nb\nc", "c\nb\na", "a\nb\nc\nb\na"),
        ("q1\na1\nq2", "q1\nq2\na2", "q1\na1\nq2\na2"),
        ("1\n2\n3\n4", "1\n3\n2\n4", "1\n2\n3\n2\n4"),
        (
            "[13:00] 開始\nQ: 速い？\n- [ ] 試す\n締め",
            "[13:00] 開始\nA: はい\nQ: 速い？\n締め",
            "[13:00] 開始\nA: はい\nQ: 速い？\n- [ ] 試す\n締め",
        ),
        ("same\nmine\nsame", "same\nsame", "same\nmine\nsame"),
        ("a\na\nb", "a\nb\nb", "a\na\nb\nb"),
    ],
)
def test_keep_both_merges_moved_lines_shared_ones_once_this_devices_first(mine, theirs, both):
    assert merge_both(mine, theirs) == both


def test_keep_both_is_always_the_shortest_text_holding_both_in_their_order():
    """Random notes of a few repeated lines (Q&A, TODOs, the same heading twice): the merge holds each
    text's lines in order, and no line more than the two texts need."""
    rng = random.Random(20261129)
    words = ["Q: 速い？", "A: はい", "- [ ] 試す", "メモ", "", "## 感想"]
    for _ in range(400):
        a = "\n".join(rng.choice(words) for _ in range(rng.randint(0, 8))).split("\n")  # "" is one empty line
        b = "\n".join(rng.choice(words) for _ in range(rng.randint(0, 8))).split("\n")
        merged = merge_both("\n".join(a), "\n".join(b)).split("\n")
        assert is_subsequence(a, merged) and is_subsequence(b, merged), (a, b, merged)
        if a != b:
            shortest = len(a) + len(b) - common_length(tuple(a), tuple(b))
            assert len(merged) == shortest, (a, b, merged)


def test_keep_both_of_two_very_long_notes_keeps_this_devices_then_the_lines_it_lacks():
    """Over a million line pairs the merge does not compare pair by pair: this device's lines in order,
    then each of theirs that this one does not have (as many times as theirs has it more)."""
    mine = [f"m{i}" for i in range(1001)] + ["dup", "dup"]
    theirs = ["dup", "t0", "m5", "dup", "dup", "t1"] + [f"t{i}" for i in range(2, 1000)]
    assert len(mine) * len(theirs) > notes.MERGE_CELLS
    merged = merge_both("\n".join(mine), "\n".join(theirs)).split("\n")
    assert merged == mine + ["t0", "dup", "t1"] + [f"t{i}" for i in range(2, 1000)]
    # The shared first and last lines stay once, around the merge.
    framed = merge_both("\n".join(["top", *mine, "end"]), "\n".join(["top", *theirs, "end"])).split("\n")
    assert framed == ["top", *merged, "end"]


def test_a_note_may_hold_200000_characters_and_not_one_more(client):
    full = "あ" * notes.MAX_NOTE_CHARS
    saved = client.post(f"/api/c/{SLUG}/note/A10", json={"text": full, "base_version": 0})
    assert saved.status_code == 200
    over = client.post(f"/api/c/{SLUG}/note/A10", json={"text": full + "い", "base_version": 1})
    assert over.status_code == 400
    assert over.get_json()["error"] == "a note is limited to 200000 characters"


def test_the_line_ends_a_browsers_form_sends_are_kept_as_plain_new_lines(client, db_path):
    """A textarea posts CRLF; the note keeps LF, so the draft and the diff see one line end."""
    client.post(f"/c/{SLUG}/note/A10", data={"text": "Q: 速い？\r\nA: はい\r\n", "base_version": "0"})
    client.post(f"/api/c/{SLUG}/note/B10", json={"text": "メモ\r\n- [ ] 試す", "base_version": 0})
    db = store.connect(db_path)  # read as stored (the CLI runner's output turns CRLF into LF itself)
    conf = store.conference(db, SLUG)
    assert [store.note(db, conf, key).text for key in ("A10", "B10")] == ["Q: 速い？\nA: はい\n", "メモ\n- [ ] 試す"]
    db.close()


@pytest.mark.parametrize(
    ("before", "after"),
    [("", "TODO 試す\n"), ("メモ", "メモ\nTODO 試す\n"), ("メモ\n", "メモ\nTODO 試す\n")],
)
def test_a_line_added_from_the_command_line_goes_on_a_line_of_its_own(runner, before, after):
    if before:
        runner.invoke(args=["note", SLUG, "A10", "--set-from", "-"], input=before)
    assert runner.invoke(args=["note", SLUG, "A10", "--append", "TODO 試す"]).exit_code == 0
    assert runner.invoke(args=["note", SLUG, "A10"]).stdout == after


def test_the_todo_list_ticks_and_unticks_and_refuses_a_line_that_is_no_todo(client, runner):
    client.post(f"/api/c/{SLUG}/note/A10", json={"text": "メモ\n- [ ] 試す\n- [ ] 共有", "base_version": 0})

    def tick(line: int, done: bool, version: int):
        data = {"key": "A10", "line": str(line), "done": "1" if done else "0", "base_version": str(version)}
        return client.post(f"/c/{SLUG}/todos", data=data)

    assert tick(1, True, 1).status_code == 303
    assert runner.invoke(args=["note", SLUG, "A10"]).stdout == "メモ\n- [x] 試す\n- [ ] 共有\n"
    assert tick(1, False, 2).status_code == 303
    assert runner.invoke(args=["note", SLUG, "A10"]).stdout == "メモ\n- [ ] 試す\n- [ ] 共有\n"
    for line in (0, 3, -1):  # not a TODO; one past the last line; before the first
        refused = tick(line, True, 3)
        assert refused.status_code == 404, line
        assert re.findall(r'<p class="error">(.*?)</p>', refused.get_data(as_text=True)) == [
            "That TODO is no longer in the note."
        ]
    assert runner.invoke(args=["note", SLUG, "A10"]).stdout == "メモ\n- [ ] 試す\n- [ ] 共有\n"


def test_keep_both_at_exactly_a_million_line_pairs_still_compares_them():
    """The simple merge starts above MERGE_CELLS pairs, not at it: a note and the same note upside down,
    1000 lines each, still merge into a text holding both orders."""
    mine = [f"行 {i}" for i in range(1000)]
    theirs = list(reversed(mine))
    assert len(mine) * len(theirs) == notes.MERGE_CELLS
    merged = merge_both("\n".join(mine), "\n".join(theirs)).split("\n")
    assert is_subsequence(mine, merged) and is_subsequence(theirs, merged)
    assert len(merged) == 1999
