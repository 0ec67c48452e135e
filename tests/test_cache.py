"""The one in-memory cache: bounded, shared safely by threads; calendars rebuild only what changed."""

from __future__ import annotations

import sys
import threading
from datetime import timedelta

from conference import store
from conference.cache import LRU
from conference.demo import demo_timetable
from conference.exports import EXPORTERS
from conference.exports.ics import EVENTS, CalendarOptions


def test_lru_keeps_the_most_recent_within_its_bounds():
    cache = LRU(3, max_weight=10)
    for key in "abc":
        cache.put(key, key * 2)
    assert cache.get("a") == "aa"  # now the most recent
    cache.put("d", "dd")
    assert "b" not in cache and "a" in cache and len(cache) == 3
    cache.put("e", "e" * 6)  # c, a, d weigh 6; with e's 6 that is over 10: the oldest (c) goes
    assert "c" not in cache and all(k in cache for k in "ade")
    cache.put("f", "f" * 4)  # 2 + 2 + 6 + 4: a and d go
    assert [k for k in "adef" if k in cache] == ["e", "f"]
    cache.put("huge", "x" * 11)  # larger than the whole cache: never kept
    assert "huge" not in cache
    assert cache.get_or_build("z", lambda: "zz") == "zz" and cache.get("z") == "zz"


def test_lru_shared_by_many_threads_stays_consistent():
    cache: LRU[str] = LRU(50, max_weight=400)
    errors = []

    def worker(n: int) -> None:
        try:
            for i in range(3000):
                key = (n * 7 + i) % 120
                assert cache.get_or_build(key, lambda key=key: "x" * (key % 13)) == "x" * (key % 13)
        except Exception as exc:  # reported below
            errors.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: races show at once
    try:
        threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    kept = [cache.get(key) for key in range(120) if key in cache]
    assert len(kept) == len(cache) <= 50 and cache.weight == sum(map(len, kept)) <= 400


def test_a_changed_timetable_rebuilds_only_the_changed_events(tmp_path):
    db = store.connect(tmp_path / "c.db")
    store.migrate(db)
    doc, timetable = demo_timetable()
    store.apply_import(db, doc["slug"], timetable)
    conf = store.conference(db, doc["slug"])
    timetable_ics = EXPORTERS["timetable-ics"]
    options = CalendarOptions(alarm_minutes=None)
    first = timetable_ics(conf, store.planned_sessions(db, conf), {}, options)
    misses = EVENTS.misses
    assert timetable_ics(conf, store.planned_sessions(db, conf), {}, options) == first
    assert EVENTS.misses == misses  # every event's text was kept
    _, again = demo_timetable()
    moved = next(s for s in again.sessions if s.key == "D20")
    moved.start, moved.end = moved.start + timedelta(minutes=5), moved.end + timedelta(minutes=5)
    store.apply_import(db, doc["slug"], again)
    second = timetable_ics(conf, store.planned_sessions(db, conf), {}, options)
    assert EVENTS.misses == misses + 1  # only D20 went through icalendar again
    assert second != first and b"DTSTART;TZID=Asia/Tokyo:20260725T130500" in second
    db.close()
