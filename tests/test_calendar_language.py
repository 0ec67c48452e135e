"""Calendars and the plan spreadsheet speak the conference's language, or the reader's Japanese (QA #10).

QA: with Accept-Language ja the calendar still said "Links:", "My notes:" and was named "… (my plan)",
and the CSV's statuses were English. A file speaks Japanese when it is downloaded from a page shown in
Japanese, else the conference's language (the timetable's, else the reader's); the feed and the CLI,
which have no reader, the conference's own (its titles' language when the timetable names none).
"""

from __future__ import annotations

import csv
import io

import icalendar
import pytest

from conference import store
from tests.japanese_day import CANCELLED, NAME, NOTED, OWN, make_day

ENGLISH_CSV = (
    "code,date,start,end,room,title,speakers,slides\n"
    "K1,2026-09-12,10:00,10:45,Main hall,Scaling Postgres,Ada Lovelace,https://speakerdeck.com/example/pg\n"
    "K2,2026-09-12,11:00,11:45,Main hall,Rust in production,Grace Hopper,\n"
    "K3,2026-09-12,11:00,11:45,Side room,Observability basics,Alan Turing,\n"
)
JA_WORDS = ("スライド: ", "リンク: ", "自分のメモ:")
EN_WORDS = ("Slides: ", "Links: ", "My notes:")


@pytest.fixture
def japanese(app, db_path, tmp_path, client):
    """Issue 13's Japanese day: the timetable names no language, its titles are Japanese."""
    slug = make_day(db_path, tmp_path)
    client.post(f"/api/c/{slug}/note/{NOTED}", json={"text": "会場は満席", "base_version": 1})
    return slug


@pytest.fixture
def english(app, runner, tmp_path, client):
    source = tmp_path / "devconf.csv"
    source.write_text(ENGLISH_CSV, "utf-8")
    assert runner.invoke(args=["import", str(source), "--name", "DevConf 2026", "--slug", "devconf"]).exit_code == 0
    assert runner.invoke(args=["mark", "devconf", "K1", "K2", "--status", "going"]).exit_code == 0
    assert runner.invoke(args=["mark", "devconf", "K3", "--status", "interested"]).exit_code == 0
    assert runner.invoke(args=["link", "devconf", "K1", "https://github.com/example/pg-scale"]).exit_code == 0
    client.post("/api/c/devconf/note/K1", json={"text": "full room", "base_version": 0})
    return "devconf"


def calendar(client, path: str, lang: str = "en") -> tuple[str, str]:
    """(the calendar's name, every event's description) of a download, read back with icalendar."""
    response = client.get(path, headers={"Accept-Language": lang})
    assert response.status_code == 200, path
    cal = icalendar.Calendar.from_ical(response.data)
    descriptions = "\n".join(str(e.get("DESCRIPTION", "")) for e in cal.walk("VEVENT"))
    return str(cal.get("X-WR-CALNAME", "")), descriptions


def table(client, path: str, lang: str = "en") -> list[list[str]]:
    body = client.get(path, headers={"Accept-Language": lang}).get_data(as_text=True)
    assert body.startswith("\ufeff")  # Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(body[1:])))


def test_a_japanese_conference_gives_japanese_calendars_to_every_reader(japanese, client):
    for reader in ("en", "ja"):
        name, text = calendar(client, f"/c/{japanese}/plan.ics?notes=1", reader)
        assert name == f"{NAME}（自分の予定）"
        assert all(word in text for word in JA_WORDS), (reader, text)
        assert not any(word in text for word in EN_WORDS), reader
        assert "自分のメモ:\n会場は満席" in text
        name, _ = calendar(client, f"/c/{japanese}/plan.ics?interested=1", reader)
        assert name == f"{NAME}（自分の予定と気になるセッション）"
        _name, text = calendar(client, f"/c/{japanese}/timetable.ics", reader)
        assert "スライド: https://speakerdeck.com/example/k8s-kandokoro" in text and "Slides:" not in text
        _name, text = calendar(client, f"/c/{japanese}/ics/A10", reader)
        assert "スライド: " in text and "Slides:" not in text


def test_an_english_conference_speaks_english_unless_the_page_is_japanese(english, client):
    name, text = calendar(client, f"/c/{english}/plan.ics?notes=1", "en")
    assert name == "DevConf 2026 (my plan)"
    assert all(word in text for word in EN_WORDS) and "My notes:\nfull room" in text
    name, text = calendar(client, f"/c/{english}/plan.ics?notes=1", "ja")
    assert name == "DevConf 2026（自分の予定）"
    assert all(word in text for word in JA_WORDS) and not any(word in text for word in EN_WORDS)
    # The language chosen on the page (its cookie) counts like the browser's.
    client.set_cookie("lang", "ja")
    name, _ = calendar(client, f"/c/{english}/plan.ics", "en")
    assert name == "DevConf 2026（自分の予定）"


def test_the_plan_spreadsheet_speaks_the_readers_language(english, japanese, client):
    rows = table(client, f"/c/{english}/plan.csv", "en")
    assert rows[0] == [
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
    ]
    assert {r[3]: r[7] for r in rows[1:]} == {"K1": "attended", "K2": "going", "K3": "interested"}
    rows = table(client, f"/c/{english}/plan.csv", "ja")
    assert rows[0] == [
        "日付",
        "開始",
        "終了",
        "コード",
        "タイトル",
        "会場",
        "登壇者",
        "状態",
        "中止",
        "スライド",
        "メモ",
    ]
    assert {r[3]: r[7] for r in rows[1:]} == {"K1": "参加した", "K2": "行く", "K3": "気になる"}
    rows = table(client, f"/c/{japanese}/plan.csv", "en")  # a Japanese conference: Japanese for everyone
    statuses = {r[3]: (r[7], r[8]) for r in rows[1:]}
    assert statuses[OWN] == ("登壇する", "") and statuses[NOTED] == ("参加した", "")
    assert statuses[CANCELLED] == ("行く", "中止")


def test_the_feed_and_the_cli_speak_the_conferences_language(english, japanese, client, runner, db_path):
    db = store.connect(db_path)
    tokens = {slug: store.feed_token(db, store.conference(db, slug)) for slug in (english, japanese)}
    db.close()
    name, _ = calendar(client, f"/feeds/{tokens[japanese]}/plan.ics", "en")
    assert name == f"{NAME}（自分の予定）"
    name, _ = calendar(client, f"/feeds/{tokens[english]}/plan.ics", "ja")
    assert name == "DevConf 2026 (my plan)"
    for args, name in (([], f"{NAME}（自分の予定）"), (["--lang", "en"], f"{NAME} (my plan)")):
        cal = icalendar.Calendar.from_ical(runner.invoke(args=["ics", japanese, "--notes", *args]).stdout_bytes)
        text = "\n".join(str(e.get("DESCRIPTION", "")) for e in cal.walk("VEVENT"))
        assert str(cal["X-WR-CALNAME"]) == name
        assert ("My notes:\n会場は満席" if args else "自分のメモ:\n会場は満席") in text
