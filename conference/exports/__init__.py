"""Exporters: pure functions from (Conference, [PlannedSession], note texts, options) to bytes or text.

They never touch the database, Flask or the network: the caller loads the sessions
(`store.planned_sessions`, with abstracts when `Exporter.abstracts`) and the note texts
(`store.note_texts`) and passes them in. `EXPORTERS` is the one registry the CLI, the views and the
tests read (as `parsers.PARSERS` is for imports).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..model import Conference, PlannedSession
from . import bundle, ics, names, notes_zip, photos, report, table


@dataclass(frozen=True)
class Exporter:
    """name: the registry key; filename: a pattern with {slug} (and {part}: the preset, a session's key…);
    options: the frozen dataclass `function` takes (its defaults are the download's defaults);
    abstracts: whether the output shows abstracts (load sessions with them)."""

    name: str
    label: str
    mimetype: str
    filename: str
    function: Callable[[Conference, Sequence[PlannedSession], Mapping[str, str], Any], bytes | str]
    options: type
    abstracts: bool = True

    def __call__(
        self,
        conf: Conference,
        sessions: Sequence[PlannedSession],
        notes: Mapping[str, str] | None = None,
        options: Any = None,
    ) -> bytes | str:
        return self.function(conf, sessions, notes or {}, options if options is not None else self.options())

    def file_name(self, slug: str, part: str = "") -> str:
        return self.filename.format(slug=slug, part=part)

    def download_names(self, conf: Conference, part: str = "") -> tuple[str, str]:
        """(the name a browser saves the file under, its ASCII twin for `filename="…"`), both from what the
        conference is called now (names.download_stems: its hashtag or name, never the slug it was
        imported under): what views.helpers.download sends (RFC 6266)."""
        ascii_part = re.sub(r"[^A-Za-z0-9_-]+", "-", part)
        if part and ascii_part != part:
            ascii_part = hashlib.sha256(part.encode("utf-8")).hexdigest()[:12]
        utf8_stem, ascii_stem = names.download_stems(conf)
        return self.file_name(utf8_stem, part), self.file_name(ascii_stem, ascii_part)

    @property
    def extension(self) -> str:
        return self.filename.rsplit(".", 1)[-1]


EXPORTERS: dict[str, Exporter] = {
    e.name: e
    for e in (
        Exporter(
            "plan-ics",
            "My plan (iCalendar)",
            "text/calendar",
            "{slug}-plan{part}.ics",  # part: ics.plan_part(options), "-interested", "-notes"…
            ics.plan_ics,
            ics.CalendarOptions,
        ),
        Exporter(
            "timetable-ics",
            "The whole timetable (iCalendar)",
            "text/calendar",
            "{slug}.ics",
            ics.timetable_ics,
            ics.CalendarOptions,
        ),
        Exporter(
            "session-ics",
            "Sessions as given (iCalendar; one session's Add to calendar)",
            "text/calendar",
            "{slug}-{part}.ics",
            ics.sessions_ics,
            ics.CalendarOptions,
        ),
        Exporter(
            "plan-csv",
            "My plan and shortlist (CSV)",
            "text/csv",
            "{slug}-plan.csv",
            table.plan_csv,
            table.TableOptions,
            abstracts=False,
        ),
        Exporter(
            "report",
            "Blog draft (Markdown)",
            "text/markdown",
            "{slug}-{part}.md",
            report.render,
            report.Options,
            abstracts=False,
        ),
        Exporter(
            "report-bundle",
            "Blog draft with its photos (zip: a Hugo page bundle, or the draft and the photos to upload)",
            "application/zip",
            "{slug}-{part}.zip",
            bundle.bundle_zip,
            report.Options,
            abstracts=False,
        ),
        Exporter(
            "notes-zip",
            "Every note as Markdown (zip)",
            "application/zip",
            "{slug}-notes.zip",
            notes_zip.notes_zip,
            notes_zip.ZipOptions,
            abstracts=False,
        ),
    )
}

__all__ = ["EXPORTERS", "Exporter", "bundle", "ics", "names", "notes_zip", "photos", "report", "table"]
