"""Every route of the app, from its url_map, with real arguments: the tests that must cover every page and every
state-changing route walk this instead of a list written by hand, so a route added later is picked up."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import Flask

from conference import store
from conference.media import prepare
from conference.store import connect

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# Routes whose answer is a file or a script, not a page a user reads (the escaping tests skip them).
NOT_PAGES = {"static", "notes.service_worker", "agenda.favicon"}

# The same words inside every field: markup that would become an element, a script, an event handler, a
# javascript: link, and quotes that would end an attribute. None of it may ever reach a page unescaped.
PAYLOAD = '"\'><b data-pwned="1">B</b><script>window.__pwned=1</script><img src=x onerror=window.__pwned=1>'
LINK = "javascript:window.__pwned=1"
SLUG = "hostile"
DEMO = "demo-tech-festa-2026"
KEYS = ("h1", 'k <b data-pwned="1">2')  # the second session's key is hostile too (it is in URLs and pages)


def unescaped(html: str) -> list[str]:
    """The pieces of PAYLOAD that appear in `html` as markup (empty when everything was escaped)."""
    return [
        piece for piece in ('<b data-pwned="1">', "<script>window.__pwned", "<img src=x onerror=") if piece in html
    ] + re.findall(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", html)


@dataclass
class Route:
    endpoint: str
    method: str
    url: str
    rule: str


def every_route(app: Flask, methods: set[str], values: dict) -> list[Route]:
    """One Route per rule of `app.url_map` answering one of `methods` and per value of its arguments.

    `values` maps an argument name (or (endpoint, argument name)) to a value or a list of values. A rule
    with an argument no value is given for is an error naming it: a new route must be given real values.
    """
    found = []
    adapter = app.url_map.bind("localhost")
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        for method in sorted((rule.methods or set()) & methods):
            choices: list[dict] = [{}]
            for name in sorted(rule.arguments):
                given = values.get((rule.endpoint, name), values.get(name))
                if given is None:
                    raise AssertionError(f"{rule.rule} ({rule.endpoint}): the test has no value for <{name}>")
                options = given if isinstance(given, list | tuple) else [given]
                choices = [{**c, name: v} for c in choices for v in options]
            for args in choices:
                url = adapter.build(rule.endpoint, args, method=method)
                found.append(Route(rule.endpoint, method, url, rule.rule))
    return found


def _photo(db, conf, key: str, caption: str = "") -> int:
    """A real photo (a small PNG read by Pillow) kept on `key`: its id for the photo routes."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "PNG")
    store.set_share_photos(db, conf, True)  # shown on the share link too: its photo routes answer
    kept = store.add_photos(
        db, conf, key, [(prepare(out.getvalue(), source="slide.png"), datetime.now(UTC))], caption=caption
    )
    return kept[0].id


def demo_values(app: Flask) -> dict:
    """Real arguments for every route on the demo conference (a link, a share link, a feed, an import)."""
    db = connect(app.config["DATABASE"])
    conf = store.conference(db, DEMO)
    link = store.add_link(db, conf, "A10", "https://example.com/deck", "slides", "deck")
    share = store.new_share_token(db, conf)
    values = {
        "slug": DEMO,
        "key": "A10",
        "import_id": store.last_import_id(db, conf),
        "link_id": link.id,
        "photo_id": None,
        "token": store.keep_pending(db, b"{}", name="x.json", source="x.json", request={}),
        ("planning.shared", "token"): share,
        ("media.shared_image", "token"): share,
        ("exports.feed", "token"): store.feed_token(db, conf),
        "name": "agenda",
        "code": "en",
        "filename": "app.js",
        "variant": ["full", "thumb"],
    }
    values["photo_id"] = _photo(db, conf, "A10")
    values["login"] = store.login_id(store.new_login(db, lifetime=timedelta(days=1), agent="Mozilla/5.0 (Android)"))
    db.close()
    return values


