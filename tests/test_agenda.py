"""The agenda and the other phone-first pages, without a browser: the view choice, one day at a time and
small enough for FOSDEM, marks from a card, Now on a day without the event, my day's room changes."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

SLUG = "demo-tech-festa-2026"
C = f"/c/{SLUG}"
FOSDEM = Path(__file__).parent / "corpus" / "frab-xml" / "fosdem-2026-schedule.xml"
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
)
LAPTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


class Elements(HTMLParser):
    """Counts the elements a browser builds from a page (every start tag)."""

    def __init__(self):
        super().__init__()
        self.count = 0

    def handle_starttag(self, tag, attrs):
        self.count += 1

    def handle_startendtag(self, tag, attrs):
        self.count += 1


def elements(html: str) -> int:
    parser = Elements()
    parser.feed(html)
    return parser.count


def is_agenda(html: str) -> bool:
    return 'class="agenda"' in html and 'class="grid"' not in html


def test_timetable_address_shows_the_chosen_view_and_guesses_phones(client):
    assert not is_agenda(client.get(C + "/", headers={"User-Agent": LAPTOP}).get_data(as_text=True))
    phone = client.get(C + "/", headers={"User-Agent": ANDROID})
    assert phone.status_code == 200 and is_agenda(phone.get_data(as_text=True))
    assert {"Cookie", "User-Agent", "Sec-CH-UA-Mobile"} <= set(phone.vary)
    # The browser's own hint wins over the user agent.
    hinted = client.get(C + "/", headers={"User-Agent": ANDROID, "Sec-CH-UA-Mobile": "?0"})
    assert not is_agenda(hinted.get_data(as_text=True))
    assert is_agenda(
        client.get(C + "/", headers={"User-Agent": LAPTOP, "Sec-CH-UA-Mobile": "?1"}).get_data(as_text=True)
    )
    # The attendee's choice is remembered and beats the guess.
    switched = client.get(C + "/view/grid?day=2026-07-25")
    assert switched.status_code == 303 and switched.headers["Location"] == C + "/?day=2026-07-25"
    assert "view=grid" in switched.headers["Set-Cookie"] and "Max-Age=31536000" in switched.headers["Set-Cookie"]
    assert not is_agenda(client.get(C + "/", headers={"User-Agent": ANDROID}).get_data(as_text=True))
    switched = client.get(C + "/view/agenda?day=2026-07-25&room=Track+A")
    assert switched.headers["Location"] == C + "/agenda?day=2026-07-25&room=Track+A"
    assert is_agenda(client.get(C + "/", headers={"User-Agent": LAPTOP}).get_data(as_text=True))
    assert client.get(C + "/view/table").status_code == 404
    assert client.get("/c/nope/view/grid").status_code == 404


def test_agenda_groups_one_day_by_start_time_with_codes_rooms_and_speakers(client):
    html = client.get(C + "/agenda").get_data(as_text=True)
    assert re.findall(r'<h2 class="slot-time" id="h-\d+">([\d:]+)</h2>', html) == [
        "10:00", "11:00", "11:45", "13:00", "14:00", "15:00", "16:00", "17:00",
    ]  # fmt: skip
    slot = html[html.index(">13:00</h2>") : html.index(">14:00</h2>")]
    assert re.findall(r'data-key="(\w+)"', slot) == ["A20", "B20", "C20", "D20", "E20", "F20"]
    card = re.search(r'<li class="card" id="k-B20" data-key="B20".*?</li>', html, re.S).group(0)
    assert '<b class="room-code">B</b> Track B' in card and "13:00–13:45" in card
    assert "渡辺 翔, 中村 愛" in card and 'name="set" value="going:B20"' in card and 'form="marks"' in card
    assert 'aria-pressed="false"' in card and "state-label" not in card


def test_fosdem_busiest_day_is_one_day_under_5000_elements(runner, client):
    assert runner.invoke(args=["import", str(FOSDEM), "--slug", "fosdem"]).exit_code == 0
    import json
    from datetime import datetime

    from conference.model import conference_day

    sessions = json.loads(runner.invoke(args=["sessions", "fosdem", "--json"]).stdout)
    by_day: dict[str, list] = {}
    for s in sessions:
        if s["start"]:
            by_day.setdefault(conference_day(datetime.fromisoformat(s["start"])).isoformat(), []).append(s["key"])
    busiest = max(by_day, key=lambda d: len(by_day[d]))
    html = client.get(f"/c/fosdem/agenda?day={busiest}").get_data(as_text=True)
    keys = re.findall(r'<li class="card[^"]*" id="[^"]+" data-key="([^"]+)"', html)
    assert sorted(keys) == sorted(by_day[busiest]) and len(keys) > 400  # every talk of that day, no other day
    assert elements(html) < 5000, elements(html)
    # The grid of the same day, for comparison, is about twice the size.
    grid = client.get(f"/c/fosdem/?day={busiest}&view=grid").get_data(as_text=True)
    assert elements(grid) > elements(html)


def test_marks_from_a_card_answer_the_script_and_the_plain_form(client):
    answer = client.post(C + "/agenda/mark", data={"set": "going:A20"}, headers={"Accept": "application/json"})
    assert answer.get_json() == {"statuses": {"A20": "going"}, "clashes": {}}
    answer = client.post(C + "/agenda/mark", data={"set": "going:B20"}, headers={"Accept": "application/json"})
    assert answer.get_json() == {"statuses": {"B20": "going"}, "clashes": {"A20": ["B20"], "B20": ["A20"]}}
    back = client.post(C + "/agenda/mark", data={"set": "none:B20", "next": C + "/agenda?day=2026-07-25"})
    assert back.status_code == 303 and back.headers["Location"] == C + "/agenda?day=2026-07-25#k-B20"
    html = client.get(C + "/agenda").get_data(as_text=True)
    assert re.search(r'data-key="A20" data-status="going"', html) and re.search(r'data-key="B20" data-status=""', html)
    for bad in ("going", "gone:A20", "going:", ""):
        assert client.post(C + "/agenda/mark", data={"set": bad}).status_code == 400, bad
    assert client.post(C + "/agenda/mark", data={"set": "going:ZZZ"}).status_code == 404
    assert client.post(C + "/agenda/mark", data={"set": "going:A10"}, no_csrf=True).status_code == 400
    # Never sent off-site.
    away = client.post(C + "/agenda/mark", data={"set": "going:A10", "next": "https://evil.example/"})
    assert away.headers["Location"] == "/#k-A10"


def test_agenda_page_has_the_security_headers_and_no_inline_script(client):
    response = client.get(C + "/agenda")
    assert "script-src 'self';" in response.headers["Content-Security-Policy"]
    html = response.get_data(as_text=True)
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == [] and re.findall(r"\son[a-z]+=", html) == []


def test_kept_agenda_follows_marks_and_the_clock(client):
    first = client.get(C + "/agenda?at=2026-07-25T13:10").get_data(as_text=True)
    assert '<section class="slot" id="now" aria-labelledby="h-4">' in first  # 13:00 is on
    assert 'href="#now"' in first
    client.post(C + "/mark", data={"key": "C30", "status": "going"})
    again = client.get(C + "/agenda?at=2026-07-25T13:10").get_data(as_text=True)
    assert 'data-key="C30" data-status="going"' in again
    later = client.get(C + "/agenda?at=2026-07-25T13:50").get_data(as_text=True)
    assert '<section class="slot" id="now" aria-labelledby="h-5">' in later  # between talks: the next slot
    before = client.get(C + "/agenda?at=2026-07-20T09:00").get_data(as_text=True)
    assert 'id="now"' not in before and "now-jump" not in before  # no "jump to now" before the event


def test_now_on_a_day_without_the_event_shows_the_next_event_day(client):
    client.post(C + "/mark", data={"key": ["A10", "D30"], "status": "going"})
    html = client.get(C + "/now?at=2026-07-20T09:00").get_data(as_text=True)
    assert "No sessions today. The next event day is Saturday, July 25, 2026." in html
    plan = html[html.index("My plan that day") : html.index("Starting first")]
    assert re.findall(r'data-key="(\w+)"', plan) == ["A10", "D30"]
    first = html[html.index("Starting first") :]
    assert re.findall(r'class="item" data-key="(\w+)"', first) == ["A00"]
    assert f'href="{C}/agenda?day=2026-07-25"' in html
    on_the_day = client.get(C + "/now?at=2026-07-25T13:10").get_data(as_text=True)
    assert "next event day" not in on_the_day and "Now in my plan" in on_the_day
    ja = client.get(C + "/now?at=2026-07-20T09:00", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert "次の開催日は 2026年7月25日土曜日 です" in ja or "次の開催日は" in ja


def test_my_day_shows_no_room_change_arrow_while_a_clash_is_unresolved(client):
    client.post(C + "/mark", data={"key": ["A20", "B20", "C30"], "status": "going"})
    html = client.get(C + "/my").get_data(as_text=True)
    assert "Clash" in html and 'class="room-change"' not in html
    # Keep A20: the route is known again (Track A, then Track C).
    client.post(C + "/mark", data={"key": "A20", "status": "going", "demote": "B20"})
    html = client.get(C + "/my").get_data(as_text=True)
    assert re.findall(r'<strong class="room-change">→ ([^<]+)</strong>', html) == ["Track C"]


def test_notes_hub_offers_the_talk_on_now_and_every_note(client, runner):
    client.post(C + "/mark", data={"key": "B20", "status": "going"})
    runner.invoke(args=["note", SLUG, "D30", "--append", "Ansible tips\nmore"])
    html = client.get(C + "/notes?at=2026-07-25T13:10").get_data(as_text=True)
    now = html[html.index('class="hub-now"') : html.index("My notes")]
    assert f'href="{C}/note/B20"' in now and "Write notes" in now
    written = html[html.index("My notes") :]
    assert f'href="{C}/note/D30"' in written and "Ansible tips" in written and "more" not in written
    assert "Sat, Jul 25 14:00 · Track D" in written


def test_import_report_times_are_the_conference_clock_even_from_utc_sources(app):
    from conference.views.agenda import local_time

    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert local_time("2026-07-25T04:00:00+00:00", "Asia/Tokyo") == "Sat, Jul 25 13:00"
        assert local_time("2026-01-31T09:30:00+01:00", "Europe/Brussels", with_day=False) == "09:30"
        assert local_time(None, "Asia/Tokyo") == "" and local_time("tbd", "Asia/Tokyo") == "tbd"


def test_small_things_favicon_hatena_slug_pattern(client, db_path):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 301 and re.fullmatch(r"/static/favicon\.svg\?v=\w+", icon.headers["Location"])
    assert client.get(icon.headers["Location"]).status_code == 200
    assert 'rel="icon" href="/static/favicon.svg?v=' in client.get("/").get_data(as_text=True)
    ja = client.get(C + "/report", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert ">はてなブログ</option>" in ja and "Hatena Blog" not in ja
    assert 'pattern="[^\\/]+"' in client.get("/import").get_data(as_text=True)


def test_favicon_needs_no_login(db_path):
    from conference import create_app

    locked = create_app({"TESTING": True, "DATABASE": str(db_path), "PASSWORD": "pw"}).test_client()
    assert locked.get("/favicon.ico").status_code == 301
    assert locked.get(C + "/agenda").status_code == 302  # everything else still asks for the password


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_conference_page_carries_the_bottom_bar_but_shared_plans_do_not(client, lang):
    headers = {"Accept-Language": lang}
    for path in (C + "/agenda", C + "/list", C + "/my", C + "/now", C + "/note/A10", C + "/notes", C + "/s/A10"):
        html = client.get(path, headers=headers).get_data(as_text=True)
        bar = re.search(r'<nav class="bottom-bar".*?</nav>', html, re.S).group(0)
        assert len(re.findall(r"<a href=", bar)) == 4, path
    client.post(C + "/share")
    token = re.search(r"/p/([\w-]+)/", client.get(C + "/share").get_data(as_text=True)).group(1)
    assert "bottom-bar" not in client.get(f"/p/{token}/").get_data(as_text=True)
