"""What the attendee writes, read as text: limits, TODOs, Q&A and the small edits the app makes.

Pure functions over note texts; the store keeps the notes and their versions (store/attendee.py).
"""

from __future__ import annotations

import re

from .errors import BadInput, NotFound
from .messages import M

MAX_NOTE_CHARS = 200_000

_TODO = re.compile(r"^(\s*[-*+]\s+\[)([ xX])(\]\s+)(.*)$")
_QUESTION = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*)?[QＱ](?:\*\*)?\s*[:：.]\s*(.*)$")
_ANSWER = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*)?[AＡ](?:\*\*)?\s*[:：.]\s*(.*)$")


def check_note(text: str) -> str:
    """The text as it is stored (line ends made \\n); BadInput over the limit."""
    if len(text) > MAX_NOTE_CHARS:
        raise BadInput(f"a note is limited to {MAX_NOTE_CHARS} characters", field="text")
    return text.replace("\r\n", "\n")


def append_line(text: str, line: str) -> str:
    """`text` with `line` added as its last line."""
    return text + ("" if not text or text.endswith("\n") else "\n") + line + "\n"


def todos(text: str) -> list[dict]:
    """Task-list items: {line (0-based), done, text}."""
    found = []
    for number, line in enumerate(text.splitlines()):
        match = _TODO.match(line)
        if match:
            found.append({"line": number, "done": match.group(2) in "xX", "text": match.group(4).strip()})
    return found


def tick_todo(text: str, line: int, done: bool) -> str:
    """`text` with the TODO on `line` (0-based) ticked or unticked; NotFound when that line is no TODO."""
    lines = text.split("\n")
    if not 0 <= line < len(lines) or not _TODO.match(lines[line]):
        raise NotFound(M("That TODO is no longer in the note."))
    lines[line] = _TODO.sub(lambda m: f"{m.group(1)}{'x' if done else ' '}{m.group(3)}{m.group(4)}", lines[line])
    return "\n".join(lines)


def _qa(text: str) -> tuple[list[dict], set[int]]:
    pairs: list[dict] = []
    used: set[int] = set()
    current: dict | None = None
    for number, line in enumerate(text.splitlines()):
        q, a = _QUESTION.match(line), _ANSWER.match(line)
        if q:
            current = {"q": q.group(1).strip(), "a": ""}
            pairs.append(current)
        elif a and current is not None:
            current["a"] = (current["a"] + "\n" + a.group(1).strip()).strip()
        elif current is not None and current["a"] and line[:1] in (" ", "\t") and line.strip():
            current["a"] += "\n" + line.strip()  # an indented continuation of the answer
        elif line.strip():
            current = None  # other writing ends the Q&A block; blank lines do not
            continue
        else:
            continue
        used.add(number)
    return pairs, used


def qa_pairs(text: str) -> list[dict]:
    """`Q: …` lines with the `A: …` lines that follow them (continuation lines join the answer)."""
    return _qa(text)[0]


def qa_lines(text: str) -> set[int]:
    """The numbers (0-based) of the lines `qa_pairs` reads: a question, its answers and their continuations."""
    return _qa(text)[1]


# Keep both (a note changed on two devices): a line-level merge, the same in static/note.js.
MERGE_CELLS = 1_000_000  # above this many line pairs to compare, the simple merge below


def merge_both(mine: str, theirs: str) -> str:
    """Both texts, line by line, in order, with the lines they share only once.

    The common first and last lines are kept once; between them, the longest common subsequence of
    lines is kept once and every other line of each text is kept where it stood (on a tie, this
    device's line first). Over MERGE_CELLS pairs: this device's lines, then theirs that it lacks.
    static/note.js mergeBoth() does exactly the same, so the page and a plain form post agree.
    """
    if mine == theirs:
        return mine
    a, b = mine.split("\n"), theirs.split("\n")
    head = 0
    while head < len(a) and head < len(b) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < len(a) - head and tail < len(b) - head and a[len(a) - 1 - tail] == b[len(b) - 1 - tail]:
        tail += 1
    x, y = a[head : len(a) - tail], b[head : len(b) - tail]
    n, m = len(x), len(y)
    if n * m > MERGE_CELLS:
        left: dict[str, int] = {}
        for line in x:
            left[line] = left.get(line, 0) + 1
        middle = list(x)
        for line in y:
            if left.get(line):
                left[line] -= 1
            else:
                middle.append(line)
    else:
        # lcs[i][j]: the length of the longest common subsequence of x[i:] and y[j:]
        lcs = [[0] * (m + 1) for _ in range(n + 1)]
        for i in range(n - 1, -1, -1):
            row, below = lcs[i], lcs[i + 1]
            for j in range(m - 1, -1, -1):
                row[j] = below[j + 1] + 1 if x[i] == y[j] else max(below[j], row[j + 1])
        middle, i, j = [], 0, 0
        while i < n and j < m:
            if x[i] == y[j]:
                middle.append(x[i])
                i, j = i + 1, j + 1
            elif lcs[i + 1][j] >= lcs[i][j + 1]:
                middle.append(x[i])
                i += 1
            else:
                middle.append(y[j])
                j += 1
        middle += x[i:] + y[j:]
    return "\n".join(a[:head] + middle + a[len(a) - tail :])
