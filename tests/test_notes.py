"""Notes: versions, 409 and both texts kept, history, idempotent retries, links, TODOs, Q&A, safety."""

from __future__ import annotations

import json
import re

import pytest

from conference import notes, store
from conference.errors import BadInput, Conflict, NotFound
from conference.store import connect
from conference.titles import LOOKUPS

SLUG = "demo-tech-festa-2026"


@pytest.fixture
def db(app, db_path):
    conn = connect(db_path)
    yield conn
    conn.close()


@pytest.fixture
def conf(db):
    return store.conference(db, SLUG)


def test_versions_conflict_history_and_restore(db, conf):
    v1 = store.save_note(db, conf, "A10", "first", 0)
    v2 = store.save_note(db, conf, "A10", "first\nsecond", v1.version)
    assert (v1.version, v2.version) == (1, 2)
    with pytest.raises(Conflict) as stale:  # another device still on version 1
        store.save_note(db, conf, "A10", "first\nfrom the phone", 1)
    assert (stale.value.text, stale.value.version) == ("first\nsecond", 2)
    assert store.note(db, conf, "A10").text == "first\nsecond"
    assert [h["version"] for h in store.note_history(db, conf, "A10")] == [2, 1]
    restored = store.restore_note_version(db, conf, "A10", 1, 2)
    assert (restored.version, restored.text) == (3, "first")
    assert [h["text"] for h in store.note_history(db, conf, "A10")] == ["first", "first\nsecond", "first"]


def test_a_save_based_on_versions_this_note_never_had_is_a_conflict(db, conf):
    """A phone still holding version 3 of a note the server has never seen (a fresh database, a restore
    elsewhere) must not write over nothing silently: the user is shown both texts."""
    for based_on in (3, 1, -1):
        with pytest.raises(Conflict) as never:
            store.save_note(db, conf, "D10", "from the phone", based_on)
        assert (never.value.text, never.value.version) == ("", 0)
    assert store.note(db, conf, "D10").version == 0 and store.note_history(db, conf, "D10") == []
    saved = store.save_note(db, conf, "D10", "v1", 0)
    with pytest.raises(Conflict):  # one ahead of the server is as wrong as one behind
        store.save_note(db, conf, "D10", "v3?", saved.version + 1)
    assert store.note(db, conf, "D10").text == "v1"


def test_a_retried_save_is_applied_once(db, conf):
    first = store.save_note(db, conf, "B10", "hello", 0, save_id="s-1")
    again = store.save_note(db, conf, "B10", "hello", 0, save_id="s-1")  # the answer was lost; the client retries
    assert first.version == again.version == 1
    assert len(store.note_history(db, conf, "B10")) == 1


def test_writing_notes_marks_attended_but_not_your_own_talk(db, conf):
    store.set_status(db, conf, ["C10"], "going")
    store.set_status(db, conf, ["D10"], "speaking")
    store.save_note(db, conf, "C10", "good talk", 0)
    store.save_note(db, conf, "D10", "my own talk", 0)
    store.save_note(db, conf, "E10", "walked in", 0)
    status = {k: store.planned_session(db, conf, k).status for k in ("C10", "D10", "E10")}
    assert status == {"C10": "attended", "D10": "speaking", "E10": "attended"}
    store.set_status(db, conf, ["C10"], "going")  # changeable: editing later does not flip it back
    store.save_note(db, conf, "C10", "good talk, more", 1)
    assert store.planned_session(db, conf, "C10").status == "going"


def test_unknown_session_is_refused(db, conf):
    with pytest.raises(NotFound):
        store.save_note(db, conf, "NOPE", "x", 0)


def test_todos_and_qa_are_read_from_the_markdown():
    text = "intro\n- [ ] read the SLO book\n- [x] star the repo\n\nQ: How big is the team?\nA: Five people\n  and a bot\n\nQ：日本語の質問\nA：回答\nother text\nQ: unanswered"
    assert notes.todos(text) == [
        {"line": 1, "done": False, "text": "read the SLO book"},
        {"line": 2, "done": True, "text": "star the repo"},
    ]
    assert notes.qa_pairs(text) == [
        {"q": "How big is the team?", "a": "Five people\nand a bot"},
        {"q": "日本語の質問", "a": "回答"},
        {"q": "unanswered", "a": ""},
    ]


