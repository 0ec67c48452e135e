"""The blog draft: every preset's front matter, talk order and contents, hostile titles, the sandbox."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import yaml
from markdown_it import MarkdownIt

from conference import store
from conference.exports import report
from conference.store import connect

SLUG = "demo-tech-festa-2026"
NOW = datetime(2026, 7, 25, 20, 0, tzinfo=ZoneInfo("Asia/Tokyo"))


@pytest.fixture
def db(app, db_path):
    conn = connect(db_path)
    conf = store.conference(conn, SLUG)
    store.set_status(conn, conf, ["C30", "A10", "D40"], "going")
    store.set_status(conn, conf, ["E50"], "speaking")
    store.save_note(
        conn,
        conf,
        "A10",
        "Great **war stories**.\n\nQ: How many clusters?\nA: Forty\n\n- [ ] read the postmortems #learn\n- [x] star the repo\n- fun demo #fun",
        0,
    )
    store.save_note(conn, conf, "E50", "Q: Slides?\nA: Posted on Speaker Deck", 0)
    yield conn
    conn.close()


def split(text: str) -> tuple[dict | None, str]:
    if not text.startswith("---\n"):
        return None, text
    _, head, body = text.split("---\n", 2)
    return yaml.safe_load(head), body


def render_report(db, conf, **options) -> str:
    """The report exporter over what the store hands back, at a fixed time."""
    sessions = store.planned_sessions(db, conf, abstracts=False)
    return report.render(conf, sessions, store.note_texts(db, conf), report.Options(now=NOW, **options))


def render(db, **options) -> str:
    return render_report(db, store.conference(db, SLUG), **options)


@pytest.mark.parametrize(
    ("preset", "expected"),
    [
        ("hugo", {"title": str, "date": str, "tags": list, "categories": list, "description": str, "draft": True}),
        ("jekyll", {"layout": "post", "title": str, "date": str, "categories": list, "tags": list}),
        ("hatena", {"Title": str, "Date": str, "Category": list, "Draft": True}),
        ("zenn", {"title": str, "emoji": str, "type": "idea", "topics": list, "published": False}),
        (
            "qiita",
            {
                "title": str,
                "tags": list,
                "private": False,
                "updated_at": "",
                "id": None,
                "organization_url_name": None,
                "slide": False,
                "ignorePublish": True,
            },
        ),
    ],
)
def test_every_preset_has_its_platforms_front_matter(db, preset, expected):
    fm, body = split(render(db, preset=preset, hashtag="#JTFdemo"))
    assert list(fm) == list(expected)
    for field, want in expected.items():
        assert isinstance(fm[field], want) if isinstance(want, type) else fm[field] == want, field
    title = fm.get("title") or fm.get("Title")
    assert title == "デモ テックフェスタ 2026 / Demo Tech Festa 2026 参加レポート"
    if preset == "hugo":
        assert fm["date"] == "2026-07-25T20:00:00+09:00" and fm["tags"] == ["JTFdemo"]
    if preset == "hatena":
        assert "[:contents]" in body and "<!-- more -->" in body
        assert "[https://speakerdeck.com/example/kubernetes-five-years:embed:cite]" in body
    if preset == "zenn":
        assert all(re.fullmatch(r"[a-z0-9]+", t) for t in fm["topics"])


def test_plain_markdown_has_no_front_matter(db):
    text = render(db, preset="markdown")
    assert text.startswith("# デモ テックフェスタ 2026 / Demo Tech Festa 2026 参加レポート\n")


def test_own_talk_first_then_talks_in_time_order_with_contents(db):
    text = render(db, preset="hugo", honorific="さん")
    _fm, body = split(text)
    own = body.split("## 登壇しました")[1].split("##")[0]
    assert "- 16:00-16:45 E50: LT: 5 分で話すインフラの小ネタ / Lightning talks: infra tips in five minutes" in own
    listed = re.findall(
        r"^- (\d\d:\d\d-\d\d:\d\d) (\w\d\d):", body.split("## 参加したセッション")[1].split("## セッション")[0], re.M
    )
    assert listed == [("11:00-11:45", "A10"), ("14:00-14:45", "C30"), ("15:00-15:45", "D40")]
    sections = re.findall(r"^#### (\w\d\d):", body, re.M)
    assert sections == ["E50", "A10", "C30", "D40"]
    assert (
        "- 11:00-11:45 A10: [Kubernetes 運用の 5 年間: 失敗から学んだこと / Five years of running Kubernetes: lessons from failure](https://speakerdeck.com/example/kubernetes-five-years)"
        in body
    )
    a10 = body.split("#### A10:")[1].split("\n#### ")[0]
    assert "- 登壇者: 山田 太郎さん" in a10
    assert "Great **war stories**." in a10  # notes as written
    assert "- Q: How many clusters?\n    - A: Forty" in a10
    assert "- [ ] read the postmortems #learn" in a10.split("##### TODO")[1]
    assert "star the repo" not in a10.split("##### TODO")[1]  # done TODOs are not open
    e50 = body.split("#### E50:")[1].split("\n#### ")[0]
    assert "##### いただいた質問" in e50 and "- Q: Slides?" in e50
    summary = body.split("## TODO まとめ")[1].split("##")[0]
    assert summary.strip() == "- [ ] read the postmortems #learn (A10)"
    for placeholder in ("<!-- はじめに", "<!-- 全体の感想をここに -->", "<!-- まとめをここに -->"):
        assert placeholder in body


def test_english_labels_hashtags_and_retro(db):
    text = render(db, preset="markdown", lang="en", hashtag="JTFdemo", track_hashtags=True, retro=True)
    assert "## Talks I attended" in text and "## Notes per talk" in text and "- Speakers: 山田 太郎" in text
    assert text.split("\n\n")[1] == "#JTFdemo #JTFdemo_A #JTFdemo_C #JTFdemo_D #JTFdemo_E"
    retro = text.split("## Retrospective")[1]
    assert "### Fun\n\n- fun demo" in retro and "### Learn\n\n- [ ] read the postmortems" in retro
    assert "### Done\n\n- <!-- done -->" in retro


def test_hostile_titles_stay_valid_and_inert(runner, app, db_path, tmp_path):
    hostile = 'Say "hi": --- <script>alert(1)</script> [x](javascript:alert(1))'
    csv = tmp_path / "evil.csv"
    csv.write_text(
        f'title,date,start,end,room,speakers\n"{hostile.replace(chr(34), chr(34) * 2)}",2026-07-25,10:00,10:45,Track A,"<img src=x onerror=alert(1)>"\n',
        "utf-8",
    )
    assert runner.invoke(args=["import", str(csv), "--slug", "evil", "--name", hostile]).exit_code == 0
    conn = connect(db_path)
    conf = store.conference(conn, "evil")
    [s] = store.planned_sessions(conn, conf)
    store.set_status(conn, conf, [s.key], "attended")
    for preset in report.PRESETS:
        text = render_report(conn, conf, preset=preset)
        fm, body = split(text)
        if fm is not None:
            assert (fm.get("title") or fm.get("Title")).startswith(hostile)  # the YAML round-trips exactly
        assert "<script>" not in body and "<img" not in body
        html = MarkdownIt("commonmark").render(body)  # a blog engine with raw HTML on
        assert "<script>" not in html and "<img" not in html and 'href="javascript:' not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    conn.close()


def test_custom_template_is_sandboxed(db, runner, tmp_path):
    conf = store.conference(db, SLUG)
    ok = render_report(db, conf, template="{{ talks|length }} talks, first {{ talks[0].code }}{{ front_matter }}")
    assert ok == "4 talks, first E50"
    for evil in (
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ talks.__class__.__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os }}",
    ):
        with pytest.raises(report.ReportError):
            render_report(db, conf, template=evil)
    with pytest.raises(report.ReportError, match="undefined"):
        render_report(db, conf, template="{{ nothing_like_this }}")
    path = tmp_path / "mine.md.j2"
    path.write_text("{% for t in talks %}{{ t.time_range }} {{ t.title | md }}\n{% endfor %}", "utf-8")
    result = runner.invoke(args=["report", SLUG, "--template", str(path)])
    assert result.exit_code == 0 and result.stdout.splitlines()[0].startswith("16:00-16:45 LT: 5 分で話す")
    bad = tmp_path / "bad.j2"
    bad.write_text("{{ ''.__class__ }}", "utf-8")
    result = runner.invoke(args=["report", SLUG, "--template", str(bad)])
    assert result.exit_code == 1 and "template:" in result.output


def test_report_page_preview_download_and_notes_zip(client, db):
    html = client.get(f"/c/{SLUG}/report?preset=zenn&lang=en").get_data(as_text=True)
    assert "published: false" in html and '<article class="report-preview md">' in html
    preview = html.split('<article class="report-preview md">')[1].split("</article>")[0]
    assert "<h4>A10: Kubernetes" in preview and "<script" not in preview
    download = client.get(f"/c/{SLUG}/report?preset=hatena&download=1")
    assert download.headers["Content-Disposition"] == f'attachment; filename="{SLUG}-hatena.md"'
    assert download.get_data(as_text=True).startswith("---\nTitle:")
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/c/{SLUG}/notes.zip").data))
    names = archive.namelist()
    assert (
        len(names) == 2
        and names[0].startswith("a10-kubernetes-運用の-5-年間")
        and names[1].startswith("e50-lt-5-分で話す")
    )
    assert archive.read(names[0]).decode().startswith("# A10: Kubernetes")
    assert client.get(f"/c/{SLUG}/notes.zip").data == client.get(f"/c/{SLUG}/notes.zip").data
