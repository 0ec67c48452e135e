"""Imports as the QA walkthrough of 2026-11-29 met them (/work/coord/QA-REPORT.md items 4, 5, 6, 8, 10, 14, 17).

The CSVs in fixtures/jp-organiser/ were written by that QA in the shapes Japanese organisers export (a `時間`
column holding `10:00〜10:45`, full-width `１０：００`, `セッションタイトル`, `登壇者名` + `所属`, a title row
above the header); fixtures/jp-organiser/SOURCES.md says where each comes from. The YAML is the wild
Oedo RubyKaigi 08 timetable (fixtures/wild/SOURCES.md #11). Everything runs through the real views, the
real `flask --app app import` command and a real SQLite file; pages are read as the user reads them
(the text between the tags), mostly in Japanese.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from conference.store import connect

FIXTURES = Path(__file__).parent / "fixtures"
JP = FIXTURES / "jp-organiser"
OEDO = FIXTURES / "wild" / "oedo-ruby-kaigi-08-timetable.yml"
JA = {"Accept-Language": "ja"}
EN = {"Accept-Language": "en"}
# What a person using the web form must never be told to type: the CLI's options.
CLI_WORDS = ("--date", "--map", "--records", "--timezone", "--duration", "--force", "--encoding", "--format")


def visible(response) -> str:
    """The page's text as a reader sees it: no tags, scripts or styles, entities decoded, spaces folded."""
    page = response.get_data(as_text=True)
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(page)).strip()


def assert_no_cli_words(text: str) -> None:
    assert [w for w in CLI_WORDS if w in text] == [], text


def sessions(db_path, slug: str) -> dict[str, dict]:
    """The stored sessions of a conference by title."""
    db = connect(db_path)
    try:
        rows = db.query(
            "select s.* from sessions s join conferences c on c.id = s.conference_id where c.slug = ?", [slug]
        )
        return {r["title"]: r for r in rows}
    finally:
        db.close()


def conference(db_path, slug: str) -> dict | None:
    db = connect(db_path)
    try:
        return next(db.query("select * from conferences where slug = ?", [slug]), None)
    finally:
        db.close()


def upload(client, path: Path, headers=JA, **fields):
    with path.open("rb") as f:
        return client.post(
            "/import",
            data={"file": (f, path.name), **fields},
            content_type="multipart/form-data",
            headers=headers,
        )


def times(rows: dict[str, dict]) -> dict[str, tuple[str, str]]:
    return {title: (r["start"], r["end"]) for title, r in rows.items()}


def selected(response) -> dict[str, str]:
    """The mapping page's choices as its selects show them: map_title -> column."""
    page = response.get_data(as_text=True)
    chosen = {}
    for m in re.finditer(r'<select name="(map_\w+)"[^>]*>(.*?)</select>', page, re.S):
        option = re.search(r'<option value="([^"]*)" selected', m.group(2))
        if option:
            chosen[m.group(1)] = html.unescape(option.group(1))
    return chosen


RANGE_TIMES = {
    "開会の挨拶": ("2026-07-25T10:00:00+09:00", "2026-07-25T10:45:00+09:00"),
    "基調講演": ("2026-07-25T11:00:00+09:00", "2026-07-25T11:45:00+09:00"),
    "クラウドネイティブ入門": ("2026-07-25T11:00:00+09:00", "2026-07-25T11:45:00+09:00"),
}


# --- item 5: Japanese organisers' CSVs ------------------------------------------------------------------


