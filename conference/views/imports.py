"""Import a timetable from an upload, a paste or a URL; show what changed; refresh from the URL."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from .. import importer, store
from ..errors import ConferenceError
from ..parsers import PARSERS
from .db import get_db

bp = Blueprint("imports", __name__)


def _form_request(form, files) -> importer.ImportRequest:
    """The form as an ImportRequest: an upload, else pasted text, else a URL (never a local path)."""
    upload = files.get("file")
    pasted = form.get("text", "")
    options = {
        "slug": form.get("slug", "").strip(),
        "name": form.get("name", "").strip(),
        "fmt": form.get("format", ""),
        "timezone": form.get("timezone", "").strip(),
        "date": form.get("date", "").strip(),
        "duration": importer.duration_field(form.get("duration", "")),
        "encoding": form.get("encoding", "").strip(),
    }
    if upload and upload.filename:
        return importer.ImportRequest(data=upload.read(), filename=upload.filename, **options)
    if pasted.strip():
        return importer.ImportRequest(data=pasted.encode("utf-8"), filename="", **options)
    return importer.ImportRequest(source=form.get("url", "").strip(), **options)


def _run(request_: importer.ImportRequest) -> store.ImportResult:
    return importer.run(
        get_db(),
        request_,
        allow_private=current_app.config["FETCH_ALLOW_PRIVATE"],
        default_timezone=current_app.config["DEFAULT_TIMEZONE"],
    )


@bp.get("/import")
def form():
    return render_template("import.html", formats=PARSERS, values={}, error=None)


@bp.post("/import")
def submit():
    try:
        result = _run(_form_request(request.form, request.files))
    except ConferenceError as exc:  # the form again, as filled in, with what was wrong
        values = request.form.to_dict()
        return render_template("import.html", formats=PARSERS, values=values, error=str(exc)), 400
    return redirect(url_for("imports.report", slug=result.slug, import_id=result.import_id), code=303)


@bp.post("/c/<slug>/refresh")
def refresh(slug: str):
    conf = store.conference(get_db(), slug)
    again = importer.refresh_request(conf)  # BadInput (400) when it was not imported from a URL
    try:
        result = _run(again)
    except ConferenceError as exc:
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
