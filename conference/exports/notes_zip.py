"""Every note as its own Markdown file in a zip (deterministic bytes for the same notes and photos).

The slide photos come along in `photos/` (named as in the blog draft: `a20-1.jpg`), each shown at the end
of its talk's note (`![caption](photos/a20-1.jpg)`); a talk with photos and no note gets a file too.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..model import Conference, PlannedSession
from .photos import file_names, refs
from .report import md, md_alt


@dataclass(frozen=True)
class ZipOptions:
    photos: tuple = ()  # model.Photo with their bytes: kept in photos/ and shown in their notes


def notes_zip(
    conf: Conference, sessions: Sequence[PlannedSession], notes: Mapping[str, str], options: ZipOptions
) -> bytes:
    """One `code-title.md` per non-empty note (or talk with photos), in timetable order; names made unique
    with -2, -3…; the photos in `photos/`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        used: set[str] = set()
        photo_files = file_names(sessions, options.photos)
        data = {p.id: p.data for p in options.photos}
        for s in sessions:
            text = notes.get(s.key, "")
            shown = refs(s, options.photos, photo_files)
            if not text.strip() and not shown:
                continue
            stem = re.sub(r"[^\w]+", "-", f"{s.code or ''} {s.title}".strip().lower()).strip("-")[:60] or "note"
            name, i = f"{stem}.md", 2
            while name in used:
                name, i = f"{stem}-{i}.md", i + 1
            used.add(name)
            heading = f"{s.code}: {s.title}" if s.code else s.title
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            parts = [f"# {md(heading)}", *([text.strip()] if text.strip() else [])]
            parts += [f"![{md_alt(p.alt)}](photos/{p.file})" for p in shown]
            archive.writestr(info, "\n\n".join(parts) + "\n")
            for p in shown:
                picture = zipfile.ZipInfo(f"photos/{p.file}", date_time=(2000, 1, 1, 0, 0, 0))
                archive.writestr(picture, data[p.id])
    return buffer.getvalue()
