"""Untrusted text to safe HTML: Markdown with HTML off, then nh3; links only http/https/mailto."""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup
from mdit_py_plugins.tasklists import tasklists_plugin

from .links import safe_url

__all__ = ["clean_html", "render_abstract", "render_markdown", "render_markdown_as", "safe_url"]

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


@lru_cache(maxsize=8)
def _markdown(breaks: bool, tasklists: bool) -> MarkdownIt:
    md = MarkdownIt("js-default", {"breaks": breaks}).enable("table").enable("strikethrough")
    return md.use(tasklists_plugin) if tasklists else md


_FENCE = re.compile(r"^\s*(```|~~~)")
_HASH_START = re.compile(r"^(\s{0,3}#{1,6})(?=[^#\s])")


def _space_hash_headings(text: str) -> str:
    """`#tag …` as a heading, as Markdown.pl (Hatena's Markdown mode) reads it: a space after the #s."""
    out, fenced = [], False
    for line in text.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        out.append(line if fenced else _HASH_START.sub(r"\1 ", line))
    return "\n".join(out)


def render_markdown_as(text: str, *, breaks: bool, tasklists: bool, hash_headings: bool = False) -> Markup:
    """Markdown to sanitized HTML with a platform's own rules: whether a single newline is a line break,
    whether `- [ ]` is a checkbox (disabled, as blogs show them), whether a line starting with `#` is a
    heading even without a space (Hatena). Raw HTML stays text, as in render_markdown."""
    if hash_headings:
        text = _space_hash_headings(text or "")
    html = _markdown(breaks, tasklists).render(text or "")
    return Markup(  # noqa: S704 -- nh3 has sanitized it
        nh3.clean(
            html,
            tags=nh3.ALLOWED_TAGS | {"input"},
            url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer nofollow",
            attributes={"a": {"href", "title"}, "li": {"class"}, "ul": {"class"}},
            # only the task-list plugin makes inputs (raw HTML stays text): disabled checkboxes, nothing else
            tag_attribute_values={
                "input": {"type": {"checkbox"}, "disabled": {"disabled"}, "checked": {"checked"}},
            },
        )
    )


_TASK = re.compile(r"^\[[ xX]\]\s+")


def plain_excerpt(text: str, limit: int = 200) -> str:
    """The first line of a Markdown note as plain text: `# 見出し` reads 見出し, `**b**` b, a link its
    words, `- [ ] x` x (for lists of notes, where raw Markdown is noise)."""
    for token in _md.parse(text or ""):
        if token.type != "inline":
            continue
        parts = []
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak") and "".join(parts).strip():
                break  # the first line only, as the list showed before
        words = _TASK.sub("", " ".join("".join(parts).split()))
        if words:
            return words[:limit]
    return ""
