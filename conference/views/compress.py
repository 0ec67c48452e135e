"""Gzip for text responses, and fingerprinted static URLs that browsers may cache for a year."""

from __future__ import annotations

import gzip
import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, request, url_for

COMPRESSIBLE = {
    "text/html",
    "text/css",
    "application/javascript",
    "text/javascript",
    "application/json",
    "text/calendar",
    "text/markdown",
    "text/csv",
    "text/plain",
}
MIN_SIZE = 512
YEAR = 365 * 24 * 3600


@lru_cache(maxsize=64)
def _fingerprint(path: str, mtime: float) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def static_url(app: Flask, filename: str) -> str:
    """`/static/app.css?v=<content hash>`: a new file gets a new URL, so old copies never linger."""
    path = Path(app.static_folder) / filename
    return url_for("static", filename=filename, v=_fingerprint(str(path), path.stat().st_mtime))


@lru_cache(maxsize=256)
def _gzip_cached(key: str, data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


def compress(response):
    if (
        response.status_code != 200
        or "gzip" not in request.headers.get("Accept-Encoding", "")
        or response.headers.get("Content-Encoding")
        or response.mimetype not in COMPRESSIBLE
    ):
        return response
    response.direct_passthrough = False
    data = response.get_data()
    if len(data) < MIN_SIZE:
        return response
    if request.endpoint == "static":  # the same bytes every time: compress once
        body = _gzip_cached(request.path + request.args.get("v", ""), data)
    else:
        body = gzip.compress(data, compresslevel=6, mtime=0)
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    response.headers["Content-Length"] = str(len(body))
    response.vary.add("Accept-Encoding")
    if response.headers.get("ETag"):  # same content, other bytes: a weak validator (as nginx does)
        tag, _weak = response.get_etag()
        response.set_etag(tag, weak=True)
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.globals["static_url"] = lambda filename: static_url(app, filename)
    default_max_age = app.get_send_file_max_age

    def max_age(filename):
        return YEAR if request.args.get("v") else default_max_age(filename)

    app.get_send_file_max_age = max_age
    app.after_request(compress)
