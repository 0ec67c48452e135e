"""A synthetic 2,000-session, 10-room, 4-day timetable for the benchmarks (deterministic)."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..model import Session, Timetable, zone

WORDS = [
    "Kubernetes",
    "運用",
    "Observability",
    "監視",
    "Terraform",
    "SRE",
    "インシデント",
    "Rust",
    "Go",
    "PostgreSQL",
    "eBPF",
    "セキュリティ",
    "CI/CD",
    "Platform",
    "チーム",
    "Cloud",
    "移行",
    "コスト",
    "Zero trust",
    "DevEx",
]


def synthetic_timetable(sessions: int = 2000, rooms: int = 10, days: int = 4) -> Timetable:
    tz = zone("Asia/Tokyo")
    per_room_day = sessions // (rooms * days)
    out = []
    for d in range(days):
        for r in range(rooms):
            start = datetime(2026, 7, 24 + d, 8, 0, tzinfo=tz)
            for i in range(per_room_day):
                n = len(out)
                title = f"{WORDS[n % 20]} と {WORDS[(n * 7) % 20]}: talk {n} / {WORDS[(n * 3) % 20]} in practice"
                code = f"{chr(65 + r)}{d}{i:02d}"
                out.append(
                    Session(
                        key=f"syn-{n}",
                        code=code,
                        title=title,
                        abstract=(f"{title}. " * 6).strip(),
                        start=start,
                        end=start + timedelta(minutes=15),
                        room=f"Room {chr(65 + r)}",
                        room_code=chr(65 + r),
                        track=WORDS[r],
                        type="talk",
                        language="ja" if n % 2 else "en",
                        speakers=[f"Speaker {n}", f"登壇者 {n + 1}"][: 1 + n % 2],
                        links=[{"url": f"https://speakerdeck.com/example/talk-{n}", "kind": "slides", "title": ""}]
                        if n % 3 == 0
                        else [],
                    )
                )
                start += timedelta(minutes=15)
    return Timetable(
        sessions=out, name="Synthetic 2000", timezone="Asia/Tokyo", rooms=[f"Room {chr(65 + r)}" for r in range(rooms)]
    )


def _slot(n: int, rooms: int, per_day: int) -> tuple[int, int, int]:
    """Session n's (day, room, slot of 15 minutes from 08:00): rooms fill up side by side."""
    day, rest = divmod(n, rooms * per_day)
    slot, room = divmod(rest, rooms)
    return day, room, slot


def heavy_csv(rows: int, size: int, rooms: int = 80) -> bytes:
    """A CSV of `rows` talks padded to about `size` bytes (abstracts), for the heavy-input runs (issue 17)."""
    per_day = 64
    pad = max(0, size // max(rows, 1) - 110)
    lines = ["id,date,start,end,room,title,speakers,abstract"]
    for n in range(rows):
        day, room, slot = _slot(n, rooms, per_day)
        start = datetime(2026, 7, 24, 8, 0) + timedelta(days=day, minutes=15 * slot)
        end = start + timedelta(minutes=15)
        abstract = (WORDS[n % 20] + " " + "x" * 40 + " ") * (pad // 50 + 1)
        lines.append(
            f"h{n},{start:%Y-%m-%d},{start:%H:%M},{end:%H:%M},Room {room},Talk {n} {WORDS[n % 20]},"
            f"Speaker {n},{abstract[:pad]}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def heavy_ics(events: int, size: int, rooms: int = 80) -> bytes:
    """An iCalendar file of `events` talks padded to about `size` bytes (descriptions)."""
    per_day = 64
    pad = max(0, size // max(events, 1) - 200)
    out = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//conference bench//heavy//EN", "X-WR-TIMEZONE:Asia/Tokyo"]
    for n in range(events):
        day, room, slot = _slot(n, rooms, per_day)
        start = datetime(2026, 7, 24, 8, 0) + timedelta(days=day, minutes=15 * slot)
        end = start + timedelta(minutes=15)
        description = ("x" * 70 + " ") * (pad // 71 + 1)
        out += [
            "BEGIN:VEVENT",
            f"UID:heavy-{n}@bench",
            f"DTSTART;TZID=Asia/Tokyo:{start:%Y%m%dT%H%M%S}",
            f"DTEND;TZID=Asia/Tokyo:{end:%Y%m%dT%H%M%S}",
            f"SUMMARY:Talk {n} {WORDS[n % 20]}",
            f"LOCATION:Room {room}",
            f"DESCRIPTION:{description[:pad]}",
            "END:VEVENT",
        ]
    out.append("END:VCALENDAR")
    return ("\r\n".join(out) + "\r\n").encode("utf-8")
