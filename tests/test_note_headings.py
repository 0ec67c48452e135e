"""Headings the attendee writes in a note stay below the talk's heading in the draft (QA #13).

QA: a note starting `# 見出しで始まるメモ` became an h1 inside a `####` talk section, and `## 自分の小見出し`
sat at the level of `## 感想`, which broke the outline and Hatena's `[:contents]`. Each preset's draft
is read back with the platform's own tool where it installs (Hugo, Jekyll, zenn-cli, qiita-cli) and
with the preview's Markdown rules (Hatena's emulation).
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile

import pytest
from markdown_it import MarkdownIt

from conference.exports import report
from conference.text import render_markdown_as
from tests.japanese_day import NOTED, make_day
from tests.realtools import hugo_build, jekyll_build, qiita_check, zenn_check

NOTE = """# 見出しで始まるメモ
etcd のバックアップが大事。

## 自分の小見出し
復元手順も練習する。

### もっと細かい話
三段目。

まとめ
------
毎日バックアップ。

```sh
# これはコメント、見出しではない
## これも
```

    # インデントされたコード
"""
FROM_NOTE = {"見出しで始まるメモ": 5, "自分の小見出し": 6, "もっと細かい話": 6, "まとめ": 6}


@pytest.fixture
def day(app, db_path, tmp_path, client):
    slug = make_day(db_path, tmp_path)
    saved = client.post(f"/api/c/{slug}/note/{NOTED}", json={"text": NOTE, "base_version": 1})
    assert saved.status_code == 200
    return slug


def draft(client, slug: str, preset: str, lang: str = "ja") -> tuple[str, str]:
    """(the draft as downloaded, its download name)."""
    got = client.get(f"/c/{slug}/report", query_string={"preset": preset, "lang": lang, "download": "1"})
    name = re.search(r'filename="([^"]+)"', got.headers["Content-Disposition"]).group(1)
    return got.get_data(as_text=True), name


def outline(markdown: str, preset: str) -> list[tuple[int, str]]:
    """Every heading of the body as the platform's Markdown reads it: (level, text), in order."""
    body = markdown.split("---\n", 2)[2] if markdown.startswith("---\n") else markdown
    if preset == "hatena":  # Hatena's rules, as the preview emulates them
        html = str(render_markdown_as(body, breaks=False, tasklists=False, hash_headings=True))
        return [(int(level), re.sub(r"<[^>]+>", "", text)) for level, text in re.findall(r"<h(\d)>(.*?)</h\1>", html)]
    tokens = MarkdownIt("commonmark").parse(body)
    return [(int(t.tag[1]), tokens[i + 1].content) for i, t in enumerate(tokens) if t.type == "heading_open"]


def test_a_notes_headings_never_outrank_its_talk_in_any_preset(day, client):
    for preset in report.PRESETS:
        for lang, impressions in (("ja", "感想"), ("en", "Impressions")):
            text, _name = draft(client, day, preset, lang)
            headings = outline(text, preset)
            talk = next(i for i, (_level, t) in enumerate(headings) if t.startswith(f"{NOTED}: "))
            assert headings[talk][0] == 4, (preset, headings)
            mine = [(level, t) for level, t in headings if t in FROM_NOTE]
            assert mine == [(FROM_NOTE[t], t) for t in FROM_NOTE], (preset, lang, mine)
            # They come right after their talk, before the next talk or part.
            after = headings[talk + 1 : talk + 1 + len(FROM_NOTE)]
            assert [t for _level, t in after] == list(FROM_NOTE), (preset, after)
            assert (2, impressions) in headings, preset
            # The code stays as written: its lines are code, not headings.
            assert "```sh\n# これはコメント、見出しではない\n## これも\n```" in text, preset
            assert "\n    # インデントされたコード" in text, preset
            assert not any("これはコメント" in t or "インデント" in t for _level, t in headings), preset


def test_hatena_contents_outline_stays_in_order(day, client):
    """Hatena's `[:contents]` lists the headings: each part at level 2, each talk under it, notes below."""
    text, _name = draft(client, day, "hatena")
    levels = [level for level, _t in outline(text, "hatena")]
    assert levels[0] == 2 and min(levels) == 2
    for before, after in itertools.pairwise(levels):
        assert after <= before + 2, levels  # ## part -> #### talk -> ##### note heading; never a jump further
    page = client.get(f"/c/{day}/report", query_string={"preset": "hatena"}).get_data(as_text=True)
    preview = page.split('<article class="report-preview md">')[1].split("</article>")[0]
    toc = preview.split('<nav class="toc"')[1].split("</nav>")[0]
    entries = re.findall(r'<a href="#(toc-\d+)">([^<]*)</a>', toc)
    assert [t for _id, t in entries][:2] == ["登壇しました", "参加したセッション"]
    note_entry = next(i for i, (_id, t) in enumerate(entries) if t == "見出しで始まるメモ")
    assert entries[note_entry - 1][1].startswith(f"{NOTED}: ")
    for anchor, _text in entries:
        assert f'id="{anchor}"' in preview


@pytest.mark.slow  # hugo / jekyll / the Node tools in another process
def test_hugo_and_jekyll_build_the_notes_headings_below_the_talk(day, client):
    text, name = draft(client, day, "hugo")
    page = hugo_build(text, filename=name)
    assert re.search(r'<h4 id="[^"]*">A10: Kubernetes 運用の勘所</h4>', page.html)
    assert re.search(r'<h5 id="[^"]*">見出しで始まるメモ</h5>', page.html)
    assert re.search(r'<h6 id="[^"]*">自分の小見出し</h6>', page.html)
    assert re.search(r'<h6 id="[^"]*">まとめ</h6>', page.html)
    assert "<h1" not in page.html and "# これはコメント、見出しではない" in page.html
    text, name = draft(client, day, "jekyll")
    post = jekyll_build(text, name, unpublished=True, site_config="future: true\n")
    assert re.search(r'<h5 id="[^"]*">見出しで始まるメモ</h5>', post.html)
    assert "<h1" not in post.html and "# これはコメント、見出しではない" in post.html


@pytest.mark.slow  # hugo / jekyll / the Node tools in another process
def test_zenn_and_qiita_still_accept_the_draft(day, client):
    text, name = draft(client, day, "zenn")
    assert zenn_check(text, name.removesuffix(".md")) == []
    text, name = draft(client, day, "qiita")
    assert qiita_check(text, name.removesuffix(".md")) == []


def test_the_notes_zip_keeps_the_talk_as_the_only_top_heading(day, client):
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/c/{day}/notes.zip").data))
    [name] = [n for n in archive.namelist() if n.startswith(NOTED.lower())]
    text = archive.read(name).decode("utf-8")
    assert outline(text, "markdown") == [
        (1, f"{NOTED}: Kubernetes 運用の勘所"),
        (2, "見出しで始まるメモ"),
        (3, "自分の小見出し"),
        (4, "もっと細かい話"),
        (3, "まとめ"),
    ]
    assert "```sh\n# これはコメント、見出しではない\n## これも\n```" in text
