"""Planning: marks, clashes on real times, choices, my day, share links, now/next, search, CLI."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from conference import planning
from conference.model import PlannedSession, conference_day

SLUG = "demo-tech-festa-2026"
TZ = ZoneInfo("Asia/Tokyo")


def s(key, start, minutes, status=None, room="A", is_break=False, title=None):
    return PlannedSession(
        key=key,
        code="",
        title=title or key,
        start=start,
        end=start + timedelta(minutes=minutes),
        status=status,
        room=room,
        is_break=is_break,
        day=conference_day(start),
    )


T = datetime(2026, 7, 25, 13, 0, tzinfo=TZ)


def test_clashes_use_real_times_not_slots():
    items = [
        s("long", T, 90, "going"),  # spans two 45-minute slots
        s("second-slot", T + timedelta(minutes=45), 45, "going", "B"),
        s("touching", T + timedelta(minutes=90), 30, "going", "C"),  # starts when "long" ends: no clash
        s("short", T + timedelta(minutes=5), 10, "interested", "D"),  # interested never clashes
        s("speaking", T + timedelta(minutes=100), 20, "speaking", "E"),
    ]
    found = planning.clashes(items)
    assert found == {
        "long": ["second-slot"],
        "second-slot": ["long"],
        "touching": ["speaking"],
        "speaking": ["touching"],
    }


def test_choices_group_overlapping_shortlist_until_one_is_picked():
    a, b, c = (
        s("a", T, 45, "interested"),
        s("b", T, 45, "interested", "B"),
        s("c", T + timedelta(hours=2), 45, "interested"),
    )
    [choice] = planning.choices([a, b, c])
    assert [o.key for o in choice.options] == ["a", "b"]
    a = replace(a, status="going")
    assert planning.choices([a, b, c]) == []


def test_my_day_has_gaps_breaks_and_room_changes():
    lunch = s("lunch", T - timedelta(minutes=75), 75, room="", is_break=True, title="Lunch")
    items = [
        s("morning", T - timedelta(hours=2), 45, "going", "Track A"),
        lunch,
        s("after", T, 45, "going", "Track B"),
        s("next", T + timedelta(minutes=45), 45, "attended", "Track B"),
        s("skip", T, 45, "interested", "Track C"),
    ]
    day = planning.my_day(items, T.date())
    assert [(i.kind, i.session.key if i.session else None) for i in day] == [
        ("session", "morning"),
        ("gap", None),
        ("session", "after"),
        ("session", "next"),
    ]
    assert [b.title for b in day[1].breaks] == ["Lunch"]
    assert (day[2].room_change, day[3].room_change) == ("Track B", "")


def test_now_and_next():
    items = [s("on", T, 45, "going"), s("other", T, 45, None, "B"), s("later", T + timedelta(hours=1), 45, "going")]
    state = planning.now_and_next(items, T + timedelta(minutes=10))
    assert [x.key for x in state.mine_now] == ["on"]
    assert [x.key for x in state.mine_next] == ["later"]
    assert [x.key for x in state.elsewhere_now] == ["other"]


def test_a_talk_without_a_time_overlaps_nothing():
    tba = PlannedSession(key="tba", code="", title="TBA", status="going")
    assert not planning.overlaps(tba, s("a", T, 45, "attended")) and not planning.overlaps(s("a", T, 45), tba)


def test_a_choice_runs_from_the_first_start_to_the_last_end():
    """A 90-minute workshop with a short talk inside it: pick one, 13:00-14:30 (not 13:30, not 14:00)."""
    workshop, talk = s("workshop", T, 90, "interested"), s("talk", T + timedelta(minutes=30), 30, "interested", "B")
    [choice] = planning.choices([talk, workshop])
    assert (choice.start, choice.end) == (T, T + timedelta(minutes=90))
    assert [o.key for o in choice.options] == ["workshop", "talk"]


def _read(day):
    """My day as the page lists it: a talk's own times and title, a gap's times and what it is."""
    lines = []
    for i in day:
        if i.kind == "gap":
            lines.append((f"{i.start:%H:%M}-{i.end:%H:%M}", ", ".join(b.title for b in i.breaks) or "Free time"))
        else:
            lines.append((f"{i.session.start:%H:%M}-{i.session.end:%H:%M}", i.session.title))
    return lines


def test_my_day_gaps_are_free_time_not_the_talks_i_skip_and_five_minutes_count():
    items = [
        s("a", T, 45, "going", "A"),
        s("skipped", T + timedelta(minutes=45), 45, None, "B"),  # on in the gap, not mine
        s("c", T + timedelta(minutes=90), 40, "going", "A"),
        s("d", T + timedelta(minutes=135), 45, "going", "A"),  # 5 minutes after c
    ]
    assert _read(planning.my_day(items, T.date())) == [
        ("13:00-13:45", "a"),
        ("13:45-14:30", "Free time"),
        ("14:30-15:10", "c"),
        ("15:10-15:15", "Free time"),
        ("15:15-16:00", "d"),
    ]


def test_my_day_has_no_free_time_while_a_long_talk_of_mine_is_still_on():
    """Going to a 2-hour workshop and (a clash) a short talk inside it: no free time after the short one."""
    items = [
        s("workshop", T, 120, "going", "A"),
        s("short", T + timedelta(minutes=30), 30, "going", "B"),
        s("after", T + timedelta(minutes=120), 45, "going", "A"),
    ]
    assert _read(planning.my_day(items, T.date())) == [
        ("13:00-15:00", "workshop"),
        ("13:30-14:00", "short"),
        ("15:00-15:45", "after"),
    ]


def test_my_day_free_time_around_breaks_five_minutes_count_and_a_break_shows_once():
    """Five minutes before lunch and after coffee are free time; lunch, listed once per room, shows once;
    breaks come in time order even when the timetable lists them room by room (coffee before lunch)."""
    h = timedelta(hours=1)
    items = [
        s("Coffee", T + h, 15, room="", is_break=True),  # 14:00-14:15
        s("Lunch", T - h, 60, room="A", is_break=True),  # 12:00-13:00, in every room
        s("Lunch", T - h, 60, room="B", is_break=True),
        s("morning", T - timedelta(minutes=110), 45, "going", "A"),  # 11:10-11:55
        s("afternoon", T + timedelta(minutes=80), 45, "going", "A"),  # 14:20-15:05
    ]
    assert _read(planning.my_day(items, T.date())) == [
        ("11:10-11:55", "morning"),
        ("11:55-12:00", "Free time"),
        ("12:00-13:00", "Lunch"),
        ("13:00-14:00", "Free time"),
        ("14:00-14:15", "Coffee"),
        ("14:15-14:20", "Free time"),
        ("14:20-15:05", "afternoon"),
    ]


def _in_its_place(sessions, key):
    """My day with only the cancelled talk `key` marked: its row as (kind, talk, the talk named in its place)."""
    marked = [replace(x, status="going", cancelled=True) if x.key == key else x for x in sessions]
    [row] = planning.my_day(marked, T.date())
    return row.kind, row.session.key, row.replacement.key if row.replacement else None


def test_my_day_names_the_talk_in_a_cancelled_ones_place_from_its_own_room_and_start():
    """B40 (Track B, 13:00-13:45) was cancelled; two short talks fill its slot. "In its place" names the one
    starting at 13:00 in Track B: not the talk next door at 13:00, not the second short one, not B's next talk."""
    sessions = [
        s("B40-second-half", T + timedelta(minutes=20), 25, None, "B"),
        s("A40", T, 45, None, "A"),
        s("B40", T, 45, None, "B"),
        s("B40-first-half", T, 20, None, "B"),
        s("B50", T + timedelta(minutes=45), 45, None, "B"),
    ]
    assert _in_its_place(sessions, "B40") == ("session", "B40", "B40-first-half")


