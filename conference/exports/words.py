"""The words the calendar, the spreadsheet and the notes zip write around the timetable's own text.

Exporters are pure (no Flask-Babel), so their few words live here in both languages, as the blog
draft's LABELS do in report.py. Which language a file speaks (`language`): Japanese when the reader
downloads it from a page shown in Japanese; else the conference's own language (`conference_language`:
the one its timetable names, else Japanese when most of its titles are written in Japanese). The
subscription feed and the CLI have no reader: the conference's language. An exporter given lang ""
decides it from the sessions it is handed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..model import Conference, PlannedSession

LANGUAGES = ("ja", "en")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")

WORDS = {
    "ja": {
        "plan": "{name}（自分の予定）",
        "plan_interested": "{name}（自分の予定と気になるセッション）",
        "slides": "スライド: ",
        "links": "リンク: ",
        "notes": "自分のメモ:",
        "cancelled": "中止",
        "header": ["日付", "開始", "終了", "コード", "タイトル", "会場", "登壇者", "状態", "中止", "スライド", "メモ"],
        "statuses": {
            "interested": "気になる",
            "going": "行く",
            "attended": "参加した",
            "speaking": "登壇する",
            "later": "あとで見る",
        },
        "when": "日時",
        "room": "会場",
        "code": "コード",
        "speakers": "登壇者",
        "cancelled_note": "（中止）",
    },
    "en": {
        "plan": "{name} (my plan)",
        "plan_interested": "{name} (my plan and shortlist)",
        "slides": "Slides: ",
        "links": "Links: ",
        "notes": "My notes:",
        "cancelled": "cancelled",
        "header": [
            "date",
            "start",
            "end",
            "code",
            "title",
            "room",
            "speakers",
            "status",
            "cancelled",
            "slides",
            "notes",
        ],
        "statuses": {
            "interested": "interested",
            "going": "going",
            "attended": "attended",
            "speaking": "speaking",
            "later": "later",
        },
        "when": "When",
        "room": "Room",
        "code": "Code",
        "speakers": "Speakers",
        "cancelled_note": " (cancelled)",
    },
}


def conference_language(conf: Conference, sessions: Iterable[PlannedSession] = ()) -> str:
    """ "ja" or "en": the timetable's language when it names one, else Japanese when at least half of
    the talks' titles (or the conference's name, without talks) are written in Japanese."""
    declared = (conf.language or "").lower()
    if declared:
        return "ja" if declared.startswith("ja") else "en"
    titles = [s.title for s in sessions if s.title and not s.is_break] or [conf.name]
    japanese = sum(1 for t in titles if _JAPANESE.search(t))
    return "ja" if japanese * 2 >= len(titles) else "en"


def language(conf: Conference, sessions: Iterable[PlannedSession] = (), reader: str = "") -> str:
    """The language a download speaks: "ja" when the reader's page is in Japanese, else the conference's."""
    return "ja" if (reader or "").lower().startswith("ja") else conference_language(conf, sessions)


def reader_language(reader: str) -> str:
    """What a download asks of an exporter for a reader: "ja" for a Japanese page, else "" (the
    exporter then speaks the conference's language, which it decides from the sessions it is given)."""
    return "ja" if (reader or "").lower().startswith("ja") else ""


def words(lang: str) -> dict:
    return WORDS["ja" if (lang or "").startswith("ja") else "en"]
