"""Rendered pages kept until their data changes; the per-response CSRF token and CSP nonce are filled in.

A grid of 500 sessions takes ~50 ms of CPU to render and is the page attendees reload most; under
load that CPU time delays everyone's note saves (same process, same GIL). The key names everything
the page shows, so a kept copy is never stale.
"""

from __future__ import annotations

from collections import OrderedDict

from flask import g
from flask_wtf.csrf import generate_csrf

CSRF_SLOT = "\x00csrf-token\x00"
NONCE_SLOT = "\x00csp-nonce\x00"
_PAGES: OrderedDict[tuple, str] = OrderedDict()
SIZE = 32


def rendering_for_cache() -> bool:
    return bool(g.get("render_for_cache"))


def csrf_token() -> str:
    return CSRF_SLOT if rendering_for_cache() else generate_csrf()


def cached_page(key: tuple, render) -> str:
    """The page for `key`, rendered once with placeholders, then given this response's token and nonce."""
    from . import csp_nonce

    html = _PAGES.get(key)
    if html is None:
        g.render_for_cache = True
        try:
            html = render()
        finally:
            g.render_for_cache = False
        _PAGES[key] = html
        while len(_PAGES) > SIZE:
            _PAGES.popitem(last=False)
    else:
        _PAGES.move_to_end(key)
    return html.replace(CSRF_SLOT, generate_csrf()).replace(NONCE_SLOT, csp_nonce())