def test_links_http_only_kind_guessed_and_changeable(db, conf):
    for bad in (
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.org/x",
        "example.org",
    ):
        with pytest.raises(BadInput, match="only http and https"):
            store.add_link(db, conf, "A10", bad)
    link = store.add_link(db, conf, "A10", "https://speakerdeck.com/me/talk")
    assert link.kind == "slides"
    assert store.add_link(db, conf, "A10", "https://youtu.be/xyz").kind == "video"
    assert store.add_link(db, conf, "A10", "https://github.com/me/repo").kind == "code"
    store.update_link(db, conf, link.id, kind="blog")
    again = store.add_link(db, conf, "A10", "https://speakerdeck.com/me/talk")  # no duplicate
    assert again.id == link.id and again.kind == "blog"
    kinds = [(x.kind, x.url) for x in store.planned_session(db, conf, "A10").links]
    assert kinds[-3:] == [
        ("blog", "https://speakerdeck.com/me/talk"),
        ("video", "https://youtu.be/xyz"),
        ("code", "https://github.com/me/repo"),
    ]


# --- through HTTP -----------------------------------------------------------------------------


def test_autosave_api_answers_409_with_the_servers_copy(client):
    url = f"/api/c/{SLUG}/note/A20"
    ok = client.post(url, json={"text": "laptop", "base_version": 0, "save_id": "a"})
    assert ok.status_code == 200 and ok.get_json()["version"] == 1
    stale = client.post(url, json={"text": "phone", "base_version": 0, "save_id": "b"})
    assert stale.status_code == 409 and stale.get_json() == {"error": "conflict", "text": "laptop", "version": 1}


def test_beacon_style_form_post_with_token_in_the_body_is_accepted(client):
    page = client.get(f"/c/{SLUG}/note/A30").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        f"/api/c/{SLUG}/note/A30",
        data={"text": "sent on pagehide", "base_version": "0", "save_id": "z", "csrf_token": token},
        no_csrf=True,
    )
    assert response.status_code == 200 and response.get_json()["version"] == 1
    assert (
        client.post(f"/api/c/{SLUG}/note/A30", data={"text": "x", "base_version": "1"}, no_csrf=True).status_code == 400
    )
    db = connect(client.application.config["DATABASE"])  # what the page sent as it closed is kept, once
    conf = store.conference(db, SLUG)
    assert store.note(db, conf, "A30").text == "sent on pagehide"
    assert [h["text"] for h in store.note_history(db, conf, "A30")] == ["sent on pagehide"]
    db.close()


