"""With a password (the app reachable from other machines), nothing a user types may make the server fetch
from this machine or its network: every class of non-public address, through every view that downloads
(the import form's URL, Refresh, the link title lookup), and through fetch itself.

No packet leaves: the loopback addresses point at a real server here (a broken guard would fetch from it),
and conftest stops any connect beyond loopback and records it (a broken guard would show up there)."""

from __future__ import annotations

import shutil

import pytest

from conference import create_app, store
from conference.errors import NonPublicAddress
from conference.fetch import fetch, page_title, public_only
from conference.model import Session, Timetable
from conference.store import connect
from conference.titles import LOOKUPS

from .conftest import CSRFClient, TimetableServer

SLUG = "demo-tech-festa-2026"
PASSWORD = "correct horse battery staple"
HERE = "HERE"  # replaced by the test server's port: these addresses reach it when the guard is broken

ADDRESSES = {
    "loopback": ["127.0.0.1:HERE", "127.8.9.10:HERE", "[::1]:HERE", "localhost:HERE"],
    "private": ["10.0.0.1", "172.16.5.4", "192.168.1.1"],
    "link-local": ["169.254.169.254", "[fe80::1]"],
    "CGNAT (100.64/10)": ["100.64.0.1", "100.127.255.254"],
    "NAT64 (64:ff9b::/96)": ["[64:ff9b::a9fe:a9fe]", "[64:ff9b::7f00:1]:HERE", "[64:ff9b:1::a00:1]"],
    "IPv4-mapped IPv6": ["[::ffff:127.0.0.1]:HERE", "[::ffff:169.254.169.254]", "[::ffff:10.0.0.1]"],
    "unique-local (fc00::/7)": ["[fc00::1]", "[fd12:3456:789a::1]"],
    "multicast": ["224.0.0.251", "239.255.255.250", "[ff02::1]"],
    "unspecified and reserved": ["0.0.0.0:HERE", "[::]:HERE", "240.0.0.1", "255.255.255.255"],
}
EVERY = [(kind, address) for kind, addresses in ADDRESSES.items() for address in addresses]
IDS = [address for _kind, address in EVERY]


@pytest.fixture(scope="module")
def locked(tmp_path_factory, demo_database):
    """The app with a password, a logged-in client (from another machine), and a page to fetch here: one
    for the module's tests (each refusal writes nothing, and each test checks that on the shared file)."""
    path = tmp_path_factory.mktemp("locked") / "conference.db"
    shutil.copyfile(demo_database, path)
    app = create_app({"TESTING": True, "DATABASE": str(path), "PASSWORD": PASSWORD})
    app.test_client_class = CSRFClient
    assert app.config["FETCH_ALLOW_PRIVATE"] is False
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert client.post("/login", data={"password": PASSWORD}).status_code == 303
    return app, client


@pytest.fixture(scope="module")
def page_server():
    server = TimetableServer()
    page = b"<html><head><title>Internal admin</title></head></html>"
    server.put("/t.json", b'{"schedule": {"conference": {"title": "inside", "days": []}}}', "application/json")
    server.put("/page", page, "text/html")
    yield server
    server.stop()


@pytest.fixture
def target(page_server):
    page_server.hits.clear()
    port = page_server.url.rsplit(":", 1)[1]
    return page_server, lambda address, path: f"http://{address.replace(HERE, port)}{path}"


def slugs(app) -> list[str]:
    db = connect(app.config["DATABASE"])
    try:
        return [c.slug for c in store.conferences(db)]
    finally:
        db.close()


@pytest.mark.parametrize(("kind", "address"), EVERY, ids=IDS)
def test_the_import_form_refuses_every_non_public_address(locked, target, outside_connections, kind, address):
    app, client = locked
    server, url = target
    before = slugs(app)
    answer = client.post("/import", data={"url": url(address, "/t.json"), "slug": "fetched-inside"})
    assert answer.status_code == 400 and "a non-public address; refused" in answer.get_data(as_text=True), kind
    assert server.hits == [] and outside_connections() == []
    assert slugs(app) == before and "fetched-inside" not in before  # nothing imported