def test_my_day_names_nothing_in_a_cancelled_talks_place_when_its_slot_stayed_empty():
    """Track B's 14:30 talk was cancelled and nothing replaced it: other rooms at 14:30, Track B's talks before
    and after it and a coffee break at its time are not "in its place"."""
    at = T + timedelta(minutes=90)
    sessions = [
        s("A50", at, 45, None, "A"),
        s("B40", at - timedelta(minutes=45), 45, None, "B"),
        s("B50", at, 45, None, "B"),
        s("Coffee", at, 15, room="", is_break=True),
        s("B60", at + timedelta(minutes=45), 45, None, "B"),
    ]
    assert _in_its_place(sessions, "B50") == ("session", "B50", None)


def test_my_day_names_a_talk_at_the_same_time_for_a_cancelled_talk_without_a_room():
    """A cancelled talk the timetable gave no room: what starts at its time (the first room's), not a
    room-less talk that merely overlaps it nor the next talk."""
    sessions = [
        s("in-B", T, 45, None, "B"),
        s("in-A", T, 45, None, "A"),
        s("lightning", T - timedelta(minutes=15), 30, None, ""),  # 12:45-13:15, no room either
        s("keynote", T, 45, None, ""),
        s("next", T + timedelta(minutes=45), 45, None, "A"),
    ]
    assert _in_its_place(sessions, "keynote") == ("session", "keynote", "in-A")


