"""The visual review's layout findings on a 375 x 812 touch phone (Debian's chromium via Playwright), in
Japanese and English, asserted as what the attendee sees (boxes and sizes):

1 the opt-in grid: every block shows whole lines (the title cut with an ellipsis, never a half line behind
  the ☆/✓ row), speakers shown, ☆/✓ at least 44 x 44 px where the block is tall enough;
2 buttons, fields and the menus' links at least 44 px tall; controls that stack keep 8 px apart;
3 the blog draft's preview headings step down (## larger than ###);
4 a long TODO wraps beside its checkbox;
5 the import form's file input stays inside its fieldset;
6 the clash box's two buttons line up when they wrap;
7 the devices page: another device's button says "Log out" and names the device to a screen reader.

tests/fixtures: none; SHORT_TALKS (test_phone_qa.py) is a made-up timetable of short talks.
"""

from __future__ import annotations

import itertools
import re

import pytest
from playwright.sync_api import Page, expect

from conference import create_app
from tests.conftest import LiveServer
from tests.test_offline_phone import ANDROID
from tests.test_phone import LANGS, PHONE, phone
from tests.test_phone_qa import OVERLAP_JS, PASSWORD, SHORT_TALKS, log_in, run

pytestmark = pytest.mark.browser

SLUG = "demo-tech-festa-2026"
C = f"/c/{SLUG}"
WORDS = {
    "ja": {"Grid": "グリッド", "Log out": "ログアウト", "Log out Edge": "Windows の Edge をログアウト"},
    "en": {"Grid": "Grid", "Log out": "Log out", "Log out Edge": "Log out Edge on Windows"},
}


@pytest.fixture
def locked_server(db_path):
    """The app with a password (test_phone_qa.py's log_in types it)."""
    server = LiveServer(create_app({"TESTING": True, "DATABASE": str(db_path), "PASSWORD": PASSWORD}))
    yield server
    server.stop()


def boxes(page: Page, selector: str) -> list[dict]:
    return page.locator(selector).evaluate_all(
        "els => els.filter(e => e.getClientRects().length).map(e => {"
        " const r = e.getBoundingClientRect();"
        " return {what: e.outerHTML.slice(0, 80), x: r.x, y: r.y, w: r.width, h: r.height}; })"
    )


def apart(a: dict, b: dict) -> float:
    """The gap between two boxes: vertical when one is under the other, else horizontal (negative: overlap)."""
    if a["y"] + a["h"] <= b["y"] + 0.5 or b["y"] + b["h"] <= a["y"] + 0.5:
        return max(b["y"] - (a["y"] + a["h"]), a["y"] - (b["y"] + b["h"]))
    return max(b["x"] - (a["x"] + a["w"]), a["x"] - (b["x"] + b["w"]))


# --- 1: the grid on a phone ----------------------------------------------------------------------------------

LINES_JS = """() => {
  const cut = (a, b) => ({top: Math.max(a.top, b.top), bottom: Math.min(a.bottom, b.bottom)});
  const found = [];
  for (const block of document.querySelectorAll('.block[data-key]:not(.break)')) {
    const style = getComputedStyle(block);
    const outer = block.getBoundingClientRect();
    const inner = {top: outer.top + parseFloat(style.borderTopWidth) + parseFloat(style.paddingTop),
                   bottom: outer.bottom - parseFloat(style.borderBottomWidth) - parseFloat(style.paddingBottom)};
    const parts = {};
    for (const part of ['block-head', 'title', 'speakers']) {
      const e = block.querySelector('.' + part);
      if (!e) continue;
      let clip = inner;  // what the boxes around it (up to the block) let show
      for (let up = e.parentElement; up !== block; up = up.parentElement) {
        if (getComputedStyle(up).overflowY !== 'visible') clip = cut(clip, up.getBoundingClientRect());
      }
      // How much of it shows inside every box that clips it, in lines of its line height.
      let own = e.getBoundingClientRect();
      if (getComputedStyle(e).overflowY !== 'visible') clip = cut(clip, own);
      const seen = Math.max(0, Math.min(clip.bottom, own.bottom) - Math.max(clip.top, own.top));
      parts[part] = seen / parseFloat(getComputedStyle(e).lineHeight);
    }
    const marks = [...block.querySelectorAll('form.mark button, form.mark a')].map(m => {
      const r = m.getBoundingClientRect(); return [r.width, r.height]; });
    found.push({key: block.dataset.key, height: outer.height, short: block.classList.contains('short'),
                parts, marks, cut: (() => { const t = block.querySelector('.title');
                  return {clamped: t.scrollHeight > t.clientHeight + 1, clamp: getComputedStyle(t).webkitLineClamp}; })()});
  }
  return found;
}"""


