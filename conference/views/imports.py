"""Import a timetable from an upload, a paste or a URL; show what changed; refresh from the URL; undo.

An import that needs the user's word waits in the store (`store.keep_pending`, by a random token):
- its change report has risks (more than half of the sessions out, untimed sessions into a timed
  timetable): the confirmation page shows the report and imports only when asked;
- it is custom JSON/YAML, or a CSV whose columns (or first day, or talk length) the importer cannot
  tell by itself (the refusal's `answer`): the mapping page picks the list, the fields or columns and
  the options (first day, time zone, talk length), and previews the first five sessions before importing.

Every message of the library (notes, skipped items, refusals) is shown in the reader's language
(`i18n.tr`, `i18n.error_text`).
"""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from .. import importer, store
from ..errors import BadInput, ConferenceError, NeedsConfirmation, NotFound, ParseError
from ..i18n import error_text
from ..parsers import FIELDS, MAPPED, PARSERS, mapping_help
from .db import get_db

bp = Blueprint("imports", __name__)

# The fields the mapping page offers, in this order (the rest stay available to --map).
MAP_FIELDS = (
    "title",
    "start",
    "end",
    "duration",
    "date",
    "day",
    "room",
    "track",
    "speakers",
    "affiliation",
    "abstract",
    "url",
    "code",
    "id",
    "type",
)
PREVIEW = 5


def _options(form) -> dict:
    return {
        "slug": form.get("slug", "").strip(),
        "name": form.get("name", "").strip(),
        "fmt": form.get("format", ""),
        "timezone": form.get("timezone", "").strip(),
        "date": form.get("date", "").strip(),
        "duration": importer.duration_field(form.get("duration", "")),
        "encoding": form.get("encoding", "").strip(),
    }


def _form_request(form, files) -> importer.ImportRequest:
    """The form as an ImportRequest: an upload, else pasted text, else a URL (never a local path)."""
    upload = files.get("file")
    pasted = form.get("text", "")
    options = _options(form)
    if upload and upload.filename:
        return importer.ImportRequest(data=upload.read(), filename=upload.filename, **options)
    if pasted.strip():
        return importer.ImportRequest(data=pasted.encode("utf-8"), filename="", **options)
    return importer.ImportRequest(source=form.get("url", "").strip(), **options)


def _read(request_: importer.ImportRequest) -> importer.ImportRequest:
    """The request with its bytes (a URL is downloaded once, here)."""
    got = importer.read(
        request_, allow_private=current_app.config["FETCH_ALLOW_PRIVATE"], local_files=False, stdin=None
    )
    return importer.carrying(request_, got)


def _run(request_: importer.ImportRequest, *, force: bool = False) -> store.ImportResult:
    return importer.run(
        get_db(),
        request_,
        allow_private=current_app.config["FETCH_ALLOW_PRIVATE"],
        default_timezone=current_app.config["DEFAULT_TIMEZONE"],
        force=force,
    )


def _keep(request_: importer.ImportRequest, base_version: int | None = None, target: str = "") -> str:
    """Keep the import waiting; with the conference it goes into and that conference's data version then."""
    values = request_.form_values()
    values.update(base_version=base_version, target=target)
    return store.keep_pending(
        get_db(), request_.data or b"", name=request_.filename, source=request_.origin, request=values
    )


def _pending_request(token: str) -> tuple[dict, importer.ImportRequest]:
    waiting = store.pending_import(get_db(), token)
    values = {k: v for k, v in waiting["request"].items() if k not in ("base_version", "target")}
    return waiting, importer.ImportRequest(
        data=waiting["data"], filename=waiting["name"], origin=waiting["source"], **values
    )


def _data_version(slug: str) -> int | None:
    try:
        return store.conference(get_db(), slug).data_version
    except NotFound:
        return None


def _confirm_page(token: str, result: store.ImportResult, request_: importer.ImportRequest, *, again: bool = False):
    return render_template(
        "import_confirm.html", token=token, r=result.report, result=result, request_=request_, again=again
    )


