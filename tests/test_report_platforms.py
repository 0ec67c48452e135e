"""Issue 13's done-criterion, checked by the platforms' own tools (tests/realtools.py).

A Japanese-named conference's day (tests/japanese_day.py: a cancelled talk the user planned, a talk the
user gave, notes with `#learn` mid-line and `#done` starting a line) turned into every preset's draft,
then: Hugo builds it (summary at the divider, the talk list, the links), Jekyll builds it (dated file
name, published: false, excerpt_separator), zenn-cli shows it without an error or warning, qiita-cli's
publish checks pass, Hatena's rules hold (no tool runs Hatena: the rules and the preview's emulation),
and every calendar of the day reads the same in icalendar, ical.js and vobject.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
import yaml

from conference import store
from conference.exports import EXPORTERS, report
from conference.exports.ics import CalendarOptions
from conference.text import render_markdown_as
from tests.japanese_day import CANCELLED, OWN, make_day
from tests.realtools import hugo_build, icaljs_parse, jekyll_build, qiita_check, vobject_parse, zenn_check, zenn_view

NOW = datetime(2026, 7, 27, 21, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
OPENING = "夏のテック祭り 2026（2026年7月25日(土)〜26日(日)）に登壇・参加しました。"


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("platforms")
    db = tmp / "conference.db"
    slug = make_day(db, tmp)
    conn = store.connect(db)
    conf = store.conference(conn, slug)
    sessions = store.planned_sessions(conn, conf)
    texts = store.note_texts(conn, conf)
    conn.close()
    return conf, sessions, texts


def draft(day, preset: str, **options) -> tuple[str, str]:
    """(the draft's text, its download name) for `preset` with the seeds' usual options."""
    conf, sessions, texts = day
    chosen = report.Options(preset=preset, honorific="さん", retro=True, now=NOW, **options)
    return EXPORTERS["report"](conf, sessions, texts, chosen), report.file_name(conf, chosen)


def test_the_day_itself(day):
    conf, sessions, _texts = day
    assert conf.slug == "夏のテック祭り-2026" and conf.start_date == "2026-07-25" and conf.end_date == "2026-07-26"
    by_key = {s.key: s for s in sessions}
    assert by_key[CANCELLED].cancelled and by_key[CANCELLED].status == "going"
    assert by_key[OWN].status == "speaking"


def test_every_preset_says_who_spoke_what_was_cancelled_and_learned(day):
    for preset in report.PRESETS:
        text, name = draft(day, preset)
        assert name.isascii() and re.fullmatch(r"[0-9a-z\-_.]+", name), (preset, name)
        assert OPENING in text, preset
        assert "登壇・参加レポート" in text
        assert re.search(rf"^- 11:00-11:45 {CANCELLED}: .*（中止）$", text, re.M), preset
        attended = text.split("\n## 参加したセッション\n")[1].split("\n## ")[0]
        assert CANCELLED not in attended and "中止" not in attended, preset
        assert "\n## 中止になったセッション\n" in text, preset
        assert "- 登壇者: 大村 伸吾さん (Preferred Networks)" in text
        assert "- 登壇者: 自分 太郎 (Example Inc.)" in text  # the user's own talk: no honorific
        learn = text.split("### Learn")[1].split("\n## ")[0]
        assert "- etcd のバックアップが大事。復元手順も練習する。" in learn, preset
        assert "社内で共有した" in text.split("### Done")[1].split("###")[0]
        assert "timetable" not in text  # the uploaded file's name
        assert text.endswith("\n") and not text.endswith("\n\n")


@pytest.mark.slow
def test_hugo_builds_the_draft_with_its_summary_list_and_links(day):
    text, name = draft(day, "hugo")
    assert name == "conference-2026-report.md"
    page = hugo_build(text, filename=name)
    assert page.truncated  # the exact <!--more--> divider was found
    assert OPENING in page.summary and "参加したセッション" not in page.summary
    assert '<a href="https://speakerdeck.com/example/k8s-kandokoro">Kubernetes 運用の勘所</a>' in page.html
    assert re.search(
        r"<li>11:00-11:45 B30: <a href=\"https://speakerdeck.com/example/security\">[^<]*</a>（中止）</li>", page.html
    )
    assert '<a href="https://github.com/example/etcd-backup">etcd バックアップ手順</a>' in page.html
    assert '<input disabled="" type="checkbox"> 復元手順を書く' in page.html
    assert re.search(r'<h4 id="[^"]*">A20: 小さなチームの SRE</h4>', page.html)
    assert "more" not in page.html.replace("<!-- raw HTML omitted -->", "")


@pytest.mark.slow
def test_jekyll_builds_the_dated_draft_and_keeps_it_unpublished(day):
    text, name = draft(day, "jekyll")
    assert name == "2026-07-25-conference-2026-report.md"
    assert not jekyll_build(text, name, site_config="future: true\n").listed  # published: false
    post = jekyll_build(text, name, unpublished=True, site_config="future: true\n")
    assert post.listed, post.log
    assert OPENING in post.excerpt and "参加したセッション" not in post.excerpt  # excerpt_separator
    assert '<a href="https://speakerdeck.com/example/fast-ci">CI を速くする 10 の方法</a>' in post.html
    assert "（中止）" in post.html and 'class="task-list-item-checkbox"' in post.html
    assert "#done 社内で共有した" in post.html  # a tag starting a line stays text here, no heading
    assert not re.search(r"<h\d[^>]*>[^<]*社内で共有した", post.html)


@pytest.mark.slow
def test_zenn_shows_the_draft_without_an_error_or_a_warning(day):
    text, name = draft(day, "zenn", track_hashtags=True)
    slug = name.removesuffix(".md")
    assert re.fullmatch(r"[0-9a-z\-_]{12,50}", slug)
    assert zenn_check(text, slug) == []
    head = yaml.safe_load(text.split("---\n")[1])
    topics = head["topics"]
    assert 1 <= len(topics) <= 5 and len(set(topics)) == len(topics)
    assert all(re.fullmatch(r"[a-z0-9]{1,18}", t) for t in topics)
    assert "<!--" not in zenn_view(text, slug).body_html and "more" not in text.split("---\n", 2)[2]
    with_tag, name = draft(day, "zenn", hashtag="#NatsuTech2026", track_hashtags=True)
    assert name == "natsutech2026-report.md"
    assert zenn_check(with_tag, "natsutech2026-report") == []


@pytest.mark.slow
def test_qiita_would_publish_the_draft(day):
    for options in ({}, {"hashtag": "#NatsuTech2026", "track_hashtags": True}):
        text, name = draft(day, "qiita", **options)
        assert qiita_check(text, name.removesuffix(".md")) == [], options
        assert 1 <= len(yaml.safe_load(text.split("---\n")[1])["tags"]) <= 5


def test_hatena_rules_hold_and_its_preview_emulation_shows_no_stray_heading(day):
    text, _name = draft(day, "hatena", hashtag="#NatsuTech2026", track_hashtags=True)
    body = text.split("---\n", 2)[2]
    assert "<!-- more -->" in body and "<!--more-->" not in body and "[:contents]" in body
    for line in body.splitlines():
        assert not re.match(r"#{1,6}[^#\s]", line), line  # Hatena would turn it into a heading
        assert not re.match(r"\s*[-*+] \[[ xX]\]", line), line  # Hatena renders no task lists
        if line.startswith("#"):
            assert re.match(r"#{2,6} ", line), line  # the only lines starting with #: our headings
    assert "\\#done 社内で共有した" in body and "- ☐ 復元手順を書く" in body
    # B30 (room B) was cancelled: no talk attended in room B, no #…_B
    assert body.splitlines()[0].endswith(
        "2026（2026年7月25日(土)〜26日(日)）に登壇・参加しました。 #NatsuTech2026 #NatsuTech2026_A"
    )
    html = render_markdown_as(re.sub(r"<!--.*?-->", "", body), breaks=False, tasklists=False, hash_headings=True)
    assert "<h1>" not in html and "<input" not in html and "#done 社内で共有した" in html


@pytest.mark.slow
def test_every_calendar_of_the_day_reads_the_same_in_three_parsers(day):
    conf, sessions, texts = day
    calendars = {
        "plan": EXPORTERS["plan-ics"](conf, sessions, texts, CalendarOptions()),
        "plan+notes": EXPORTERS["plan-ics"](conf, sessions, texts, CalendarOptions(with_notes=True, interested=True)),
        "feed": EXPORTERS["plan-ics"](conf, sessions, texts, CalendarOptions(feed=True, revision=2)),
        "timetable": EXPORTERS["timetable-ics"](conf, sessions, texts, CalendarOptions(alarm_minutes=None)),
        "session": EXPORTERS["session-ics"](conf, [s for s in sessions if s.key == OWN], texts, CalendarOptions()),
    }
    for name, body in calendars.items():
        ours = [e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")]
        js, vo = icaljs_parse(body), vobject_parse(body)
        assert [str(e["UID"]) for e in ours] == [e["uid"] for e in js] == [e["uid"] for e in vo], name
        for mine, a, b in zip(ours, js, vo, strict=True):
            assert a["dtstamp"] and b["dtstamp"], name  # neither parser insists: we do
            assert a["dtstart"]["utc"] == b["dtstart"]["utc"] and a["dtstart"]["utc"] is not None, name
            assert a["dtstart"]["tzid"] == "Asia/Tokyo" and not a["dtstart"]["floating"]
            assert a["status"] == b["status"] == str(mine["STATUS"]), name
            assert a["sequence"] == b["sequence"] == int(mine["SEQUENCE"]), name
    cancelled = next(e for e in icaljs_parse(calendars["timetable"]) if e["uid"].startswith(f"{CANCELLED}."))
    assert cancelled["status"] == "CANCELLED" and cancelled["sequence"] == 1
    feed = {e["uid"]: e["sequence"] for e in icaljs_parse(calendars["feed"])}
    plan = {e["uid"]: e["sequence"] for e in icaljs_parse(calendars["plan"])}
    assert all(feed[uid] == plan[uid] + 2 for uid in plan)  # the reminder's revisions count
