"""English and Japanese: Flask-Babel catalogs, chosen by a sticky cookie or Accept-Language."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, request
from flask_babel import Babel, get_translations, gettext

from . import messages

LANGUAGES = ("en", "ja")
COOKIE = "lang"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def compile_catalogs(directory: Path = TRANSLATIONS) -> None:
    """Compile each messages.po whose .mo is missing or older (the .mo files are not committed)."""
    for po in directory.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f)
        tmp = mo.with_suffix(".mo.tmp")
        with tmp.open("wb") as f:
            write_mo(f, catalog)
        tmp.replace(mo)


def select_locale() -> str:
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "en"


def tr(value) -> str:
    """A library message (`messages.Message`, or its stored JSON form) in the reader's language; plain
    text (an old stored report, a title) as it is."""
    return messages.render(value, gettext, _plural)


def _plural(singular: str, plural: str, n: int) -> str:
    """The catalog's template for `n` things (not yet filled in: the message fills its own values)."""
    return get_translations().ngettext(singular, plural, n)


def tr_sentence(value) -> str:
    """`tr`, as a sentence of its own in a list: an English text that starts with a lowercase word (the
    library's messages are fragments, "the file names no time zone") starts with a capital. A text that
    starts with a value (a file name, a number) is left as it is."""
    text = tr(value)
    message = messages.from_json(value)
    template = message.msgid if isinstance(message, messages.Message) else text
    if template[:1].isascii() and template[:1].islower() and text[:1] == template[:1]:
        return text[:1].upper() + text[1:]
    return text


def error_text(exc: Exception) -> str:
    """A library error's one-line message in the reader's language (its parts translated one by one)."""
    parts = exc.parts() if hasattr(exc, "parts") else [str(exc)]
    return ": ".join(t for t in (tr(p) for p in parts) if t)


def init_app(app: Flask) -> None:
    compile_catalogs()
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=select_locale)
    app.jinja_env.filters["tr"] = tr
    app.jinja_env.filters["tr_sentence"] = tr_sentence
    app.jinja_env.globals["error_text"] = error_text
