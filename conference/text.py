"""Untrusted text to safe HTML: Markdown with HTML off, then nh3; links only http/https/mailto."""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from .links import safe_url

__all__ = ["clean_html", "render_abstract", "render_markdown", "safe_url"]

URL_SCHEMES = {"http", "https", "mailto"}
_md = MarkdownIt("js-default", {"breaks": True}).enable("table").enable("strikethrough")
_LOOKS_HTML = re.compile(r"<(p|br|a|ul|ol|li|strong|em|b|i|div|span|h[1-6])\b[^>]*>", re.IGNORECASE)


def clean_html(html: str) -> Markup:
    return Markup(  # noqa: S704 -- nh3 has sanitized it
        nh3.clean(
            html, url_schemes=URL_SCHEMES, link_rel="noopener noreferrer nofollow", attributes={"a": {"href", "title"}}
        )
    )


def render_markdown(text: str) -> Markup:
    """Markdown to sanitized HTML; raw HTML in the text stays text."""
    return clean_html(_md.render(text or ""))


def render_abstract(text: str) -> Markup:
    """Abstracts come as HTML (frab, Sessionize) or Markdown (pretalx): sanitize either."""
    if _LOOKS_HTML.search(text or ""):
        return clean_html(text)
    return render_markdown(text)