@pytest.mark.parametrize("lang", LANGS)
def test_the_grid_on_a_phone_shows_whole_lines_speakers_and_44px_marks(browser, live_server, runner, lang):
    run(runner, "mark", SLUG, "A10", "--status", "going")
    run(runner, "mark", SLUG, "B10", "--status", "attended")
    run(runner, "mark", SLUG, "C10", "--status", "interested")
    run(runner, "import", "-", "--slug", "short", "--format", "csv", stdin=SHORT_TALKS)
    page = phone(browser, live_server, lang)
    page.goto(live_server.url + C + "/agenda")
    page.get_by_role("link", name=WORDS[lang]["Grid"], exact=True).tap()  # the opt-in grid
    expect(page.locator(".grid .block[data-key]")).to_have_count(33)
    blocks = page.evaluate(LINES_JS)
    page.goto(live_server.url + "/c/short/?view=grid")
    blocks += page.evaluate(LINES_JS)
    assert len(blocks) > 33
    clamped = 0
    for b in blocks:
        # Every line of the time, the title and the speakers shows whole or not at all: never sliced.
        for part, lines in b["parts"].items():
            assert abs(lines - round(lines)) < 0.07, (b["key"], part, lines)  # within a pixel
        assert b["parts"]["title"] > 0.93, b  # the title's first line always shows
        if not b["short"]:
            # A talk of 45 minutes: its speakers show, its ☆ and ✓ are thumb-sized.
            if "speakers" in b["parts"]:
                assert b["parts"]["speakers"] > 0.93, b
            assert b["marks"] and all(w >= 44 and h >= 44 for w, h in b["marks"]), b
        if b["cut"]["clamped"]:  # a title cut at a line, with its ellipsis (line-clamp)
            clamped += 1
            assert b["cut"]["clamp"] not in ("none", ""), b
    assert clamped, "the demo has titles too long for a block on a phone"
    # ☆ and ✓ never cover the text.
    assert page.evaluate(OVERLAP_JS) == []
    page.goto(live_server.url + C + "/?view=grid")
    assert page.evaluate(OVERLAP_JS) == []
    page.context.close()


def test_the_grid_on_a_laptop_shows_whole_lines_too(browser, live_server):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(live_server.url + C + "/?view=grid")
    for b in page.evaluate(LINES_JS):
        for part, lines in b["parts"].items():
            assert abs(lines - round(lines)) < 0.07, (b["key"], part, lines)
    assert page.evaluate(OVERLAP_JS) == []
    page.close()


# --- 2: tap targets and spacing ------------------------------------------------------------------------------

TARGETS = (
    "main button, main input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=file]), main select,"
    " .conf-nav a, .crumbs a, .tabs a, .pill, .chip, .chips-apply"
)
PAGES = {
    "agenda": "/c/short/agenda",
    "session": C + "/s/A20",
    "note": C + "/note/A20",
    "share": C + "/share",
    "import": "/import",
    "list": C + "/list",
    "report": C + "/report",
    "todos": C + "/todos",
}


def small_targets(page: Page, selector: str = TARGETS) -> list[dict]:
    return [b for b in boxes(page, selector) if b["h"] < 44 - 0.5]


@pytest.mark.parametrize("lang", LANGS)
def test_buttons_fields_and_menu_links_are_44px_tall_on_a_phone(browser, live_server, runner, lang):
    run(runner, "import", "-", "--slug", "short", "--format", "csv", stdin=SHORT_TALKS)  # its last import: ⟳
    run(runner, "mark", SLUG, "A20", "--status", "going")
    run(runner, "mark", SLUG, "B20", "--status", "going")  # a clash box on A20
    page = phone(browser, live_server, lang)
    page.goto(live_server.url + C + "/share")
    page.locator("form button[value=new]").first.tap()
    expect(page.locator("#share-link")).to_be_visible()
    for name, path in PAGES.items():
        page.goto(live_server.url + path)
        found = boxes(page, TARGETS)
        assert len(found) >= 2, name
        assert small_targets(page) == [], name
        if name == "agenda":  # its ⟳ and its room chips are square enough for a thumb
            square = boxes(page, ".agenda-more > summary, .chip")
            assert len(square) >= 3 and [b for b in square if b["w"] < 44 or b["h"] < 44] == []
    page.context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_stacked_controls_keep_8px_apart(browser, live_server, lang):
    page = phone(browser, live_server, lang)
    page.goto(live_server.url + C + "/share")
    page.locator("form button[value=new]").first.tap()
    expect(page.locator("#share-link")).to_be_visible()
    link, copy = boxes(page, "#share-link")[0], boxes(page, "button[data-copy]")[0]
    assert apart(link, copy) >= 8, (link, copy)
    new, revoke = boxes(page, "button[value=new]")[0], boxes(page, "button[value=revoke]")[0]
    assert apart(new, revoke) >= 8, (new, revoke)
    page.context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_login_on_a_phone_has_44px_field_and_button_apart(browser, locked_server, lang):
    page = phone(browser, locked_server, lang)
    page.goto(locked_server.url + "/login")
    field, button = boxes(page, "input[name=password]")[0], boxes(page, "form.login button")[0]
    assert field["h"] >= 44 and button["h"] >= 44, (field, button)
    assert apart(field, button) >= 8, (field, button)
    page.context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_with_a_password_the_header_links_are_44px_tall(browser, locked_server, lang):
    page = phone(browser, locked_server, lang)
    log_in(page, locked_server)
    page.goto(locked_server.url + C + "/agenda")
    links = boxes(page, "header.top a")
    assert len(links) >= 3
    assert [b for b in links if b["h"] < 44 - 0.5] == []
    # The whole box is the link's: a tap near its bottom edge (below the header's line) still lands on it.
    for link in page.locator("header.top a").all():
        assert link.evaluate(
            "a => { const r = a.getBoundingClientRect();"
            " return a.contains(document.elementFromPoint(r.x + r.width / 2, r.bottom - 2)); }"
        ), link.inner_text()
    page.context.close()


