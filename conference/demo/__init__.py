"""The bundled demo timetable: a JTF-shaped day written for this project, loaded into an empty database."""

from __future__ import annotations

import json
from datetime import datetime
from importlib import resources

from sqlite_utils import Database

from .. import store
from ..model import Session, Timetable, zone

DEMO_FILE = "demo-timetable.json"


def demo_timetable() -> tuple[dict, Timetable]:
    """Read the demo file into a Timetable (times are local to its zone)."""
    doc = json.loads(resources.files(__package__).joinpath(DEMO_FILE).read_text("utf-8"))
    tz = zone(doc["timezone"])

    def at(hhmm: str) -> datetime:
        return datetime.fromisoformat(f"{doc['date']}T{hhmm}").replace(tzinfo=tz)

    sessions = [
        Session(
            key=item.get("key") or item["code"],
            code=item["code"],
            title=item["title"],
            abstract=item["abstract"],
            start=at(item["start"]),
            end=at(item["end"]),
            room=item["room"],
            room_code=item["room"].removeprefix("Track "),
            track=item["track"],
            type=item["type"],
            language=item["language"],
            speakers=item["speakers"],
            links=item["links"],
            is_break=item.get("is_break", False),
        )
        for item in doc["sessions"]
    ]
    return doc, Timetable(
        sessions=sessions, name=doc["name"], timezone=doc["timezone"], url=doc["url"], language=doc["language"]
    )


def ensure_demo(db: Database) -> None:
    """Load the demo timetable when the database holds no conference at all."""
    doc, timetable = demo_timetable()
    store.import_if_empty(db, doc["slug"], timetable, source="demo", fmt="demo", is_demo=True)
