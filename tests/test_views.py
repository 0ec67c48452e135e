"""Pages a user opens: the list, the demo grid, a session page, languages, headers."""

from __future__ import annotations

import re

from markupsafe import escape


def test_index_lists_the_demo_conference_marked_as_demo(client):
    html = client.get("/").get_data(as_text=True)
    assert "Demo Tech Festa 2026" in html
    assert 'class="badge demo">Demo data<' in html


def test_demo_grid_shows_six_rooms_lunch_and_coded_talks(client):
    response = client.get("/c/demo-tech-festa-2026/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    rooms = re.findall(
        r'<div class="room" id="h\d+" aria-hidden="true"><span class="room-code">(\w)</span> Track \1</div>', html
    )
    assert rooms == ["A", "B", "C", "D", "E", "F"]
    assert "Demo data: a timetable written for this app" in html
    assert "Lunch break" in html and 'class="block break"' in html
    # A00 keynote spans 10:00-10:45 = 9 five-minute rows starting at row 2.
    block = re.search(r'id="(b\d+)" data-key="A00"', html).group(1)
    assert f"#{block}{{grid-area:2/2/11/3}}" in html
    # B10 sits beside A10 in the next column, same rows.
    a10 = re.search(r'id="(b\d+)" data-key="A10"', html).group(1)
    b10 = re.search(r'id="(b\d+)" data-key="B10"', html).group(1)
    assert f"#{a10}{{grid-area:14/2/23/3}}" in html and f"#{b10}{{grid-area:14/3/23/4}}" in html


def test_session_page_shows_time_in_conference_zone_and_links(client):
    html = client.get("/c/demo-tech-festa-2026/s/B20").get_data(as_text=True)
    assert '<span class="code">B20</span>' in html
    assert "Saturday, July 25, 2026 13:00–13:45" in html and "Asia/Tokyo" in html
    assert "<li>渡辺 翔</li><li>中村 愛</li>" in html
    assert 'href="https://speakerdeck.com/example/github-actions-ci"' in html


def test_unknown_conference_and_session_are_404(client):
    assert client.get("/c/nope/").status_code == 404
    assert client.get("/c/demo-tech-festa-2026/s/ZZZ").status_code == 404
    assert client.get("/c/demo-tech-festa-2026/?day=1999-01-01").status_code == 404


def test_not_found_pages_speak_the_readers_language(client):
    """Visual review: a Japanese page said "no session 'ZZZ' in 'demo-tech-festa-2026'" in English."""
    pages = {
        "/c/demo-tech-festa-2026/s/ZZZ": (
            "No session 'ZZZ' in 'demo-tech-festa-2026'.",
            "'demo-tech-festa-2026' にセッション 'ZZZ' はありません。",
        ),
        "/c/nope/": ("No conference 'nope'.", "カンファレンス 'nope' はありません。"),
        "/p/not-a-token/": ("This link was revoked or never existed.", "このリンクは取り消されたか、存在しません。"),
        "/c/demo-tech-festa-2026/?day=1999-01-01": (
            "There is nothing at this address.",
            "このアドレスには何もありません。",
        ),
    }
    for path, (english, japanese) in pages.items():
        for lang, sentence in (("en", english), ("ja", japanese)):
            client.set_cookie("lang", lang)
            response = client.get(path)
            assert response.status_code == 404, path
            html = response.get_data(as_text=True)
            assert f'<p class="error">{escape(sentence)}</p>' in html, (path, lang)
    client.set_cookie("lang", "ja")
    assert "no session" not in client.get("/c/demo-tech-festa-2026/s/ZZZ").get_data(as_text=True).lower()


