"""The plan as CSV for a spreadsheet; no cell can start a formula where it is opened.

The header and the status speak the file's language (words.language: Japanese for a Japanese
conference or a reader on a Japanese page): 日付, 開始, … 状態 with 気になる / 行く / 参加した / 登壇する /
あとで見る, the words the app's pages use; in English the status is the app's own value (interested,
going, attended, speaking, later). The cancelled column says 中止 / cancelled for a talk the organisers
dropped, empty otherwise.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..model import Conference, PlannedSession
from ..planning import plan_sessions
from .words import WORDS, conference_language, words

HEADER = WORDS["en"]["header"]
_ACTIVE = ("=", "+", "-", "@", "\t", "\r", "\n")


@dataclass(frozen=True)
class TableOptions:
    """interested: the shortlist too (the download does); False: only the plan."""

    interested: bool = True
    lang: str = ""  # "ja" / "en"; "" = the conference's language


def cell(value) -> str:
    """Spreadsheets run cells starting with = + - @ (and tab/CR): prefix those with an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_ACTIVE) else text


def rows_csv(sessions: Sequence[PlannedSession], notes: Mapping[str, str], lang: str = "en") -> str:
    """One row per session, in the order given, with the attendee's note."""
    said = words(lang)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(said["header"])
    for s in sessions:
        row = [
            s.start.date().isoformat() if s.start else "",
            f"{s.start:%H:%M}" if s.start else "",
            f"{s.end:%H:%M}" if s.end else "",
            s.code,
            s.title,
            s.room,
            "; ".join(s.speakers),
            said["statuses"].get(s.status or "", s.status or ""),
            said["cancelled"] if s.cancelled else "",
            s.slides,
            notes.get(s.key, ""),
        ]
        writer.writerow([cell(v) for v in row])
    return "\ufeff" + out.getvalue()  # the BOM makes Excel read UTF-8 (Japanese titles) correctly


def plan_csv(
    conf: Conference, sessions: Sequence[PlannedSession], notes: Mapping[str, str], options: TableOptions
) -> str:
    """The plan (and, by default, the shortlist) as CSV."""
    lang = options.lang or conference_language(conf, sessions)
    return rows_csv(plan_sessions(sessions, options.interested), notes, lang)
