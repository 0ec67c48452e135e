"""The report page: preset and language choices, a sanitized preview, the source, downloads."""

from __future__ import annotations

import re

from flask import Blueprint, abort, render_template, request

from .. import store
from ..db import get_db
from ..exports import report
from ..text import render_markdown
from . import download

bp = Blueprint("report", __name__)


def _options(args) -> report.Options:
    return report.Options(
        preset=args.get("preset", "hugo"),
        lang=args.get("lang", ""),
        honorific=args.get("honorific", "") if args.get("honorific", "") in ("", "さん", "様") else "",
        hashtag=args.get("hashtag", ""),
        track_hashtags=args.get("track_hashtags") == "1",
        retro=args.get("retro") == "1",
    )


@bp.get("/c/<slug>/report")
def page(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    options = _options(request.args)
    try:
        text = report.render(db, conf, options)
    except report.ReportError as exc:
        abort(400, description=str(exc))
    if request.args.get("download") == "1":
        return download(text, "text/markdown", f"{slug}-{options.preset}.md")
    body = text.split("---\n", 2)[2] if text.startswith("---\n") else text
    body = re.sub(r"<!--.*?-->", "", body, flags=re.S)  # placeholders and markers are invisible in a blog too
    return render_template(
        "report.html", conf=conf, options=options, text=text, preview=render_markdown(body), presets=report.PRESETS
    )


@bp.get("/c/<slug>/notes.zip")
def notes_zip(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    return download(report.notes_zip(db, conf), "application/zip", f"{slug}-notes.zip")
