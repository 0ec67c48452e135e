"""Grid layout: real durations, parallel sessions side by side, after-midnight talks."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from conference.grid import days, layout
from conference.model import PlannedSession, conference_day

TZ = ZoneInfo("Europe/Berlin")


def s(key, room, start, minutes, is_break=False):
    end = start + timedelta(minutes=minutes)
    return PlannedSession(
        key=key, code="", title=key, room=room, start=start, end=end, is_break=is_break, day=conference_day(start)
    )


def test_overlapping_sessions_in_one_room_get_their_own_lane():
    t = datetime(2025, 12, 27, 11, 0, tzinfo=TZ)
    items = [s("a", "Hall 1", t, 60), s("b", "Hall 1", t + timedelta(minutes=30), 60), s("c", "Hall 2", t, 40)]
    g = layout(t.date(), items)
    assert [(c.room, c.col_start, c.col_end) for c in g.columns] == [("Hall 1", 2, 4), ("Hall 2", 4, 5)]
    blocks = {b.session.key: (b.row_start, b.row_end, b.col_start) for b in g.blocks}
    assert blocks == {"a": (2, 14, 2), "b": (8, 20, 3), "c": (2, 10, 4)}


def test_talk_after_midnight_stays_on_the_evening_before():
    late = datetime(2025, 12, 28, 1, 30, tzinfo=TZ)
    evening = datetime(2025, 12, 27, 22, 0, tzinfo=TZ)
    items = [s("late", "Stage", late, 45), s("eve", "Stage", evening, 45)]
    assert days(items) == [evening.date()]
    g = layout(evening.date(), items)
    assert [b.session.key for b in g.blocks] == ["eve", "late"]
    assert g.labels[0][2] == "22:00" and g.rows == (late + timedelta(minutes=45) - evening) // timedelta(minutes=5)


def test_break_without_room_spans_all_columns_and_odd_minutes_round_outwards():
    t = datetime(2026, 7, 25, 10, 0, tzinfo=TZ)
    items = [
        s("x", "A", t, 45),
        s("y", "B", t + timedelta(minutes=3), 41),
        s("lunch", "", t + timedelta(minutes=45), 75, True),
    ]
    g = layout(t.date(), items)
    blocks = {b.session.key: b for b in g.blocks}
    assert (blocks["lunch"].col_start, blocks["lunch"].col_end) == (2, 4)
    assert (blocks["y"].row_start, blocks["y"].row_end) == (2, 11)


def test_columns_follow_the_given_room_order_then_natural_order():
    t = datetime(2025, 12, 27, 11, 0, tzinfo=TZ)
    items = [s("a", "Zero", t, 30), s("b", "Hall 10", t, 30), s("c", "One", t, 30), s("d", "Hall 9", t, 30)]
    g = layout(t.date(), items, ["One", "Zero"])
    assert [c.room for c in g.columns] == ["One", "Zero", "Hall 9", "Hall 10"]


def test_the_last_talk_fits_when_the_day_does_not_end_on_a_five_minute_mark():
    """The day's last talk ends at 11:03: the grid gets a row for those three minutes, not one row short."""
    t = datetime(2026, 7, 25, 10, 0, tzinfo=TZ)
    items = [s("a", "A", t, 45), s("odd", "B", t + timedelta(minutes=30), 33)]
    g = layout(t.date(), items)
    last = next(b for b in g.blocks if b.session.key == "odd")
    assert g.rows == 13  # 10:00 to 11:05 in 5-minute rows
    assert (last.row_start, last.row_end) == (8, 15)  # rows start at grid line 2: 15 is the grid's last line
    assert max(b.row_end for b in g.blocks) == g.rows + 2
    exact = layout(t.date(), [s("a", "A", t, 45), s("b", "B", t + timedelta(minutes=30), 35)])
    assert exact.rows == 13 and max(b.row_end for b in exact.blocks) == exact.rows + 2
