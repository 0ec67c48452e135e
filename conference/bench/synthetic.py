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
