"""Import a timetable from an upload, a paste or a URL; show what changed; refresh from the URL."""

from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from .. import store
from ..db import get_db
from ..importer import ImportFailed, import_bytes, is_url, read_source
from ..importer import Request as ImportRequest
from ..parsers import PARSERS

bp = Blueprint("imports", __name__)


def _form_request(form) -> ImportRequest:
    duration = form.get("duration", "").strip()
    if duration and not duration.isdigit():
        raise ImportFailed(f"duration {duration!r} is not a whole number of minutes")
    fmt = form.get("format", "")
    if fmt and fmt not in PARSERS:
        raise ImportFailed(f"unknown format {fmt!r}")
    return ImportRequest(
        fmt=fmt,
        timezone=form.get("timezone", "").strip(),
        date=form.get("date", "").strip(),
        duration=int(duration) if duration else None,
        encoding=form.get("encoding", "").strip(),
    )


@bp.get("/import")
def form():
    return render_template("import.html", formats=PARSERS, values={}, error=None)


@bp.post("/import")
def submit():
    values = request.form.to_dict()
    upload = request.files.get("file")
    pasted = request.form.get("text", "")
    url = request.form.get("url", "").strip()
    try:
        options = _form_request(request.form)
        if upload and upload.filename:
            data, source_name, source = upload.read(), upload.filename, upload.filename
        elif pasted.strip():
            data, source_name, source = pasted.encode("utf-8"), "pasted text", ""
        elif url:
            if not is_url(url):
                raise ImportFailed(f"{url!r} is not an http(s) URL")
            data, source_name, _ctype = read_source(
                url, allow_private=current_app.config.get("FETCH_ALLOW_PRIVATE", True)
            )
            source = url
        else:
            raise ImportFailed("choose a file, paste a timetable or give its URL")
        result = import_bytes(
            get_db(),
            data,
            source_name=source_name,
            source=source,
            slug=request.form.get("slug", "").strip(),
            name=request.form.get("name", "").strip(),
            request=options,
            default_timezone=current_app.config["DEFAULT_TIMEZONE"],
        )
    except ImportFailed as exc:
        return render_template("import.html", formats=PARSERS, values=values, error=str(exc)), 400
    return redirect(url_for("imports.report", slug=result.slug, import_id=result.import_id), code=303)


@bp.post("/c/<slug>/refresh")
def refresh(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    if not is_url(conf["source"] or ""):
        abort(400, description="this timetable was not imported from a URL")
    remembered = ImportRequest(**json.loads(conf["source_options"] or "{}"))
    try:
        data, source_name, _ctype = read_source(
            conf["source"], allow_private=current_app.config.get("FETCH_ALLOW_PRIVATE", True)
        )
        result = import_bytes(
            db,
            data,
            source_name=source_name,
            source=conf["source"],
            slug=slug,
            request=remembered,
            default_timezone=current_app.config["DEFAULT_TIMEZONE"],
        )
    except ImportFailed as exc:
        return render_template("refresh_failed.html", conf=conf, error=str(exc)), 502
    return redirect(url_for("imports.report", slug=slug, import_id=result.import_id), code=303)


@bp.get("/c/<slug>/imports/<int:import_id>")
def report(slug: str, import_id: int):
    db = get_db()
    conf = store.conference(db, slug)
    from .agenda import session_codes  # the report names talks by their codes (A20), as the timetable does

    return render_template(
        "import_report.html", conf=conf, imp=store.import_report(db, conf, import_id), codes=session_codes(db, conf)
    )