def test_now_and_next_at_the_very_start_and_end_of_a_talk():
    first, second = s("first", T, 45, "going"), s("second", T + timedelta(minutes=45), 45, "going")
    other = s("other", T, 45, None, "B")
    at_start = planning.now_and_next([first, second, other], T)
    assert [x.key for x in at_start.mine_now] == ["first"] and [x.key for x in at_start.mine_next] == ["second"]
    assert [x.key for x in at_start.elsewhere_now] == ["other"]
    at_end = planning.now_and_next([first, second, other], T + timedelta(minutes=45))
    assert [x.key for x in at_end.mine_now] == ["second"] and at_end.mine_next == [] and at_end.elsewhere_now == []


def test_a_cancelled_talk_is_neither_now_nor_next():
    items = [s("gone", T, 45, "going"), s("gone-later", T + timedelta(hours=1), 45, "going")]
    items = [replace(x, cancelled=True) for x in items] + [s("kept", T + timedelta(hours=2), 45, "going")]
    state = planning.now_and_next(items, T + timedelta(minutes=10))
    assert state.mine_now == [] and state.elsewhere_now == [] and [x.key for x in state.mine_next] == ["kept"]


def test_without_a_plan_now_shows_what_starts_next_anywhere():
    """Nothing marked: "Starting next" lists the talks of the next start time (not a past talk, not a break)."""
    items = [
        s("morning", T - timedelta(hours=3), 45, None, "B"),
        s("photo", T - timedelta(minutes=30), 10, room="", is_break=True),
        s("x", T, 45, None, "A"),
        s("y", T, 45, None, "B"),
        s("z", T + timedelta(minutes=45), 45, None, "A"),
    ]
    before = planning.now_and_next(items, T - timedelta(minutes=45))
    assert before.mine_next == [] and [x.key for x in before.next_up] == ["x", "y"]
    at_start = planning.now_and_next(items, T)
    assert [x.key for x in at_start.elsewhere_now] == ["x", "y"] and [x.key for x in at_start.next_up] == ["z"]


# --- through the app --------------------------------------------------------------------------


def test_mark_without_javascript_redirects_back_and_grid_shows_it(client):
    response = client.post(f"/c/{SLUG}/mark", data={"key": "B20", "status": "going", "next": f"/c/{SLUG}/"})
    assert response.status_code == 303 and response.headers["Location"] == f"/c/{SLUG}/"
    html = client.get(f"/c/{SLUG}/").get_data(as_text=True)
    assert 'data-key="B20" data-status="going"' in html


def test_mark_with_javascript_answers_json_with_clashes(client):
    client.post(f"/c/{SLUG}/mark", data={"key": "A20", "status": "going"}, headers={"Accept": "application/json"})
    response = client.post(
        f"/c/{SLUG}/mark", data={"key": "B20", "status": "going"}, headers={"Accept": "application/json"}
    )
    assert response.get_json() == {"statuses": {"B20": "going"}, "clashes": {"A20": ["B20"], "B20": ["A20"]}}
    # Keep one: B20 stays going, A20 goes back to the shortlist.
    response = client.post(
        f"/c/{SLUG}/mark",
        data={"key": "B20", "status": "going", "demote": "A20"},
        headers={"Accept": "application/json"},
    )
    assert response.get_json() == {"statuses": {"A20": "interested", "B20": "going"}, "clashes": {}}


