"""Conferences as `Conference` objects: the list, one by slug, id or source."""

from __future__ import annotations

import json

from sqlite_utils import Database

from ..errors import NotFound
from ..model import Conference


def _conference(row: dict, talks: int | None = None) -> Conference:
    return Conference(
        id=row["id"],
        slug=row["slug"],
        name=row["name"],
        timezone=row["timezone"],
        start_date=row["start_date"],
        end_date=row["end_date"],
        url=row["url"] or "",
        language=row["language"] or "",
        source=row["source"] or "",
        source_format=row["source_format"] or "",
        source_options=json.loads(row["source_options"] or "{}"),
        imported_at=row["imported_at"],
        is_demo=bool(row["is_demo"]),
        rooms=tuple(json.loads(row["rooms"] or "[]")),
        plan_changed_at=row["plan_changed_at"],
        plan_version=row["plan_version"],
        data_version=row["data_version"],
        talks=talks,
    )


def conferences(db: Database) -> list[Conference]:
    """All conferences, newest first, with their numbers of talks (`talks`)."""
    return [
        _conference(row, row.pop("talks"))
        for row in db.query(
            "select c.*, (select count(*) from sessions s where s.conference_id = c.id"
            " and not s.is_break) as talks from conferences c order by c.start_date desc, c.name"
        )
    ]


def _one(db: Database, where: str, params: list) -> Conference | None:
    row = next(db.query(f"select * from conferences where {where} limit 1", params), None)
    return _conference(row) if row else None


def conference(db: Database, slug: str) -> Conference:
    """The conference called `slug`, or NotFound."""
    found = _one(db, "slug = ?", [slug])
    if found is None:
        raise NotFound(f"no conference {slug!r}")
    return found


def conference_by_id(db: Database, conference_id: int) -> Conference:
    found = _one(db, "id = ?", [conference_id])
    if found is None:
        raise NotFound(f"no conference {conference_id}")
    return found


def conference_by_source(db: Database, source: str) -> Conference | None:
    """The conference imported from `source` (a URL), if any: importing it again updates that one."""
    return _one(db, "source = ?", [source])
