"""Slide photos and the Later page in a real browser on a 375 x 812 touch screen (Debian's chromium via
Playwright): the camera input fed a real photo, the strip, the viewer, deleting after confirming, the
plain form without JavaScript, the offline queue (IndexedDB) sent when the network returns, axe-core."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.test_phone import PHONE, axe_violations, check_targets, phone
from tests.test_photos import private_bits, slide

pytestmark = pytest.mark.browser

SLUG = "demo-tech-festa-2026"
C = f"/c/{SLUG}"
WORDS = {
    "ja": {"waiting": "送信待ちの写真: 1 枚", "add": "写真を撮る", "delete": "この写真を削除…", "yes": "削除する"},
    "en": {
        "waiting": "Photos waiting to be sent: 1",
        "add": "Add photo",
        "delete": "Delete this photo…",
        "yes": "Yes, delete the photo",
    },
}


def stored(runner, key: str | None = None) -> list[dict]:
    result = runner.invoke(args=["photo", "list", SLUG, *([key] if key else []), "--json"])
    return json.loads(result.stdout)


def camera(page, form: str = ".photos form.photo-form"):
    """The phone camera's input (capture=environment), as the browser exposes it to a test."""
    return page.locator(f'{form} input[type=file][capture="environment"]')


def photo_file(name: str, **options) -> dict:
    return {"name": name, "mimeType": "image/jpeg", "buffer": slide(**options)}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_camera_adds_a_photo_to_the_strip_and_the_viewer_shows_and_deletes_it(browser, live_server, runner, lang):
    page = phone(browser, live_server, lang)
    page.goto(live_server.url + C + "/note/A10")
    expect(page.locator(".photos .photo-pick").first).to_be_visible()
    expect(camera(page)).to_have_accessible_name(WORDS[lang]["add"])
    page.locator(".photos input[name=caption]").fill("アーキテクチャ図")
    camera(page).set_input_files([photo_file("IMG_0001.jpg", size=(4000, 3000))])  # a 12 MP phone photo
    strip = page.locator(".photos .photo-strip img")
    expect(strip).to_have_count(1)
    expect(strip).to_have_attribute("alt", "アーキテクチャ図")
    [kept] = stored(runner, "A10")
    assert (kept["width"], kept["height"], kept["caption"]) == (1920, 2560, "アーキテクチャ図")
    assert kept["taken"] == "2026-07-25T13:05:12+09:00"
    expect(page.locator(".photos input[name=caption]")).to_have_value("")  # ready for the next one
    # The quick bar's Photo button opens the same camera.
    with page.expect_file_chooser() as chooser:
        page.locator(".note-form .quick button[data-photo]").tap()
    assert chooser.value.is_multiple() and chooser.value.element.get_attribute("capture") == "environment"
    # Tap for full size.
    strip.first.tap()
    expect(page).to_have_url(re.compile(rf"/photo/{kept['id']}$"))
    full = page.locator("figure.photo-full img")
    expect(full).to_have_attribute("alt", "アーキテクチャ図")
    size = page.evaluate(
        "() => { const i = document.querySelector('figure.photo-full img'); return [i.naturalWidth, i.naturalHeight, i.getBoundingClientRect().width]; }"
    )
    assert size[:2] == [1920, 2560] and size[2] <= PHONE["width"]
    body = page.request.get(live_server.url + f"{C}/photo/{kept['id']}/full").body()
    assert private_bits(body) == []
    # Delete: only after saying yes.
    page.get_by_text(WORDS[lang]["delete"]).tap()
    page.get_by_role("button", name=WORDS[lang]["yes"]).tap()
    expect(page).to_have_url(re.compile(r"/note/A10\?deleted=1#photos$"))
    expect(page.locator(".photos .photo-strip img")).to_have_count(0)
    assert stored(runner) == []
    page.context.close()


def test_without_javascript_the_plain_form_sends_several_photos_from_the_gallery(browser, live_server, runner):
    page = phone(browser, live_server, "en", java_script_enabled=False)
    page.goto(live_server.url + C + "/note/A10")
    gallery = page.locator(".photos input[type=file]:not([capture])")
    gallery.set_input_files([photo_file("a.jpg"), photo_file("b.jpg", orientation=None, taken="2026:07:25 13:20:00")])
    page.locator(".photos input[name=caption]").fill("Two slides")
    page.get_by_role("button", name="Upload").click()
    expect(page).to_have_url(re.compile(r"/note/A10\?added=2#photos$"))
    expect(page.get_by_text("Photos added: 2")).to_be_visible()
    expect(page.locator(".photos .photo-strip img")).to_have_count(2)
    assert [p["caption"] for p in stored(runner)] == ["Two slides", "Two slides"]
    # Not a photo: said on the page, nothing kept.
    page.locator(".photos input[type=file]:not([capture])").set_input_files(
        [{"name": "notes.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7"}]
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("alert")).to_contain_text("notes.pdf: This is not a photo")
    assert len(stored(runner)) == 2
    page.context.close()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_photo_taken_offline_waits_and_is_sent_when_the_network_returns(browser, live_server, runner, lang):
    # No service worker here: with one, set_offline does not reliably block requests (FIELD-NOTES).
    page = phone(browser, live_server, lang, service_workers="block")
    page.goto(live_server.url + C + "/note/A10")
    page.context.set_offline(True)
    camera(page).set_input_files([photo_file("offline.jpg")])
    queue = page.locator(".photos .photo-queue")
    expect(queue).to_have_text(WORDS[lang]["waiting"])
    assert stored(runner) == []
    page.context.set_offline(False)  # the `online` event: the queue goes out
    expect(page.locator(".photos .photo-strip img")).to_have_count(1)
    expect(queue).not_to_have_text(WORDS[lang]["waiting"])
    assert [p["key"] for p in stored(runner)] == ["A10"]
    page.context.close()


