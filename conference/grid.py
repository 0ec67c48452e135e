"""Lay out one conference day as a grid: rooms as columns, 5-minute rows, real durations."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .model import PlannedSession

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


def _natural(text: str) -> list:
    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", text)]


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
    for room in sorted(by_room, key=lambda r: (order.get(r, len(order)), _natural(r))):
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
        grid.labels.append(
            (row(tick, False), min(row(tick + timedelta(minutes=30), False), rows + 2), tick.strftime("%H:%M"))
        )
        tick += timedelta(minutes=30)
    return grid


def days(sessions: Sequence[PlannedSession]) -> list[date]:
    """The conference days that have sessions (the grid's tabs)."""
    return sorted({s.day for s in sessions if s.day})
