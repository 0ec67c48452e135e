"""Every note as its own Markdown file in a zip (deterministic bytes for the same notes and photos).

Each file starts with its talk: `# A10: title` (（中止） / (cancelled) when the organisers dropped it), then
when and where it was and who spoke (in the file's language, words.language), then the note as written,
its headings one level down so the talk's title is the file's only top heading.

The slide photos come along in `photos/` (named as in the blog draft: `a20-1.jpg`), each shown at the end
of its talk's note (`![caption](photos/a20-1.jpg)`); a talk with photos and no note gets a file too.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..links import safe_url
from ..model import Conference, PlannedSession
from .photos import file_names, refs
from .report import md, md_alt, shift_headings
from .words import conference_language, words

WEEKDAYS = {"ja": "月火水木金土日", "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}


@dataclass(frozen=True)
class ZipOptions:
    photos: tuple = ()  # model.Photo with their bytes: kept in photos/ and shown in their notes
    lang: str = ""  # "ja" / "en" for the words around the notes; "" = the conference's language


def about(s: PlannedSession, lang: str) -> list[str]:
    """The talk's facts as a Markdown list: when (date, weekday, times), where, who spoke, its slides."""
    said = words(lang)
    facts = []
    if s.start:
        day = WEEKDAYS["ja" if lang == "ja" else "en"][s.start.weekday()]
        end = f"–{s.end:%H:%M}" if s.end else ""
        facts.append(f"- {said['when']}: {s.start.date().isoformat()} ({day}) {s.start:%H:%M}{end}")
    if s.room:
        facts.append(f"- {said['room']}: {md(s.room)}")
    if s.speakers:
        facts.append(f"- {said['speakers']}: {', '.join(md(p) for p in s.speakers)}")
    if safe_url(s.slides):
        facts.append(f"- {said['slides'].strip()} <{safe_url(s.slides)}>")
    return facts


def notes_zip(
    conf: Conference, sessions: Sequence[PlannedSession], notes: Mapping[str, str], options: ZipOptions
) -> bytes:
    """One `code-title.md` per non-empty note (or talk with photos), in timetable order; names made unique
    with -2, -3…; the photos in `photos/`."""
    lang = options.lang or conference_language(conf, sessions)
    cancelled = words(lang)["cancelled_note"]
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
            heading = md(f"{s.code}: {s.title}" if s.code else s.title) + (cancelled if s.cancelled else "")
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            facts = about(s, lang)
            parts = [f"# {heading}", *(["\n".join(facts)] if facts else [])]
            parts += [shift_headings(text.strip(), 1)] if text.strip() else []
            parts += [f"![{md_alt(p.alt)}](photos/{p.file})" for p in shown]
            archive.writestr(info, "\n\n".join(parts) + "\n")
            for p in shown:
                picture = zipfile.ZipInfo(f"photos/{p.file}", date_time=(2000, 1, 1, 0, 0, 0))
                archive.writestr(picture, data[p.id])
    return buffer.getvalue()