def test_plain_form_conflict_shows_both_texts_and_keeps_both(client, db_path):
    client.post(f"/c/{SLUG}/note/B30", data={"text": "from the laptop", "base_version": "0"})
    response = client.post(f"/c/{SLUG}/note/B30", data={"text": "from the phone", "base_version": "0"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert '<pre class="theirs">from the laptop</pre>' in html and ">from the phone</textarea>" in html
    both = re.search(
        r'<input type="hidden" name="text" value="([^"]*)">\s*<button type="submit">Keep both', html
    ).group(1)
    client.post(f"/c/{SLUG}/note/B30", data={"text": both.replace("&#10;", "\n"), "base_version": "1"})
    db = connect(db_path)
    text = store.note(db, store.conference(db, SLUG), "B30").text
    db.close()
    assert text == "from the phone\nfrom the laptop"  # both kept, line by line (QA 16: no separator, no doubles)


def test_note_page_renders_markdown_safely(client):
    hostile = (
        "[first](javascript:alert(1)) **bold** <script>alert('x')</script> <img src=x onerror=alert(1)>\n\n"
        "[ok](https://example.org) [caps](JaVaScRiPt:alert(2)) <javascript:alert(3)> [data](data:text/html,x)\n\n"
        "[vb](vbscript:msgbox) [ref][r] [also ok](http://example.net/a)\n\n[r]: javascript:alert(4)\n"
    )
    client.post(f"/c/{SLUG}/note/C30", data={"text": hostile, "base_version": "0"})
    html = client.get(f"/c/{SLUG}/note/C30").get_data(as_text=True)
    rendered = html.split('<div class="md">')[1].split("</div>")[0]
    preview = client.post(f"/c/{SLUG}/preview", data={"text": hostile}).get_data(as_text=True)
    for shown in (rendered, preview):
        assert "<strong>bold</strong>" in shown and "&lt;script&gt;" in shown
        assert "<script" not in shown and "<img" not in shown
        # every link of the note, wherever it stands, and only the two web links are links
        assert re.findall(r'href="([^"]*)"', shown) == ["https://example.org", "http://example.net/a"]
        assert re.findall(r"<a\b", shown) == ["<a", "<a"]


def test_a_note_shows_its_tasks_as_boxes_and_bare_urls_as_links(client):
    """Visual review: `- [ ]` / `- [x]` showed as "[ ]"/"[x]" on the session page and in the preview, and a
    long URL written bare stayed text. The TODO page and the draft show ☐/☑."""
    text = (
        "- [ ] 資料を読む https://speakerdeck.com/example/kubernetes-operations-2026-from-the-field-long.\n"
        "- [x] リポジトリにスター\n\n"
        "詳細は https://example.org/ja/を参照 (see https://example.net/a_(b)).\n\n"
        "`https://in.code.example` javascript:alert(1) https://x.example/javascript:alert(2)\n"
    )
    client.post(f"/c/{SLUG}/note/C30", data={"text": text, "base_version": "0"})
    session = client.get(f"/c/{SLUG}/s/C30").get_data(as_text=True)
    on_session = session.split('<div class="md">')[1].split("</div>")[0]
    preview = client.post(f"/c/{SLUG}/preview", data={"text": text}).get_data(as_text=True)
    for shown in (on_session, preview):
        assert "<li>☐ 資料を読む " in shown and "<li>☑ リポジトリにスター</li>" in shown
        assert "[ ]" not in shown and "[x]" not in shown
        assert re.findall(r'href="([^"]*)"', shown) == [
            "https://speakerdeck.com/example/kubernetes-operations-2026-from-the-field-long",  # no full stop
            "https://example.org/ja/",  # the Japanese after it is not part of it
            "https://example.net/a_(b)",  # its own brackets, not the sentence's
            "https://x.example/javascript:alert(2)",  # a web address (whatever its path says)
        ]
        assert "<code>https://in.code.example</code>" in shown and "</code> javascript:alert(1) <a " in shown
        assert 'rel="noopener noreferrer nofollow"' in shown


def test_history_page_restores(client):
    for i, text in enumerate(["one", "two", "three"]):
        client.post(f"/c/{SLUG}/note/D30", data={"text": text, "base_version": str(i)})
    html = client.get(f"/c/{SLUG}/history/D30").get_data(as_text=True)
    assert html.count("<pre>") == 3
    client.post(f"/c/{SLUG}/history/D30", data={"version": "1", "base_version": "3"})
    assert ">one</textarea>" in client.get(f"/c/{SLUG}/note/D30").get_data(as_text=True)


def test_todos_page_ticks_the_note_and_qa_page_lists_pairs(client, db_path):
    client.post(
        f"/c/{SLUG}/note/E30", data={"text": "- [ ] write the blog post\nQ: docs?\nA: in the wiki", "base_version": "0"}
    )
    page = client.get(f"/c/{SLUG}/todos").get_data(as_text=True)
    assert "write the blog post" in page and "☐" in page
    client.post(f"/c/{SLUG}/todos", data={"key": "E30", "line": "0", "done": "1", "base_version": "1"})
    db = connect(db_path)
    assert store.note(db, store.conference(db, SLUG), "E30").text.startswith("- [x] write the blog post")
    db.close()
    assert "☑" in client.get(f"/c/{SLUG}/todos").get_data(as_text=True)
    qa = client.get(f"/c/{SLUG}/qa").get_data(as_text=True)
    assert "<dt>Q: docs?</dt><dd>A: in the wiki</dd>" in qa


def test_search_finds_my_notes(client):
    client.post(f"/c/{SLUG}/note/F40", data={"text": "Terraform のテスト戦略をチームで議論", "base_version": "0"})
    html = client.get(f"/c/{SLUG}/list", query_string={"q": "議論"}).get_data(as_text=True)
    assert re.findall(r'class="item" data-key="([^"]+)"', html) == ["F40"]


def test_link_title_lookup_uses_oembed_then_og_then_title_and_failure_is_harmless(client, http_server, runner):
    http_server.put(
        "/deck",
        b'<html><head><link rel="alternate" type="application/json+oembed" href="/oembed?u=deck"><title>raw</title></head></html>',
        "text/html",
    )
    http_server.put("/oembed?u=deck", json.dumps({"title": "SLO  in practice"}).encode(), "application/json")
    http_server.put(
        "/og",
        b'<html><head><meta property="og:title" content="OG title"><title>plain</title></head></html>',
        "text/html",
    )
    http_server.put(
        "/plain", "<html><head><title> 日本語のタイトル </title></head></html>".encode(), "text/html; charset=utf-8"
    )
    for path in ("/deck", "/og", "/plain", "/missing"):
        client.post(f"/c/{SLUG}/links/A40", data={"url": http_server.url + path, "lookup": "1"})
    assert LOOKUPS.wait(timeout=60)  # looked up in the background (conference.titles)
    rows = json.loads(runner.invoke(args=["sessions", SLUG, "--json"]).stdout)
    titles = {
        x["url"].rsplit("/", 1)[1]: x["title"]
        for x in next(r for r in rows if r["key"] == "A40")["links"]
        if "127.0.0.1" in x["url"]
    }
    assert titles == {"deck": "SLO in practice", "og": "OG title", "plain": "日本語のタイトル", "missing": ""}


def test_cli_note_and_link_twins(runner, tmp_path):
    draft = tmp_path / "note.md"
    draft.write_text("# from my editor\n", "utf-8")
    assert runner.invoke(args=["note", SLUG, "B40", "--set-from", str(draft)]).exit_code == 0
    assert runner.invoke(args=["note", SLUG, "B40", "--append", "- [ ] follow up"]).exit_code == 0
    assert runner.invoke(args=["note", SLUG, "B40"]).output == "# from my editor\n- [ ] follow up\n"
    result = runner.invoke(args=["link", SLUG, "B40", "https://www.slideshare.net/x/y"])
    assert result.exit_code == 0 and result.output.startswith("slides\thttps://www.slideshare.net/x/y")
    bad = runner.invoke(args=["link", SLUG, "B40", "javascript:alert(1)"])
    assert bad.exit_code == 1 and "only http and https" in bad.output
    assert runner.invoke(args=["note", SLUG, "NOPE"]).exit_code == 1


# --- what a note shows, exactly (issue 19: the security package's mutants) -------------------------

REL = 'rel="noopener noreferrer nofollow"'


def _a(href: str, text: str | None = None) -> str:
    return f'<a href="{href}" {REL}>{href if text is None else text}</a>'


def test_bare_addresses_become_links_beside_written_links_and_nowhere_else(client):
    """Each line as the preview (and the note page) shows it, whole: a written link is left as it is (its
    words are not linked again inside it), text after it still gets its bare address linked, a scheme with
    nothing after it is no link, and a word that only contains "http" stays a word."""
    shown = {
        "[slides](https://example.org/slides) then https://example.org/after.": (
            f"<p>{_a('https://example.org/slides', 'slides')} then {_a('https://example.org/after')}.</p>"
        ),
        "[https://example.org/shown](https://example.org/target) and **https://example.org/bold**": (
            f"<p>{_a('https://example.org/target', 'https://example.org/shown')} and "
            f"<strong>{_a('https://example.org/bold')}</strong></p>"
        ),
        "(http://) and https://. lead nowhere; http://a does, and so does https://example.net/b": (
            f"<p>(http://) and https://. lead nowhere; {_a('http://a')} does, and so does {_a('https://example.net/b')}</p>"
        ),
        "the http protocol, httpbin": "<p>the http protocol, httpbin</p>",
        # brackets: the sentence's are left out, the address's own stay (balanced, or before its last character)
        "[see https://example.org/x] https://example.org/search?tag[] https://example.org/wiki/Go_(game)"
        " https://example.org/items[1]/": (
            f"<p>[see {_a('https://example.org/x')}] "
            f"{_a('https://example.org/search?tag%5B%5D', 'https://example.org/search?tag[]')} "
            f"{_a('https://example.org/wiki/Go_(game)')} "
            f"{_a('https://example.org/items%5B1%5D/', 'https://example.org/items[1]/')}</p>"
        ),
    }
    for text, html in shown.items():
        assert client.post(f"/c/{SLUG}/preview", data={"text": text}).get_data(as_text=True) == html + "\n", text
    client.post(f"/c/{SLUG}/note/C30", data={"text": "\n\n".join(shown), "base_version": "0"})
    page = client.get(f"/c/{SLUG}/note/C30").get_data(as_text=True)
    assert page.split('<div class="md">')[1].split("</div>")[0].strip() == "\n".join(shown.values())


def test_only_list_items_get_task_boxes(client):
    """`[ ]` / `[x]` at the start of a list item is a box; at the start of a paragraph it is text."""
    text = "[ ] not a task\n\nintro\n\n[x] neither\n\n- [ ] a task\n- [x] done"
    assert client.post(f"/c/{SLUG}/preview", data={"text": text}).get_data(as_text=True) == (
        "<p>[ ] not a task</p>\n<p>intro</p>\n<p>[x] neither</p>\n<ul>\n<li>☐ a task</li>\n<li>☑ done</li>\n</ul>\n"
    )


def test_the_notes_list_shows_each_notes_first_line_as_plain_text(client):
    """The Notes page lists every note by its first line, without Markdown: code keeps its words, bold
    its words (all of them), a line break (soft or hard) ends the line, a box reads ☐, a bare `[ ]` is
    dropped, a note with no words shows none, a first line of blanks is passed over, and a long line stops at
    200 characters."""
    first_lines = {
        "A10": ("`kubectl get pods` で確認\n二行目", "kubectl get pods で確認"),
        "A20": ("**大事** なのは復元", "大事 なのは復元"),
        "A30": ("first line  \nsecond", "first line"),
        "A40": ("first\\\nsecond", "first"),
        "A50": ("- [ ] スライドを読む", "☐ スライドを読む"),
        "A60": ("[ ] 資料を読む", "資料を読む"),
        "B10": ("---", ""),
        "B20": ("長" * 250, "長" * 200),
        "B30": ("&nbsp;*&nbsp;*\nsecond line", "second line"),  # a first line that shows nothing is passed over
    }
    for key, (text, _shown) in first_lines.items():
        assert client.post(f"/c/{SLUG}/note/{key}", data={"text": text, "base_version": "0"}).status_code == 303
    page = client.get(f"/c/{SLUG}/notes").get_data(as_text=True)
    listed = dict(re.findall(rf'href="/c/{SLUG}/note/(\w+)">.*?<span class="excerpt">(.*?)</span>', page, re.S))
    assert listed == {key: shown for key, (_text, shown) in first_lines.items()}


def test_a_cleared_note_previews_as_nothing(client):
    assert client.post(f"/c/{SLUG}/preview", data={"text": ""}).get_data(as_text=True) == ""
    assert client.post(f"/c/{SLUG}/preview", data={"text": "x"}).get_data(as_text=True) == "<p>x</p>\n"


def test_a_link_kind_outside_the_list_is_refused_with_the_list(client, db_path):
    """The form offers five kinds; anything else (a crafted post) is refused, naming them, and nothing is kept."""
    bad = client.post(f"/c/{SLUG}/links/A10", data={"url": "https://example.org/podcast", "kind": "podcast"})
    assert bad.status_code == 400
    assert '<p class="error">kind must be one of slides, video, blog, code, other</p>' in bad.get_data(as_text=True)
    assert (
        client.post(f"/c/{SLUG}/links/A10", data={"url": "https://example.org/talk", "kind": "video"}).status_code
        == 303
    )
    db = connect(db_path)
    conf = store.conference(db, SLUG)
    [link] = [x for x in store.planned_session(db, conf, "A10").links if "example.org" in x.url]
    db.close()
    assert (link.url, link.kind) == ("https://example.org/talk", "video")
    changed = client.post(f"/c/{SLUG}/link/{link.id}", data={"kind": "audio"})
    assert changed.status_code == 400
    assert '<p class="error">kind must be one of slides, video, blog, code, other</p>' in changed.get_data(as_text=True)
