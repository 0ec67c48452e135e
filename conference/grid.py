"""Lay out one conference day as a grid: rooms as columns, 5-minute rows, real durations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .model import PlannedSession, day_clock, natural_key

STEP = timedelta(minutes=5)


@dataclass
class Block:
    session: PlannedSession
    row_start: int  # CSS grid lines, 1-based; row 1 is the room header
    row_end: int
    col_start: int  # column 1 is the time axis
    col_end: int


@dataclass
class Column:
    room: str
    code: str
    col_start: int
    col_end: int


@dataclass
class DayGrid:
    day: date
    start: datetime
    rows: int
    columns: list[Column] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    labels: list[tuple[int, int, str]] = field(default_factory=list)  # (row_start, row_end, "10:00")

    @property
    def width(self) -> int:
        return self.columns[-1].col_end if self.columns else 2


def _floor(moment: datetime, minutes: int) -> datetime:
    return moment.replace(minute=moment.minute - moment.minute % minutes, second=0, microsecond=0)


def _lanes(items: list[PlannedSession]) -> list[int]:
    """Give each session of one room the first lane free at its start (overlaps sit side by side)."""
    lane_ends: list[datetime] = []
    lanes = []
    for s in items:
        for i, end in enumerate(lane_ends):
            if end <= s.start:
                lane_ends[i] = s.end
                lanes.append(i)
                break
        else:
            lane_ends.append(s.end)
            lanes.append(len(lane_ends) - 1)
    return lanes


def layout(day: date, sessions: list[PlannedSession], room_order: Sequence[str] | None = None) -> DayGrid:
    """Place the day's scheduled sessions; a break without a room spans every column."""
    scheduled = sorted((s for s in sessions if s.start and s.day == day), key=lambda s: (s.start, s.end))
    if not scheduled:
        return DayGrid(day=day, start=datetime.min, rows=0)
    first = _floor(min(s.start for s in scheduled), 30)
    last = max(max(s.end, s.start + STEP) for s in scheduled)
    rows = -(-(last - first) // STEP)

    def row(moment: datetime, up: bool) -> int:
        steps, rest = divmod(moment - first, STEP)
        return 2 + steps + (1 if up and rest else 0)

    by_room: dict[str, list[PlannedSession]] = {}
    for s in scheduled:
        if s.room or not s.is_break:
            by_room.setdefault(s.room, []).append(s)
    grid = DayGrid(day=day, start=first, rows=rows)
    col = 2
    order = {room: i for i, room in enumerate(room_order or [])}
    for room in sorted(by_room, key=lambda r: (order.get(r, len(order)), natural_key(r))):
        items = by_room[room]
        lanes = _lanes(items)
        width = max(lanes) + 1
        code = next((s.room_code for s in items if s.room_code), "")
        grid.columns.append(Column(room=room, code=code, col_start=col, col_end=col + width))
        for s, lane in zip(items, lanes, strict=True):
            end = max(s.end, s.start + STEP)
            grid.blocks.append(Block(s, row(s.start, False), row(end, True), col + lane, col + lane + 1))
        col += width
    for s in scheduled:
        if s.is_break and not s.room:
            end = max(s.end, s.start + STEP)
            grid.blocks.append(Block(s, row(s.start, False), row(end, True), 2, max(col, 3)))
    grid.blocks.sort(key=lambda b: (b.row_start, b.col_start))
    tick = first
    while tick < first + rows * STEP:
        grid.labels.append((row(tick, False), min(row(tick + timedelta(minutes=30), False), rows + 2), day_clock(tick)))
        tick += timedelta(minutes=30)
    return grid


PAGE_SESSIONS = 600  # a day with more sessions is shown in parts: rooms side by side up to this many


@dataclass(frozen=True)
class Page:
    """One part of a big day: some rooms (or part of one very full room), breaks spanning every part."""

    rooms: tuple[str, ...]
    sessions: tuple[PlannedSession, ...]
    part: int = 1  # of a room split in parts (1 when whole)
    parts: int = 1

    @property
    def label(self) -> str:
        names = [r or "-" for r in self.rooms]
        if self.parts > 1:
            return f"{names[0]} ({self.part}/{self.parts})"
        return names[0] if len(names) == 1 else f"{names[0]} – {names[-1]}"


def pages(
    sessions: Sequence[PlannedSession], room_order: Sequence[str] | None = None, limit: int = PAGE_SESSIONS
) -> list[Page]:
    """One day's sessions as grid pages of at most `limit` sessions each, split by room (issue 17: a
    20,000-session day is not one page of hundreds of MB). Rooms stay whole and in order where they fit;
    a room with more than `limit` is split by time. A day within the limit is one page."""
    spanning = tuple(s for s in sessions if s.is_break and not s.room)
    by_room: dict[str, list[PlannedSession]] = {}
    for s in sessions:
        if s.room or not s.is_break:
            by_room.setdefault(s.room, []).append(s)
    if len(sessions) <= limit:
        return [Page(tuple(by_room), tuple(sessions))]
    order = {room: i for i, room in enumerate(room_order or [])}
    found: list[Page] = []
    rooms: list[str] = []
    chosen: list[PlannedSession] = []

    def flush() -> None:
        if rooms:
            found.append(Page(tuple(rooms), (*chosen, *spanning)))
            rooms.clear()
            chosen.clear()

    for room in sorted(by_room, key=lambda r: (order.get(r, len(order)), natural_key(r))):
        items = sorted(by_room[room], key=lambda s: (s.start is None, s.start))
        if len(items) > limit:
            flush()
            parts = -(-len(items) // limit)
            for i in range(parts):
                found.append(Page((room,), (*items[i * limit : (i + 1) * limit], *spanning), i + 1, parts))
            continue
        if len(chosen) + len(items) > limit:
            flush()
        rooms.append(room)
        chosen.extend(items)
    flush()
    return found or [Page((), spanning)]


def days(sessions: Sequence[PlannedSession]) -> list[date]:
    """The conference days that have sessions (the grid's tabs)."""
    return sorted({s.day for s in sessions if s.day})