def _attempt(request_: importer.ImportRequest, token: str | None = None, *, force: bool = False):
    """Run the import; ask to confirm a risky one, or to choose the fields of custom JSON/YAML."""
    try:
        result = _run(request_, force=force)
    except NeedsConfirmation as exc:
        base = _data_version(exc.result.slug)
        if token:
            store.drop_pending(get_db(), token)
        token = _keep(request_, base, exc.result.slug)
        return _confirm_page(token, exc.result, request_)
    except ParseError as exc:
        if not importer.needs_mapping(exc):
            raise
        if token is None:  # kept as asked: the mapping page starts from it
            return redirect(url_for("imports.mapping", token=_keep(request_)), code=303)
        return redirect(url_for("imports.mapping", token=token, **_args(request_)), code=303)
    if token:
        store.drop_pending(get_db(), token)
    return redirect(url_for("imports.report", slug=result.slug, import_id=result.import_id), code=303)


@bp.get("/import")
def form():
    return render_template("import.html", formats=PARSERS, values={}, error=None)


@bp.post("/import")
def submit():
    try:
        return _attempt(_read(_form_request(request.form, request.files)))
    except ConferenceError as exc:  # the form again, as filled in, with what was wrong
        values = request.form.to_dict()
        return render_template("import.html", formats=PARSERS, values=values, error=error_text(exc)), 400


def _mapping_from(args, request_: importer.ImportRequest) -> importer.ImportRequest:
    """The list, fields and options chosen on the mapping page (absent: what the waiting import had).
    BadInput for a talk length that is not a number."""
    if "mapping" not in args and "records" not in args:
        return request_
    records = args.get("records", "").strip() or None
    fields = {name: args.get(f"map_{name}", "").strip() for name in FIELDS}
    return replace(
        request_,
        records=records,
        fields={k: v for k, v in fields.items() if v},
        date=args.get("date", request_.date).strip(),
        timezone=args.get("timezone", request_.timezone).strip(),
        duration=importer.duration_field(args["duration"]) if "duration" in args else request_.duration,
    )


@bp.get("/import/pending/<token>")
def mapping(token: str):
    """Custom JSON/YAML or a CSV: pick the list, map the fields or columns, give the first day, time zone
    or talk length, see the first five sessions."""
    _waiting, request_ = _pending_request(token)
    error, answer = None, ()
    try:
        request_ = _mapping_from(request.args, request_)
    except BadInput as exc:
        error, answer = error_text(exc), ("duration",)
    help_ = mapping_help(request_.data or b"", request_.filename, request_.records, request_.encoding)
    if request_.records is None and help_.records is not None:
        request_ = replace(request_, records=help_.records)
    chosen = {**help_.suggested, **request_.fields}
    sessions, notes, skipped, target, total = [], [], [], "", 0
    if help_.fmt == "csv" and "title" not in chosen and error is None:  # nothing to preview yet: ask
        return _mapping_page(token, help_, request_, chosen, ask_title=True)
    if help_.ready and error is None:
        try:
            fmt = help_.fmt if help_.fmt == "csv" or request_.fmt not in MAPPED else request_.fmt
            target, _fmt, timetable = importer.prepare(
                get_db(),
                replace(request_, fmt=fmt, fields=chosen),
                importer.Read(request_.data or b"", request_.filename or "pasted text", request_.origin),
                default_timezone=current_app.config["DEFAULT_TIMEZONE"],
            )
            sessions, notes, skipped = timetable.sessions[:PREVIEW], timetable.notes, timetable.skipped
            total = len(timetable.sessions)
        except ConferenceError as exc:
            error, answer = error_text(exc), getattr(exc, "answer", ())
    return _mapping_page(
        token,
        help_,
        request_,
        chosen,
        sessions=sessions,
        total=total,
        notes=notes,
        skipped=skipped,
        error=error,
        answer=answer,
        target=target,
    )


