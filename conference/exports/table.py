"""The plan as CSV for a spreadsheet; no cell can start a formula where it is opened."""

from __future__ import annotations

import csv
import io

HEADER = ["date", "start", "end", "code", "title", "room", "speakers", "status", "slides", "notes"]
_ACTIVE = ("=", "+", "-", "@", "\t", "\r", "\n")


def cell(value) -> str:
    """Spreadsheets run cells starting with = + - @ (and tab/CR): prefix those with an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_ACTIVE) else text


def plan_csv(sessions: list[dict], notes: dict[str, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for s in sessions:
        slides = next((x["url"] for x in s["links"] if x.get("kind") == "slides"), "")
        row = [
            s["start"].date().isoformat() if s["start"] else "",
            f"{s['start']:%H:%M}" if s["start"] else "",
            f"{s['end']:%H:%M}" if s["end"] else "",
            s["code"],
            s["title"],
            s["room"],
            "; ".join(s["speakers"]),
            s["status"] or "",
            slides,
            notes.get(s["key"], ""),
        ]
        writer.writerow([cell(v) for v in row])
    return "\ufeff" + out.getvalue()  # the BOM makes Excel read UTF-8 (Japanese titles) correctly