def test_cli_reads_a_jikan_column_holding_10_00_to_10_45_as_the_talks_time(runner, db_path):
    path = str(JP / "jp-range.csv")
    refused = runner.invoke(args=["import", path])
    # `7月25日(土)` has no year: the CLI says which line and column, and which option gives it.
    assert refused.exit_code == 1
    assert "line 2, column '日程'" in refused.output and "--date YYYY-MM-DD" in refused.output
    assert conference(db_path, "jp-range") is None

    result = runner.invoke(args=["import", path, "--date", "2026-07-25"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("jp-range: 3 added")
    rows = sessions(db_path, "jp-range")
    assert times(rows) == RANGE_TIMES  # not 時間未定: 時間 is the time here, not a length
    assert rows["基調講演"]["room"] == "Track A" and rows["基調講演"]["speakers"] == '["山田 太郎"]'


def test_the_japanese_form_asks_for_the_first_day_of_a_csv_without_a_year_then_imports(client, db_path):
    response = upload(client, JP / "jp-range.csv")
    assert response.status_code == 303 and "/import/pending/" in response.headers["Location"]
    page_url = response.headers["Location"]
    page = client.get(page_url, headers=JA)
    text = visible(page)
    html_ = page.get_data(as_text=True)
    # The mapping page, in Japanese, with a date field that has the focus and says why.
    assert "この表を読むには指定が必要です" in text
    assert re.search(r'<input type="date" name="date" value=""[^>]*autofocus', html_)
    assert "このファイルには初日の指定が必要です" in text
    assert "列「日程」: 月と日だけで年がありません（'7月25日(土)'）。初日（YYYY-MM-DD）を指定してください" in text
    assert_no_cli_words(text)
    english = visible(client.get(page_url, headers=EN))  # the web's English names the form's field too
    assert "only a month and a day ('7月25日(土)'), no year: give the first day (YYYY-MM-DD)" in english
    assert_no_cli_words(english)
    # The columns it recognised, 時間 as the start (the time range), are chosen already.
    chosen = selected(page)
    assert chosen == {
        "map_title": "タイトル",
        "map_start": "時間",
        "map_date": "日程",
        "map_room": "会場",
        "map_speakers": "スピーカー",
    }

    preview = client.get(
        page_url, query_string={"mapping": "1", "records": "", **chosen, "date": "2026-07-25"}, headers=JA
    )
    text = visible(preview)
    assert "3 件中 3 件 · インポート先: jp-range" in text
    assert "2026-07-25 10:00–10:45 · Track A 開会の挨拶 — 実行委員長" in text
    assert "2026-07-25 11:00–11:45 · Track B クラウドネイティブ入門 — 佐藤 花子" in text
    assert conference(db_path, "jp-range") is None  # a preview writes nothing

    done = client.post(page_url, data={"mapping": "1", "records": "", **chosen, "date": "2026-07-25"}, headers=JA)
    assert done.status_code == 303
    assert times(sessions(db_path, "jp-range")) == RANGE_TIMES
    agenda = visible(client.get("/c/jp-range/agenda", headers=JA))
    assert "10:00–10:45 · A Track A 開会の挨拶 実行委員長" in agenda


def test_full_width_times_are_read_from_the_cli_and_the_form(runner, client, db_path):
    result = runner.invoke(args=["import", str(JP / "jp-fullwidth.csv"), "--slug", "fw-cli"])
    assert result.exit_code == 0, result.output
    assert "skipped" not in result.output
    response = upload(client, JP / "jp-fullwidth.csv", slug="fw-web")
    assert response.status_code == 303
    report = visible(client.get(response.headers["Location"], headers=JA))
    assert "スキップ" not in report and "時刻ではありません" not in report
    for slug in ("fw-cli", "fw-web"):
        assert times(sessions(db_path, slug)) == {
            "全角数字の時刻": ("2026-07-25T10:00:00+09:00", "2026-07-25T10:45:00+09:00"),
            "半角の時刻": ("2026-07-25T10:00:00+09:00", "2026-07-25T10:45:00+09:00"),
        }


def test_session_title_header_and_speakers_with_their_affiliation(client, db_path):
    response = upload(client, JP / "jp-start-end-one.csv")
    assert response.status_code == 303  # imported at once: セッションタイトル is a title header
    report = visible(client.get(response.headers["Location"], headers=JA))
    assert "2 件追加" in report
    assert "7月25日(土) 10:00–10:45 A00: タイトルA · A" in report
    rows = sessions(db_path, "jp-start-end-one")
    assert rows["タイトルA"]["speakers"] == '["大村 伸吾 (Preferred Networks)"]'
    assert rows["タイトルB"]["speakers"] == '["山田 太郎 (株式会社サンプル)"]'
    assert (rows["タイトルA"]["code"], rows["タイトルA"]["room"]) == ("A00", "A")
    talk = visible(client.get(f"/c/jp-start-end-one/s/{rows['タイトルA']['key']}", headers=JA))
    assert "大村 伸吾 (Preferred Networks)" in talk


def test_an_unknown_title_header_gets_the_mapping_page_not_a_cli_hint(client, runner, db_path):
    response = upload(client, JP / "jp-unknown-title.csv")
    assert response.status_code == 303 and "/import/pending/" in response.headers["Location"]
    page_url = response.headers["Location"]
    page = client.get(page_url, headers=JA)
    text = visible(page)
    assert "トークのタイトルはどの列ですか？ 選んでから「プレビュー」を押してください。" in text
    assert re.search(r'<select name="map_title" aria-describedby="why-title" autofocus>', page.get_data(as_text=True))
    assert_no_cli_words(text)
    chosen = selected(page)
    assert "map_title" not in chosen
    assert chosen["map_speakers"] == "登壇者名" and chosen["map_affiliation"] == "所属"

    choice = {"mapping": "1", "records": "", **chosen, "map_title": "演目"}
    preview = visible(client.get(page_url, query_string=choice, headers=JA))
    assert "2026-07-25 10:00–10:45 · A タイトルA — 大村 伸吾 (Preferred Networks)" in preview
    assert client.post(page_url, data=choice, headers=JA).status_code == 303
    rows = sessions(db_path, "jp-unknown-title")
    assert rows["タイトルB"]["speakers"] == '["山田 太郎 (株式会社サンプル)"]' and rows["タイトルB"]["code"] == "B00"

    # The CLI names the column with --map, as its message says.
    refused = runner.invoke(args=["import", str(JP / "jp-unknown-title.csv"), "--slug", "cli"])
    assert refused.exit_code == 1 and "--map title=HEADER" in refused.output
    mapped = runner.invoke(args=["import", str(JP / "jp-unknown-title.csv"), "--slug", "cli", "--map", "title=演目"])
    assert mapped.exit_code == 0, mapped.output
    assert times(sessions(db_path, "cli")) == times(rows)


# --- item 6: the YAML mapping page takes the first day -------------------------------------------------


def test_yaml_without_dates_the_mapping_page_lets_the_user_give_the_first_day(client, db_path):
    response = upload(client, OEDO, slug="oedo")
    page_url = response.headers["Location"]
    assert "/import/pending/" in page_url
    first = client.get(page_url, query_string={"mapping": "1", "records": "events"}, headers=JA)
    text = visible(first)
    # Told in Japanese what is missing, with a field to give it, and no CLI option.
    assert "events[0]: この時刻には日付がありません。日付の列を加えるか、初日（YYYY-MM-DD）を指定してください" in text
    assert re.search(r'<input type="date" name="date" value=""[^>]*autofocus', first.get_data(as_text=True))
    assert_no_cli_words(text)
    english = visible(client.get(page_url, query_string={"mapping": "1", "records": "events"}, headers=EN))
    assert "no date for this time: add a date column or give the first day (YYYY-MM-DD)" in english
    assert_no_cli_words(english)
    chosen = selected(first)
    assert chosen == {"map_title": "name", "map_start": "begin", "map_end": "end", "map_speakers": "speakers"}

    choice = {"mapping": "1", "records": "events", **chosen, "date": "2019-05-25"}
    preview = client.get(page_url, query_string=choice, headers=JA)
    text = visible(preview)
    assert "2019-05-25 10:10–11:10 Ninja Talks 壱 — キレイなタゴモリス, 塩井美咲, 青山和光" in text
    # The speaker's name without the site's markup (`あーろ<span class="kerning">ん・</span>ぱたーそん`).
    assert "招待講演 — あーろん・ぱたーそん" in text
    assert "kerning" not in preview.get_data(as_text=True)

    assert client.post(page_url, data=choice, headers=JA).status_code == 303
    rows = sessions(db_path, "oedo")
    assert rows["招待講演"]["start"] == "2019-05-25T11:15:00+09:00"
    assert rows["招待講演"]["speakers"] == '["あーろん・ぱたーそん"]'


# --- items 4, 8, 14, 17: a JTF-shaped CSV from a URL, refreshed after the organisers drop D00 -------------

JTF = "july-tech-festa-2026"
ROOMS = ["Aルーム (大ホール)", "Bルーム", "Cルーム", "Dルーム", "Eルーム", "Fルーム"]


def grid_rooms(response) -> list[str]:
    page = response.get_data(as_text=True)
    heads = re.findall(r'<div class="room" id="h\d+" aria-hidden="true">(.*?)</div>', page)
    return [html.unescape(re.sub(r"<span class=\"room-code\">.*?</span> ", "", h)) for h in heads]


def agenda_rooms(response) -> list[str]:
    page = response.get_data(as_text=True)
    return [html.unescape(v) for v in re.findall(r'<input type="checkbox" name="room" value="([^"]*)"', page)]


@pytest.fixture
def jtf(client, http_server):
    """July Tech Festa's CSV imported from its URL (on a real HTTP server on 127.0.0.1)."""
    http_server.put("/jtf.csv", (JP / "jtf-mini.csv").read_bytes(), "text/csv; charset=utf-8")
    response = client.post("/import", data={"url": http_server.url + "/jtf.csv"}, headers=JA)
    assert response.status_code == 303, visible(response)
    return response.headers["Location"]


def test_the_conference_is_named_from_the_csvs_title_row(jtf, client, runner, db_path):
    assert jtf == f"/c/{JTF}/imports/2"  # the demo is import 1
    conf = conference(db_path, JTF)
    assert conf["name"] == "July Tech Festa 2026"  # not the file's name, and without タイムテーブル
    report = visible(client.get(jtf, headers=JA))
    assert "インポートしました: July Tech Festa 2026" in report
    # The CLI names it the same way from the file.
    result = runner.invoke(args=["import", str(JP / "jtf-mini.csv"), "--slug", "from-cli"])
    assert result.exit_code == 0, result.output
    assert conference(db_path, "from-cli")["name"] == "July Tech Festa 2026"


def test_a_refresh_that_drops_a_rooms_first_talk_keeps_the_rooms_in_order(jtf, client, http_server):
    assert grid_rooms(client.get(f"/c/{JTF}/", headers=JA)) == ROOMS
    # D00 was the only 10:00 talk in room D: by first appearance D would now come after F.
    http_server.put("/jtf.csv", (JP / "jtf-mini-d00-dropped.csv").read_bytes(), "text/csv; charset=utf-8")
    response = client.post(f"/c/{JTF}/refresh", headers=JA)
    assert response.status_code == 303
    assert grid_rooms(client.get(f"/c/{JTF}/", headers=JA)) == ROOMS
    assert agenda_rooms(client.get(f"/c/{JTF}/agenda", headers=JA)) == ROOMS
    assert grid_rooms(client.get(f"/c/{JTF}/", headers=EN)) == ROOMS


def test_refresh_report_names_times_and_codes_and_undo_says_what_it_did_in_words(jtf, client, http_server, db_path):
    d00 = sessions(db_path, JTF)["生成AIとオブザーバビリティ (D00)"]["key"]
    client.post(f"/c/{JTF}/mark", data={"key": d00, "status": "going"})  # so the refresh keeps it, cancelled
    http_server.put("/jtf.csv", (JP / "jtf-mini-d00-dropped.csv").read_bytes(), "text/csv; charset=utf-8")
    refreshed = client.post(f"/c/{JTF}/refresh", headers=JA)
    report = visible(client.get(refreshed.headers["Location"], headers=JA))
    assert "1 件中止" in report
    assert "中止 7月25日(土) 10:00–10:45 D00: 生成AIとオブザーバビリティ (D00) · Dルーム" in report

    undone = client.post(f"/c/{JTF}/undo-import", headers=JA)
    assert undone.status_code == 303
    page = visible(client.get(undone.headers["Location"], headers=JA))
    assert "インポートを取り消しました: July Tech Festa 2026" in page
    # It names the import it took back by its time and source (a link to its report), not by a number.
    assert re.search(r"\d+月\d+日\(.\) \d\d:\d\d のインポートの取り消し \(http://127\.0\.0\.1:\d+/jtf\.csv\)", page), (
        page
    )
    assert f'<a href="{refreshed.headers["Location"]}">' in client.get(undone.headers["Location"], headers=JA).get_data(
        as_text=True
    )
    assert "D00: 生成AIとオブザーバビリティ (D00) タイムテーブルに復帰" in page
    english = visible(client.get(undone.headers["Location"], headers=EN))
    assert "D00: 生成AIとオブザーバビリティ (D00) Back in the timetable" in english
    for text in (page, english):  # words, not the stored field and Python's booleans
        assert "cancelled:" not in text and "True" not in text and "False" not in text
    assert sessions(db_path, JTF)["生成AIとオブザーバビリティ (D00)"]["cancelled"] == 0

    # A second tap on Undo (or the back button): said plainly, beside the last report, nothing changes.
    before = sessions(db_path, JTF)
    again = client.post(f"/c/{JTF}/undo-import", headers=JA)
    assert again.status_code == 409
    text = visible(again)
    assert (
        f"取り消すものはありません: '{JTF}' の直前のインポートはもう取り消してあります"
        "（取り消せるのは直前のインポートを 1 回だけです）" in text
    )
    assert "インポートを取り消しました: July Tech Festa 2026" in text
    assert "作成してから" not in text  # not "no import since it was created"
    assert sessions(db_path, JTF) == before


def test_refresh_report_shows_added_talks_times_and_removed_talks_codes(jtf, client, http_server):
    http_server.put("/jtf.csv", (JP / "jtf-mini-d00-dropped.csv").read_bytes(), "text/csv; charset=utf-8")
    dropped = visible(client.get(client.post(f"/c/{JTF}/refresh", headers=JA).headers["Location"], headers=JA))
    assert "1 件削除" in dropped
    assert "削除 7月25日(土) 10:00–10:45 D00: 生成AIとオブザーバビリティ (D00) · Dルーム" in dropped
    http_server.put("/jtf.csv", (JP / "jtf-mini.csv").read_bytes(), "text/csv; charset=utf-8")
    back = visible(client.get(client.post(f"/c/{JTF}/refresh", headers=JA).headers["Location"], headers=JA))
    assert "追加 7月25日(土) 10:00–10:45 D00: 生成AIとオブザーバビリティ (D00) · Dルーム" in back


# --- item 10: the importer's notes, errors and format names in Japanese on Japanese pages ----------------


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (the organisers' server is down)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_import_notes_errors_and_format_names_are_japanese_on_japanese_pages(jtf, client, http_server):
    report = visible(client.get(jtf, headers=JA))
    assert "ファイルにタイムゾーンがなく、指定もなかったため、時刻を Asia/Tokyo として読みました" in report
    assert "見出し行（3 行目）より上の表題の行 1 行は読み飛ばしました: 'July Tech Festa 2026 タイムテーブル'" in report
    assert "no time zone" not in report and "title rows above" not in report
    assert_no_cli_words(report)

    fortee = upload(client, FIXTURES / "wild" / "fortee-iosdc-2022-proposals-first42.json", slug="iosdc")
    fortee_report = visible(client.get(fortee.headers["Location"], headers=JA))
    assert "採択されなかった" in fortee_report and "not accepted" not in fortee_report

    form = visible(client.get("/import", headers=JA))
    assert "CSV / TSV（表計算ソフトの表）" in form and "YAML（一覧と項目を選ぶ）" in form
    assert "CSV / TSV spreadsheet" not in form and "choose the list and fields" not in form

    # The organisers' server is down: for a new import and for a Refresh, said in Japanese, in plain words.
    down = f"http://127.0.0.1:{closed_port()}/jtf.csv"
    failed = client.post("/import", data={"url": down}, headers=JA)
    assert failed.status_code == 400
    assert "127.0.0.1 に接続を拒否されました（サーバーは動いていますか？ アドレスは正しいですか？）" in visible(failed)
    assert "ConnectionError" not in visible(failed)
    http_server.stop()
    refresh = client.post(f"/c/{JTF}/refresh", headers=JA)
    assert refresh.status_code == 502
    assert "127.0.0.1 に接続を拒否されました" in visible(refresh)


# --- item 8: Refresh and Undo on the phone's agenda -----------------------------------------------------


def test_the_english_import_report_says_one_title_row_in_sentences(jtf, client, db_path):
    """Visual review: "1 title rows above the header (line 3) were left out" and notes starting lowercase."""
    report = visible(client.get(jtf, headers=EN))
    assert "1 title row above the header (line 3) was left out: 'July Tech Festa 2026 タイムテーブル'" in report
    assert "title rows" not in report
    assert "The file names no time zone and none was given" in report
    assert "the file names no time zone" not in report
    # The same report stored in the database reads the same after a restart (the message keeps its plural).
    db = connect(db_path)
    stored = db.execute("select report from imports order by id desc limit 1").fetchone()[0]
    db.close()
    assert '"plural": "%(n)d title rows above the header (line %(line)d) were left out: %(rows)s"' in stored


def test_the_agenda_offers_refresh_and_the_last_import(jtf, client):
    page = client.get(f"/c/{JTF}/agenda", headers=JA)
    html_ = page.get_data(as_text=True)
    assert f'action="/c/{JTF}/refresh"' in html_ and "取得元から更新" in visible(page)
    assert f'href="{jtf}">前回のインポート（取り消し）</a>' in html_


@pytest.mark.browser
def test_on_a_phone_the_agenda_refreshes_and_undoes_in_japanese(jtf, browser, live_server, http_server, db_path):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    context.add_cookies([{"name": "lang", "value": "ja", "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/c/{JTF}/")
    expect(page.locator(".card[data-key]")).to_have_count(12)  # the phone gets the agenda
    menu = page.get_by_label("タイムテーブルの取得元: 更新・前回のインポート・取り消し")
    expect(menu).to_be_visible()
    box = menu.bounding_box()
    assert box["x"] + box["width"] <= 375 and box["y"] < 812 * 0.3  # on screen, above the talks

    http_server.put("/jtf.csv", (JP / "jtf-mini-d00-dropped.csv").read_bytes(), "text/csv; charset=utf-8")
    menu.click()
    page.get_by_role("button", name="取得元から更新").click()
    expect(page.get_by_role("heading", name="再インポートしました: July Tech Festa 2026")).to_be_visible()
    expect(page.locator(".summary")).to_contain_text("1 件削除")

    page.goto(f"{live_server.url}/c/{JTF}/")
    expect(page.locator(".card[data-key]")).to_have_count(11)
    page.get_by_label("タイムテーブルの取得元: 更新・前回のインポート・取り消し").click()
    page.get_by_role("link", name="前回のインポート（取り消し）").click()
    page.get_by_role("button", name="直前のインポートを取り消す").click()
    expect(page.get_by_role("heading", name="インポートを取り消しました: July Tech Festa 2026")).to_be_visible()
    assert "生成AIとオブザーバビリティ (D00)" in sessions(db_path, JTF)
    context.close()
