"""The report page: preset and language choices, a sanitized preview, the source, downloads."""

from __future__ import annotations

import re

from flask import Blueprint, render_template, request

from .. import store
from ..exports import EXPORTERS, report
from ..text import render_markdown
from .db import get_db
from .helpers import download

bp = Blueprint("report", __name__)


def _options(args) -> report.Options:
    return report.Options(
        preset=args.get("preset", "hugo"),
        lang=args.get("lang", ""),
        honorific=args.get("honorific", "") if args.get("honorific", "") in ("", *report.HONORIFICS) else "",
        hashtag=args.get("hashtag", ""),
        track_hashtags=args.get("track_hashtags") == "1",
        retro=args.get("retro") == "1",
    )


@bp.get("/c/<slug>/report")
def page(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    options = _options(request.args)
    exporter = EXPORTERS["report"]
    text = exporter(conf, store.planned_sessions(db, conf, abstracts=False), store.note_texts(db, conf), options)
    if request.args.get("download") == "1":
        return download(text, exporter.mimetype, exporter.file_name(slug, options.preset))
    body = text.split("---\n", 2)[2] if text.startswith("---\n") else text
    body = re.sub(r"<!--.*?-->", "", body, flags=re.S)  # placeholders and markers are invisible in a blog too
    return render_template(
        "report.html",
        conf=conf,
        options=options,
        text=text,
        preview=render_markdown(body),
        presets=report.PRESETS,
    )


@bp.get("/c/<slug>/notes.zip")
def notes_zip(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    exporter = EXPORTERS["notes-zip"]
    body = exporter(conf, store.planned_sessions(db, conf, abstracts=False), store.note_texts(db, conf))
    return download(body, exporter.mimetype, exporter.file_name(slug))
