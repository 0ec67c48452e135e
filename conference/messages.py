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

A message about a count has a singular and a plural: `Mn("%(n)d row was left out", "%(n)d rows were left
out", n=2)`; `n` picks the form (English: one, other; the catalog's plural rule for Japanese) and is a
parameter too. Stored, it keeps its plural as {"msgid", "plural", "params"}.

`M(...)` and `Mn(...)` are also keywords `conference/translations/extract.py` looks for: every template
given to them literally is a msgid that needs Japanese in messages.po (tests/test_i18n.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Translate = Callable[[str], str]
Plural = Callable[[str, str, int], str]  # (singular, plural, n) -> the template for n


def _same(text: str) -> str:
    return text


class Message(str):
    """An English template with %(name)s fields, and the values of those fields.

    It *is* its English text (a str), so everything that reads messages as text (the CLI, logs, tests,
    `"; ".join(notes)`) keeps working; `msgid` and `params` let a page translate it. Text made from it
    (`message + "!"`, an f-string) is plain English again: keep the Message to keep it translatable.
    """

    msgid: str
    plural: str | None
    params: dict[str, Any]

    def __new__(cls, msgid: str, /, _plural: str | None = None, **params: Any) -> Message:
        english = _english(msgid, _plural, params)
        self = super().__new__(cls, _fill(english, english, {k: _value(v, _same) for k, v in params.items()}))
        self.msgid = msgid
        self.plural = _plural
        self.params = params
        return self

    def render(self, translate: Translate = _same, plural: Plural | None = None) -> str:
        """The text in the language `translate` (and `plural`, for a message about a count) gives (English
        by default); parameters rendered the same way."""
        values = {k: _value(v, translate, plural) for k, v in self.params.items()}
        english = _english(self.msgid, self.plural, self.params)
        if self.plural is None:
            template = translate(self.msgid)
        elif plural is None:
            template = english
        else:
            template = plural(self.msgid, self.plural, _count(self.params))
        return _fill(template, english, values)

    def __repr__(self) -> str:
        if self.plural is not None:
            return f"Mn({self.msgid!r}, {self.plural!r}, **{self.params!r})"
        return f"M({self.msgid!r}, **{self.params!r})"

    def __reduce__(self):
        return (_rebuild, (self.msgid, self.params, self.plural))

    def to_json(self) -> dict:
        found = {"msgid": self.msgid, "params": {k: to_json(v) for k, v in self.params.items()}}
        return found if self.plural is None else {**found, "plural": self.plural}


def _count(params: dict) -> int:
    n = params.get("n")
    return n if isinstance(n, int) else 0


def _english(msgid: str, plural: str | None, params: dict) -> str:
    return msgid if plural is None or _count(params) == 1 else plural


def _rebuild(msgid: str, params: dict, plural: str | None = None) -> Message:
    return Message(msgid, _plural=plural, **params)


def _fill(template: str, english: str, values: dict) -> str:
    if not values:
        return template
    try:
        return template % values
    except (KeyError, ValueError, TypeError):  # a broken translation: the English never is
        return english % values


M = Message


def Mn(singular: str, plural: str, /, n: int, **params: Any) -> Message:
    """A message about `n` things: the singular or plural template (and its translation) by `n`."""
    return Message(singular, _plural=plural, n=n, **params)


def to_json(value: Any) -> Any:
    """A Message as {"msgid", "params"}; anything else as it is."""
    return value.to_json() if isinstance(value, Message) else value


def from_json(value: Any) -> Any:
    """Back from `to_json`: {"msgid", "params"} becomes a Message; a plain string (an old report) stays one."""
    if isinstance(value, dict) and isinstance(value.get("msgid"), str):
        params = value.get("params") if isinstance(value.get("params"), dict) else {}
        plural = value.get("plural") if isinstance(value.get("plural"), str) else None
        return Message(value["msgid"], _plural=plural, **{str(k): from_json(v) for k, v in params.items()})
    return value


def _value(value: Any, translate: Translate, plural: Plural | None = None) -> Any:
    """A parameter as the template wants it: a message as its text, a number as a number."""
    value = from_json(value)
    return value.render(translate, plural) if isinstance(value, Message) else value


def render(value: Any, translate: Translate = _same, plural: Plural | None = None) -> str:
    """Any message-ish value as text: a Message (translated), its JSON form, or plain text."""
    value = from_json(value)
    if isinstance(value, Message):
        return value.render(translate, plural)
    return "" if value is None else str(value)


def is_message_json(value: Any) -> bool:
    """Is `value` a message as `to_json` writes it (for validating restored reports)?"""
    if not isinstance(value, dict) or not isinstance(value.get("msgid"), str):
        return False
    if set(value) not in ({"msgid", "params"}, {"msgid", "params", "plural"}):
        return False
    if "plural" in value and not isinstance(value["plural"], str):
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