def test_unknown_status_or_session_is_refused(client):
    assert client.post(f"/c/{SLUG}/mark", data={"key": "B20", "status": "maybe"}).status_code == 400
    assert client.post(f"/c/{SLUG}/mark", data={"key": "ZZZ", "status": "going"}).status_code == 404


def test_session_page_shows_clash_and_keep_this_one(client):
    client.post(f"/c/{SLUG}/mark", data={"key": "A20", "status": "going"})
    client.post(f"/c/{SLUG}/mark", data={"key": "C20", "status": "going"})
    html = client.get(f"/c/{SLUG}/s/A20").get_data(as_text=True)
    assert (
        "Clash: at the same time you are also down for" in html and "C20: Looking inside the kernel with eBPF" in html
    )
    assert '<input type="hidden" name="demote" value="C20">' in html


def test_chooser_and_my_day(client):
    for key in ("A30", "B30", "C30"):
        client.post(f"/c/{SLUG}/mark", data={"key": key, "status": "interested"})
    html = client.get(f"/c/{SLUG}/choose").get_data(as_text=True)
    assert html.count('class="option"') == 3 and "14:00–14:45" in html
    client.post(f"/c/{SLUG}/mark", data={"key": "C30", "status": "going"})
    client.post(f"/c/{SLUG}/mark", data={"key": "A10", "status": "going"})
    assert 'class="option"' not in client.get(f"/c/{SLUG}/choose").get_data(as_text=True)
    day = client.get(f"/c/{SLUG}/my").get_data(as_text=True)
    assert re.search(r"11:00–11:45</span>\s*<span class=\"where\">Track A", day)
    # The break at its own times, then the free time up to the next talk (QA 15).
    assert "11:45–13:00 · 昼休み / Lunch break" in day and "13:00–14:00 · Free time" in day
    assert '<strong class="room-change">→ Track C</strong>' in day


def _slot(day_html: str, key: str) -> str:
    """One talk's line on My day (its <li>)."""
    return re.search(rf'<li class="slot[^"]*" data-key="{key}".*?</li>', day_html, re.S).group(0)


def test_a_going_talk_at_the_time_of_an_attended_one_is_a_clash_with_no_walk_to_it(client):
    """Visual review: A10 attended (11:00, Track A) and B10 going at 11:00 (Track B) read as one after
    the other, with "→ Track B" to walk to. Both are flagged; keeping the attended one moves B10 back."""
    client.post(f"/c/{SLUG}/mark", data={"key": "A10", "status": "attended"})
    client.post(f"/c/{SLUG}/mark", data={"key": "B10", "status": "going"})
    client.post(f"/c/{SLUG}/share", data={"action": "new"})
    link = re.search(r'value="http://localhost(/p/[^"]+)"', client.get(f"/c/{SLUG}/share").get_data(as_text=True))
    for page in (f"/c/{SLUG}/my", link.group(1)):  # my day, and the shared read-only page
        day = client.get(page).get_data(as_text=True)
        going, attended = _slot(day, "B10"), _slot(day, "A10")
        assert 'class="slot clash"' in going and 'class="slot clash"' in attended, page
        assert "room-change" not in going and "→" not in going, page
    # On the attended talk, "Keep this one" keeps it attended and moves B10 back to the shortlist; the
    # going one offers no button that could move an attended talk.
    keep = _slot(client.get(f"/c/{SLUG}/my").get_data(as_text=True), "A10")
    assert '<input type="hidden" name="status" value="attended">' in keep
    assert '<input type="hidden" name="demote" value="B10">' in keep
    assert "Keep this one" not in _slot(client.get(f"/c/{SLUG}/my").get_data(as_text=True), "B10")
    client.post(f"/c/{SLUG}/mark", data={"key": "A10", "status": "attended", "demote": "B10"})
    day = client.get(f"/c/{SLUG}/my").get_data(as_text=True)
    assert "B10" not in day and 'class="slot clash"' not in day
    # The session page says it too, with the other talk's status.
    client.post(f"/c/{SLUG}/mark", data={"key": "B10", "status": "going"})
    html = client.get(f"/c/{SLUG}/s/B10").get_data(as_text=True)
    assert "Clash: at the same time you are also down for" in html and "(Track A) · Attended" in html


