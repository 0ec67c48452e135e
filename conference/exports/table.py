"""The plan as CSV for a spreadsheet; no cell can start a formula where it is opened."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..model import Conference, PlannedSession
from ..planning import plan_sessions

HEADER = ["date", "start", "end", "code", "title", "room", "speakers", "status", "slides", "notes"]
_ACTIVE = ("=", "+", "-", "@", "\t", "\r", "\n")


@dataclass(frozen=True)
class TableOptions:
    """interested: the shortlist too (the download does); False: only the plan."""

    interested: bool = True


def cell(value) -> str:
    """Spreadsheets run cells starting with = + - @ (and tab/CR): prefix those with an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_ACTIVE) else text


def rows_csv(sessions: Sequence[PlannedSession], notes: Mapping[str, str]) -> str:
    """One row per session, in the order given, with the attendee's note."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for s in sessions:
        row = [
            s.start.date().isoformat() if s.start else "",
            f"{s.start:%H:%M}" if s.start else "",
            f"{s.end:%H:%M}" if s.end else "",
            s.code,
            s.title,
            s.room,
            "; ".join(s.speakers),
            s.status or "",
            s.slides,
            notes.get(s.key, ""),
        ]
        writer.writerow([cell(v) for v in row])
    return "\ufeff" + out.getvalue()  # the BOM makes Excel read UTF-8 (Japanese titles) correctly


def plan_csv(
    conf: Conference, sessions: Sequence[PlannedSession], notes: Mapping[str, str], options: TableOptions
) -> str:
    """The plan (and, by default, the shortlist) as CSV."""
    return rows_csv(plan_sessions(sessions, options.interested), notes)
