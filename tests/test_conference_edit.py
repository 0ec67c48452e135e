"""Renaming a conference (name, hashtag, URL) without re-importing: the form, the CLI, and what follows."""

from __future__ import annotations

import json
import re

from conference import store

SLUG = "demo-tech-festa-2026"


def test_cli_lists_shows_and_changes_a_conference(runner, app):
    listed = json.loads(runner.invoke(args=["conferences", "--json"]).stdout)
    assert listed == [
        {
            "slug": SLUG,
            "name": "デモ テックフェスタ 2026 / Demo Tech Festa 2026",
            "hashtag": "",
            "url": "https://example.org/demo-tech-festa-2026",
            "timezone": "Asia/Tokyo",
            "start_date": "2026-07-25",
            "end_date": "2026-07-25",
            "sessions": 32,
        }
    ]
    plain = runner.invoke(args=["conferences"]).stdout
    assert (
        plain.startswith(f"{SLUG}\tデモ テックフェスタ 2026 / Demo Tech Festa 2026\t\thttps://")
        and "32 sessions" in plain
    )
    result = runner.invoke(args=["conference", SLUG, "--name", "夏のデモ祭り", "--hashtag", "＃ＤｅｍｏＦｅｓ２６"])
    assert result.exit_code == 0 and "name: 夏のデモ祭り\nhashtag: #DemoFes26\n" in result.stdout
    shown = json.loads(runner.invoke(args=["conference", SLUG, "--json"]).stdout)
    assert shown["name"] == "夏のデモ祭り" and shown["hashtag"] == "#DemoFes26" and shown["url"].startswith("https://")
    assert runner.invoke(args=["conference", SLUG, "--url", ""]).exit_code == 0
    assert json.loads(runner.invoke(args=["conference", SLUG, "--json"]).stdout)["url"] == ""
    for args, why in (
        (["--name", "  "], "name cannot be empty"),
        (["--hashtag", "two words"], "hashtag is one word"),
        (["--url", "javascript:alert(1)"], "http:// or https://"),
    ):
        bad = runner.invoke(args=["conference", SLUG, *args])
        assert bad.exit_code == 1 and why in bad.output and bad.output.count("\n") == 1
    assert json.loads(runner.invoke(args=["conference", SLUG, "--json"]).stdout)["name"] == "夏のデモ祭り"
    assert runner.invoke(args=["conference", "nope"]).exit_code == 1


def test_the_draft_and_calendars_follow_a_rename(runner, client):
    runner.invoke(args=["mark", SLUG, "A10", "--status", "going"])
    before = client.get(f"/c/{SLUG}/report?preset=qiita&download=1")
    assert "tags:\n- DemoTechFesta2026\n" in before.get_data(as_text=True)
    assert runner.invoke(args=["conference", SLUG, "--name", "夏のデモ祭り", "--hashtag", "#DemoFes26"]).exit_code == 0
    after = client.get(f"/c/{SLUG}/report?preset=qiita&download=1")
    text = after.get_data(as_text=True)
    assert text.startswith("---\ntitle: 夏のデモ祭り 参加レポート\ntags:\n- DemoFes26\n")
    assert "#DemoFes26" in text.split("---\n", 2)[2].splitlines()[0]
    assert 'filename="demofes26-report.md"' in after.headers["Content-Disposition"]
    calendar = client.get(f"/c/{SLUG}/plan.ics")
    assert "X-WR-CALNAME:夏のデモ祭り（自分の予定）".encode() in calendar.data  # the demo is Japanese
    assert 'filename="demofes26-plan.ics"' in calendar.headers["Content-Disposition"]


def test_the_form_renames_and_refuses_bad_input_showing_what_was_typed(client, app, db_path):
    page = client.get(f"/c/{SLUG}/edit").get_data(as_text=True)
    assert 'name="name"' in page and 'value="デモ テックフェスタ 2026 / Demo Tech Festa 2026"' in page
    bad = client.post(f"/c/{SLUG}/edit", data={"name": "新しい名前", "hashtag": "#two words", "url": ""})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and 'value="#two words"' in html and 'aria-invalid="true"' in html
    conn = store.connect(db_path)
    assert store.conference(conn, SLUG).name.startswith("デモ")  # nothing written
    saved = client.post(
        f"/c/{SLUG}/edit", data={"name": "新しい名前", "hashtag": "#Shin2026", "url": "https://example.org/shin"}
    )
    assert saved.status_code == 303 and saved.headers["Location"].endswith(f"/c/{SLUG}/edit?saved=1")
    conf = store.conference(conn, SLUG)
    assert (conf.name, conf.hashtag, conf.url) == ("新しい名前", "Shin2026", "https://example.org/shin")
    conn.close()
    page = client.get(f"/c/{SLUG}/edit?saved=1", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert 'value="#Shin2026"' in page and 'value="https://example.org/shin"' in page
    client.post(f"/c/{SLUG}/edit", data={"name": "<script>alert(1)</script>", "hashtag": "", "url": ""})
    page = client.get(f"/c/{SLUG}/edit").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_re_import_keeps_the_name_hashtag_and_url_the_user_gave(runner, tmp_path):
    from pathlib import Path

    xml = (Path(__file__).parent / "fixtures" / "mini.xml").read_text("utf-8")
    source = tmp_path / "schedule.xml"
    source.write_text(
        xml.replace(
            "<title>Mini Festa 2026</title>", "<title>Mini Festa 2026</title><url>https://mini.example.org/</url>"
        ),
        "utf-8",
    )
    assert runner.invoke(args=["import", str(source), "--slug", "mini"]).exit_code == 0
    assert json.loads(runner.invoke(args=["conference", "mini", "--json"]).stdout)["url"] == "https://mini.example.org/"
    changed = runner.invoke(
        args=["conference", "mini", "--name", "JTF 2026", "--hashtag", "JTF2026", "--url", "https://techfesta.jp/"]
    )
    assert changed.exit_code == 0, changed.output
    again = runner.invoke(args=["import", str(source), "--slug", "mini"])
    assert again.exit_code == 0, again.output
    shown = json.loads(runner.invoke(args=["conference", "mini", "--json"]).stdout)
    assert (shown["name"], shown["hashtag"], shown["url"]) == ("JTF 2026", "#JTF2026", "https://techfesta.jp/")


def test_an_empty_name_marks_the_name_field_and_no_other(client):
    bad = client.post(f"/c/{SLUG}/edit", data={"name": "   ", "hashtag": "#JTF2026", "url": ""})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400
    [invalid] = re.findall(r'<input name="(\w+)"[^>]*aria-invalid="true"', html)
    assert invalid == "name"