def test_two_attended_talks_at_the_same_time_are_no_clash():
    a = s("a", T, 45, "attended", "A")
    b = s("b", T, 45, "attended", "B")
    c = s("c", T + timedelta(minutes=30), 45, "going", "C")
    assert planning.clashes([a, b]) == {"a": [], "b": []}
    assert planning.clashes([a, b, c]) == {"a": ["c"], "b": ["c"], "c": ["a", "b"]}


def test_moved_and_cancelled_marked_sessions_are_flagged(client, runner, tmp_path):
    from pathlib import Path

    fixture = Path(__file__).parent / "fixtures" / "mini.json"
    runner.invoke(args=["import", str(fixture), "--slug", "mini"])
    client.post("/c/mini/mark", data={"key": "11111111-0000-4000-8000-000000000003", "status": "going"})
    client.post("/c/mini/mark", data={"key": "11111111-0000-4000-8000-000000000002", "status": "going"})
    doc = json.loads(fixture.read_text("utf-8"))
    rooms = doc["schedule"]["conference"]["days"][0]["rooms"]
    rooms["Track A"][1]["date"] = "2026-07-25T13:15:00+09:00"
    rooms["Track B"] = []
    changed = tmp_path / "mini.json"
    changed.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    result = runner.invoke(args=["import", str(changed), "--slug", "mini"])
    assert "1 changed, 1 cancelled" in result.output
    day = client.get("/c/mini/my").get_data(as_text=True)
    assert "Moved from 13:00" in day and "Cancelled" in day
    grid = client.get("/c/mini/").get_data(as_text=True)
    assert "Moved from 13:00" in grid
    page = client.get("/c/mini/s/11111111-0000-4000-8000-000000000002").get_data(as_text=True)
    assert "Cancelled: this session is no longer in the timetable." in page


def test_share_link_is_read_only_and_revocable(client):
    client.post(f"/c/{SLUG}/mark", data={"key": "D40", "status": "going"})
    client.post(f"/c/{SLUG}/share", data={"action": "new"})
    link = re.search(
        r'value="(http://localhost/p/[^"]+)"', client.get(f"/c/{SLUG}/share").get_data(as_text=True)
    ).group(1)
    path = link.removeprefix("http://localhost")
    shared = client.get(path).get_data(as_text=True)
    assert "Security scanning inside CI" in shared and "<form" not in shared.split("<main>")[1]
    client.post(f"/c/{SLUG}/share", data={"action": "new"})
    assert client.get(path).status_code == 404
    new = re.search(r'value="http://localhost(/p/[^"]+)"', client.get(f"/c/{SLUG}/share").get_data(as_text=True)).group(
        1
    )
    assert client.get(new).status_code == 200
    client.post(f"/c/{SLUG}/share", data={"action": "revoke"})
    assert client.get(new).status_code == 404


def test_now_page_follows_the_clock_parameter(client):
    client.post(f"/c/{SLUG}/mark", data={"key": "E30", "status": "going"})
    client.post(f"/c/{SLUG}/mark", data={"key": "A40", "status": "going"})
    html = client.get(f"/c/{SLUG}/now?at=2026-07-25T14:10").get_data(as_text=True)
    mine, nxt, elsewhere = html.split("<h2>")[1:4]
    assert "E30" in mine and "A40" in nxt
    assert "A30" in elsewhere and "F30" in elsewhere and "E30" not in elsewhere
    assert client.get(f"/c/{SLUG}/now?at=soon").status_code == 400


def test_search_finds_japanese_words_and_filters(client):
    def keys(query):
        html = client.get(f"/c/{SLUG}/list", query_string=query).get_data(as_text=True)
        return re.findall(r'class="item" data-key="([^"]+)"', html)

    assert sorted(keys({"q": "入門"})) == ["C10", "D30"]
    assert keys({"q": "運用の"}) == ["A10"]
    assert keys({"q": "kubernetes"}) == ["A10", "F30"]
    assert keys({"q": "佐藤"}) == ["B10"]
    assert keys({"q": "Kubernetes", "room": "Track F"}) == ["F30"]
    client.post(f"/c/{SLUG}/mark", data={"key": "F30", "status": "interested"})
    assert keys({"status": "interested"}) == ["F30"]
    assert keys({"q": "zzzz-nothing"}) == []


