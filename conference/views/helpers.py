"""What every page and blueprint shares: formatting filters, downloads, safe redirects, the mark buttons."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import quote, urlsplit

from flask import Response, current_app, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from werkzeug.routing import PathConverter

from ..errors import BadInput
from ..exports.names import ascii_file_name
from ..model import Conference, day_clock
from .pagecache import csrf_token


def hm(moment: datetime | None) -> str:
    """A talk's time on its conference day: "13:05"; after midnight "24:00", "25:30" (model.day_clock)."""
    return day_clock(moment) if moment else ""


def clock(moment: datetime | None) -> str:
    """A moment on the wall clock ("00:30" after midnight): now, a photo's time."""
    return moment.strftime("%H:%M") if moment else ""


def day_label(day: date, fmt: str = "medium") -> str:
    """A conference day in the reader's language: "Sat, Jul 25" / "7月25日(土)"."""
    if str(get_locale()) == "ja":
        return format_date(day, "M月d日(E)")
    return format_date(day, "EEE, MMM d" if fmt == "medium" else "EEEE, MMMM d, y")


def content_disposition(filename: str, ascii_name: str = "") -> str:
    """`attachment` with the name twice (RFC 6266 / RFC 8187): `filename*=UTF-8''…` for every browser
    today, and the plain `filename="…"` (ASCII: `ascii_name`, else `filename` made ASCII) for the rest.
    Only Latin-1 may go into an HTTP header: a raw Japanese name makes werkzeug's server drop the
    connection and gunicorn answer 500."""
    fallback = ascii_file_name(filename, ascii_name or filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download(body, mimetype: str, filename: str | None, ascii_name: str = "") -> Response:
    """A response the browser saves as `filename` (None: shown inline, as feeds are); text is UTF-8.

    `ascii_name`: the name for clients that ignore `filename*` (default: `filename` made ASCII)."""
    response = Response(body, mimetype=mimetype)
    if mimetype.startswith("text/"):
        response.headers["Content-Type"] = f"{mimetype}; charset=utf-8"
    if filename:
        response.headers["Content-Disposition"] = content_disposition(filename, ascii_name)
    return response


def kind_label(kind: str) -> str:
    labels = {"slides": _("Slides"), "video": _("Video"), "blog": _("Blog"), "code": _("Code"), "other": _("Link")}
    return labels.get(kind, kind or _("Link"))


def _known(value: str) -> str:
    return " ".join((value or "").strip().lower().replace("_", " ").split())


def type_label(value: str) -> str:
    """A session's type as the reader says it when it is a known one (break, keynote…), else as the file has it."""
    labels = {
        "talk": _("Talk"),
        "session": _("Talk"),
        "break": _("Break"),
        "hands-on": _("Hands-on"),
        "handson": _("Hands-on"),
        "hands on": _("Hands-on"),
        "keynote": _("Keynote"),
        "workshop": _("Workshop"),
        "panel": _("Panel"),
        "lightning talk": _("Lightning talk"),
        "lightning": _("Lightning talk"),
        "lt": _("Lightning talk"),
    }
    return labels.get(_known(value), value)


def language_label(value: str) -> str:
    """A session's language as a word in the reader's language (ja, en-US, English…), else as the file has it."""
    code = _known(value).split("-")[0].split(" ")[0] if value else ""
    labels = {"ja": _("Japanese"), "jp": _("Japanese"), "japanese": _("Japanese"), "日本語": _("Japanese"),
              "en": _("English"), "english": _("English"), "英語": _("English")}  # fmt: skip
    return labels.get(code, value)


def zone_label(name: str) -> str:
    """IANA names as they are; the fixed-offset "Etc/GMT-1" as "UTC+01:00" (its sign is inverted)."""
    if name.startswith("Etc/GMT") and name[7:]:
        hours = -int(name[7:])
        return f"UTC{hours:+03d}:00"
    return name


def mark_ctx(conf: Conference, next_url: str) -> dict:
    """What every mark button on a page shares, computed once per page (grids have ~500 of them)."""
    return {
        "action": url_for("planning.mark", slug=conf.slug),
        "token": csrf_token(),
        "next": next_url,
        "interested": _("Interested"),
        "going": _("Going"),
        "clash": _("Clash"),
        "held_speaking": _("Speaking: change the status"),
        "held_attended": _("Attended: change the status"),
        "session_base": url_for("timetable.session", slug=conf.slug, key="-")[:-1],
    }


# Characters a path segment may carry as they are; everything else, "/" included, is percent-encoded.
SEGMENT_SAFE = "!$&'()*+,:;=@"


def keypath(key: str) -> str:
    """A session key as ONE URL path segment, exactly as url_for() writes it.

    Keys come from timetables and may contain "/" or "../": with "/" left as it is, a browser would
    resolve "s/../x" to another page. Encoded ("..%2Fx") it stays one segment; the server's WSGI
    layer decodes it back to the key. (Only the keys "." and ".." themselves cannot be a segment.)
    """
    return quote(str(key), safe=SEGMENT_SAFE)


class KeyConverter(PathConverter):
    """`<key:key>` in routes: matches like `path` (the decoded key may contain "/"), builds with keypath()."""

    regex = ".+?"  # a key may start with "/" too
    part_isolating = False

    def to_url(self, value) -> str:
        return keypath(value)


def local_path(target: str | None) -> str:
    """Only same-site paths are followed after a form or the language switch (no open redirect)."""
    if not target:
        return url_for("timetable.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("timetable.index")
    return target


def json_body():
    """The request's JSON body; BadInput saying what is wrong (not JSON, nested too deeply)."""
    try:
        return current_app.json.loads(request.get_data(cache=True))
    except BadInput:
        raise
    except ValueError as exc:
        raise BadInput(f"the body is not JSON: {exc}") from exc


def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or request.is_json
