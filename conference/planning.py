"""Statuses, clashes, choices, my day and now/next: pure functions over PlannedSession."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .errors import BadInput
from .model import PlannedSession

STATUSES = ("interested", "going", "attended", "speaking", "later")
LATER = "later"  # watch the recording afterwards (a talk lost to a clash): on the Later page, not in the plan
CHOSEN = ("going", "speaking")  # what can clash
# A chosen talk also clashes with one the attendee attended at the same time (they cannot have been in
# both rooms); two attended talks are no clash (they moved between rooms, or the notes say so).
CLASHABLE = (*CHOSEN, "attended")
HELD = ("speaking", "attended")  # kept when the attendee keeps another talk of a clash: only its own mark changes it
ON_MY_DAY = ("going", "speaking", "attended")
# What goes into the attendee's calendar: attended stays, so writing notes never drops a talk from it.
PLAN = ("going", "speaking", "attended")


def check_status(status: str) -> str:
    """`status` when it is one of STATUSES, else BadInput."""
    if status not in STATUSES:
        raise BadInput(f"status must be one of {', '.join(STATUSES)} (or none)", field="status")
    return status


def overlaps(a: PlannedSession, b: PlannedSession) -> bool:
    """Real start/end times overlap (touching ends do not): slots and codes play no part."""
    return bool(a.start and b.start) and a.start < b.end and b.start < a.end


def clashes(sessions: Iterable[PlannedSession]) -> dict[str, list[str]]:
    """key -> keys of the other sessions it overlaps, for going/speaking/attended ones: a going or speaking
    session clashes with any of those, an attended one only with going/speaking ones."""
    chosen = sorted(
        (s for s in sessions if s.status in CLASHABLE and s.start and not s.cancelled),
        key=lambda s: s.start,
    )
    found: dict[str, list[str]] = {s.key: [] for s in chosen}
    for i, a in enumerate(chosen):
        for b in chosen[i + 1 :]:
            if b.start >= a.end:
                break
            if overlaps(a, b) and (a.status in CHOSEN or b.status in CHOSEN):
                found[a.key].append(b.key)
                found[b.key].append(a.key)
    return found


def plan_sessions(sessions: Iterable[PlannedSession], interested: bool = False) -> list[PlannedSession]:
    """The attendee's plan (going, speaking, attended; with `interested` the shortlist too), no breaks."""
    wanted = (*PLAN, "interested") if interested else PLAN
    return [s for s in sessions if s.status in wanted and not s.is_break]


@dataclass
class Choice:
    """Overlapping sessions the attendee is interested in (or going to): pick one."""

    start: datetime
    end: datetime
    options: list[PlannedSession]


def choices(sessions: Iterable[PlannedSession]) -> list[Choice]:
    """Groups of overlapping shortlisted sessions where at least two are only 'interested' or clash."""
    pool = sorted(
        (s for s in sessions if s.status in ("interested", *CHOSEN) and s.start and not s.is_break),
        key=lambda s: (s.start, s.end),
    )
    groups: list[list[PlannedSession]] = []
    end = None
    for s in pool:
        if groups and end and s.start < end:
            groups[-1].append(s)
            end = max(end, s.end)
        else:
            groups.append([s])
            end = s.end
    return [
        Choice(start=g[0].start, end=max(s.end for s in g), options=g)
        for g in groups
        if len(g) > 1 and sum(1 for s in g if s.status in CHOSEN) != 1
    ]


@dataclass
class DayItem:
    kind: str  # "session" or "gap"
    start: datetime
    end: datetime
    session: PlannedSession | None = None
    breaks: list[PlannedSession] = field(default_factory=list)  # the timetable's break this gap is (lunch)
    room_change: str = ""  # the room to go to, when it differs from the previous session's
    replacement: PlannedSession | None = None  # for a cancelled talk: what the timetable has in its place


