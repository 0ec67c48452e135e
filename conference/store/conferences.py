"""Conferences as `Conference` objects: the list, one by slug, id or source; renaming one; and when
a served file's content last changed (feeds' Last-Modified)."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import timedelta

from sqlite_utils import Database

from ..errors import BadInput, NotFound
from ..links import safe_url
from ..messages import M
from ..model import Conference, from_iso, now_utc, to_iso
from .connection import write

MAX_NAME = 200
MAX_HASHTAG = 50
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


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
        hashtag=row.get("hashtag") or "",
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
        raise NotFound(M("No conference '%(slug)s'.", slug=slug))
    return found


def conference_by_id(db: Database, conference_id: int) -> Conference:
    found = _one(db, "id = ?", [conference_id])
    if found is None:
        raise NotFound(M("No conference %(n)d.", n=conference_id))
    return found


def conference_by_source(db: Database, source: str) -> Conference | None:
    """The conference imported from `source` (a URL), if any: importing it again updates that one."""
    return _one(db, "source = ?", [source])


def clean_hashtag(text: str) -> str:
    """A hashtag as stored: without "#", full-width letters made plain ("＃ＪＴＦ２０２６" -> "JTF2026");
    BadInput unless it is one word of letters, digits and "_" (Japanese letters too)."""
    tag = unicodedata.normalize("NFKC", text or "").strip().lstrip("#").strip()
    if not tag:
        return ""
    if not re.fullmatch(r"\w+", tag) or len(tag) > MAX_HASHTAG:
        raise BadInput(
            f"a hashtag is one word of letters, digits and _ (at most {MAX_HASHTAG}), not {text!r}", field="hashtag"
        )
    return tag


def update_conference(
    db: Database, conf: Conference, *, name: str | None = None, hashtag: str | None = None, url: str | None = None
) -> Conference:
    """Rename a conference, set its hashtag ("" clears it) or its URL ("" clears it), without re-importing.

    Only the fields given change. BadInput (naming the field) for an empty or over-long name, a hashtag
    that is not one word, or a URL that is not http(s); nothing is written then.
    """
    change: dict[str, str] = {}
    if name is not None:
        name = " ".join(_CONTROL.sub(" ", name).split())
        if not name:
            raise BadInput("the name cannot be empty", field="name")
        if len(name) > MAX_NAME:
            raise BadInput(f"the name is limited to {MAX_NAME} characters", field="name")
        change["name"] = name
    if hashtag is not None:
        change["hashtag"] = clean_hashtag(hashtag)
    if url is not None:
        url = url.strip()
        if url and not safe_url(url):
            raise BadInput(f"the URL must start with http:// or https://, not {url!r}", field="url")
        change["url"] = url
    if change:
        with write(db):
            db["conferences"].update(conf.id, change)
    return conference_by_id(db, conf.id)


def content_modified_at(db: Database, conf: Conference, name: str, digest: str) -> str:
    """When the served file `name` of `conf` (e.g. "plan-feed") last changed, given its digest now.

    The first digest seen, and every new one, is recorded with the current time, one second past the
    previous time at least (HTTP dates count whole seconds): the file's Last-Modified moves whenever its
    ETag does, whatever changed it (a mark, an import, the reminder, a rename).
    """
    key = f"modified:{name}:{conf.id}"

    def recorded() -> dict | None:
        row = db.execute("select value from settings where name = ?", [key]).fetchone()
        return json.loads(row[0]) if row else None

    seen = recorded()
    if seen and seen["digest"] == digest:
        return seen["at"]
    with write(db):
        seen = recorded()
        if seen and seen["digest"] == digest:
            return seen["at"]
        at = now_utc().replace(microsecond=0)
        if seen and at <= from_iso(seen["at"]):
            at = from_iso(seen["at"]) + timedelta(seconds=1)
        db["settings"].upsert({"name": key, "value": json.dumps({"digest": digest, "at": to_iso(at)})}, pk="name")
    return to_iso(at)
