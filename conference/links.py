"""Links: the kinds a link can have, the guess from its host, and the one test of a safe URL.

Neutral helpers read by the parsers (timetable links), the store (links the attendee adds), fetch
(titles), exporters and views. Only http(s) URLs are ever stored, exported or rendered as links.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from .errors import BadInput

LINK_KINDS = ("slides", "video", "blog", "code", "other")

_HOST_KINDS = {
    "speakerdeck.com": "slides",
    "slideshare.net": "slides",
    "slides.com": "slides",
    "docswell.com": "slides",
    "youtube.com": "video",
    "youtu.be": "video",
    "vimeo.com": "video",
    "media.ccc.de": "video",
    "github.com": "code",
    "gitlab.com": "code",
    "bitbucket.org": "code",
    "codeberg.org": "code",
}


@lru_cache(maxsize=4096)
def safe_url(url: str | None) -> str | None:
    """The URL when it is http(s), else None: nothing else is ever rendered as a link."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url.strip()
    return None


def check_kind(kind: str) -> str:
    """`kind` when it is one of LINK_KINDS, else BadInput."""
    if kind not in LINK_KINDS:
        raise BadInput(f"kind must be one of {', '.join(LINK_KINDS)}", field="kind")
    return kind


def guess_link_kind(url: str, title: str = "") -> str:
    """slides / video / code / blog / other, from the host (or a parent domain), else from a title like "Slides"."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return "other"
    if host == "docs.google.com" and parts.path.startswith("/presentation"):
        return "slides"
    labels = host.split(".")
    for i in range(len(labels) - 1):
        kind = _HOST_KINDS.get(".".join(labels[i:]))
        if kind:
            return kind
    lowered = (title or "").lower()
    if (
        "slide" in lowered
        or "スライド" in lowered
        or "資料" in lowered
        or parts.path.lower().endswith((".pdf", ".pptx", ".key"))
    ):
        return "slides"
    if "video" in lowered or "recording" in lowered or "動画" in lowered:
        return "video"
    if "blog" in lowered or "ブログ" in lowered:
        return "blog"
    return "other"