def _mapping_page(token, help_, request_, chosen, **values) -> str:
    values = {
        "sessions": [],
        "total": 0,
        "notes": [],
        "skipped": [],
        "error": None,
        "answer": (),
        "target": "",
        "ask_title": False,
        **values,
    }
    return render_template(
        "import_mapping.html", token=token, help=help_, request_=request_, chosen=chosen, fields=MAP_FIELDS, **values
    )


@bp.post("/import/pending/<token>")
def pending(token: str):
    """Import what waits: with the fields chosen on the mapping page, or confirmed after the report."""
    waiting, request_ = _pending_request(token)
    try:
        request_ = _mapping_from(request.form, request_)
    except BadInput:
        return redirect(url_for("imports.mapping", token=token, **request.form.to_dict()), code=303)
    if request_.records is not None and request_.fmt not in MAPPED:
        request_ = replace(request_, fmt=mapping_help(request_.data or b"", request_.filename, request_.records).fmt)
    confirmed = request.form.get("confirm") == "1"
    if confirmed:
        base = waiting["request"].get("base_version")
        slug = waiting["request"].get("target") or ""
        if slug and _data_version(slug) != base:
            try:  # the timetable changed since the report was shown: show the new one
                result = importer.run(
                    get_db(),
                    request_,
                    allow_private=False,
                    default_timezone=current_app.config["DEFAULT_TIMEZONE"],
                    dry_run=True,
                )
            except ConferenceError as exc:
                return render_template("import.html", formats=PARSERS, values={}, error=error_text(exc)), 400
            store.drop_pending(get_db(), token)
            return _confirm_page(_keep(request_, _data_version(slug), slug), result, request_, again=True)
    try:
        return _attempt(request_, token, force=confirmed)
    except ConferenceError as exc:
        if request_.records is not None or request_.fields:
            return redirect(url_for("imports.mapping", token=token, **_args(request_)), code=303)
        return render_template("import.html", formats=PARSERS, values={}, error=error_text(exc)), 400


def _args(request_: importer.ImportRequest) -> dict:
    """The mapping page's query for what `request_` chose (list, fields, options)."""
    args = {"mapping": "1", "records": request_.records or ""}
    args.update({f"map_{k}": v for k, v in request_.fields.items()})
    args.update(date=request_.date, timezone=request_.timezone, duration=request_.duration or "")
    return args


@bp.post("/import/pending/<token>/cancel")
def cancel(token: str):
    store.drop_pending(get_db(), token)
    return redirect(url_for("imports.form"), code=303)


@bp.post("/c/<slug>/refresh")
def refresh(slug: str):
    conf = store.conference(get_db(), slug)
    again = importer.refresh_request(conf)  # BadInput (400) when it was not imported from a URL
    try:
        return _attempt(_read(again))
    except ConferenceError as exc:
        return render_template("refresh_failed.html", conf=conf, error=error_text(exc)), 502


@bp.post("/c/<slug>/undo-import")
def undo(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    try:
        result = store.undo_import(db, conf)
    except NotFound as exc:  # undone already (a second tap, the back button): say so beside the last report
        last = store.last_import_id(db, conf)
        if last is None:
            raise
        return _report_page(conf, last, notice=error_text(exc)), 409
    return redirect(url_for("imports.report", slug=slug, import_id=result.import_id), code=303)


@bp.get("/c/<slug>/imports/<int:import_id>")
def report(slug: str, import_id: int):
    db = get_db()
    return _report_page(store.conference(db, slug), import_id)


def _report_page(conf, import_id: int, notice: str = "") -> str:
    db = get_db()
    from .agenda import session_codes  # the report names talks by their codes (A20), as the timetable does

    imp = store.import_report(db, conf, import_id)
    undone = None  # an undo names the import it took back by its time and source, not by its number
    if imp["format"] == "undo" and imp["report"].get("undone"):
        try:
            undone = store.import_report(db, conf, imp["report"]["undone"])
        except NotFound:
            undone = None
    return render_template(
        "import_report.html",
        conf=conf,
        imp=imp,
        undone=undone,
        codes=session_codes(db, conf),
        can_undo=store.can_undo(db, conf) == import_id,
        formats=PARSERS,
        notice=notice,
    )
