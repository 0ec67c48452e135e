"""Rendered pages kept until their data changes; the per-response CSRF token and CSP nonce are filled in.

A grid of 500 sessions takes ~50 ms of CPU to render and is the page attendees reload most; under
load that CPU time delays everyone's note saves (same process, same GIL). The key names everything
the page shows (`store.versions`, the language, the query), so a kept copy is never stale.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable

from flask import g
from flask_wtf.csrf import generate_csrf

from ..cache import LRU

# Where each response's own token and nonce go in a kept page. The markers are random per process, so
# no text of a timetable, a conference name or a note can spell one (and control characters are
# stripped at import besides): data never reaches a slot.
_MARK = secrets.token_hex(12)
CSRF_SLOT = f"\x00csrf-{_MARK}\x00"
NONCE_SLOT = f"\x00nonce-{_MARK}\x00"
PAGES: LRU[str] = LRU(32)


def rendering_for_cache() -> bool:
    return bool(g.get("render_for_cache"))


def csrf_token() -> str:
    """This response's CSRF token, or its slot while rendering a page to keep."""
    return CSRF_SLOT if rendering_for_cache() else generate_csrf()


def csp_nonce() -> str:
    """A per-response nonce for the one <style> block a page may carry (grid positions)."""
    if rendering_for_cache():
        return NONCE_SLOT
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def cached_page(key: Hashable, render: Callable[[], str]) -> str:
    """The page for `key`, rendered once with placeholders, then given this response's token and nonce."""

    def build() -> str:
        g.render_for_cache = True
        try:
            return render()
        finally:
            g.render_for_cache = False

    html = PAGES.get_or_build(key, build)
    return html.replace(CSRF_SLOT, generate_csrf()).replace(NONCE_SLOT, csp_nonce())