@pytest.mark.parametrize(("kind", "address"), EVERY, ids=IDS)
def test_refresh_refuses_a_conference_whose_source_is_not_public(locked, target, outside_connections, kind, address):
    app, client = locked
    server, url = target
    db = connect(app.config["DATABASE"])
    talk = Session(key="t1", title="Talk")
    store.apply_import(
        db, "inside", Timetable(sessions=[talk], timezone="UTC"), source=url(address, "/t.json"), fmt="schedule-json"
    )
    db.close()
    answer = client.post("/c/inside/refresh")
    assert answer.status_code == 502 and "a non-public address; refused" in answer.get_data(as_text=True), kind
    assert server.hits == [] and outside_connections() == []


@pytest.mark.parametrize(("kind", "address"), EVERY, ids=IDS)
def test_a_link_title_is_never_looked_up_on_a_non_public_address(locked, target, outside_connections, kind, address):
    app, client = locked
    server, url = target
    answer = client.post(f"/c/{SLUG}/links/A10", data={"url": url(address, "/page"), "lookup": "1"})
    assert answer.status_code == 303
    assert LOOKUPS.wait(30)
    db = connect(app.config["DATABASE"])
    [link] = store.planned_session(db, store.conference(db, SLUG), "A10").links[-1:]
    db.close()
    assert link.url == url(address, "/page") and link.title == "", kind  # kept, untitled
    assert server.hits == [] and outside_connections() == []


@pytest.mark.parametrize(("kind", "address"), EVERY, ids=IDS)
def test_fetch_refuses_every_non_public_address(target, outside_connections, kind, address):
    server, url = target
    with pytest.raises(NonPublicAddress, match=r"non-public address; refused"):
        fetch(url(address, "/t.json"), deadline=5)
    assert page_title(url(address, "/page")) is None
    assert server.hits == [] and outside_connections() == []


def test_without_a_password_this_computer_may_import_from_itself(db_path, target):
    """The one mode that may fetch from loopback: no password, loopback clients only (the control)."""
    server, url = target
    app = create_app({"TESTING": True, "DATABASE": str(db_path)})
    app.test_client_class = CSRFClient
    client = app.test_client()
    answer = client.post(f"/c/{SLUG}/links/A10", data={"url": url("127.0.0.1:HERE", "/page"), "lookup": "1"})
    assert answer.status_code == 303 and LOOKUPS.wait(30)
    db = connect(db_path)
    assert store.planned_session(db, store.conference(db, SLUG), "A10").links[-1].title == "Internal admin"
    db.close()
    assert server.hits == ["/page"]


def test_behind_a_proxy_or_with_a_password_the_app_never_allows_private_fetches(db_path):
    for config in ({"PASSWORD": PASSWORD}, {"BEHIND_PROXY": True}, {"PASSWORD": PASSWORD, "BEHIND_PROXY": True}):
        assert create_app({"DATABASE": str(db_path), **config}).config["FETCH_ALLOW_PRIVATE"] is False, config
    assert create_app({"DATABASE": str(db_path)}).config["FETCH_ALLOW_PRIVATE"] is True


def test_a_public_address_is_public_however_it_is_written():
    """The guard judges the address, not its spelling: a public IPv4 address written as IPv4-mapped IPv6
    passes (nothing is fetched here: only the address is judged), the same spelling of a private one not."""
    for address in ("8.8.8.8", "::ffff:8.8.8.8", "2001:4860:4860::8888"):
        public_only(address)
    for address in ("::ffff:10.0.0.1", "::ffff:169.254.169.254", "::ffff:127.0.0.1"):
        with pytest.raises(NonPublicAddress):
            public_only(address)
