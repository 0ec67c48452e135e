"""The one hierarchy of errors the library raises; views and the CLI only translate them.

`str(error)` is the one-line message a user reads (which file, line, field, and why). The web layer
answers BadInput 400, NotFound 404, Conflict 409, Refused 403 (TooManyAttempts 429, TooLarge 413) and
FetchError 502; the CLI prints the line on standard error and exits 1. Nothing else crosses a module
boundary as an expected failure: a bare ValueError or KeyError escaping the library is a bug.
"""

from __future__ import annotations

import re

from .messages import M


class ConferenceError(Exception):
    """Base of every expected failure; str() is the one-line user message (English).

    The message may be a `messages.Message` (a template and its values): `parts()` keeps it so, and
    the web layer translates each part (conference.i18n.error_text).
    """

    def parts(self) -> list:
        return list(self.args[:1])

    def __str__(self) -> str:
        return ": ".join(str(p) for p in self.parts() if p)


class BadInput(ConferenceError, ValueError):
    """Input that cannot be used: the source (file, "pasted text", URL), the line, the field and why.

    str() is "source: line N: why"; `why` names the field in words, `field` names it for code (a form
    can mark its input). Also a ValueError, so the parsers' generic value checks keep working; outside
    the library catch BadInput (or ConferenceError), never ValueError.
    """

    def __init__(self, why: str, *, source: str = "", line: int | None = None, field: str = ""):
        self.source, self.line, self.field, self.why = source, line, field, why
        super().__init__(why)

    def parts(self) -> list[str]:
        return [self.source, M("line %(n)d", n=self.line) if self.line else "", self.why]


_LINE = re.compile(r"\bline (\d+)")


class ParseError(BadInput):
    """A timetable that cannot be read: the format, where (line, element, field) and why.

    `source` (the file's name, "pasted text", the URL) is filled in by the importer, which re-raises
    the same error: the location is never flattened into a string on the way up. `where` and `why`
    may be messages (`messages.Message`), translated by the web layer.
    """

    def __init__(self, fmt: str, where, why, *, source: str = "", answer: tuple[str, ...] = ()):
        match = _LINE.search(str(where or ""))
        super().__init__(why, source=source, line=int(match.group(1)) if match else None, field=where)
        self.fmt, self.where = fmt, where
        # The import options that answer this refusal ("date", "duration", "timezone", "map": the columns or
        # fields): the import form asks for them on its mapping page instead of only showing the error.
        self.answer = answer

    def parts(self) -> list[str]:
        return [self.source, self.fmt, self.where, self.why]


class NotFound(ConferenceError, LookupError):
    """No conference, session, note version, link or token by that name."""


class Conflict(ConferenceError):
    """A note saved on an old version: the current text and version come back so both can be kept."""

    def __init__(self, text: str, version: int, why: str = ""):
        super().__init__(why or f"the note changed elsewhere (now version {version})")
        self.text, self.version = text, version


class Refused(ConferenceError):
    """Refused by policy: a non-public address, a limit, an import that needs --force, a throttled login."""


class NeedsConfirmation(Refused):
    """An import that would take more than half of a conference's sessions out, or bring sessions without
    a time into a timetable that has times: nothing was written. `result` is the change report to show
    (the import form asks to confirm; the CLI needs --force)."""

    def __init__(self, message: str, result):
        super().__init__(message)
        self.result = result


class TooManyAttempts(Refused):
    """Too many failed logins from one network, device or in all: wait `retry_after` seconds (HTTP 429)."""

    def __init__(self, message: str, retry_after: int = 0):
        super().__init__(message)
        self.retry_after = retry_after


class TooLarge(Refused):
    """Over a size limit (HTTP 413)."""


class FetchError(ConferenceError):
    """The source could not be downloaded; the message says why."""


class NonPublicAddress(Refused, FetchError):
    """A URL whose host is (or connects to) a loopback, private or link-local address, not allowed here."""
