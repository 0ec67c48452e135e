"""Extract the UI's messages (python -m conference.translations.extract): keeps the catalogs honest."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir

ROOT = Path(__file__).resolve().parents[2]
METHODS = [("conference/**.py", "python"), ("templates/**.html", "jinja2.ext:babel_extract")]
# M(...), Mn(singular, plural, n=...): a library message (conference/messages.py), translated by the web layer.
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "M": None, "Mn": (1, 2)}


def extract() -> Catalog:
    """Every message the code and templates ask to translate."""
    catalog = Catalog()
    for filename, lineno, message, _comments, _ctx in extract_from_dir(ROOT, METHODS, keywords=KEYWORDS):
        if "/.venv/" in filename or filename.startswith(".venv"):
            continue
        catalog.add(message, locations=[(filename, lineno)])
    return catalog


if __name__ == "__main__":
    for message in extract():
        if message.id:
            print(repr(message.id))