def _schedule() -> dict:
    """A schedule JSON conference with PAYLOAD in every field a parser keeps (key, code, title, subtitle,
    abstract, room, track, type, language, speaker, URL, link title), two sessions (the second with a
    hostile key), and a break."""
    p = PAYLOAD

    def event(key: str, code: str, start: str, room: str) -> dict:
        return {
            "guid": key,
            "code": code,
            "date": f"2026-07-25T{start}:00+09:00",
            "duration": "00:45",
            "title": f"T {p}",
            "subtitle": f"S {p}",
            "abstract": f"A {p} [x]({LINK})",
            "description": f"D {p}",
            "track": f"Tr {p}",
            "type": f"Ty {p}",
            "language": f"L {p}",
            "url": f"https://talks.example/{code}?q={p}",
            "persons": [{"public_name": f"P {p}"}],
            "links": [{"url": f"https://slides.example/{code}", "title": f"Li {p}"}, {"url": LINK, "title": "js"}],
        }

    return {
        "schedule": {
            "version": "1",
            "conference": {
                "acronym": "hostile",
                "title": f"C {p}",
                "time_zone_name": "Asia/Tokyo",
                "url": f"https://conf.example/?{p}",
                "days": [
                    {
                        "index": 1,
                        "date": "2026-07-25",
                        "rooms": {
                            f"R {p}": [event(KEYS[0], f"A{p}", "10:00", "R")],
                            f"R2 {p}": [
                                event(KEYS[1], f"B{p}", "10:30", "R2"),
                                {**event("lunch", "L", "12:00", "R2"), "title": f"Lunch {p}", "type": "break"},
                            ],
                        },
                    }
                ],
            },
        }
    }


def make_hostile(app: Flask, client, runner, tmp_path) -> dict:
    """The hostile conference in `app`'s database, with everything a user can add (marks, notes with TODOs
    and Q&A, links, a share link, a calendar feed, a renamed URL, a re-import that moved a talk, an upload
    waiting in the import form); the argument values for every_route."""
    source = tmp_path / "hostile.json"
    source.write_text(json.dumps(_schedule(), ensure_ascii=False), "utf-8")
    done = runner.invoke(args=["import", str(source), "--slug", SLUG, "--name", f"C {PAYLOAD}"])
    assert done.exit_code == 0, done.output
    moved = _schedule()  # a re-import that moves the first talk to another room: its report shows both
    rooms = moved["schedule"]["conference"]["days"][0]["rooms"]
    rooms[f"R2 {PAYLOAD}"].append(rooms.pop(f"R {PAYLOAD}")[0])
    source.write_text(json.dumps(moved, ensure_ascii=False), "utf-8")
    assert runner.invoke(args=["import", str(source), "--slug", SLUG]).exit_code == 0
    db = connect(app.config["DATABASE"])
    conf = store.conference(db, SLUG)
    store.update_conference(db, conf, name=f"C {PAYLOAD}", hashtag="#hostile", url=f'https://conf.example/"{PAYLOAD}')
    conf = store.conference(db, SLUG)
    keys = [s.key for s in store.planned_sessions(db, conf)]
    store.set_status(db, conf, [k for k in keys if k != "lunch"], "going")
    for key in keys:
        text = f"N {PAYLOAD}\n- [ ] todo {PAYLOAD}\nQ: q {PAYLOAD}\nA: a {PAYLOAD}\n[x]({LINK}) <{LINK}>\n"
        store.save_note(db, conf, key, text, 0)
        store.add_link(db, conf, key, f"https://deck.example/{key}", "slides", f"U {PAYLOAD}")
    link_id = store.planned_session(db, conf, keys[0]).links[-1].id
    share = store.new_share_token(db, conf)
    photo_id = _photo(db, conf, keys[1], caption=f"Ph {PAYLOAD}")
    login = store.login_id(store.new_login(db, lifetime=timedelta(days=1), agent=f"Mozilla/5.0 {PAYLOAD}"))
    feed = store.feed_token(db, conf)
    import_id = store.last_import_id(db, conf)
    db.close()
    upload = client.post(  # a custom JSON file: the form waits for the user to map its fields
        "/import",
        data={
            "file": (
                io.BytesIO(json.dumps({"talks": [{f"k {PAYLOAD}": f"v {PAYLOAD}"}]}).encode()),
                "<img src=x onerror=window.__pwned=1>.json",
            ),
            "slug": SLUG,
        },
        content_type="multipart/form-data",
    )
    assert upload.status_code == 303, upload.get_data(as_text=True)
    pending = re.search(r"/import/pending/([^/?#]+)", upload.headers["Location"]).group(1)
    return {
        "slug": SLUG,
        "key": keys,
        "import_id": import_id,
        "link_id": link_id,
        "photo_id": photo_id,
        "login": login,
        "token": pending,
        ("planning.shared", "token"): share,
        ("media.shared_image", "token"): share,
        ("exports.feed", "token"): feed,
        "name": ["grid", "agenda"],
        "code": ["en", "ja"],
        "filename": "app.js",
        "variant": ["full", "thumb"],
    }