def test_cli_mark_and_sessions_json_show_status_and_clashes(runner):
    result = runner.invoke(args=["mark", SLUG, "A20", "B20", "--status", "going"])
    assert result.exit_code == 0 and "clash: A20 overlaps B20" in result.output
    rows = {r["key"]: r for r in json.loads(runner.invoke(args=["sessions", SLUG, "--json"]).stdout)}
    assert rows["A20"]["status"] == "going" and rows["A20"]["clashes"] == ["B20"]
    assert rows["C20"]["status"] is None and rows["C20"]["clashes"] == []
    runner.invoke(args=["mark", SLUG, "B20", "--status", "none"])
    rows = {r["key"]: r for r in json.loads(runner.invoke(args=["sessions", SLUG, "--json"]).stdout)}
    assert rows["B20"]["status"] is None and rows["A20"]["clashes"] == []
    bad = runner.invoke(args=["mark", SLUG, "NOPE", "--status", "going"])
    assert bad.exit_code == 1 and "No session 'NOPE'" in bad.output


def test_day_boundaries_in_my_day():
    """A conference day runs from 06:00 to 06:00: a talk after midnight stays on the evening before's day."""
    midnight = datetime(2026, 7, 26, 0, 0, tzinfo=TZ)
    items = [
        s("first-morning", midnight - timedelta(hours=18), 45, "going"),  # 25th 06:00
        s("late", midnight - timedelta(minutes=30), 45, "going"),  # 25th 23:30, ends after midnight
        s("after-midnight", midnight + timedelta(hours=1, minutes=30), 45, "speaking"),  # 26th 01:30
        s("five-fifty-nine", midnight + timedelta(hours=5, minutes=59), 30, "attended"),  # still the 25th
        s("six", midnight + timedelta(hours=6), 45, "going"),  # the 26th begins
        s("only-interested", midnight + timedelta(days=1, hours=10), 45, "interested"),  # no day of mine
        s("lunch", midnight + timedelta(hours=12), 60, room="", is_break=True),
    ]
    assert [x.day for x in items[:5]] == [date(2026, 7, 25)] * 4 + [date(2026, 7, 26)]
    assert planning.plan_days(items) == [date(2026, 7, 25), date(2026, 7, 26)]
    first = planning.my_day(items, date(2026, 7, 25))
    assert [i.session.key for i in first if i.session] == ["first-morning", "late", "after-midnight", "five-fifty-nine"]
    assert [i.session.key for i in planning.my_day(items, date(2026, 7, 26)) if i.session] == ["six"]


def test_back_to_back_talks_are_not_a_clash():
    """One talk ends at 13:45 and the next starts at 13:45 in another room: both can be attended."""
    first = s("first", T, 45, "going", "A")
    second = s("second", T + timedelta(minutes=45), 45, "going", "B")
    late_by_a_minute = s("third", T + timedelta(minutes=44), 45, "speaking", "C")
    assert not planning.overlaps(first, second) and not planning.overlaps(second, first)
    assert planning.overlaps(first, late_by_a_minute) and planning.overlaps(late_by_a_minute, first)
    assert planning.clashes([first, second]) == {"first": [], "second": []}
    assert planning.clashes([second, first, late_by_a_minute]) == {
        "first": ["third"],
        "third": ["first", "second"],
        "second": ["third"],
    }
    assert planning.choices([replace(first, status="interested"), replace(second, status="interested")]) == []


def test_search_follows_a_reimport(runner, client, tmp_path):
    from pathlib import Path

    fixture = Path(__file__).parent / "fixtures" / "mini.json"
    runner.invoke(args=["import", str(fixture), "--slug", "mini"])

    def keys(q):
        html = client.get("/c/mini/list", query_string={"q": q}).get_data(as_text=True)
        return re.findall(r'class="item" data-key="([^"]+)"', html)

    assert keys("Kubernetes") == ["11111111-0000-4000-8000-000000000001"]
    changed = tmp_path / "m.json"
    changed.write_text(fixture.read_text("utf-8").replace("Kubernetes 入門", "Nomad 入門"), "utf-8")
    runner.invoke(args=["import", str(changed), "--slug", "mini"])
    assert keys("Kubernetes") == [] and keys("Nomad") == ["11111111-0000-4000-8000-000000000001"]
