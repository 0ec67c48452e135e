"""Watch later and recordings (issue 18): the status `later` everywhere statuses are, the chooser's
offer for the talk not kept, recordings that a re-import brings (frab <link>, c3voc `links`, pretalx
`recording`, known video hosts) reported as "recording published" and listed on the Later page, the
newest first, and the blog draft's watch-later list."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conference import create_app, store
from conference.parsers import parse

SLUG = "demo-tech-festa-2026"
C = f"/c/{SLUG}"
FIXTURES = Path(__file__).parent / "fixtures"
MINI = (FIXTURES / "mini.xml").read_text(encoding="utf-8")
A20 = "11111111-0000-4000-8000-000000000003"  # frab's guid is the key
B10 = "11111111-0000-4000-8000-000000000002"


def statuses(runner, slug: str = SLUG) -> dict[str, str | None]:
    return {s["key"]: s["status"] for s in json.loads(runner.invoke(args=["sessions", slug, "--json"]).stdout)}


def test_later_is_a_status_of_the_cli_the_json_the_page_and_the_list(runner, client):
    result = runner.invoke(args=["mark", SLUG, "C20", "--status", "later"])
    assert result.exit_code == 0 and result.output == "1 marked later\n"
    assert statuses(runner)["C20"] == "later"
    bad = runner.invoke(args=["mark", SLUG, "C20", "--status", "someday"])
    assert bad.exit_code == 2 and "'later'" in bad.output
    page = client.get(f"{C}/s/C20").get_data(as_text=True)
    assert '<strong class="status-now">Watch later</strong>' in page
    assert 'value="later" class="st st-later" aria-pressed="true"' in page
    listed = client.get(f"{C}/list?status=later").get_data(as_text=True)
    assert listed.count('class="item"') == 1 and 'data-key="C20"' in listed
    client.set_cookie("lang", "ja")
    assert "あとで見る" in client.get(f"{C}/s/C20").get_data(as_text=True)
    # Not in the plan: no calendar event, no my day, no clash.
    assert "C20" not in runner.invoke(args=["ics", SLUG]).output
    assert client.post(f"{C}/mark", data={"key": "B20", "status": "later"}).status_code == 303


def test_the_chooser_offers_to_watch_the_other_talk_later(runner, client):
    runner.invoke(args=["mark", SLUG, "A20", "B20", "--status", "interested"])
    page = client.get(f"{C}/choose").get_data(as_text=True)
    assert page.count("Go to this one, watch the other later") == 2
    form = re.search(r'<form[^>]*>(?:(?!</form>).)*value="later"(?:(?!</form>).)*</form>', page, re.S).group(0)
    fields = re.findall(r'name="(key|demote|demote_to|status)" value="([^"]*)"', form)
    assert fields == [("key", "A20"), ("status", "going"), ("demote", "B20"), ("demote_to", "later")]
    assert client.post(f"{C}/mark", data=dict(fields, next=f"{C}/choose")).status_code == 303
    after = statuses(runner)
    assert after["A20"] == "going" and after["B20"] == "later"
    assert "Nothing to choose" in client.get(f"{C}/choose").get_data(as_text=True)
    later = client.get(f"{C}/later").get_data(as_text=True)
    assert 'data-later-key="B20"' in later and "No recording yet." in later
    assert (
        client.post(
            f"{C}/mark", data={"key": "A20", "status": "going", "demote": "B20", "demote_to": "never"}
        ).status_code
        == 400
    )


def test_a_clash_on_the_session_page_keeps_one_and_puts_the_other_on_later(runner, client):
    runner.invoke(args=["mark", SLUG, "A20", "B20", "--status", "going"])
    page = client.get(f"{C}/s/A20").get_data(as_text=True)
    assert "Keep this one, watch the other later" in page
    client.post(f"{C}/mark", data={"key": "A20", "status": "going", "demote": "B20", "demote_to": "later"})
    assert statuses(runner)["B20"] == "later"
    sessions = json.loads(runner.invoke(args=["sessions", SLUG, "--json"]).stdout)
    assert next(s for s in sessions if s["key"] == "A20")["clashes"] == []


def with_link(xml: str, guid: str, url: str, title: str = "Video") -> str:
    """The frab XML with a <link> added to one event (the organisers publish its recording)."""
    start = xml.index(f'<event guid="{guid}"')
    end = xml.index("</event>", start)
    event = xml[start:end]
    link = f'<link href="{url}">{title}</link>'
    event = (
        event.replace("</links>", link + "</links>")
        if "<links>" in event
        else event + f"  <links>{link}</links>\n      "
    )
    return xml[:start] + event + xml[end:]


def test_a_refresh_that_brings_recordings_reports_them_and_the_later_page_lists_the_newest_first(
    runner, client, tmp_path, db_path
):
    source = tmp_path / "mini.xml"
    source.write_text(MINI, encoding="utf-8")
    assert runner.invoke(args=["import", str(source), "--slug", "mini"]).exit_code == 0
    runner.invoke(args=["mark", "mini", A20, B10, "--status", "later"])
    assert "No recording yet." in client.get("/c/mini/later").get_data(as_text=True)
    # The organisers publish A20's recording on media.ccc.de.
    first = with_link(MINI, A20, "https://media.ccc.de/v/mini-2026-a20-sre")
    source.write_text(first, encoding="utf-8")
    result = runner.invoke(args=["import", str(source), "--slug", "mini"])
    assert result.exit_code == 0
    assert f"  recording published  {A20}  SRE のはじめかた  https://media.ccc.de/v/mini-2026-a20-sre" in result.output
    db = store.connect(db_path)
    published_in = store.last_import_id(db, store.conference(db, "mini"))
    db.close()
    # Then B10's, on YouTube; an unchanged re-import reports nothing new.
    source.write_text(with_link(first, B10, "https://youtu.be/b10-observability", "Recording"), encoding="utf-8")
    second = runner.invoke(args=["import", str(source), "--slug", "mini"])
    assert "recording published" in second.output and "mini-2026-a20-sre" not in second.output
    assert "recording published" not in runner.invoke(args=["import", str(source), "--slug", "mini"]).output
    page = client.get("/c/mini/later").get_data(as_text=True)
    order = re.findall(r'data-later-key="([^"]+)"', page)
    assert order == [B10, A20]  # the newest recording first
    assert (
        'href="https://youtu.be/b10-observability"' in page
        and 'href="https://media.ccc.de/v/mini-2026-a20-sre"' in page
    )
    # The import's change report (the page of that import in the history) says so too.
    report_page = client.get(f"/c/mini/imports/{published_in}").get_data(as_text=True)
    assert "<strong>1</strong> recording published" in report_page
    assert 'href="https://media.ccc.de/v/mini-2026-a20-sre"' in report_page
    # The blog draft's watch-later list carries the links.
    draft = runner.invoke(args=["report", "mini", "--lang", "en"]).stdout
    later = draft[draft.index("## Watch later") :].split("\n## ", 1)[0]
    assert "- B10: Observability &lt;b&gt;101&lt;/b&gt; — [Recording](https://youtu.be/b10-observability)" in later
    assert "- A20: SRE のはじめかた — [Video](https://media.ccc.de/v/mini-2026-a20-sre)" in later
    # A backup of all this restores whole elsewhere: the later marks and the reports that published recordings.
    backup = tmp_path / "backup.json"
    runner.invoke(args=["backup", "-o", str(backup)])
    fresh = create_app({"TESTING": True, "DATABASE": str(tmp_path / "fresh.db"), "LOAD_DEMO": False}).test_cli_runner()
    restored = fresh.invoke(args=["restore", str(backup)])
    assert restored.exit_code == 0, restored.output
    assert statuses(fresh, "mini")[A20] == statuses(fresh, "mini")[B10] == "later"


def test_recording_links_from_c3voc_json_and_the_pretalx_api_are_videos():
    doc = json.loads((FIXTURES / "mini.json").read_text(encoding="utf-8"))
    event = doc["schedule"]["conference"]["days"][0]["rooms"]["Track A"][1]
    event["links"] = [{"url": "https://media.ccc.de/v/mini-a20", "title": "Aufzeichnung"}]
    event["recording"] = "record_by_default"  # c3voc's recording policy: not a link
    _fmt, timetable = parse(json.dumps(doc).encode(), filename="schedule.json")
    a20 = next(s for s in timetable.sessions if s.code == "A20")
    assert a20.links == [{"url": "https://media.ccc.de/v/mini-a20", "kind": "video", "title": "Aufzeichnung"}]
    api = {
        "count": 1,
        "results": [
            {
                "code": "QWERTY",
                "title": "Talk",
                "state": "confirmed",
                "slot": {
                    "start": "2026-07-25T11:00:00+09:00",
                    "end": "2026-07-25T11:45:00+09:00",
                    "room": {"en": "Hall"},
                },
                "recording": "https://vimeo.com/123456",
            }
        ],
    }
    _fmt, timetable = parse(json.dumps(api).encode(), filename="talks.json")
    assert timetable.sessions[0].links == [{"url": "https://vimeo.com/123456", "kind": "video", "title": "Recording"}]


def test_slides_or_a_blog_post_added_by_a_refresh_are_not_a_recording(runner, tmp_path):
    """Only a video link is a recording: the organisers adding a talk's slides is not "recording published"."""
    source = tmp_path / "mini.xml"
    source.write_text(MINI, encoding="utf-8")
    assert runner.invoke(args=["import", str(source), "--slug", "mini"]).exit_code == 0
    slides = with_link(MINI, A20, "https://speakerdeck.com/example/sre-no-hajimekata", "Slides")
    source.write_text(
        with_link(slides, B10, "https://zenn.dev/example/articles/observability", "Blog"), encoding="utf-8"
    )
    result = runner.invoke(args=["import", str(source), "--slug", "mini"])
    assert result.exit_code == 0 and "2 changed" in result.output
    assert "recording published" not in result.output