def test_language_follows_accept_language_and_the_switch_sticks(client):
    html = client.get("/", headers={"Accept-Language": "ja,en;q=0.8"}).get_data(as_text=True)
    assert '<html lang="ja">' in html and "<h1>カンファレンス</h1>" in html
    response = client.get("/lang/en?next=/c/demo-tech-festa-2026/")
    assert response.status_code == 302 and response.headers["Location"] == "/c/demo-tech-festa-2026/"
    html = client.get("/", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert "<h1>Conferences</h1>" in html
    client.get("/lang/ja")
    html = client.get("/c/demo-tech-festa-2026/").get_data(as_text=True)
    assert "7月25日(土)" in html and "時刻は Asia/Tokyo" in html


def test_language_switch_never_redirects_off_site(client):
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        assert client.get("/lang/en", query_string={"next": target}).headers["Location"] == "/"


def test_pages_carry_security_headers_without_inline_script(client):
    response = client.get("/c/demo-tech-festa-2026/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert f'<style nonce="{nonce}">' in response.get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_are_gzipped_and_static_files_fingerprinted_and_cached(client):
    import gzip

    response = client.get("/c/demo-tech-festa-2026/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in response.headers["Vary"]
    html = gzip.decompress(response.data).decode()
    css = re.search(r'href="(/static/app\.css\?v=[0-9a-f]{12})"', html).group(1)
    static = client.get(css)
    assert "max-age=31536000" in static.headers["Cache-Control"]
    assert client.get("/c/demo-tech-festa-2026/").headers.get("Content-Encoding") is None  # only when asked


def test_big_timetables_can_show_only_chosen_rooms(runner, client):
    from .conftest import CORPUS

    runner.invoke(args=["import", str(CORPUS / "frab-xml/fosdem-2026-schedule.xml"), "--slug", "fosdem"])
    html = client.get("/c/fosdem/?day=2026-01-31").get_data(as_text=True)
    assert html.count('class="room"') > 20 and 'class="room-filter"' in html
    html = client.get(
        "/c/fosdem/", query_string={"day": "2026-01-31", "room": ["Janson", "K.1.105 (La Fontaine)"]}
    ).get_data(as_text=True)
    assert re.findall(r'<div class="room" id="h\d+" aria-hidden="true">([^<]+)</div>', html) == [
        "Janson",
        "K.1.105 (La Fontaine)",
    ]
    assert "day=2026-02-01&amp;room=Janson" in html  # the choice follows to the other day


def test_kept_grid_pages_get_fresh_tokens_and_follow_every_change(app, client):
    def nonce_and_token(c):
        response = c.get("/c/demo-tech-festa-2026/")
        html = response.get_data(as_text=True)
        header = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
        assert f'<style nonce="{header}">' in html and "\x00" not in html
        return header, re.search(r'<meta name="csrf-token" content="([^"]+)">', html).group(1), html

    n1, t1, _ = nonce_and_token(client)
    n2, _token, _ = nonce_and_token(client)
    other = app.test_client()
    n3, t3, _ = nonce_and_token(other)
    assert len({n1, n2, n3}) == 3 and t3 != t1
    client.post("/c/demo-tech-festa-2026/mark", data={"key": "B20", "status": "going"})
    assert 'data-key="B20" data-status="going"' in nonce_and_token(client)[2]
    # The other device posts with its own token, taken from the kept page.
    assert (
        other.post(
            "/c/demo-tech-festa-2026/mark",
            data={"key": "B20", "status": "none"},
            headers={"X-CSRFToken": t3},
            no_csrf=True,
        ).status_code
        == 303
    )
    assert 'data-key="B20" data-status=""' in nonce_and_token(client)[2]


def test_types_and_languages_read_as_words_in_the_readers_language(client):
    """Visual review: a Japanese session page and the list's filters showed "talk", "break", "hands-on",
    "keynote", "ja", "en" as the file has them. Known ones are words now; the filter still sends the value."""
    client.set_cookie("lang", "ja")
    page = client.get("/c/demo-tech-festa-2026/s/C10").get_data(as_text=True)
    assert "<dt>種別</dt><dd>トーク</dd>" in page
    assert "<dd>英語</dd>" in page and "<dd>en</dd>" not in page and "<dd>talk</dd>" not in page
    listing = client.get("/c/demo-tech-festa-2026/list").get_data(as_text=True)
    for value, word in (("break", "休憩"), ("hands-on", "ハンズオン"), ("keynote", "基調講演"), ("talk", "トーク"),
                        ("ja", "日本語"), ("en", "英語")):  # fmt: skip
        assert f'<option value="{value}">{word}</option>' in listing, value
    assert '<option value="sre">sre</option>' in listing  # a track is the organisers' own word
    client.set_cookie("lang", "en")
    listing = client.get("/c/demo-tech-festa-2026/list").get_data(as_text=True)
    assert '<option value="hands-on">Hands-on</option>' in listing and '<option value="ja">Japanese</option>' in listing
    filtered = client.get("/c/demo-tech-festa-2026/list", query_string={"type": "keynote"}).get_data(as_text=True)
    assert '<option value="keynote" selected>Keynote</option>' in filtered


def test_an_unknown_type_or_language_is_shown_as_the_file_has_it(app):
    from conference.views.helpers import language_label, type_label

    with app.test_request_context(headers={"Accept-Language": "ja"}):
        assert (type_label("Hands-On"), type_label("ポスター"), type_label("")) == ("ハンズオン", "ポスター", "")
        assert (language_label("en-US"), language_label("fr"), language_label("")) == ("英語", "fr", "")
