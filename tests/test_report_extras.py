"""Small things on the blog draft page and the notes zip (QA #17).

QA: Hatena's preview showed `[:contents]` as literal text; the notes zip had no time, room or speakers
for each talk, so a file read on its own did not say which talk, when or where.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from markupsafe import escape

from tests.japanese_day import CANCELLED, NOTED, OWN, make_day


@pytest.fixture
def day(app, db_path, tmp_path, client):
    slug = make_day(db_path, tmp_path)
    client.post(f"/api/c/{slug}/note/{CANCELLED}", json={"text": "中止の掲示を見た", "base_version": 0})
    return slug


def preview(client, slug: str, preset: str, lang: str = "ja") -> str:
    html = client.get(f"/c/{slug}/report", query_string={"preset": preset}, headers={"Accept-Language": lang}).get_data(
        as_text=True
    )
    return html.split('<article class="report-preview md">')[1].split("</article>")[0]


def test_hatena_preview_shows_the_table_of_contents_where_contents_is(day, client):
    for lang, label in (
        ("ja", "目次（はてなブログの [:contents]）"),
        ("en", "Table of contents (Hatena Blog's [:contents])"),
    ):
        label = str(escape(label))  # as the page escapes it
        shown = preview(client, day, "hatena", lang)
        assert "[:contents]" not in shown.replace(label, "")  # no literal marker, only the label naming it
        toc = shown.split('<nav class="toc" aria-labelledby="toc-label">')[1].split("</nav>")[0]
        assert f'<p class="toc-label" id="toc-label">{label}</p>' in toc
        assert '<a href="#toc-1">登壇しました</a>' in toc and f">{OWN}: 小さなチームの SRE</a>" in toc
        assert shown.index("<nav") < shown.index('<h2 id="toc-1">登壇しました</h2>')  # where [:contents] was
    # The source keeps the marker for Hatena, and no other platform gets a table of contents.
    page = client.get(f"/c/{day}/report", query_string={"preset": "hatena"}).get_data(as_text=True)
    assert "[:contents]" in page.split('id="report-source"')[1].split("</textarea>")[0]
    for preset in ("hugo", "zenn"):
        assert '<nav class="toc"' not in preview(client, day, preset)


def notes_zip(client, slug: str, lang: str) -> dict[str, str]:
    body = client.get(f"/c/{slug}/notes.zip", headers={"Accept-Language": lang}).data
    archive = zipfile.ZipFile(io.BytesIO(body))
    return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def test_each_file_of_the_notes_zip_starts_with_its_talk(day, client):
    files = notes_zip(client, day, "ja")
    by_code = {text.split(":", 1)[0].removeprefix("# "): text for text in files.values()}
    assert set(by_code) == {OWN, NOTED, CANCELLED}
    assert by_code[NOTED].startswith(
        f"# {NOTED}: Kubernetes 運用の勘所\n\n"
        "- 日時: 2026-07-25 (土) 10:00–10:45\n"
        "- 会場: Track A\n"
        "- 登壇者: 大村 伸吾 (Preferred Networks)\n"
        "- スライド: <https://speakerdeck.com/example/k8s-kandokoro>\n\n"
        "etcd のバックアップが大事。"
    )
    assert by_code[CANCELLED].startswith(
        f"# {CANCELLED}: セキュリティ診断の実際（中止）\n\n- 日時: 2026-07-26 (日) 11:00–11:45\n- 会場: Track B\n"
    )
    # The conference is Japanese: its zip speaks Japanese to an English reader too; see the demo for English.
    assert notes_zip(client, day, "en") == files


def test_an_english_conference_zip_says_when_and_where_in_english(app, client, runner, tmp_path):
    source = tmp_path / "devconf.csv"
    source.write_text(
        "code,date,start,end,room,title,speakers\nK1,2026-09-12,10:00,10:45,Main hall,Scaling Postgres,"
        '"Ada Lovelace, Grace Hopper"\n',
        "utf-8",
    )
    assert runner.invoke(args=["import", str(source), "--name", "DevConf 2026", "--slug", "devconf"]).exit_code == 0
    client.post("/api/c/devconf/note/K1", json={"text": "full room", "base_version": 0})
    [text] = notes_zip(client, "devconf", "en").values()
    assert text == (
        "# K1: Scaling Postgres\n\n- When: 2026-09-12 (Sat) 10:00–10:45\n- Room: Main hall\n"
        "- Speakers: Ada Lovelace, Grace Hopper\n\nfull room\n"
    )
    [japanese] = notes_zip(client, "devconf", "ja").values()
    assert japanese.startswith("# K1: Scaling Postgres\n\n- 日時: 2026-09-12 (土) 10:00–10:45\n- 会場: Main hall\n")


def test_hatena_preview_nests_skipped_heading_levels_and_shows_embed_cards_as_links(day, client):
    """A talk's #### under a part's ## (no ###) nests one list deeper, not two; every list is closed. A note
    line `[URL:embed:cite]` (Hatena's card) shows as a link to the page, not as bracketed text."""
    from tests.japanese_day import NOTED

    note = "見出しの下に\n\n[https://speakerdeck.com/example/k8s:embed:cite]\n\n# 自分の見出し\n\n本文"
    client.post(f"/api/c/{day}/note/{NOTED}", json={"text": note, "base_version": 1})
    shown = preview(client, day, "hatena")
    assert '<a href="https://speakerdeck.com/example/k8s" rel="noopener noreferrer nofollow">' in shown
    assert ":embed:cite]" not in shown
    toc = shown.split('<nav class="toc" aria-labelledby="toc-label">')[1].split("</nav>")[0]
    assert toc.count("<ul>") == toc.count("</ul>") and toc.count("<li>") == toc.count("</li>")
    # the part, its talks one level in, the note's own heading one more: three levels, never an empty <li>
    assert "<li><ul>" not in toc and toc.count("<ul>") >= 3
