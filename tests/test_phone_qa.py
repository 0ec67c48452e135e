"""The QA reviewer's phone findings, each as the attendee meets it on a 375 x 812 touch screen (Debian's
chromium via Playwright) in Japanese and English, or in the page the server sends:

3  ✓ never turns "speaking" or "attended" into "going" (agenda, grid, list, Now), and keeping another talk
   never demotes the talk one speaks at;
9  with a password, the header stays one line: the first talk in the top 30%, controls at least 24 px;
11 devices named and timed as people read them, one device logged out alone; history times local;
15 my day: a cancelled talk points to its replacement, a break keeps its own times, 24:00–25:00;
16 a note conflict: the choices in sight, "keep both" keeps shared lines once;
17 the conference menu shows it scrolls, labels whole, Copy on Share, a friend's page without dead
   ends, notes listed as text, grid marks beside the words, a calendar address only this computer sees;
18 quick inserts: Q then A where the answer goes, TODO after the block.

tests/fixtures/night.csv and night-replaced.csv were written for these tests (a made-up Japanese
timetable: a lunch break at 12:00, a talk cancelled and replaced, a late-night session at 24:00–25:00).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import Page, expect

from conference import create_app, store
from conference.notes import merge_both
from conference.views.auth import device_name
from tests.conftest import LiveServer
from tests.test_offline_phone import ANDROID, kept, wifi_drops, wifi_returns
from tests.test_phone import LANGS, PHONE, axe_violations, check_targets, phone

SLUG = "demo-tech-festa-2026"
C = f"/c/{SLUG}"
FIXTURES = Path(__file__).parent / "fixtures"
PASSWORD = "open sesame at the venue"
WORDS = {
    "ja": {
        "held speaking": "登壇する（状態を変える）",
        "held attended": "参加した（状態を変える）",
        "Speaking": "登壇する",
        "Attended": "参加した",
        "Going": "行く",
        "Keep this one": "こちらを残す",
        "Log out": "ログアウト",
        "Log out Edge": "Windows の Edge をログアウト",
        "Devices": "端末",
        "Keep both": "両方残す",
        "Copy": "コピー",
        "Calendar": "カレンダー",
        "Blog draft": "ブログ下書き",
        "In its place": "代わりに:",
        "lunch": "昼休憩",
    },
    "en": {
        "held speaking": "Speaking: change the status",
        "held attended": "Attended: change the status",
        "Speaking": "Speaking",
        "Attended": "Attended",
        "Going": "Going",
        "Keep this one": "Keep this one",
        "Log out": "Log out",
        "Log out Edge": "Log out Edge on Windows",
        "Devices": "Devices",
        "Keep both": "Keep both",
        "Copy": "Copy",
        "Calendar": "Calendar",
        "Blog draft": "Blog draft",
        "In its place": "In its place:",
        "lunch": "昼休憩",
    },
}


def run(runner, *args: str, stdin: str | None = None) -> str:
    result = runner.invoke(args=list(args), input=stdin)
    assert result.exit_code == 0, (args, result.output)
    return result.output


def status_of(runner, key: str, slug: str = SLUG) -> str | None:
    sessions = json.loads(run(runner, "sessions", slug, "--json"))
    return next(s["status"] for s in sessions if s["key"] == key)


# --- 3: ✓ never silently downgrades ------------------------------------------------------------------------

DAY_VIEWS = {
    "agenda": C + "/agenda",
    "grid": C + "/?view=grid",
    "list": C + "/list",
    "now": C + "/now?at=2026-07-25T13:10",
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("where", list(DAY_VIEWS))
def test_check_on_a_talk_spoken_at_or_attended_shows_it_and_one_tap_never_makes_it_going(
    browser, live_server, runner, lang, where
):
    run(runner, "mark", SLUG, "A20", "--status", "speaking")  # on at 13:10 (Now)
    run(runner, "mark", SLUG, "E40", "--status", "attended")
    page = phone(browser, live_server, lang)
    page.goto(live_server.url + DAY_VIEWS[where])
    held = [("A20", "speaking")] + ([("E40", "attended")] if where != "now" else [])
    for key, status in held:
        talk = page.locator(f'[data-key="{key}"]').first
        check = talk.locator(".m-going")
        # ✓ shows the status, pressed (filled with its colour as a pressed ✓), with its name in words.
        expect(check).to_have_text("✓")
        expect(check).to_have_accessible_name(WORDS[lang][f"held {status}"])
        filled = check.evaluate("e => getComputedStyle(e).backgroundColor")
        assert filled not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)"), (key, filled)
        expect(talk.locator(".state-label")).to_contain_text(WORDS[lang][status.title()])
    # One tap opens the talk's status choice; nothing changed.
    page.locator('[data-key="A20"] .m-going').first.tap()
    expect(page).to_have_url(re.compile(r"/s/A20#status$"))
    expect(page.locator(".status-form button[aria-pressed=true]")).to_have_text(WORDS[lang]["Speaking"])
    assert status_of(runner, "A20") == "speaking" and status_of(runner, "E40") == "attended"
    check_targets(page, where)
    page.context.close()


def test_check_follows_a_status_chosen_offline_on_the_talks_page(browser, live_server, runner):
    """Statuses chosen without network on talk pages show on the agenda's ✓ as this phone has them:
    B20 becomes speaking (✓ opens its status choice), A20 stops being spoken at (✓ is the button again)."""
    run(runner, "mark", SLUG, "A20", "--status", "speaking")
    page = phone(browser, live_server, "en", user_agent=ANDROID)
    for path in ("/s/B20", "/s/A20", "/agenda"):
        page.goto(live_server.url + C + path)
        kept(page, C + path)
    wifi_drops(page, live_server)
    page.goto(live_server.url + C + "/s/B20")
    page.get_by_role("button", name="Speaking").tap()
    expect(page.locator(".my-status .pending-flag")).to_be_visible()
    page.goto(live_server.url + C + "/s/A20")
    page.get_by_role("button", name="Going").tap()
    page.goto(live_server.url + C + "/agenda")
    b20, a20 = page.locator('.card[data-key="B20"]'), page.locator('.card[data-key="A20"]')
    expect(b20.get_by_role("link", name=WORDS["en"]["held speaking"])).to_be_visible()
    going = a20.get_by_role("button", name="Going")
    expect(going).to_have_attribute("aria-pressed", "true")
    wifi_returns(page, live_server)
    expect(page.locator(".pending-flag")).to_have_count(0, timeout=15000)
    assert status_of(runner, "B20") == "speaking" and status_of(runner, "A20") == "going"
    going.tap()  # the button works as a button again: a second tap clears the mark
    expect(a20).to_have_attribute("data-status", "")
    page.context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_keeping_another_talk_never_demotes_or_downgrades_the_talk_one_speaks_at(browser, live_server, runner, lang):
    run(runner, "mark", SLUG, "A20", "--status", "speaking")
    run(runner, "mark", SLUG, "B20", "--status", "going")  # the same time: a clash
    page = phone(browser, live_server, lang, java_script_enabled=False)
    page.goto(live_server.url + C + "/my")
    page.locator('.myday li[data-key="A20"]').get_by_role("button", name=WORDS[lang]["Keep this one"]).click()
    assert status_of(runner, "A20") == "speaking"  # kept as speaking, not "going"
    assert status_of(runner, "B20") == "interested"
    run(runner, "mark", SLUG, "B20", "--status", "going")
    page.goto(live_server.url + C + "/my")
    # On the other talk, "Keep this one" could move nothing (one's own talk is never demoted): it is not
    # offered, and the clash is still shown.
    other = page.locator('.myday li[data-key="B20"]')
    expect(other.get_by_role("button", name=WORDS[lang]["Keep this one"])).to_have_count(0)
    expect(other.locator(".clash-flag-on")).to_be_visible()
    assert status_of(runner, "B20") == "going"
    assert status_of(runner, "A20") == "speaking"  # the speaker's own talk stays in the blog draft as 登壇
    page.goto(live_server.url + C + "/choose")  # still a clash: Choose offers the two
    page.locator('.option[data-key="A20"]').get_by_role("button").first.click()
    assert status_of(runner, "A20") == "speaking"
    assert status_of(runner, "B20") == "interested"
    page.context.close()


def test_keep_this_one_never_demotes_an_attended_talk_and_a_wrong_demote_writes_nothing(client, runner):
    run(runner, "mark", SLUG, "A20", "--status", "attended")
    run(runner, "mark", SLUG, "B20", "--status", "interested")
    client.post(C + "/mark", data={"key": "B20", "status": "going", "demote": "A20"})
    assert status_of(runner, "A20") == "attended" and status_of(runner, "B20") == "going"
    answer = client.post(C + "/mark", data={"key": "C20", "status": "going", "demote": "NO-SUCH-TALK"})
    assert answer.status_code == 404 and "NO-SUCH-TALK" in answer.get_data(as_text=True)
    assert status_of(runner, "C20") is None  # refused whole: the kept talk was not marked either


# --- 9: the header with a password -------------------------------------------------------------------------


@pytest.fixture
def locked_server(db_path):
    server = LiveServer(create_app({"TESTING": True, "DATABASE": str(db_path), "PASSWORD": PASSWORD}))
    yield server
    server.stop()


def log_in(page: Page, server) -> None:
    page.goto(server.url + "/login")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.login button").click()
    page.wait_for_url(re.compile(r"/$"))


@pytest.mark.parametrize("lang", LANGS)
def test_with_a_password_the_first_talk_still_starts_in_the_top_30_percent(browser, locked_server, lang):
    page = phone(browser, locked_server, lang)
    log_in(page, locked_server)
    page.goto(locked_server.url + C + "/agenda")
    header = page.locator("header.top")
    expect(header.get_by_role("link", name=WORDS[lang]["Devices"])).to_be_visible()
    first = page.locator(".card").first.bounding_box()
    assert first["y"] <= 0.3 * PHONE["height"], first
    for control in header.locator("a, button, strong").all():
        if control.is_visible():
            box = control.bounding_box()
            assert box["width"] >= 24 and box["height"] >= 24, control.inner_text()
    # Log out is one tap further, on the Devices page (this device first).
    header.get_by_role("link", name=WORDS[lang]["Devices"]).tap()
    page.get_by_role("button", name=WORDS[lang]["Log out"], exact=True).tap()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto(locked_server.url + C + "/agenda")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.context.close()


def test_the_laptop_header_keeps_log_out(browser, locked_server):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    log_in(page, locked_server)
    expect(page.locator("header.top").get_by_role("button", name="Log out")).to_be_visible()
    page.close()


# --- 11: devices and history -------------------------------------------------------------------------------

AGENTS = {
    ANDROID: "Chrome on Android",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 "
    "Mobile/15E148 Safari/604.1": "Safari on iPhone",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 "
    "Edg/131.0.0.0": "Edge on Windows",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:133.0) Gecko/20100101 Firefox/133.0": "Firefox on macOS",
    "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 "
    "Chrome/121.0.0.0 Mobile Safari/537.36": "Samsung Internet on Android",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0 "
    "Mobile/15E148 Safari/604.1": "Chrome on iPhone",
    "curl/8.5.0": "curl",
    "": "Unknown browser",
}


def test_devices_are_named_from_their_user_agent(app):
    with app.test_request_context():
        assert {agent: device_name(agent) for agent in AGENTS} == AGENTS


def test_devices_page_names_and_times_each_device_and_logs_one_out(browser, locked_server):
    laptop_agent = next(a for a, name in AGENTS.items() if name == "Edge on Windows")
    laptop = browser.new_context(viewport={"width": 1280, "height": 800}, user_agent=laptop_agent).new_page()
    before = datetime.now(ZoneInfo("Asia/Tokyo"))
    log_in(laptop, locked_server)
    handset = phone(browser, locked_server, "ja", user_agent=ANDROID, timezone_id="Asia/Tokyo", bypass_csp=True)
    log_in(handset, locked_server)
    after = datetime.now(ZoneInfo("Asia/Tokyo"))
    handset.goto(locked_server.url + "/devices")
    items = handset.locator(".devices li")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("Android の Chrome (この端末)")
    expect(items.nth(1)).to_contain_text("Windows の Edge")
    assert "Mozilla/5.0" not in handset.locator("main").inner_text()  # no raw User-Agent
    # The login time as the phone's clock reads it (Tokyo), not UTC.
    # (the browser writes Japanese times as 0:01, 9:05: the hour without a leading zero)
    minutes = {f"{t.hour}:{t:%M}" for t in (before, after)}
    shown = items.nth(1).locator("time").inner_text()
    assert shown.split()[-1] in minutes, (shown, minutes)  # "2026/11/30 0:01": its clock part
    utc = {f"{t.astimezone(ZoneInfo('UTC')).hour}:{t:%M}" for t in (before, after)}
    assert not any(f" {u}" in f" {shown.split()[-1]}" for u in utc)  # the clock part is not UTC's
    # Log out the laptop alone: it must log in again, the phone stays.
    items.nth(1).get_by_role("button", name=WORDS["ja"]["Log out Edge"]).tap()
    expect(handset.locator(".devices li")).to_have_count(1)
    expect(handset.locator("p.ok")).to_be_visible()
    laptop.goto(locked_server.url + C + "/")
    expect(laptop).to_have_url(re.compile(r"/login\?next="))
    handset.goto(locked_server.url + C + "/agenda")
    expect(handset.locator(".card").first).to_be_visible()
    handset.goto(locked_server.url + "/devices")
    assert handset.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    check_targets(handset, "devices")
    assert axe_violations(handset) == []
    laptop.context.close()
    handset.context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_note_history_shows_local_times(client, runner, app, lang):
    run(runner, "note", SLUG, "C10", "--append", "first")
    run(runner, "note", SLUG, "C10", "--append", "second")
    client.set_cookie("lang", lang)
    html = client.get(C + "/history/C10").get_data(as_text=True)
    db = store.connect(app.config["DATABASE"])
    try:
        versions = store.note_history(db, store.conference(db, SLUG), "C10")
    finally:
        db.close()
    for v in versions:
        local = datetime.fromisoformat(v["saved_at"]).astimezone(ZoneInfo("Asia/Tokyo"))
        assert f"{local:%H:%M}" in html
        assert f">{v['saved_at']}<" not in html  # the raw ISO UTC time is no longer the text
    assert not re.search(r">\s*v\d+ \d{4}-\d\d-\d\dT", html)
    assert "Asia/Tokyo" in html


# --- 15: my day ------------------------------------------------------------------------------------------


@pytest.fixture
def night(runner):
    """A Japanese timetable whose B40 the organisers replaced by B41, with a late-night session."""
    run(runner, "import", str(FIXTURES / "night.csv"), "--slug", "night")
    run(runner, "mark", "night", "A10", "B30", "B40", "A40", "N10", "--status", "going")
    run(runner, "import", str(FIXTURES / "night-replaced.csv"), "--slug", "night")
    return "/c/night"


@pytest.mark.parametrize("lang", LANGS)
def test_my_day_points_from_a_cancelled_talk_to_its_replacement_and_keeps_break_times(
    browser, live_server, night, lang
):
    page = phone(browser, live_server, lang, bypass_csp=True)
    page.goto(live_server.url + night + "/my")
    cancelled = page.locator('.myday li[data-key="B40"]')
    expect(cancelled.locator(".cancelled-flag")).to_be_visible()
    expect(cancelled.locator(".room-change")).to_have_count(0)  # no "→ Bルーム" to a talk that will not happen
    instead = cancelled.locator(".replacement")
    expect(instead).to_contain_text(WORDS[lang]["In its place"])
    instead.get_by_role("link").tap()
    expect(page).to_have_url(re.compile(r"/s/B41$"))
    page.go_back()
    gaps = page.locator(".myday .gap").all_inner_texts()
    assert "12:00–13:00 · 昼休憩" in gaps, gaps  # the break's own start, not the last talk's end (11:45)
    assert not any(g.startswith("11:45–13:00") for g in gaps)
    # The room change after the cancelled talk counts from the last talk that takes place (B30, Bルーム).
    expect(page.locator('.myday li[data-key="A40"] .room-change')).to_have_text("→ Aルーム")
    expect(page.locator('.myday li[data-key="N10"] .when')).to_have_text("24:00–25:00")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(page) == []
    page.context.close()


def test_a_session_after_midnight_reads_24_00_everywhere(client, night):
    client.set_cookie("lang", "ja")
    agenda = client.get(night + "/agenda").get_data(as_text=True)
    assert '<h2 class="slot-time" id="h-6">24:00</h2>' in agenda
    assert "24:00–25:00" in agenda and "00:00–01:00" not in agenda
    grid = client.get(night + "/?view=grid").get_data(as_text=True)
    assert '<span class="when">24:00–25:00</span>' in grid
    assert re.search(r'class="tick"[^>]*>24:00<', grid) and not re.search(r'class="tick"[^>]*>00:00<', grid)
    assert "24:00–25:00" in client.get(night + "/my").get_data(as_text=True)
    now = client.get(night + "/now?at=2026-07-26T00:20").get_data(as_text=True)
    assert "24:00–25:00" in now and "N10" in now
    assert "24:00–25:00" in client.get(night + "/s/N10").get_data(as_text=True)
    # A note taken there is listed on the evening's day at 24:xx, never "7月26日 24:00" (a day too late).
    client.post(night + "/note/N10", data={"text": "深夜のメモ", "base_version": "0"})
    notes = client.get(night + "/notes").get_data(as_text=True)
    assert "7月25日(土) 24:00" in notes and "7月26日" not in notes


# --- 16: a note conflict -----------------------------------------------------------------------------------

MERGES = [
    # (mine, theirs, kept once each, in order)
    (
        "- [ ] read the docs\nfrom the laptop",
        "- [ ] read the docs\nfrom the phone",
        "- [ ] read the docs\nfrom the laptop\nfrom the phone",
    ),
    (
        "Q: why?\nA: because\n- [ ] try it\nmine only",
        "intro\nQ: why?\nA: because\n- [ ] try it",
        "intro\nQ: why?\nA: because\n- [ ] try it\nmine only",
    ),
    ("same\n", "same\n", "same\n"),
    ("", "theirs", "\ntheirs"),
    ("a\nb\nc", "a\nx\nc", "a\nb\nx\nc"),
    (
        "[13:05] 開始\nQ: 速い？\nA: はい",
        "[13:05] 開始\nQ: 速い？\nA: はい\n- [ ] 試す",
        "[13:05] 開始\nQ: 速い？\nA: はい\n- [ ] 試す",
    ),
]


@pytest.mark.parametrize(("mine", "theirs", "both"), MERGES)
def test_keep_both_keeps_every_line_and_the_shared_ones_once(mine, theirs, both):
    assert merge_both(mine, theirs) == both


def test_keep_both_on_the_page_is_the_same_merge(browser, live_server):
    page = browser.new_page()
    page.goto(live_server.url + C + "/note/A10")
    cases = [[m, t] for m, t, _ in MERGES]
    lines = [f"line {i % 7}" for i in range(1200)]  # over a million line pairs: the simple merge
    cases.append(["\n".join(lines), "\n".join(reversed(lines))])
    cases.append(["a\nb\nb\nc\nd", "b\nd\na\nc\nc"])
    assert page.evaluate("cases => cases.map(([m, t]) => mergeBoth(m, t))", cases) == [
        merge_both(m, t) for m, t in cases
    ]
    page.close()


@pytest.mark.parametrize("lang", LANGS)
def test_a_conflict_on_a_phone_shows_its_choices_and_keep_both_doubles_nothing(browser, live_server, runner, lang):
    note = "[13:05] 開始\nQ: サンプリングは？\nA: テールベース\n- [ ] 試す"
    run(runner, "note", SLUG, "D30", "--set-from", "-", stdin=note)
    page = phone(browser, live_server, lang)
    page.goto(live_server.url + C + "/note/D30")
    area = page.locator("textarea")
    run(runner, "note", SLUG, "D30", "--append", "- [ ] スライドを見る")  # the laptop, meanwhile
    area.press("End")
    page.evaluate(
        "() => { const a = document.querySelector('textarea'); a.setSelectionRange(a.value.length, a.value.length); }"
    )
    area.press_sequentially("\n電話から")
    box = page.locator(".js-conflict")
    expect(box).to_be_visible(timeout=10000)
    # The choices are on the screen, not under a full-screen text area.
    for button in box.get_by_role("button").all():
        b = button.bounding_box()
        assert b["y"] >= 0 and b["y"] + b["height"] <= PHONE["height"], b
    box.get_by_role("button", name=WORDS[lang]["Keep both"]).tap()
    expect(page.locator(".save-state")).to_have_attribute("data-state", "saved")
    saved = run(runner, "note", SLUG, "D30")
    assert saved.count("Q: サンプリングは？") == 1 and saved.count("- [ ] 試す") == 1, saved
    assert "電話から" in saved and "- [ ] スライドを見る" in saved
    page.context.close()


def test_keep_both_without_javascript_posts_the_same_merge(client, runner):
    run(runner, "note", SLUG, "D30", "--set-from", "-", stdin="Q: a?\nA: b\nshared")
    answer = client.post(C + "/note/D30", data={"text": "Q: a?\nA: b\nmine", "base_version": "0"})
    assert answer.status_code == 409
    html = answer.get_data(as_text=True)
    merged = re.search(r'name="text" value="([^"]*)"', html).group(1)
    assert merged.replace("&#10;", "\n") == merge_both("Q: a?\nA: b\nmine", "Q: a?\nA: b\nshared")
    assert html.index("conflict-choices") < html.index('class="theirs"') < html.index("<textarea")


# --- 17: small things on the phone ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", ["/calendar", "/report"])
def test_the_conference_menu_shows_it_scrolls_and_the_current_page(browser, live_server, lang, path):
    page = phone(browser, live_server, lang)
    page.goto(live_server.url + C + path)
    nav = page.locator("nav.conf-nav")
    current = nav.locator("[aria-current]")
    expect(current).to_have_text(WORDS[lang]["Calendar" if path == "/calendar" else "Blog draft"])
    # The current item is within the menu's visible box, whole.
    menu, item = nav.bounding_box(), current.bounding_box()
    assert menu["x"] - 0.5 <= item["x"] and item["x"] + item["width"] <= menu["x"] + menu["width"] + 0.5
    # A cue that there is more sideways: the menu fades at the end that has more.
    assert nav.evaluate("n => n.scrollWidth > n.clientWidth")
    mask = nav.evaluate("n => getComputedStyle(n).maskImage || getComputedStyle(n).webkitMaskImage")
    assert "linear-gradient" in mask, mask
    nav.evaluate("n => { n.scrollLeft = n.scrollWidth; n.dispatchEvent(new Event('scroll')); }")
    expect(nav).not_to_have_class(re.compile(r"more-right"))
    expect(nav).to_have_class(re.compile(r"more-left"))
    # Back at the start: the cue points the other way.
    nav.evaluate("n => { n.scrollLeft = 0; n.dispatchEvent(new Event('scroll')); }")
    expect(nav).to_have_class(re.compile(r"more-right"))
    expect(nav).not_to_have_class(re.compile(r"more-left"))
    assert "linear-gradient" in nav.evaluate(
        "n => getComputedStyle(n).maskImage || getComputedStyle(n).webkitMaskImage"
    )
    page.context.close()


WORD_JS = """el => {
  const text = [...el.childNodes].find(n => n.nodeType === 3 && n.textContent.trim());
  const range = document.createRange();
  range.selectNodeContents(text);
  return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size;
}"""


@pytest.mark.parametrize("lang", LANGS)
def test_report_labels_keep_their_words_whole(browser, live_server, lang):
    page = phone(browser, live_server, lang)
    page.goto(live_server.url + C + "/report")
    labels = page.locator(".report-options label:not(.check)")
    assert labels.count() >= 4
    for label in labels.all():
        assert label.evaluate(WORD_JS) == 1, label.inner_text()  # ブログ on one line, never ブロ / グ
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_share_page_copies_its_link(browser, live_server, lang):
    page = phone(browser, live_server, lang, permissions=["clipboard-read", "clipboard-write"])
    page.goto(live_server.url + C + "/share")
    page.locator("form button[value=new]").first.click()
    link = page.locator("#share-link").input_value()
    page.get_by_role("button", name=WORDS[lang]["Copy"]).tap()
    assert page.evaluate("navigator.clipboard.readText()") == link
    page.context.close()


def test_a_shared_plan_has_no_link_that_leads_to_a_login(browser, locked_server):
    owner = browser.new_page()
    log_in(owner, locked_server)
    owner.goto(locked_server.url + C + "/share")
    owner.locator("form button[value=new]").first.click()
    link = owner.locator("#share-link").input_value()
    owner.close()
    friend = phone(browser, locked_server, "ja")  # not logged in
    friend.goto(link)
    expect(friend.locator("h1")).to_contain_text("マイスケジュール")
    hrefs = friend.locator("a[href]").evaluate_all("els => els.map(a => a.href)")
    assert hrefs, "the page has its language switch at least"
    for href in hrefs:
        answer = requests.get(href, cookies={c["name"]: c["value"] for c in friend.context.cookies()}, timeout=10)
        assert "/login" not in answer.url, href
    friend.get_by_role("link", name="English").tap()  # the language switch works for a friend too
    expect(friend.locator("h1")).to_contain_text("My day")
    friend.context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_notes_list_shows_note_text_not_markdown(browser, live_server, runner, lang):
    run(runner, "note", SLUG, "C30", "--set-from", "-", stdin="# 見出し **太字**\n本文")
    run(runner, "note", SLUG, "D30", "--set-from", "-", stdin="- [ ] [資料](https://example.com/d) を読む")
    page = phone(browser, live_server, lang)
    page.goto(live_server.url + C + "/notes")
    excerpts = page.locator(".hub-list .excerpt").all_inner_texts()
    assert "見出し 太字" in excerpts and "☐ 資料 を読む" in excerpts, excerpts  # a task shows as its box
    assert not any("#" in e or "**" in e or "](" in e or "[ ]" in e for e in excerpts)
    page.context.close()


OVERLAP_JS = """() => {
  const hits = [];
  for (const block of document.querySelectorAll('.block[data-key]')) {
    const link = block.querySelector('.block-link');
    const clip = link.getBoundingClientRect();
    for (const mark of block.querySelectorAll('form.mark button, form.mark a')) {
      const b = mark.getBoundingClientRect();
      for (const text of block.querySelectorAll('.title, .speakers, .when, .code')) {
        const t = text.getBoundingClientRect();
        const w = Math.min(b.right, t.right, clip.right) - Math.max(b.left, t.left, clip.left);
        const h = Math.min(b.bottom, t.bottom, clip.bottom) - Math.max(b.top, t.top, clip.top);
        if (w > 1 && h > 1) hits.push(`${block.dataset.key} ${text.className}`);
      }
    }
  }
  return hits;
}"""
SHORT_TALKS = (
    "code,date,start,end,room,title,speakers\n"
    "L1,2026-07-25,10:00,10:15,A,Lightning talks: fifteen minutes of very small tools,Ann Example\n"
    "L2,2026-07-25,10:15,10:35,A,二十分で話す小さなツールの話,佐藤 花子\n"
    "L3,2026-07-25,10:00,10:30,B,Thirty minutes on the smallest thing that works,Bob Example\n"
    "L4,2026-07-25,10:30,10:40,B,Ten minutes,Cy\n"
    "K1,2026-07-25,11:00,11:45,A,A talk of forty-five minutes with a rather long title,Dee Example\n"
)


@pytest.mark.parametrize("width", [375, 1280])
def test_grid_marks_never_cover_a_title_or_its_speakers(browser, live_server, runner, width):
    run(runner, "import", "-", "--slug", "short", "--format", "csv", stdin=SHORT_TALKS)
    run(runner, "mark", "short", "L2", "--status", "speaking")
    run(runner, "mark", "short", "L3", "--status", "going")
    page = browser.new_page(viewport={"width": width, "height": 812})
    for path in (C + "/?view=grid", "/c/short/?view=grid"):
        page.goto(live_server.url + path)
        assert page.evaluate(OVERLAP_JS) == [], path
    page.close()


def test_the_calendar_page_says_when_its_address_only_works_on_this_computer(client, db_path, browser, live_server):
    page = phone(browser, live_server, "en")
    page.goto(live_server.url + C + "/calendar")
    expect(page.locator(".feed-local")).to_contain_text("127.0.0.1")
    expect(page.locator(".feed-local")).to_contain_text("cannot reach it")
    page.context.close()
    # A server with a public name: no such warning.
    app = create_app({"TESTING": True, "DATABASE": str(db_path), "PASSWORD": PASSWORD, "WTF_CSRF_ENABLED": False})
    public = app.test_client()
    public.post("/login", data={"password": PASSWORD}, base_url="https://conf.example.org")
    html = public.get(C + "/calendar", base_url="https://conf.example.org").get_data(as_text=True)
    assert "https://conf.example.org/feeds/" in html and "feed-local" not in html


# --- 18: quick inserts -------------------------------------------------------------------------------------


def caret(page: Page) -> int:
    return page.evaluate("document.querySelector('textarea').selectionStart")


@pytest.mark.parametrize("lang", LANGS)
def test_quick_inserts_put_the_answer_under_its_question_and_todos_after_the_block(browser, live_server, lang):
    page = phone(browser, live_server, lang)
    page.goto(live_server.url + C + "/note/F30")
    area = page.locator("textarea")
    quick = page.locator(".note-form .quick")
    quick.get_by_role("button", name="Q / A").tap()
    expect(area).to_have_value("Q: ")
    area.press_sequentially("速い？")
    quick.get_by_role("button", name="Q / A").tap()  # the answer goes right under its question
    expect(area).to_have_value("Q: 速い？\nA: ")
    assert caret(page) == len("Q: 速い？\nA: ")
    area.press_sequentially("はい")
    # Back on the question line, a TODO goes after the answer, never between question and answer.
    page.evaluate("document.querySelector('textarea').setSelectionRange(2, 2)")
    quick.get_by_role("button", name="TODO").tap()
    expect(area).to_have_value("Q: 速い？\nA: はい\n- [ ] ")
    area.press_sequentially("試す")
    quick.get_by_role("button", name="Q / A").tap()  # a new question after the block's line
    area.press_sequentially("次は？")
    expect(area).to_have_value("Q: 速い？\nA: はい\n- [ ] 試す\nQ: 次は？")
    page.evaluate("document.querySelector('textarea').setSelectionRange(3, 3)")
    quick.get_by_role("button", name="Q / A").tap()  # on a question answered: a new one after its answer
    expect(area).to_have_value("Q: 速い？\nA: はい\nQ: \n- [ ] 試す\nQ: 次は？")
    assert caret(page) == len("Q: 速い？\nA: はい\nQ: ")
    expect(page.locator(".save-state")).to_have_attribute("data-state", "saved", timeout=10000)
    page.context.close()


def test_todo_lands_after_the_paragraph_it_is_tapped_in(browser, live_server):
    page = phone(browser, live_server, "en")
    page.goto(live_server.url + C + "/note/F40")
    area = page.locator("textarea")
    area.fill("A first line\nand its second\n\nNext paragraph")
    page.evaluate("document.querySelector('textarea').setSelectionRange(3, 3)")
    page.locator(".note-form .quick").get_by_role("button", name="TODO").tap()
    expect(area).to_have_value("A first line\nand its second\n- [ ] \n\nNext paragraph")
    assert caret(page) == len("A first line\nand its second\n- [ ] ")
    page.context.close()


def test_the_night_fixtures_late_session_starts_after_midnight(runner):
    """The night fixture's late session is on the evening's conference day (the rule the clock follows)."""
    run(runner, "import", str(FIXTURES / "night.csv"), "--slug", "night")
    n10 = next(s for s in json.loads(run(runner, "sessions", "night", "--json")) if s["key"] == "N10")
    start = datetime.fromisoformat(n10["start"])
    assert start.hour == 0 and start.date() - timedelta(days=1) == datetime(2026, 7, 25).date()