def test_the_queue_outlives_the_page_and_goes_from_the_next_page_opened(browser, live_server, runner):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, service_workers="block")
    runner.invoke(args=["mark", SLUG, "A10", "--status", "going"])
    page = context.new_page()
    page.goto(live_server.url + C + "/now?at=2026-07-25T11:20")
    context.set_offline(True)
    camera(page, ".now-card form.photo-form").set_input_files([photo_file("from-now.jpg", taken=None)])
    expect(page.locator(".now-card .photo-queue")).to_have_text("Photos waiting to be sent: 1")
    page.close()  # the tab is closed while the venue has no network
    assert stored(runner) == []
    context.set_offline(False)
    later = context.new_page()
    later.goto(live_server.url + C + "/note/B10")  # any page with the photo script sends what waits
    expect(later.locator(".photo-queue")).to_have_text("Photo added.")
    assert [p["key"] for p in stored(runner)] == ["A10"]  # the talk it was taken for, not this page's
    assert (
        later.evaluate(
            "() => new Promise(r => { const q = indexedDB.open('conference-photos'); q.onsuccess = () => q.result.transaction('queue').objectStore('queue').count().onsuccess = (e) => r(e.target.result); })"
        )
        == 0
    )
    context.close()


def test_a_retry_after_a_lost_answer_adds_the_photo_once(browser, live_server, runner):
    page = phone(browser, live_server, "en", service_workers="block")
    answered = {"n": 0}

    def lose_first_answer(route):
        response = route.fetch()  # the server keeps the photo ...
        answered["n"] += 1
        if answered["n"] == 1:
            route.abort("connectionreset")  # ... but the phone never hears back
        else:
            route.fulfill(response=response)

    page.route("**/api/c/*/photos/**", lose_first_answer)
    page.goto(live_server.url + C + "/note/A10")
    with page.expect_event("requestfailed"):  # the server kept it; the answer was lost on the way back
        camera(page).set_input_files([photo_file("once.jpg")])
    expect(page.locator(".photos .photo-queue")).to_have_text("Photos waiting to be sent: 1")
    assert len(stored(runner)) == 1
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator(".photos .photo-strip img")).to_have_count(1)
    assert answered["n"] == 2 and len(stored(runner)) == 1
    page.context.close()


@pytest.fixture
def with_media(runner, tmp_path):
    """A10 attended with two photos; C20 and D20 to watch later, C20's recording published."""
    runner.invoke(args=["mark", SLUG, "A10", "--status", "attended"])
    runner.invoke(args=["mark", SLUG, "C20", "D20", "--status", "later"])
    runner.invoke(args=["link", SLUG, "C20", "https://www.youtube.com/watch?v=c20", "--title", "Recording"])
    for n, options in enumerate(({}, {"orientation": None}), 1):
        (tmp_path / f"{n}.jpg").write_bytes(slide(**options))
        runner.invoke(args=["photo", "add", SLUG, "A10", str(tmp_path / f"{n}.jpg"), "--caption", f"Slide {n}"])
    return stored(runner)


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("name", ["note", "now", "later", "photo"])
def test_media_pages_fit_the_phone_have_big_targets_and_pass_axe(browser, live_server, with_media, lang, name):
    path = {
        "note": C + "/note/A10",
        "now": C + "/now?at=2026-07-25T11:20",
        "later": C + "/later",
        "photo": f"{C}/photo/{with_media[0]['id']}",
    }[name]
    page = phone(browser, live_server, lang, bypass_csp=True)
    page.goto(live_server.url + path)
    page.wait_for_load_state("load")
    if name == "note":
        page.locator("#photos").scroll_into_view_if_needed()
        page.locator("textarea").blur()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    check_targets(page, name)
    assert axe_violations(page) == [], name
    page.context.close()


def test_the_later_page_shows_the_recording_and_the_watched_button(browser, live_server, with_media, runner):
    page = phone(browser, live_server, "ja")
    page.goto(live_server.url + C + "/later")
    items = page.locator(".later-item")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("C20")
    expect(items.first.get_by_role("link", name=re.compile("録画"))).to_have_attribute(
        "href", "https://www.youtube.com/watch?v=c20"
    )
    expect(items.nth(1)).to_contain_text("録画はまだ公開されていません。")
    items.first.get_by_role("button", name="見た").tap()
    expect(page.locator(".later-item")).to_have_count(1)
    sessions = json.loads(runner.invoke(args=["sessions", SLUG, "--json"]).stdout)
    assert next(s for s in sessions if s["key"] == "C20")["status"] == "attended"
    page.context.close()
