"""The report page: preset and language choices, a preview with the platform's own Markdown rules, the
source, the download (named as the platform wants), and the notes zip."""

from __future__ import annotations

import re
from dataclasses import replace

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from .. import store
from ..errors import BadInput
from ..exports import EXPORTERS, bundle, names, report
from ..exports.notes_zip import ZipOptions
from ..text import render_markdown_as
from .db import get_db
from .exports import reader_language
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
        slug=args.get("slug", "").strip(),
    )


def preview(text: str, preset: str):
    """The draft as its platform shows it (an emulation for Hatena): front matter and comments left out;
    Hatena's `[:contents]` becomes the table of contents Hatena puts there."""
    body = text.split("---\n", 2)[2] if text.startswith("---\n") else text
    body = re.sub(r"<!--.*?-->", "", body, flags=re.S)  # placeholders and markers are invisible in a blog too
    html = render_markdown_as(
        body,
        breaks=report.BREAKS.get(preset, False),
        tasklists=report.TASK_LISTS.get(preset, True),
        hash_headings=preset == "hatena",
    )
    if preset == "hatena":
        card = r'<p class="embed"><a href="\1" rel="noopener noreferrer nofollow">\1</a></p>'
        html = Markup(_EMBED.sub(card, str(html)))  # noqa: S704 -- the sanitized HTML, a URL without quotes
        if CONTENTS in html:
            html = contents(html)
    return html


# Hatena's `[URL:embed:cite]`: a card linking to the page; here a link on its own line (the URL as the
# sanitizer left it: http(s), no quote or bracket can end the attribute).
_EMBED = re.compile(r"<p>\[(https?://[^\s<>\[\]\"']+?):embed(?::cite)?\]</p>")


CONTENTS = "<p>[:contents]</p>"
_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.S)


def contents(html: str) -> Markup:
    """Sanitized preview HTML with Hatena's `[:contents]` paragraph replaced by a table of contents: every
    heading, nested by level, each linked to its heading (which gets an id)."""
    found: list[tuple[int, str]] = []

    def anchor(m: re.Match) -> str:
        found.append((int(m.group(1)), re.sub(r"<[^>]+>", "", m.group(2)).strip()))
        return f'<h{m.group(1)} id="toc-{len(found)}">{m.group(2)}</h{m.group(1)}>'

    html = _HEADING.sub(anchor, str(html))
    label = escape(_("Table of contents (Hatena Blog's [:contents])"))
    parts = [f'<nav class="toc" aria-labelledby="toc-label"><p class="toc-label" id="toc-label">{label}</p>']
    open_levels: list[int] = []  # one nested list per deeper heading, however many levels it skips (h2 -> h4)
    for n, (level, text) in enumerate(found, 1):
        if not open_levels or level > open_levels[-1]:
            parts.append("<ul><li>")
            open_levels.append(level)
        else:
            while len(open_levels) > 1 and level < open_levels[-1] and level <= open_levels[-2]:
                parts.append("</li></ul>")
                open_levels.pop()
            parts.append("</li><li>")
        parts.append(f'<a href="#toc-{n}">{text}</a>')  # text: already escaped by the sanitizer
    parts.append("</li></ul>" * len(open_levels) + "</nav>")
    return Markup(html.replace(CONTENTS, "".join(parts), 1))  # noqa: S704 -- built from sanitized HTML


@bp.get("/c/<slug>/report")
def page(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    options = _options(request.args)
    error = ""
    try:
        options.check()
    except report.ReportError as exc:
        error = str(exc)  # shown beside the form; the draft keeps the default slug meanwhile
        options = replace(options, slug="")
    exporter = EXPORTERS["report"]
    sessions = store.planned_sessions(db, conf, abstracts=False)
    if request.args.get("bundle") == "1" and not error:  # the draft and its photos, as a zip
        return _bundle(db, conf, sessions, options)
    photos = tuple(store.photos(db, conf))
    text = exporter(conf, sessions, store.note_texts(db, conf), replace(options, photos=photos))
    filename = report.file_name(conf, options)
    if request.args.get("download") == "1" and not error:
        return download(text, exporter.mimetype, filename, filename)
    return render_template(
        "report.html",
        conf=conf,
        options=options,
        text=text,
        preview=preview(text, options.preset),
        presets=report.PRESETS,
        filename=filename,
        default_slug=names.article_slug(conf, options.hashtag),
        error=error,
        asked_slug=request.args.get("slug", ""),
        photo_count=sum(1 for p in photos if p.key in {s.key for s in sessions if s.status in report.SHOWN}),
        bundle_query=request.query_string.decode("ascii", "replace").replace("download=1", "").strip("&"),
    ), (400 if error else 200)


def _bundle(db, conf, sessions, options: report.Options):
    """The draft with its photos in a zip: a Hugo page bundle (index.md + photos), or the platform's
    draft with a marker where each photo goes and the photos beside it."""
    exporter = EXPORTERS["report-bundle"]
    photos = tuple(store.photos(db, conf, data=True))
    body = exporter(conf, sessions, store.note_texts(db, conf), replace(options, photos=photos))
    name = bundle.folder_name(conf, options) + ".zip"
    return download(body, exporter.mimetype, name, name)


@bp.get("/c/<slug>/notes.zip")
def notes_zip(slug: str):
    db = get_db()
    conf = store.conference(db, slug)
    exporter = EXPORTERS["notes-zip"]
    options = ZipOptions(photos=tuple(store.photos(db, conf, data=True)), lang=reader_language(conf))
    body = exporter(conf, store.planned_sessions(db, conf, abstracts=False), store.note_texts(db, conf), options)
    return download(body, exporter.mimetype, *exporter.download_names(conf))


@bp.route("/c/<slug>/edit", methods=["GET", "POST"])
def rename(slug: str):
    """The conference's name, hashtag and URL, changed without re-importing (`flask conference SLUG …`)."""
    db = get_db()
    conf = store.conference(db, slug)
    values = {"name": conf.name, "hashtag": f"#{conf.hashtag}" if conf.hashtag else "", "url": conf.url}
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in values}
        try:
            store.update_conference(db, conf, name=values["name"], hashtag=values["hashtag"], url=values["url"])
        except BadInput as exc:
            message = {
                "name": _("Give the conference a name of at most 200 characters."),
                "hashtag": _("A hashtag is one word of letters, digits and _ (at most 50), such as #JTF2026."),
                "url": _("The web site's address must start with http:// or https://."),
            }.get(exc.field, exc.why)
            page = render_template("conference_edit.html", conf=conf, values=values, error=message, field=exc.field)
            return page, 400
        return redirect(url_for("report.rename", slug=slug, saved=1), code=303)
    return render_template("conference_edit.html", conf=conf, values=values, saved=request.args.get("saved") == "1")
