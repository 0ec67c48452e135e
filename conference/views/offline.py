"""What a phone keeps for the moments without network (static/sw.js does the keeping).

Every page of a conference names, in `<body data-offline>`, the pages to keep for later: the timetable
(under both its names), my day, now and the notes hub. `data-offline-replace` names the two pages the
service worker answers with when a page was never opened on this device: the conference's offline page
and the note shell. They carry the language in their query, so a language switch replaces them.

The note shell is the note page for any talk of the conference: the service worker answers
`/c/<slug>/note/<key>` with it when that note was never opened here and the network is gone. note.js
fills in the talk's key from the address; what is typed is kept on the phone (localStorage, photos in
IndexedDB) and sent when the connection returns, on top of the version last seen on this device (a
note changed elsewhere meanwhile comes back as a conflict, with both texts kept).
"""

from __future__ import annotations

from types import SimpleNamespace

from flask import Blueprint, render_template, url_for
from flask_babel import get_locale

from .. import store
from ..model import Conference, Note
from .db import get_db

bp = Blueprint("offline", __name__)

SHELL_KEY = "__KEY__"  # in the shell's addresses and fields; note.js puts the talk's key there


def offline_pages(conf: Conference) -> dict[str, list[str]]:
    """The pages of `conf` a phone keeps for later (`cache`) and the two fallbacks (`replace`)."""
    lang = str(get_locale())
    return {
        "cache": [
            url_for("timetable.grid", slug=conf.slug),
            url_for("agenda.page", slug=conf.slug),
            url_for("planning.my_day", slug=conf.slug),
            url_for("planning.now", slug=conf.slug),
            url_for("agenda.notes_hub", slug=conf.slug),
        ],
        "replace": [
            url_for("offline.page", slug=conf.slug, lang=lang),
            url_for("offline.note_shell", slug=conf.slug, lang=lang),
        ],
    }


@bp.get("/c/<slug>/offline")
def page(slug: str):
    """Shown by the service worker for a page never opened on this device, when the network is gone."""
    return render_template("offline.html", conf=store.conference(get_db(), slug))


@bp.get("/c/<slug>/offline-note")
def note_shell(slug: str):
    """The note page for any talk (its key filled in by note.js from the address it answers)."""
    conf = store.conference(get_db(), slug)
    return render_template(
        "note.html",
        conf=conf,
        s=SimpleNamespace(key=SHELL_KEY, code="", title="", start=None, end=None, room="", links=()),
        note=Note("", 0),
        shell=SHELL_KEY,
        saved=None,
        conflict=None,
        photos=[],
        photo_error="",
        photos_added=None,
        photo_deleted=False,
    )