def replacement_for(cancelled: PlannedSession, sessions: Sequence[PlannedSession]) -> PlannedSession | None:
    """What took a cancelled talk's place: a talk in the same room at an overlapping time (the same start
    first); without a room, a talk starting at the same time. None when its slot stayed empty."""
    if not cancelled.start:
        return None
    found = [
        s
        for s in sessions
        if s.key != cancelled.key
        and s.start
        and not s.cancelled
        and not s.is_break
        and (overlaps(s, cancelled) and s.room == cancelled.room if cancelled.room else s.start == cancelled.start)
    ]
    return min(found, key=lambda s: (s.start != cancelled.start, s.start, s.room), default=None)


def _gaps(start: datetime, end: datetime, breaks: list[PlannedSession]) -> list[DayItem]:
    """The time between two talks: free time, and each break of the timetable at its own times (lunch
    12:00–13:00 stays 12:00–13:00 when the morning's last talk ends at 11:45)."""
    items: list[DayItem] = []
    at = start
    for b in sorted(breaks, key=lambda b: (b.start, b.end)):
        b_start, b_end = max(b.start, at), min(b.end, end)
        if b_end <= b_start:
            continue
        if b_start - at >= timedelta(minutes=5):
            items.append(DayItem("gap", at, b_start))
        items.append(DayItem("gap", b_start, b_end, breaks=[b]))
        at = b_end
    if end - at >= timedelta(minutes=5) or not items:
        items.append(DayItem("gap", at, end))
    return items


def my_day(sessions: Sequence[PlannedSession], day: date) -> list[DayItem]:
    """The day's chosen sessions in time order, with the gaps between them and room changes.

    A cancelled talk stays in the list (flagged, with what replaced it) but is no stop on the way: no
    room change to it, and the next talk's room change counts from the last talk that takes place."""
    mine = sorted(
        (s for s in sessions if s.status in ON_MY_DAY and s.start and s.day == day),
        key=lambda s: (s.start, s.end),
    )
    breaks = [s for s in sessions if s.is_break and s.start and s.day == day]
    items: list[DayItem] = []
    last_end: datetime | None = None
    last_room = ""
    for s in mine:
        if last_end and s.start - last_end >= timedelta(minutes=5):
            inside = [b for b in breaks if b.start < s.start and b.end > last_end]
            items.extend(_gaps(last_end, s.start, inside))
        if s.cancelled:
            items.append(DayItem("session", s.start, s.end, session=s, replacement=replacement_for(s, sessions)))
        else:
            change = s.room if last_room and s.room and s.room != last_room else ""
            items.append(DayItem("session", s.start, s.end, session=s, room_change=change))
            last_room = s.room or last_room
        last_end = max(last_end, s.end) if last_end else s.end
    return items


def plan_days(sessions: Iterable[PlannedSession]) -> list[date]:
    return sorted({s.day for s in sessions if s.day and s.status in ON_MY_DAY})


@dataclass
class NowNext:
    at: datetime
    mine_now: list[PlannedSession]
    mine_next: list[PlannedSession]
    elsewhere_now: list[PlannedSession]
    next_up: list[PlannedSession]  # what starts next anywhere, when the plan says nothing


def now_and_next(sessions: Iterable[PlannedSession], at: datetime) -> NowNext:
    """What is on at `at` in the plan, what comes next in it, and what is on in the other rooms."""
    live = [s for s in sessions if s.start and not s.cancelled]
    on = [s for s in live if s.start <= at < s.end]
    mine_now = [s for s in on if s.status in ON_MY_DAY]
    upcoming = sorted((s for s in live if s.start > at and s.status in ON_MY_DAY), key=lambda s: s.start)
    mine_next = [s for s in upcoming if s.start == upcoming[0].start] if upcoming else []
    later = sorted((s for s in live if s.start > at and not s.is_break), key=lambda s: s.start)
    next_up = [s for s in later if s.start == later[0].start] if later else []
    elsewhere = [s for s in on if s not in mine_now]
    return NowNext(at=at, mine_now=mine_now, mine_next=mine_next, elsewhere_now=elsewhere, next_up=next_up)
