"""Slide photos in what we hand out: their file names in a zip or a page bundle, their alt text, and
where each goes in a talk's section.

File names are ASCII, unique in one export, and say which talk a photo is of: `a20-1.jpg`, `a20-2.jpg`
(the talk's code, else its key, made ASCII; numbered in the order they were taken).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..model import Photo, PlannedSession


@dataclass(frozen=True, slots=True)
class PhotoRef:
    """A photo as a report template sees it (`t.photos`): its file name in the bundle or zip, the alt
    text (the caption, else the talk's title), the caption and when it was taken."""

    id: int
    file: str
    alt: str
    caption: str
    taken: datetime


def _stem(s: PlannedSession) -> str:
    for text in (s.code, s.key):
        plain = unicodedata.normalize("NFKC", text or "").lower()
        plain = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:40].strip("-")
        if plain and plain.isascii():
            return plain
    return "talk-" + hashlib.sha256(s.key.encode("utf-8")).hexdigest()[:8]


def file_names(sessions: Sequence[PlannedSession], photos: Iterable[Photo]) -> dict[int, str]:
    """Photo id -> its file name ("a20-1.jpg"), unique among these photos, numbered per talk by time taken."""
    by_key: dict[str, list[Photo]] = {}
    for p in photos:
        by_key.setdefault(p.key, []).append(p)
    names: dict[int, str] = {}
    stems: set[str] = set()
    for s in sessions:
        mine = sorted(by_key.pop(s.key, []), key=lambda p: (p.taken, p.id))
        if not mine:
            continue
        stem = _stem(s)
        if stem in stems:  # two talks with one code
            stem = f"{stem}-{hashlib.sha256(s.key.encode('utf-8')).hexdigest()[:6]}"
        stems.add(stem)
        for n, p in enumerate(mine, 1):
            names[p.id] = f"{stem}-{n}.{p.extension}"
    return names


def refs(s: PlannedSession, photos: Iterable[Photo], names: dict[int, str]) -> tuple[PhotoRef, ...]:
    """The talk's photos as the report shows them, in the order they were taken."""
    mine = sorted((p for p in photos if p.key == s.key and p.id in names), key=lambda p: (p.taken, p.id))
    title = f"{s.code}: {s.title}" if s.code else s.title
    return tuple(PhotoRef(p.id, names[p.id], p.caption or title, p.caption, p.taken) for p in mine)
