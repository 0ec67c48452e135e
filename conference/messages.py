"""Messages for people, below the web layer: an English template and its parameters, translated late.

The library (parsers, importer, merge, store, fetch) never knows the reader's language. What it says
to a person (an import's notes, a skipped item, a refusal) is a `Message`:

    M("%(n)d proposals not accepted were left out", n=17)

`str(message)` is the English text (the CLI, logs, tests); the web layer translates the template with
Flask-Babel and fills in the parameters (`conference.i18n.tr`), so a Japanese page reads Japanese. A
parameter may itself be a Message (translated too) or plain text from the file (never translated,
always escaped by the template that shows it). Stored import reports keep messages as
{"msgid", "params"} (`to_json` / `from_json`); reports written before messages existed hold plain
strings, which stay strings.

`M(...)` is also the keyword `conference/translations/extract.py` looks for: every template given to
it literally is a msgid that needs Japanese in messages.po (tests/test_i18n.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Translate = Callable[[str], str]


def _same(text: str) -> str:
    return text


class Message(str):
    """An English template with %(name)s fields, and the values of those fields.

    It *is* its English text (a str), so everything that reads messages as text (the CLI, logs, tests,
    `"; ".join(notes)`) keeps working; `msgid` and `params` let a page translate it. Text made from it
    (`message + "!"`, an f-string) is plain English again: keep the Message to keep it translatable.
    """

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, /, **params: Any) -> Message:
        self = super().__new__(cls, _fill(msgid, msgid, {k: _value(v, _same) for k, v in params.items()}))
        self.msgid = msgid
        self.params = params
        return self

    def render(self, translate: Translate = _same) -> str:
        """The text in the language `translate` gives (English by default); parameters rendered the same way."""
        values = {k: _value(v, translate) for k, v in self.params.items()}
        return _fill(translate(self.msgid), self.msgid, values)

    def __repr__(self) -> str:
        return f"M({self.msgid!r}, **{self.params!r})"

    def __reduce__(self):
        return (_rebuild, (self.msgid, self.params))

    def to_json(self) -> dict:
        return {"msgid": self.msgid, "params": {k: to_json(v) for k, v in self.params.items()}}


def _rebuild(msgid: str, params: dict) -> Message:
    return Message(msgid, **params)


def _fill(template: str, english: str, values: dict) -> str:
    if not values:
        return template
    try:
        return template % values
    except (KeyError, ValueError, TypeError):  # a broken translation: the English never is
        return english % values


M = Message


def to_json(value: Any) -> Any:
    """A Message as {"msgid", "params"}; anything else as it is."""
    return value.to_json() if isinstance(value, Message) else value


def from_json(value: Any) -> Any:
    """Back from `to_json`: {"msgid", "params"} becomes a Message; a plain string (an old report) stays one."""
    if isinstance(value, dict) and isinstance(value.get("msgid"), str):
        params = value.get("params") if isinstance(value.get("params"), dict) else {}
        return Message(value["msgid"], **{str(k): from_json(v) for k, v in params.items()})
    return value


def _value(value: Any, translate: Translate) -> Any:
    """A parameter as the template wants it: a message as its text, a number as a number."""
    value = from_json(value)
    return value.render(translate) if isinstance(value, Message) else value


def render(value: Any, translate: Translate = _same) -> str:
    """Any message-ish value as text: a Message (translated), its JSON form, or plain text."""
    value = from_json(value)
    if isinstance(value, Message):
        return value.render(translate)
    return "" if value is None else str(value)


def is_message_json(value: Any) -> bool:
    """Is `value` a message as `to_json` writes it (for validating restored reports)?"""
    if not isinstance(value, dict) or set(value) != {"msgid", "params"} or not isinstance(value["msgid"], str):
        return False
    params = value["params"]
    return isinstance(params, dict) and all(
        isinstance(v, str | int | float) or v is None or is_message_json(v) for v in params.values()
    )


def join(parts, separator: str = "; ") -> Message:
    """Several messages as one (each translated on its own); the separator is punctuation, not words."""
    parts = [p for p in parts if p]
    template = separator.replace("%", "%%").join(f"%(p{i})s" for i in range(len(parts)))
    return Message(template, **{f"p{i}": p for i, p in enumerate(parts)})
