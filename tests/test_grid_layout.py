"""The grid as the attendee reads it: where a talk sits (room column, lane, rows from its real start and end),
the time axis, the breaks across the rooms, and which talks share a page of a very full day."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from conference.grid import layout, pages
from conference.model import PlannedSession, conference_day

TZ = ZoneInfo("Asia/Tokyo")
DAY = datetime(2026, 7, 25, 10, 0, tzinfo=TZ)


def s(key, room, start, minutes, is_break=False):
    return PlannedSession(
        key=key,
        code="",
        title=key,
        room=room,
        start=start,
        end=start + timedelta(minutes=minutes),
        is_break=is_break,
        day=conference_day(start),
    )


def at(hh, mm, ss=0, us=0):
    return DAY.replace(hour=hh, minute=mm, second=ss, microsecond=us)


def placed(grid):
    """key -> (first row line, last row line, first column line, last column line), as the CSS places it."""
    return {b.session.key: (b.row_start, b.row_end, b.col_start, b.col_end) for b in grid.blocks}


def test_the_time_axis_starts_on_the_half_hour_before_the_first_talk_and_ends_with_the_day():
    # First talk at 10:45: the axis starts at 10:30 (not 10:45, not 10:31); the day ends at 11:25.
    g = layout(DAY.date(), [s("a", "A", at(10, 45), 40), s("b", "B", at(11, 0), 15)])
    assert g.rows == 11  # 10:30 to 11:25 in 5-minute rows
    assert g.labels == [(2, 8, "10:30"), (8, 13, "11:00")]  # the last half hour stops at the grid's last line
    assert placed(g) == {"a": (5, 13, 2, 3), "b": (8, 11, 3, 4)}
    # A day ending on the half hour: no "11:30" label hangs below the last row.
    g = layout(DAY.date(), [s("a", "A", at(10, 45), 45)])
    assert g.labels == [(2, 8, "10:30"), (8, 14, "11:00")] and g.rows == 12


def test_seconds_in_a_start_time_do_not_shift_the_other_talks():
    """Some feeds write 10:00:30 or 10:00:30.250: the grid still starts at 10:00, so a 10:30 talk sits on 10:30."""
    g = layout(DAY.date(), [s("odd", "A", at(10, 0, 30, 250000), 45), s("b", "B", at(10, 30), 30)])
    assert g.labels[0] == (2, 8, "10:00")
    assert placed(g)["b"] == (8, 14, 3, 4)


def test_back_to_back_talks_in_one_room_share_its_single_column():
    g = layout(DAY.date(), [s("first", "A", at(10, 0), 45), s("second", "A", at(10, 45), 45)])
    assert [(c.room, c.col_start, c.col_end) for c in g.columns] == [("A", 2, 3)]
    assert placed(g) == {"first": (2, 11, 2, 3), "second": (11, 20, 2, 3)}


def test_a_parallel_talk_in_its_own_lane_is_one_lane_wide():
    g = layout(DAY.date(), [s("main", "A", at(10, 0), 60), s("side", "A", at(10, 15), 30), s("b", "B", at(10, 0), 30)])
    assert [(c.room, c.col_start, c.col_end) for c in g.columns] == [("A", 2, 4), ("B", 4, 5)]
    assert placed(g) == {"main": (2, 14, 2, 3), "side": (5, 11, 3, 4), "b": (2, 8, 4, 5)}


def test_only_the_days_talks_are_on_its_grid():
    next_day = at(10, 0) + timedelta(days=1)
    items = [s("today", "A", at(10, 0), 45), s("tomorrow", "A", next_day, 45), s("tomorrow-b", "B", next_day, 45)]
    g = layout(DAY.date(), items)
    assert list(placed(g)) == ["today"] and [c.room for c in g.columns] == ["A"]


def test_a_day_with_nothing_scheduled_draws_no_grid():
    unscheduled = PlannedSession(key="tba", code="", title="TBA", room="A")
    for items in ([], [unscheduled]):
        g = layout(DAY.date(), items)
        assert (g.rows, g.columns, g.blocks, g.labels) == (0, [], [], [])


def test_a_zero_minute_item_gets_one_row_inside_the_grid():
    """ "Closing" at 10:45 with no duration, a group photo across the rooms likewise: each is one 5-minute row."""
    items = [
        s("talk", "A", at(10, 0), 45),
        s("closing", "B", at(10, 45), 0),
        s("photo", "", at(10, 45), 0, is_break=True),
    ]
    g = layout(DAY.date(), items)
    assert g.rows == 10  # 10:00 to 10:50
    assert placed(g) == {"talk": (2, 11, 2, 3), "closing": (11, 12, 3, 4), "photo": (11, 12, 2, 4)}
    assert max(b.row_end for b in g.blocks) == g.rows + 2


def test_a_break_in_a_room_and_a_talk_without_a_room_get_columns():
    items = [
        s("opening", "", at(10, 0), 30),  # a talk with no room: the "(no room)" column
        s("talk", "A", at(10, 0), 45),
        s("coffee", "Foyer", at(10, 45), 15, is_break=True),  # a break with a room stays in that room
    ]
    g = layout(DAY.date(), items)
    assert [(c.room, c.col_start, c.col_end) for c in g.columns] == [("", 2, 3), ("A", 3, 4), ("Foyer", 4, 5)]
    assert placed(g) == {"opening": (2, 8, 2, 3), "talk": (2, 11, 3, 4), "coffee": (11, 14, 4, 5)}


def test_a_break_at_odd_minutes_covers_its_rows_outwards_and_only_the_rooms_there_are():
    """Lunch 12:03-12:58 across a one-room day: rows from 12:00 to 13:00, one column wide."""
    g = layout(DAY.date(), [s("talk", "A", at(10, 0), 120), s("lunch", "", at(12, 3), 55, is_break=True)])
    assert placed(g)["lunch"] == (26, 38, 2, 3)
    assert g.width == 3


# --- pages of a very full day (issue 17), with a small limit ---------------------------------------------


def keys(page):
    return sorted(x.key for x in page.sessions)


def test_a_full_day_is_split_by_room_in_the_conference_order_and_a_huge_room_by_time():
    main = [s(f"m{i}", "Main", at(9, 0) + timedelta(minutes=30 * i), 30) for i in range(1, 8)]
    items = [
        *main[3:],  # the source lists the room's talks out of time order
        *main[:3],
        s("r10a", "Room 10", at(10, 0), 30),
        s("r10b", "Room 10", at(11, 0), 30),
        s("r9", "Room 9", at(10, 0), 30),
        s("coffee", "Room 9", at(10, 30), 15, is_break=True),  # a break with a room stays in its room
        s("h1", "Hall", at(10, 0), 30),
        s("h2", "Hall", at(11, 0), 30),
        s("opening", "", at(9, 0), 30),  # a talk without a room is a room of its own
        s("lunch", "", at(12, 0), 60, is_break=True),  # a break without a room is on every page
    ]
    found = pages(items, ["Main", "Hall"], limit=3)
    assert [(p.label, keys(p)) for p in found] == [
        ("Main (1/3)", ["lunch", "m1", "m2", "m3"]),
        ("Main (2/3)", ["lunch", "m4", "m5", "m6"]),
        ("Main (3/3)", ["lunch", "m7"]),
        ("Hall – -", ["h1", "h2", "lunch", "opening"]),
        ("Room 9", ["coffee", "lunch", "r9"]),
        ("Room 10", ["lunch", "r10a", "r10b"]),
    ]
    # Every talk is on exactly one page; only the room-less break repeats.
    shown = [x.key for p in found for x in p.sessions if x.key != "lunch"]
    assert sorted(shown) == sorted(x.key for x in items if x.key != "lunch")


def test_a_day_of_only_breaks_over_the_limit_still_has_a_page():
    breaks = [s(f"break{i}", "", at(10 + i, 0), 15, is_break=True) for i in range(3)]
    found = pages(breaks, limit=2)
    assert [keys(p) for p in found] == [["break0", "break1", "break2"]]
