"""The blog draft with its slide photos: a Hugo page bundle, or any other platform's draft beside the
photos it asks to upload.

Hugo: `index.md` and the photos side by side (a page bundle, gohugo.io "Page bundles"), each photo an
image in its talk's section, `![caption](a20-1.jpg)`, referenced relatively and captioned in its alt
text. Jekyll, Hatena, Zenn, Qiita and plain Markdown upload images through their own editors: their
draft (named as the platform wants) has a `<!-- photo: a20-1.jpg -->` marker where each photo goes,
and the photos come along. `bundle_files` gives the files (the CLI's `report --bundle DIR` writes
them); `bundle_zip` puts them in one folder of a zip (the report page's download).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import replace

from ..model import Conference, PlannedSession
from . import report


def bundle_files(
    conf: Conference, sessions: Sequence[PlannedSession], notes: Mapping[str, str], options: report.Options
) -> dict[str, bytes]:
    """File name -> bytes: the draft (`index.md` for Hugo, else report.file_name) first, then the photos of
    the talks the draft is about (options.photos must carry their bytes)."""
    options = replace(options, bundle=True).check()
    text = report.render(conf, sessions, notes, options)
    name = "index.md" if options.preset == "hugo" else report.file_name(conf, options)
    files = {name: text.encode("utf-8")}
    data = {p.id: p.data for p in options.photos}
    for talk in report.context(conf, sessions, notes, options)["talks"]:
        for ref in talk.photos:
            if not data.get(ref.id):
                raise report.ReportError(f"the photo {ref.file} was handed over without its bytes")
            files[ref.file] = data[ref.id]
    return files


def folder_name(conf: Conference, options: report.Options) -> str:
    """The bundle's folder: the article's slug (a Hugo page bundle is named like its page)."""
    return report.article_slug(conf, options.check())


def bundle_zip(
    conf: Conference, sessions: Sequence[PlannedSession], notes: Mapping[str, str], options: report.Options
) -> bytes:
    """The bundle's files in one folder of a zip (deterministic bytes for the same draft and photos)."""
    folder = folder_name(conf, options)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in bundle_files(conf, sessions, notes, options).items():
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=(2000, 1, 1, 0, 0, 0))
            # photos are compressed already: stored as they are
            info.compress_type = zipfile.ZIP_DEFLATED if name.endswith(".md") else zipfile.ZIP_STORED
            archive.writestr(info, body)
    return buffer.getvalue()
