"""Every message the UI shows has a Japanese translation."""

from __future__ import annotations

from babel.messages.pofile import read_po

from conference.i18n import TRANSLATIONS
from conference.translations.extract import extract


def test_every_ui_message_is_translated_to_japanese():
    with (TRANSLATIONS / "ja" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        ja = read_po(f)
    missing = []
    for message in extract():
        if not message.id:
            continue
        translated = ja.get(message.id)
        if (
            translated is None
            or not translated.string
            or translated.fuzzy
            or (isinstance(translated.string, tuple) and not all(translated.string))
        ):
            missing.append(message.id)
    assert missing == []