# --- 3-6: the blog draft, TODOs, the import form, the clash box ------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_blog_draft_preview_headings_step_down(browser, live_server, runner, lang):
    run(runner, "mark", SLUG, "A10", "--status", "attended")
    run(runner, "note", SLUG, "A10", "--set-from", "-", stdin="### 学んだこと\n本文\n\n#### 詳細\nもっと")
    page = phone(browser, live_server, lang)
    page.goto(live_server.url + C + "/report?retro=1")  # its Fun / Done / Learn are ### under ##
    sizes = page.locator(".report-preview").evaluate(
        """el => Object.fromEntries(['h1','h2','h3','h4','h5','h6']
             .filter(h => el.querySelector(h))
             .map(h => [h, parseFloat(getComputedStyle(el.querySelector(h)).fontSize)]))"""
    )
    assert {"h2", "h3"} <= set(sizes), sizes
    levels = sorted(sizes)
    for upper, lower in itertools.pairwise(levels):
        assert sizes[upper] > sizes[lower], sizes
    page.context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_a_long_todo_wraps_beside_its_checkbox(browser, live_server, runner, lang):
    long = "資料を読み返して、チームの運用手順書に反映する。" * 3
    run(runner, "note", SLUG, "C30", "--set-from", "-", stdin=f"- [ ] {long}\n- [ ] short one")
    page = phone(browser, live_server, lang)
    page.goto(live_server.url + C + "/todos")
    item = page.locator(".todos li", has_text="資料を読み返して")
    tick, text = item.locator("button.tick").bounding_box(), item.locator(".todo-text").bounding_box()
    assert text["height"] > 40, "the TODO is long enough to wrap"
    assert text["x"] >= tick["x"] + tick["width"], (tick, text)  # beside the checkbox, every line
    assert text["y"] < tick["y"] + tick["height"], (tick, text)  # starting level with it
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_import_forms_fields_stay_inside_their_boxes(browser, live_server, lang):
    page = phone(browser, live_server, lang)
    page.goto(live_server.url + "/import")
    for fieldset in page.locator("form.import fieldset").all():
        outer = fieldset.bounding_box()
        for field in fieldset.locator("input:not([type=hidden]), textarea").all():
            box = field.bounding_box()
            assert box["x"] >= outer["x"] and box["x"] + box["width"] <= outer["x"] + outer["width"] - 1, (
                field.get_attribute("name"),
                box,
                outer,
            )
    page.context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_clash_boxs_buttons_line_up_when_they_wrap(browser, live_server, runner, lang):
    run(runner, "mark", SLUG, "A20", "--status", "going")
    run(runner, "mark", SLUG, "B20", "--status", "going")
    page = phone(browser, live_server, lang)
    page.goto(live_server.url + C + "/s/A20")
    first, second = boxes(page, ".clash-box form button")
    assert second["y"] >= first["y"] + first["h"], "on a phone the second button wraps"
    assert abs(first["x"] - second["x"]) < 1, (first, second)
    assert apart(first, second) >= 8, (first, second)
    page.context.close()


# --- 7: the devices page ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_another_devices_button_says_log_out_and_names_the_device(browser, locked_server, lang):
    laptop_agent = (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
        "Safari/537.36 Edg/131.0.0.0"
    )
    laptop = browser.new_context(user_agent=laptop_agent).new_page()
    log_in(laptop, locked_server)
    handset = phone(browser, locked_server, lang, user_agent=ANDROID)
    log_in(handset, locked_server)
    handset.goto(locked_server.url + "/devices")
    items = handset.locator(".devices li")
    expect(items).to_have_count(2)
    for item in items.all():
        expect(item.get_by_role("button")).to_have_text(WORDS[lang]["Log out"])
    # (Logins made in the same second list in either order: find each by what it shows.)
    here = items.filter(has=handset.locator("strong"))
    expect(here.get_by_role("button")).to_have_accessible_name(WORDS[lang]["Log out"])
    other = items.filter(has_not=handset.locator("strong")).get_by_role("button")
    expect(other).to_have_accessible_name(WORDS[lang]["Log out Edge"])
    assert other.bounding_box()["height"] >= 44
    other.tap()
    expect(handset.locator(".devices li")).to_have_count(1)
    laptop.goto(locked_server.url + C + "/")
    expect(laptop).to_have_url(re.compile(r"/login\?next="))
    laptop.context.close()
    handset.context.close()
