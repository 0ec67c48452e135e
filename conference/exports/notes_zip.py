"""Every note as its own Markdown file in a zip (deterministic bytes for the same notes)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..model import Conference, PlannedSession
from .report import md


@dataclass(frozen=True)
class ZipOptions:
    pass


def notes_zip(
    conf: Conference, sessions: Sequence[PlannedSession], notes: Mapping[str, str], options: ZipOptions
) -> bytes:
    """One `code-title.md` per non-empty note, in timetable order; names made unique with -2, -3…"""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        used: set[str] = set()
        for s in sessions:
            text = notes.get(s.key, "")
            if not text.strip():
                continue
            stem = re.sub(r"[^\w]+", "-", f"{s.code or ''} {s.title}".strip().lower()).strip("-")[:60] or "note"
            name, i = f"{stem}.md", 2
            while name in used:
                name, i = f"{stem}-{i}.md", i + 1
            used.add(name)
            heading = f"{s.code}: {s.title}" if s.code else s.title
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, f"# {md(heading)}\n\n{text.strip()}\n")
    return buffer.getvalue()
