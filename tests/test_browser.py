"""Real browser (Debian's chromium via Playwright): the demo grid, a session page, the language switch."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .routes import NOT_PAGES, every_route, make_hostile

pytestmark = pytest.mark.browser


def test_open_grid_click_session_and_switch_language(page: Page, live_server):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="デモ テックフェスタ 2026 / Demo Tech Festa 2026").click()
    expect(page.get_by_text("Demo data: a timetable written for this app")).to_be_visible()
    expect(page.locator(".room")).to_have_count(6)
    block = page.locator(".block", has_text="C30")
    # The grid really lays blocks out side by side: C30 sits right of B30, at the same height.
    b30 = page.locator(".block", has_text="B30").bounding_box()
    c30 = block.bounding_box()
    assert abs(b30["y"] - c30["y"]) < 1 and c30["x"] > b30["x"] + b30["width"] - 1
    block.locator("a.block-link").click()
    expect(page).to_have_url(re.compile(r"/s/C30$"))
    expect(page.locator("h1")).to_contain_text("OpenTelemetry")
    expect(page.locator(".facts")).to_contain_text("14:00–14:45")
    page.get_by_role("link", name="日本語").click()
    expect(page.locator("h1")).to_contain_text("OpenTelemetry")
    expect(page.locator(".facts")).to_contain_text("登壇者")
    page.goto(live_server.url + "/")
    expect(page.locator("h1")).to_have_text("カンファレンス")


def test_phone_width_grid_scrolls_sideways_not_the_page(browser, live_server):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(live_server.url + "/c/demo-tech-festa-2026/?view=grid")  # phones default to the agenda
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.querySelector('.grid-scroll').scrollWidth]"
    )
    assert widths[0] <= 375 and widths[1] > 375
    context.close()


def test_shortlist_two_clashing_talks_pick_one_and_my_day_follows(page: Page, live_server):
    grid = live_server.url + "/c/demo-tech-festa-2026/"
    page.goto(grid)
    a20, b20 = page.locator('.block[data-key="A20"]'), page.locator('.block[data-key="B20"]')
    # One tap each, no page reload: the script updates the blocks in place.
    page.evaluate("window.__same_page = true")
    a20.get_by_role("button", name="Interested").click()
    expect(a20).to_have_attribute("data-status", "interested")
    b20.get_by_role("button", name="Interested").click()
    expect(b20).to_have_attribute("data-status", "interested")
    assert page.evaluate("window.__same_page") is True
    # Going to both is a clash, flagged on both blocks at once.
    a20.get_by_role("button", name="Going").click()
    b20.get_by_role("button", name="Going").click()
    expect(a20).to_have_attribute("data-clash", "1")
    expect(b20.locator(".clash-flag")).to_be_visible()
    # Back to the shortlist, then pick one in the chooser.
    a20.get_by_role("button", name="Going").click()
    b20.get_by_role("button", name="Going").click()
    expect(b20).to_have_attribute("data-status", "")
    a20.get_by_role("button", name="Interested").click()
    b20.get_by_role("button", name="Interested").click()
    expect(a20).to_have_attribute("data-status", "interested")
    expect(b20).to_have_attribute("data-status", "interested")
    page.get_by_role("link", name="Choose").click()
    option = page.locator('.option[data-key="B20"]')
    option.get_by_role("button", name="Go to this one", exact=True).click()
    expect(page.locator(".option")).to_have_count(0)
    page.get_by_role("link", name="My day").click()
    expect(page.locator(".myday .slot")).to_have_count(1)
    expect(page.locator(".myday .slot")).to_contain_text("GitHub Actions")
    expect(page.locator(".myday .slot")).to_contain_text("13:00–13:45")


def test_marking_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/c/demo-tech-festa-2026/s/E40")
    page.get_by_role("button", name="Going").click()
    expect(page.locator(".status-now")).to_have_text("Going")
    page.goto(live_server.url + "/c/demo-tech-festa-2026/")
    expect(page.locator('.block[data-key="E40"]')).to_have_attribute("data-status", "going")
    context.close()


def _saved_note(live_server, key: str) -> str:
    from conference import store
    from conference.store import connect

    db = connect(live_server.app.config["DATABASE"])
    try:
        return store.note(db, store.conference(db, "demo-tech-festa-2026"), key).text
    finally:
        db.close()


def test_note_survives_the_wifi_dropping_and_a_reload(browser, live_server):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(live_server.url + "/c/demo-tech-festa-2026/note/C30")
    area = page.locator("textarea")
    expect(area).to_be_focused()  # the page opens on the text, keyboard ready
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now the service worker controls the page
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    area.press_sequentially("Intro to OTel. ")
    expect(page.locator(".save-state")).to_contain_text("Saved")
    assert _saved_note(live_server, "C30") == "Intro to OTel. "

    # The wifi drops: the server is gone and the browser is offline.
    live_server.stop()
    context.set_offline(True)
    area.press_sequentially("Q: sampling?\nA: tail-based, 10%")
    expect(page.locator(".save-state")).to_contain_text("Offline", timeout=10000)
    page.reload()  # still offline: the service worker serves the page, the draft comes back
    expect(page.locator("textarea")).to_have_value("Intro to OTel. Q: sampling?\nA: tail-based, 10%")
    page.locator("textarea").press_sequentially(" - [ ] try it")

    # The network is back: everything typed offline reaches the server, in order.
    live_server.start()
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator(".save-state")).to_contain_text("Saved", timeout=15000)
    assert _saved_note(live_server, "C30") == "Intro to OTel. Q: sampling?\nA: tail-based, 10% - [ ] try it"
    context.close()


def test_quick_inserts_and_conflict_keeps_both(browser, live_server):
    context = browser.new_context()
    laptop = context.new_page()
    laptop.goto(live_server.url + "/c/demo-tech-festa-2026/note/D30")
    laptop.get_by_role("button", name="TODO").click()
    laptop.locator("textarea").press_sequentially("read the docs")
    expect(laptop.locator(".save-state")).to_contain_text("Saved")
    assert _saved_note(live_server, "D30") == "- [ ] read the docs"
    # Another device saves meanwhile; this page still believes in version 1.
    phone = context.new_page()
    phone.goto(live_server.url + "/c/demo-tech-festa-2026/note/D30")
    phone.locator("textarea").press_sequentially("\nfrom the phone")
    expect(phone.locator(".save-state")).to_contain_text("Saved")
    laptop.locator("textarea").press_sequentially("\nfrom the laptop")
    expect(laptop.locator(".js-conflict")).to_be_visible()
    expect(laptop.locator(".js-conflict .theirs")).to_have_text("- [ ] read the docs\nfrom the phone")
    laptop.get_by_role("button", name="Keep both").click()
    expect(laptop.locator(".save-state")).to_contain_text("Saved")
    # Keep both keeps the shared TODO once (QA 16): no second copy in the blog draft.
    assert _saved_note(live_server, "D30") == "- [ ] read the docs\nfrom the laptop\nfrom the phone"
    context.close()


def test_script_in_every_field_never_runs_on_any_page(browser, app, live_server, tmp_path):
    """Hostile text in every field of a timetable, a note, a link and the conference's name (tests/routes.py);
    every page a user can reach, walked from the url_map with real arguments: no script runs, no dialog
    opens, and none of the markup becomes an element."""
    values = make_hostile(app, app.test_client(), app.test_cli_runner(), tmp_path)
    context = browser.new_context()
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    visited = []
    files = app.test_client()
    for route in every_route(app, {"GET"}, values):
        if route.endpoint in NOT_PAGES or files.get(route.url, follow_redirects=True).mimetype != "text/html":
            continue  # a download (calendar, CSV, zip) is no page
        page.goto(live_server.url + route.url)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__pwned") is None, route.url
        assert page.evaluate("document.querySelectorAll('[data-pwned], img[src=x], script:not([src])').length") == 0
        visited.append(route.url)
    assert len(visited) >= 30 and "/c/hostile/now" in visited and any(u.startswith("/p/") for u in visited)
    page.goto(live_server.url + "/c/hostile/s/h1")
    expect(page.locator("h1")).to_contain_text('T "\'><b data-pwned="1">B</b><script>')
    expect(page.locator(".facts")).to_contain_text("R2 \"'><b")
    assert dialogs == []
    context.close()
