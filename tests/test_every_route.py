"""Every route, walked from the app's url_map (tests/routes.py): a route added later is covered without
anyone remembering to list it. Each state-changing route refuses a request without the CSRF token, and
every page of a conference with hostile text in every field shows that text escaped."""

from __future__ import annotations

import pytest
from flask import Flask

from conference import create_app, store
from conference.store import connect
from conference.views.auth import csrf

from .conftest import CSRFClient
from .routes import DEMO, NOT_PAGES, PAYLOAD, WRITES, demo_values, every_route, make_hostile, unescaped


def accepted_without_token(app: Flask) -> list[str]:
    """The state-changing routes that did NOT refuse a request without the CSRF token (should be none).

    Each is sent the way a form or our script would send it, from this computer, with no token at all."""
    client = app.test_client()
    client.get("/")  # a session cookie, as a browser that opened a page has
    values = demo_values(app)
    passed = []
    for route in every_route(app, WRITES, values):
        for kind in ("form", "json"):
            if kind == "form":
                answer = client.open(route.url, method=route.method, data={"key": "A10", "status": "going"})
            else:
                answer = client.open(route.url, method=route.method, json={"text": "x", "base_version": 0})
            refused = answer.status_code == 400 and (
                b"CSRF" in answer.data or (answer.is_json and answer.get_json().get("error") == "csrf")
            )
            if not refused:
                passed.append(f"{route.method} {route.url} ({kind}): {answer.status_code}")
    return passed


def test_every_state_changing_route_refuses_a_request_without_the_csrf_token(db_path):
    app = create_app({"TESTING": True, "DATABASE": str(db_path)})
    routes = every_route(app, WRITES, demo_values(app))
    assert len(routes) >= 20  # the walk found the routes (20 when this test was written)
    assert accepted_without_token(app) == []
    db = connect(db_path)  # and none of them changed anything
    conf = store.conference(db, DEMO)
    assert store.note(db, conf, "A10").version == 0 and store.planned_session(db, conf, "A10").status is None
    db.close()


def test_a_new_post_route_without_csrf_would_be_found(db_path):
    """The walk is no list: a route added later, exempted from CSRF by mistake, fails the test above."""
    app = create_app({"TESTING": True, "DATABASE": str(db_path)})

    @app.post("/c/<slug>/forgotten")
    @csrf.exempt
    def forgotten(slug):
        return "changed", 200

    @app.route("/c/<slug>/also/<key:key>", methods=["PUT", "DELETE"])
    def also(slug, key):
        return "changed", 200

    passed = accepted_without_token(app)
    assert passed == [f"POST /c/{DEMO}/forgotten (form): 200", f"POST /c/{DEMO}/forgotten (json): 200"]
    # PUT and DELETE routes are walked too (the global protection refuses them while nobody exempts them).
    assert [r.method for r in every_route(app, WRITES, demo_values(app)) if "/also/" in r.url] == ["DELETE", "PUT"]


def test_a_route_with_an_argument_the_walk_cannot_fill_fails_loudly(db_path):
    app = create_app({"TESTING": True, "DATABASE": str(db_path)})
    app.add_url_rule("/c/<slug>/new/<thing>", "new_thing", lambda slug, thing: "", methods=["GET"])
    with pytest.raises(AssertionError, match=r"/c/<slug>/new/<thing> \(new_thing\): the test has no value for <thing>"):
        every_route(app, {"GET"}, demo_values(app))


@pytest.fixture
def hostile(db_path, tmp_path):
    app = create_app({"TESTING": True, "DATABASE": str(db_path)})
    app.test_client_class = CSRFClient
    client = app.test_client()
    values = make_hostile(app, client, app.test_cli_runner(), tmp_path)
    return app, client, values


# Pages that show none of the hostile conference's text, and why: the login form; the import form (the
# conference is chosen, not named); the devices page (a device is named from its User-Agent's browser and
# system, never the raw header); the offline note shell (the talk's text is filled in by note.js from
# pages kept on the phone).
WITHOUT_HOSTILE_TEXT = {"auth.login", "imports.form", "auth.devices", "offline.note_shell"}


def test_every_page_shows_hostile_text_escaped(hostile):
    """Script, markup, quotes and javascript: links in every field of a timetable, a note, a link and the
    conference's name: each page a user can reach (walked from the url_map, each session of the hostile
    conference) shows the words, never the markup."""
    app, client, values = hostile
    seen, without = 0, set()
    for route in every_route(app, {"GET"}, values):
        if route.endpoint in NOT_PAGES:
            continue
        answer = client.get(route.url, follow_redirects=True)
        assert answer.status_code == 200, (route.url, answer.status_code)
        if answer.mimetype != "text/html":
            continue
        html = answer.get_data(as_text=True)
        assert unescaped(html) == [], route.url
        seen += 1
        if "&lt;b data-pwned=" not in html:  # the words are there, as text, on every page but these
            without.add(route.endpoint)
    assert seen >= 30  # every page of each session (37 when this test was written)
    assert without <= WITHOUT_HOSTILE_TEXT, without - WITHOUT_HOSTILE_TEXT


def test_the_conference_name_is_escaped_on_every_page_that_shows_it(hostile):
    app, client, values = hostile
    shown = []
    for route in every_route(app, {"GET"}, values):
        answer = client.get(route.url, follow_redirects=True)
        if answer.mimetype == "text/html":
            html = answer.get_data(as_text=True)
            if "C &#34;&#39;&gt;&lt;b data-pwned=" in html:
                shown.append(route.endpoint)
            assert f"C {PAYLOAD}" not in html, route.url
    for endpoint in ("planning.now", "planning.choose", "planning.share_page", "notes.todos"):
        assert endpoint in shown, endpoint
    assert "exports.page" in shown and "planning.shared" in shown
