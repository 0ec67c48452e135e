"""Untrusted text to safe HTML: Markdown with HTML off, then nh3; links only http/https/mailto."""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup
from mdit_py_plugins.tasklists import tasklists_plugin

from .links import safe_url

__all__ = ["clean_html", "render_abstract", "render_markdown", "render_markdown_as", "safe_url"]

URL_SCHEMES = {"http", "https", "mailto"}
# A bare web address in a note: ASCII only, so a Japanese sentence around it is not part of it
# ("詳細は https://example.com/ja/を参照" links https://example.com/ja/).
_BARE_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
_URL_TAIL = ".,;:!?'\""
_TASK_BOX = re.compile(r"^\[([ xX])\][ \t]+")


def _trim_url(url: str) -> str:
    """A bare URL without what ends its sentence: a full stop, a comma, a closing bracket it never opened."""
    pairs = {")": "(", "]": "["}
    while url and (url[-1] in _URL_TAIL or (url[-1] in pairs and url.count(url[-1]) > url.count(pairs[url[-1]]))):
        url = url[:-1]
    return url


def _linkify(state) -> None:
    """Bare http(s) addresses in text become links (not in code, not inside a link already). The href goes
    through markdown-it's own check and then nh3, as every link does: javascript: never becomes one."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        out, depth = [], 0
        for token in block.children:
            if token.type == "link_open":
                depth += 1
            elif token.type == "link_close":
                depth -= 1
            if token.type != "text" or depth or "http" not in token.content:
                out.append(token)
                continue
            text, at = token.content, 0
            for match in _BARE_URL.finditer(text):
                url = _trim_url(match.group(0))
                href = state.md.normalizeLink(url)
                if len(url) <= len(match.group(0).split("://")[0]) + 3 or not state.md.validateLink(href):
                    continue
                if match.start() > at:
                    out.append(_text(state, text[at : match.start()], token.level))
                link = Token("link_open", "a", 1, level=token.level, attrs={"href": href}, markup="linkify")
                out.extend([link, _text(state, url, token.level + 1), Token("link_close", "a", -1, level=token.level)])
                at = match.start() + len(url)
            if at == 0:
                out.append(token)
            elif at < len(text):
                out.append(_text(state, text[at:], token.level))
        block.children = out


def _text(_state, content: str, level: int) -> Token:
    return Token("text", "", 0, level=level, content=content)


def _task_boxes(state) -> None:
    """`- [ ] x` / `- [x] x` in a note read ☐ x / ☑ x, as on the TODO page and in the draft."""
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if (
            token.type == "inline"
            and i >= 2
            and tokens[i - 1].type == "paragraph_open"
            and tokens[i - 2].type == "list_item_open"
            and token.children
            and token.children[0].type == "text"
        ):
            first = token.children[0]
            match = _TASK_BOX.match(first.content)
            if match:
                box = "☐" if match.group(1) == " " else "☑"
                first.content = f"{box} {first.content[match.end() :]}"


_md = MarkdownIt("js-default", {"breaks": True}).enable("table").enable("strikethrough")
_md.core.ruler.push("task_boxes", _task_boxes)
_md.core.ruler.push("bare_links", _linkify)
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
