"""Issue 17, access as configured: cookie flags, logins ended on the server, proxies, the login limiter,
the Host check, the dev server's warning, and a clock that was wrong for a while.

Each test fails on the code before the issue's fix (cookie settings that never took effect, logout in
the cookie only, forwarded headers believed from anyone, a per-address limit counted with a race…).
"""

from __future__ import annotations

import glob
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
import requests
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from markupsafe import escape
from werkzeug.test import Client

from conference import create_app, store
from conference.store import connect
from conference.views.auth import TrustedProxies, trusted_networks

from .conftest import CSRFClient, LiveServer

ROOT = Path(__file__).resolve().parents[1]
SLUG = "demo-tech-festa-2026"
PASSWORD = "correct horse battery staple"
# Debian's libfaketime (package faketime, installed by .ci/setup --test): a process's clock, set from a file.
LIBFAKETIME = next(
    iter(sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1"))), "/usr/lib/faketime/libfaketime.so.1"
)


def _app(db_path, **config):
    app = create_app({"TESTING": True, "DATABASE": str(db_path), **config})
    app.test_client_class = CSRFClient
    return app


@pytest.fixture
def locked(db_path):
    return _app(db_path, PASSWORD=PASSWORD)


def _set_cookies(response) -> dict[str, dict]:
    """Each Set-Cookie of a real HTTP response: name -> {"value", and its attributes in lower case}."""
    found = {}
    for header in response.raw.headers.getlist("Set-Cookie"):
        pair, *attributes = [part.strip() for part in header.split(";")]
        name, value = pair.split("=", 1)
        attrs = {"value": value}
        for attribute in attributes:
            key, _eq, val = attribute.partition("=")
            attrs[key.lower()] = val or True
        found[name] = attrs
    return found


def _csrf(html: str) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)">', html).group(1)


def _login(base: str, password: str = PASSWORD, cookies: dict | None = None) -> tuple[requests.Response, dict]:
    """Log in like a browser; returns the answer and the cookies it holds afterwards."""
    http = requests.Session()
    http.cookies.update(cookies or {})
    token = _csrf(http.get(f"{base}/login", timeout=10).text)
    answer = http.post(
        f"{base}/login", data={"password": password, "csrf_token": token}, allow_redirects=False, timeout=10
    )
    return answer, http.cookies.get_dict()


# --- 1. cookie settings that take effect ----------------------------------------------------------


def test_cookie_flags_read_from_a_real_login_over_a_real_server(db_path, monkeypatch):
    monkeypatch.setenv("CONFERENCE_SECURE_COOKIES", "1")
    monkeypatch.setenv("CONFERENCE_PASSWORD", PASSWORD)
    server = LiveServer(create_app({"DATABASE": str(db_path)}))
    try:
        page = requests.get(f"{server.url}/login", timeout=10)
        # Secure cookies do not travel back over plain http on their own: send it as a browser on https would.
        first = _set_cookies(page)["session"]
        answer = requests.post(
            f"{server.url}/login",
            data={"password": PASSWORD, "csrf_token": _csrf(page.text)},
            headers={"Cookie": f"session={first['value']}"},
            allow_redirects=False,
            timeout=10,
        )
    finally:
        server.stop()
    assert answer.status_code == 303
    cookies = _set_cookies(answer)
    session = cookies["session"]
    assert session.get("secure") is True and session.get("httponly") is True
    assert session.get("samesite") == "Lax"
    lifetime = parsedate_to_datetime(session["expires"]) - datetime.now(UTC)
    assert timedelta(days=29, hours=23) < lifetime <= timedelta(days=30), lifetime  # not Flask's 31 days
    device = cookies["conference_device"]
    assert device.get("secure") is True and device.get("httponly") is True and device.get("samesite") == "Lax"


def test_without_secure_cookies_the_cookie_still_has_samesite(locked):
    client = locked.test_client()
    client.post("/login", data={"password": PASSWORD})
    header = next(h for h in client.get("/login").headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "SameSite=Lax" in header and "Secure" not in header and "HttpOnly" in header


# --- 2. logout ends the login on the server ----------------------------------------------------


def test_a_copy_of_the_cookie_opens_nothing_after_logout(db_path):
    server = LiveServer(_app(db_path, PASSWORD=PASSWORD))
    try:
        answer, cookies = _login(server.url)
        assert answer.status_code == 303
        copy = requests.Session()
        copy.cookies.update(cookies)  # the stolen copy
        assert copy.get(f"{server.url}/c/{SLUG}/", allow_redirects=False, timeout=10).status_code == 200
        owner = requests.Session()
        owner.cookies.update(cookies)
        token = _csrf(owner.get(f"{server.url}/c/{SLUG}/", timeout=10).text)
        assert owner.post(f"{server.url}/logout", data={"csrf_token": token}, allow_redirects=False).status_code == 303
        replayed = copy.get(f"{server.url}/c/{SLUG}/", allow_redirects=False, timeout=10)
        assert replayed.status_code == 302 and replayed.headers["Location"].startswith("/login")
        write = copy.post(
            f"{server.url}/api/c/{SLUG}/note/A10",
            json={"text": "written with a copied cookie", "base_version": 0},
            headers={"X-CSRFToken": token},
            timeout=10,
        )
        assert write.status_code == 401
    finally:
        server.stop()
    db = connect(db_path)
    assert store.note(db, store.conference(db, SLUG), "A10").text == ""
    db.close()


def test_log_out_everywhere_ends_every_device(locked, db_path):
    phone, laptop = locked.test_client(), locked.test_client()
    for device in (phone, laptop):
        assert device.post("/login", data={"password": PASSWORD}).status_code == 303
        assert device.get(f"/c/{SLUG}/").status_code == 200
    devices = laptop.get("/devices").get_data(as_text=True)
    assert devices.count("<li>") == 2 and "(this device)" in devices
    assert laptop.post("/logout/everywhere").status_code == 303
    assert phone.get(f"/c/{SLUG}/").status_code == 302
    assert laptop.get(f"/c/{SLUG}/").status_code == 302
    # The CLI twin, for the lost phone when no browser is at hand.
    assert phone.post("/login", data={"password": PASSWORD}).status_code == 303
    result = locked.test_cli_runner().invoke(args=["logout-all"])
    assert result.exit_code == 0 and "1 logins ended" in result.output
    assert phone.get(f"/c/{SLUG}/").status_code == 302


def test_changing_the_password_still_ends_every_login(db_path):
    client = _app(db_path, PASSWORD="old password").test_client()
    client.post("/login", data={"password": "old password"})
    assert client.get(f"/c/{SLUG}/").status_code == 200
    again = _app(db_path, PASSWORD="new password")
    cookie = next(c for c in client._cookies.values() if c.key == "session")
    other = again.test_client()
    other.set_cookie("session", cookie.value)
    assert other.get(f"/c/{SLUG}/").status_code == 302


def test_a_login_ends_at_the_end_of_its_lifetime_to_the_second(db_path, app):
    db = connect(db_path)
    t0 = datetime(2026, 7, 25, 9, 0, tzinfo=UTC)
    token = store.new_login(db, lifetime=timedelta(days=30), now=t0)
    end = t0 + timedelta(days=30)
    assert store.login_is_open(db, token, now=end - timedelta(seconds=1))
    assert not store.login_is_open(db, token, now=end)
    assert not store.login_is_open(db, None, now=t0) and not store.login_is_open(db, "", now=t0)
    db.close()


def test_a_signed_cookie_without_a_server_login_opens_nothing(locked):
    """A session cookie that carries the password's mark but no login the server keeps (one made before
    logins were kept on the server, or whose login id was lost) is not logged in."""
    client = locked.test_client()
    assert client.post("/login", data={"password": PASSWORD}).status_code == 303
    with client.session_transaction() as session:
        assert session.get("login")
        del session["login"]
    assert client.get(f"/c/{SLUG}/").status_code == 302


# --- 3. behind a proxy ----------------------------------------------------------------------------


def test_behind_a_proxy_a_password_is_required(db_path):
    app = _app(db_path, BEHIND_PROXY=True)
    client = app.test_client()
    for environ, headers in (
        ({"REMOTE_ADDR": "192.0.2.10"}, {"X-Forwarded-For": "127.0.0.1"}),  # straight to the port
        ({"REMOTE_ADDR": "127.0.0.1"}, {"X-Forwarded-For": "127.0.0.1"}),  # through the proxy
        ({"REMOTE_ADDR": "127.0.0.1"}, {}),
    ):
        page = client.get(f"/c/{SLUG}/", environ_base=environ, headers=headers)
        assert page.status_code == 403 and "A password is required behind a proxy" in page.get_data(as_text=True)
        write = client.post(
            f"/api/c/{SLUG}/note/A10", json={"text": "x", "base_version": 0}, environ_base=environ, headers=headers
        )
        assert write.status_code == 403
    assert app.config["FETCH_ALLOW_PRIVATE"] is False  # URL imports may not reach internal addresses


@pytest.mark.slow
def test_python_app_py_refuses_proxy_mode_without_a_password(tmp_path):
    env = {"CONFERENCE_DB": str(tmp_path / "x.db"), "CONFERENCE_BEHIND_PROXY": "1", "PATH": "/usr/bin:/bin"}
    refused = subprocess.run(
        [sys.executable, "app.py", "--port", str(_free_port())],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert refused.returncode == 2 and "Refusing to serve behind a proxy without a password" in refused.stderr


def test_forwarded_headers_count_only_from_the_trusted_proxy(db_path):
    app = _app(db_path, PASSWORD=PASSWORD, BEHIND_PROXY=True)
    client = app.test_client()
    # Straight to the port, claiming a new address each time: every failure counts against the real peer.
    stranger = {"REMOTE_ADDR": "192.0.2.10"}
    codes = [
        client.post(
            "/login", data={"password": "guess"}, environ_base=stranger, headers={"X-Forwarded-For": f"10.0.0.{i}"}
        ).status_code
        for i in range(7)
    ]
    assert codes == [401] * 5 + [429] * 2
    # Through the proxy (loopback, the default CONFERENCE_TRUSTED_PROXIES) each client is its own address.
    codes = [
        client.post("/login", data={"password": "guess"}, headers={"X-Forwarded-For": f"198.51.100.{i}"}).status_code
        for i in range(7)
    ]
    assert codes == [401] * 7
    # A stranger's X-Forwarded-Host does not make the feed links point elsewhere.
    client.post("/login", data={"password": PASSWORD}, environ_base={"REMOTE_ADDR": "192.0.2.99"})
    page = client.get(
        f"/c/{SLUG}/calendar",
        environ_base={"REMOTE_ADDR": "192.0.2.99"},
        headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"},
    ).get_data(as_text=True)
    assert "evil.example" not in page and 'value="http://localhost/feeds/' in page


def test_trusted_proxies_may_be_written_as_networks_and_a_typo_stops_the_start(db_path):
    """CONFERENCE_TRUSTED_PROXIES takes addresses or networks (host bits allowed: 192.0.2.7/24 is
    192.0.2.0/24), separated by commas or spaces; a name that is neither stops the app with the entry named."""
    client = _app(
        db_path, PASSWORD=PASSWORD, BEHIND_PROXY=True, TRUSTED_PROXIES="192.0.2.7/24, 2001:db8::1/64"
    ).test_client()
    for proxy in ("192.0.2.50", "2001:db8::99"):  # each client behind the proxy is its own address
        codes = [
            client.post(
                "/login",
                data={"password": "guess"},
                environ_base={"REMOTE_ADDR": proxy},
                headers={"X-Forwarded-For": f"198.51.{proxy.count(':')}.{i}"},
            ).status_code
            for i in range(7)
        ]
        assert codes == [401] * 7, proxy
    with pytest.raises(ValueError) as typo:
        _app(db_path, PASSWORD=PASSWORD, BEHIND_PROXY=True, TRUSTED_PROXIES="10.0.0.1 proxy.internal")
    assert str(typo.value) == "CONFERENCE_TRUSTED_PROXIES: 'proxy.internal' is not an address or network"


def test_a_client_reaching_the_port_directly_passes_no_forwarded_header_on(db_path):
    """The proxy middleware's promise, read at the app's door (a WSGI app that answers with what it was
    given): a stranger's X-Forwarded-* and Forwarded headers are removed; the trusted proxy's are applied."""

    def door(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/json")])
        seen = {
            k: v for k, v in environ.items() if "FORWARDED" in k or k in ("REMOTE_ADDR", "HTTP_HOST", "wsgi.url_scheme")
        }
        return [json.dumps(seen).encode()]

    app = TrustedProxies(door, trusted_networks("127.0.0.1"))
    headers = {
        "X-Forwarded-For": "127.0.0.1",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "evil.example",
        "X-Forwarded-Port": "443",
        "X-Forwarded-Prefix": "/x",
        "Forwarded": "for=127.0.0.1",
    }
    stranger = Client(app).get("/", headers=headers, environ_base={"REMOTE_ADDR": "192.0.2.10"})
    assert stranger.json == {"HTTP_HOST": "localhost", "REMOTE_ADDR": "192.0.2.10", "wsgi.url_scheme": "http"}
    headers["X-Forwarded-For"] = "203.0.113.9"
    proxied = Client(app).get("/", headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"}).json
    assert (proxied["REMOTE_ADDR"], proxied["HTTP_HOST"], proxied["wsgi.url_scheme"]) == (
        "203.0.113.9",
        "evil.example",
        "https",
    )


def test_rotating_forwarded_for_over_a_real_server_is_limited(db_path):
    # The test's own 127.0.0.1 is not the configured proxy here, as a client reaching the port would be.
    server = LiveServer(_app(db_path, PASSWORD=PASSWORD, BEHIND_PROXY=True, TRUSTED_PROXIES="192.0.2.1"))
    try:
        http = requests.Session()
        token = _csrf(http.get(f"{server.url}/login", timeout=10).text)
        codes = [
            http.post(
                f"{server.url}/login",
                data={"password": "guess", "csrf_token": token},
                headers={"X-Forwarded-For": f"203.0.113.{i}"},
                timeout=10,
            ).status_code
            for i in range(8)
        ]
    finally:
        server.stop()
    assert codes == [401] * 5 + [429] * 3


# --- 4. the login limiter -----------------------------------------------------------------------


def test_an_ipv6_64_is_one_network_for_the_limiter(locked):
    client = locked.test_client()
    codes = [
        client.post(
            "/login", data={"password": "guess"}, environ_base={"REMOTE_ADDR": f"2001:db8:1:2::{i:x}"}
        ).status_code
        for i in range(1, 8)
    ]
    assert codes == [401] * 5 + [429] * 2
    elsewhere = client.post("/login", data={"password": "guess"}, environ_base={"REMOTE_ADDR": "2001:db8:1:3::1"})
    assert elsewhere.status_code == 401  # the next /64 is someone else


def test_failures_from_many_networks_count_against_the_account(locked):
    client = locked.test_client()
    for i in range(20):
        assert (
            client.post("/login", data={"password": "guess"}, environ_base={"REMOTE_ADDR": f"198.18.{i}.1"}).status_code
            == 401
        )
    fresh = locked.test_client()
    blocked = fresh.post("/login", data={"password": PASSWORD}, environ_base={"REMOTE_ADDR": "198.51.100.200"})
    assert blocked.status_code == 429 and blocked.headers["Retry-After"].isdigit()
    assert "Too many attempts: try again in" in blocked.get_data(as_text=True)


def test_a_nat_neighbour_cannot_lock_the_owner_out(locked):
    nat = {"REMOTE_ADDR": "203.0.113.5"}
    owner = locked.test_client()
    assert owner.post("/login", data={"password": PASSWORD}, environ_base=nat).status_code == 303
    owner.post("/logout", environ_base=nat)
    owner.token = None  # the login page after logout carries a new CSRF token
    neighbour = locked.test_client()
    codes = [neighbour.post("/login", data={"password": "guess"}, environ_base=nat).status_code for _ in range(7)]
    assert codes[-1] == 429
    # The owner's browser has logged in before (its device cookie): the neighbour's failures do not count for it.
    back = owner.post("/login?next=/c/demo-tech-festa-2026/", data={"password": PASSWORD}, environ_base=nat)
    assert back.status_code == 303 and back.headers["Location"] == f"/c/{SLUG}/"
    # A browser that never logged in waits with the rest of its network.
    assert locked.test_client().post("/login", data={"password": PASSWORD}, environ_base=nat).status_code == 429


def test_concurrent_tries_cannot_pass_the_limit(db_path):
    server = LiveServer(_app(db_path, PASSWORD=PASSWORD))
    try:
        http = requests.Session()
        token = _csrf(http.get(f"{server.url}/login", timeout=10).text)
        cookie = "; ".join(f"{k}={v}" for k, v in http.cookies.get_dict().items())
        start = threading.Barrier(60)

        def guess(_i: int) -> int:
            start.wait(timeout=30)
            return requests.post(
                f"{server.url}/login",
                data={"password": "guess", "csrf_token": token},
                headers={"Cookie": cookie},
                allow_redirects=False,
                timeout=60,
            ).status_code

        with ThreadPoolExecutor(60) as pool:
            codes = list(pool.map(guess, range(60)))
    finally:
        server.stop()
    assert sorted(set(codes)) == [401, 429] and codes.count(401) == 5, codes


def test_waits_double_after_the_free_failures(db_path, app):
    db = connect(db_path)
    t0 = datetime(2026, 7, 25, 10, 0, tzinfo=UTC)
    limits = [("net:192.0.2.1/32", 5)]
    for i in range(5):
        assert store.login_attempt(db, limits, failed=True, now=t0 + timedelta(seconds=i)) == 0
    last = t0 + timedelta(seconds=4)
    assert store.login_attempt(db, limits, failed=False, now=last + timedelta(seconds=1)) == 29
    assert store.login_attempt(db, limits, failed=True, now=last + timedelta(seconds=30)) == 0  # sixth failure
    last += timedelta(seconds=30)
    assert store.login_attempt(db, limits, failed=False, now=last + timedelta(seconds=1)) == 59  # twice as long
    db.close()


def test_failures_counted_by_a_clock_that_ran_ahead_do_not_lock_out_after_correction(db_path, app):
    db = connect(db_path)
    wrong = datetime.now(UTC) + timedelta(days=3)
    limits = [("net:192.0.2.1/32", 5), ("account", 20)]
    for i in range(10):
        store.login_attempt(db, limits, failed=True, now=wrong + timedelta(seconds=i))
    assert store.login_attempt(db, limits, failed=False, now=wrong + timedelta(seconds=11)) > 0  # locked, then
    assert store.login_attempt(db, limits, failed=False) == 0  # the clock is right again: not locked
    db.close()


def _faketime_env(offset_file: Path) -> dict:
    if not os.path.exists(LIBFAKETIME):
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the clock tests, but {LIBFAKETIME} is missing (run .ci/setup --test)")
        pytest.skip("libfaketime is not installed: run `bash .ci/setup --test`")
    return {
        "LD_PRELOAD": LIBFAKETIME,
        "FAKETIME_TIMESTAMP_FILE": str(offset_file),
        "FAKETIME_NO_CACHE": "1",
        "DONT_FAKE_MONOTONIC": "1",
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_a_wrong_clock_then_corrected_does_not_lock_the_owner_out(tmp_path):
    """A real server whose clock runs a day ahead (libfaketime), then is corrected while it runs."""
    clock = tmp_path / "clock"
    clock.write_text("+1d\n")
    proc, base = _serve_with_clock(tmp_path, clock, CONFERENCE_DB=str(tmp_path / "c.db"), CONFERENCE_PASSWORD=PASSWORD)
    try:
        codes = [_login(base, "guess")[0].status_code for _ in range(8)]
        assert codes[-1] == 429  # locked while the clock was wrong
        clock.write_text("+0\n")  # the clock is corrected (NTP)
        answer, _cookies = _login(base)
        assert answer.status_code == 303, answer.text[:300]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _serve_with_clock(tmp_path: Path, clock: Path, **env) -> tuple[subprocess.Popen, str]:
    """`python app.py` on a free port whose clock is read from `clock` (libfaketime)."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, **_faketime_env(clock), **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            requests.get(f"{base}/login", timeout=1)
            break
        except requests.RequestException:
            time.sleep(0.1)
    return proc, base


@pytest.mark.slow
def test_last_modified_never_goes_back_when_the_clock_is_corrected(tmp_path):
    """A server whose clock ran a month ahead, then was corrected: the feed's Last-Modified moves on."""
    db_path = tmp_path / "c.db"
    create_app({"TESTING": True, "DATABASE": str(db_path)})
    db = connect(db_path)
    feed = f"/feeds/{store.feed_token(db, store.conference(db, SLUG))}/plan.ics"
    db.close()
    clock = tmp_path / "clock"
    clock.write_text("+30d\n")
    env = {**os.environ, **_faketime_env(clock), "CONFERENCE_DB": str(db_path)}

    def mark(status: str) -> None:
        command = [sys.executable, "-m", "flask", "--app", "app", "mark", SLUG, "A10", "--status", status]
        subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=60)

    proc, base = _serve_with_clock(tmp_path, clock, CONFERENCE_DB=str(db_path))
    try:
        mark("going")  # marked, and the feed read, while the clock ran a month ahead
        ahead = parsedate_to_datetime(requests.get(base + feed, timeout=10).headers["Last-Modified"])
        clock.write_text("+0\n")  # the clock is corrected (NTP)
        mark("none")
        after = requests.get(base + feed, timeout=10)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert parsedate_to_datetime(after.headers["Last-Modified"]) > ahead
    assert "A10" not in after.text


# --- 6. the dev server is not for the internet; the README's recipe --------------------------------


@pytest.mark.slow
def test_the_dev_server_warns_off_loopback(tmp_path):
    port = _free_port()
    env = {"CONFERENCE_DB": str(tmp_path / "x.db"), "CONFERENCE_PASSWORD": "pw", "PATH": "/usr/bin:/bin"}
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--host", "0.0.0.0", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = proc.stderr.readline()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert first.startswith(
        "Warning: serving on 0.0.0.0 with Python's development server, which is not for the internet"
    )


def test_the_readme_server_recipe_keeps_gunicorn_on_loopback_and_says_why():
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Run it on a server", 1)[1].split("\n## ", 1)[0]
    commands = [line for line in section.splitlines() if "gunicorn" in line and line.startswith(".venv/bin/gunicorn")]
    assert commands and all(" -b 127.0.0.1:" in line for line in commands)
    assert "slow" in section.lower() and "CONFERENCE_TRUSTED_PROXIES" in section


# --- 10. the Host check in loopback mode ------------------------------------------------------------


@pytest.mark.parametrize("host", ["localhost", "localhost:5000", "127.0.0.1:5000", "[::1]:5000", "LOCALHOST."])
def test_loopback_mode_answers_its_own_names(client, host):
    assert client.get("/", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:5000", "127.0.0.1.nip.io", "[::2]"])
def test_loopback_mode_refuses_other_host_names(client, host):
    """DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 reads nothing."""
    page = client.get(f"/c/{SLUG}/", headers={"Host": host})
    assert page.status_code == 400 and "CONFERENCE_HOSTS" in page.get_data(as_text=True)
    write = client.post(f"/api/c/{SLUG}/note/A10", json={"text": "x", "base_version": 0}, headers={"Host": host})
    assert write.status_code == 400


def test_configured_host_names_are_answered(db_path):
    client = _app(db_path, HOSTS="laptop.local, conf.test").test_client()
    assert client.get("/", headers={"Host": "laptop.local:5000"}).status_code == 200
    assert client.get("/", headers={"Host": "conf.test"}).status_code == 200
    assert client.get("/", headers={"Host": "other.test"}).status_code == 400


def test_with_a_password_any_host_name_reaches_the_login(locked):
    assert locked.test_client().get("/", headers={"Host": "conference.example.org"}).status_code == 302


# --- 11. the Devices page: which device, since when, from where; one logged out --------------------

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
    " Version/17.5 Mobile/15E148 Safari/604.1"
)
EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0"
    " Safari/537.36 Edg/126.0.0.0"
)


def _devices(client, lang: str = "en") -> list[tuple[str, str, str]]:
    """The Devices page's list: (login id, the device's name with "(this device)", since when from where)."""
    page = client.get("/devices", headers={"Accept-Language": lang}).get_data(as_text=True)
    items = re.findall(
        r'<li><span class="agent">(.*?)</span>(.*?)\s*<span class="meta">(.*?)</span>\s*'
        r'<form method="post" action="/devices/(\w+)/logout"',
        page,
        re.S,
    )
    return [(login, name + re.sub(r"</?strong>", "", mark), meta) for name, mark, meta, login in items]


def test_the_devices_page_names_each_login_and_logs_out_the_one_chosen(locked, db_path):
    phone, laptop = locked.test_client(), locked.test_client()
    phone_at, laptop_at = {"REMOTE_ADDR": "198.51.100.20"}, {"REMOTE_ADDR": "2001:db8::7"}
    for client, agent, at in ((phone, IPHONE, phone_at), (laptop, EDGE, laptop_at)):
        answer = client.post("/login", data={"password": PASSWORD}, headers={"User-Agent": agent}, environ_base=at)
        assert answer.status_code == 303
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", client.get_cookie("conference_device").value)  # 32 random bytes
    db = connect(db_path)  # a login from the day of the conference, by a script (long-lived, still open)
    store.new_login(
        db, lifetime=timedelta(days=3650), address="", agent="curl/8.5.0", now=datetime(2026, 7, 25, 4, 5, tzinfo=UTC)
    )
    store.new_login(db, lifetime=timedelta(days=3650), agent="", now=datetime(2026, 7, 25, 4, 6, tzinfo=UTC))
    db.close()
    listed = _devices(laptop)
    (laptop_id, laptop_name, laptop_meta), (phone_id, phone_name, phone_meta) = listed[:2]
    assert (laptop_name, phone_name) == ("Edge on Windows (this device)", "Safari on iPhone")
    assert laptop_meta.endswith(" from 2001:db8::7") and phone_meta.endswith(" from 198.51.100.20")
    assert [(name, meta) for _id, name, meta in listed[2:]] == [
        (
            "Unknown browser",
            'since <time datetime="2026-07-25T13:06:00+09:00" data-local>Sat, Jul 25 13:06 (Asia/Tokyo)</time> from ?',
        ),
        (
            "curl",
            'since <time datetime="2026-07-25T13:05:00+09:00" data-local>Sat, Jul 25 13:05 (Asia/Tokyo)</time> from ?',
        ),
    ]
    in_japanese = _devices(laptop, "ja")
    assert in_japanese[0][1] == "Windows の Edge (この端末)" and in_japanese[1][1] == "iPhone の Safari"
    assert [(name, meta) for _id, name, meta in in_japanese[2:]] == [
        (
            "不明なブラウザー",
            '<time datetime="2026-07-25T13:06:00+09:00" data-local>7月25日(土) 13:06 (Asia/Tokyo)</time> から (?)',
        ),
        (
            "curl",
            '<time datetime="2026-07-25T13:05:00+09:00" data-local>7月25日(土) 13:05 (Asia/Tokyo)</time> から (?)',
        ),
    ]
    # The phone is lost: logged out from the laptop, it opens nothing, and the page says so.
    ended = laptop.post(f"/devices/{phone_id}/logout")
    assert ended.status_code == 303 and ended.headers["Location"] == "/devices?ended=1"
    said = laptop.get(ended.headers["Location"]).get_data(as_text=True)
    assert '<p class="ok" role="status">That device is logged out: it must enter the password again.</p>' in said
    assert phone.get(f"/c/{SLUG}/").status_code == 302
    assert [login for login, _name, _meta in _devices(laptop)] == [laptop_id, *[login for login, _n, _m in listed[2:]]]
    # Logged out already (the other tab did it): nothing ended, nothing said.
    again = laptop.post(f"/devices/{phone_id}/logout")
    assert again.status_code == 303 and again.headers["Location"] == "/devices"
    assert "That device is logged out" not in laptop.get(again.headers["Location"]).get_data(as_text=True)
    # This device: back to the login.
    own = laptop.post(f"/devices/{laptop_id}/logout")
    assert own.status_code == 303 and own.headers["Location"] == "/login"
    assert laptop.get(f"/c/{SLUG}/").status_code == 302


# --- 12. what the guard answers, word for word ------------------------------------------------------


def test_a_foreign_host_name_is_told_which_names_are_answered_in_its_language(client):
    said = {
        "en": "This app answers only to this computer's own names (localhost, 127.0.0.1, [::1]), not to"
        " evil.example:5000. Add a name with CONFERENCE_HOSTS.",
        "ja": "このアプリはこのコンピューター自身の名前 (localhost、127.0.0.1、[::1]) にだけ応答します。"
        "evil.example:5000 には応答しません。名前を加えるには CONFERENCE_HOSTS を設定してください。",
    }
    for lang, message in said.items():
        page = client.get(f"/c/{SLUG}/", headers={"Host": "evil.example:5000", "Accept-Language": lang})
        html = page.get_data(as_text=True)
        assert page.status_code == 400 and "<title>400 · conference</title>" in html
        assert f'<p class="error">{escape(message)}</p>' in html


def test_behind_a_proxy_without_a_password_the_refusal_page_still_gets_its_stylesheet(db_path):
    client = _app(db_path, BEHIND_PROXY=True).test_client()
    page = client.get("/")
    assert page.status_code == 403 and '<link rel="stylesheet" href="/static/app.css' in page.get_data(as_text=True)
    style = client.get("/static/app.css")
    assert style.status_code == 200 and style.mimetype == "text/css"


def test_without_a_login_scripts_get_json_and_people_get_the_login_page_that_brings_them_back(locked):
    client = locked.test_client()
    # The page's script saving a note as it closes (a form post, not JSON), and a fetch asking for JSON.
    beacon = client.post(f"/api/c/{SLUG}/note/A10", data={"text": "x", "base_version": "0"})
    fetched = client.get(f"/c/{SLUG}/", headers={"Accept": "application/json"})
    for answer in (beacon, fetched):
        assert (answer.status_code, answer.json) == (401, {"error": "login required"})
    # A person: to the login, and back to the very page afterwards (its query too).
    page = client.get(f"/c/{SLUG}/list?q=X")
    assert page.status_code == 302
    assert page.headers["Location"] == f"/login?next=/c/{SLUG}/list?q%3DX"
    assert client.get(f"/c/{SLUG}/").headers["Location"] == f"/login?next=/c/{SLUG}/"
    back = client.post(page.headers["Location"], data={"password": PASSWORD})
    assert back.status_code == 303 and back.headers["Location"] == f"/c/{SLUG}/list?q=X"


# --- 13. CSRF tokens: a page open for hours still saves; HTTPS without a Referer ------------------


def test_a_note_page_opened_two_hours_ago_still_saves(app):
    """A note typed at 16:00 must still save at 18:00 (FIELD-NOTES): the page's token does not expire.
    The token is made as Flask-WTF makes it, signed two hours ago."""

    class TwoHoursAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 2 * 3600

    client = FlaskClient(app)
    client.get(f"/c/{SLUG}/note/A10")
    with client.session_transaction() as session:
        raw = session["csrf_token"]
    old = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token", signer=TwoHoursAgo).dumps(raw)
    saved = client.post(f"/c/{SLUG}/note/A10", data={"text": "typed at 16:00", "base_version": "0", "csrf_token": old})
    assert saved.status_code == 303
    assert "typed at 16:00</textarea>" in client.get(f"/c/{SLUG}/note/A10").get_data(as_text=True)


def test_over_https_a_post_without_a_referer_is_accepted(client):
    """Browsers leave the Referer out (privacy settings, Referrer-Policy): the CSRF token alone decides."""
    page = client.get(f"/c/{SLUG}/note/B10", base_url="https://localhost")
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page.get_data(as_text=True)).group(1)
    saved = client.post(
        f"/c/{SLUG}/note/B10",
        base_url="https://localhost",
        data={"text": "over https", "base_version": "0", "csrf_token": token},
        no_csrf=True,
    )
    assert saved.status_code == 303
    refused = client.post(
        f"/c/{SLUG}/note/B10",
        base_url="https://localhost",
        data={"text": "no token", "base_version": "1"},
        no_csrf=True,
    )
    assert refused.status_code == 400


# --- 14. the secret key ----------------------------------------------------------------------------


def _session_cookie(client) -> str:
    return next(c for c in client._cookies.values() if c.key == "session").value


def test_the_secret_key_is_made_once_and_kept_unless_the_environment_or_the_config_gives_one(db_path, monkeypatch):
    monkeypatch.delenv("CONFERENCE_SECRET_KEY", raising=False)
    first = _app(db_path, PASSWORD=PASSWORD)
    key = first.config["SECRET_KEY"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{64}", key)  # 48 random bytes
    db = connect(db_path)
    assert store.setting(db, "secret_key") == key  # kept in the file
    db.close()
    phone = first.test_client()
    assert phone.post("/login", data={"password": PASSWORD}).status_code == 303
    cookie = _session_cookie(phone)
    # A restart: the same key, so the phone stays logged in.
    restarted = _app(db_path, PASSWORD=PASSWORD).test_client()
    restarted.set_cookie("session", cookie)
    assert restarted.get(f"/c/{SLUG}/").status_code == 200
    # CONFERENCE_SECRET_KEY (several workers, or a key kept elsewhere) signs instead of the kept one.
    monkeypatch.setenv("CONFERENCE_SECRET_KEY", "k" * 64)
    from_environment = _app(db_path, PASSWORD=PASSWORD)
    assert from_environment.config["SECRET_KEY"] == "k" * 64
    other = from_environment.test_client()
    other.set_cookie("session", cookie)
    assert other.get(f"/c/{SLUG}/").status_code == 302
    # A deployment's own config wins over both.
    assert _app(db_path, PASSWORD=PASSWORD, SECRET_KEY="from the config").config["SECRET_KEY"] == "from the config"


# --- 15. loopback mode: proxies on this computer, addresses written in other ways ---------------------


def test_configured_host_names_may_be_a_list_written_loosely(db_path):
    client = _app(db_path, HOSTS=["Laptop.Local.", "[fd00::1]"]).test_client()
    for host in ("laptop.local", "LAPTOP.LOCAL:5000", "[fd00::1]:5000"):
        assert client.get("/", headers={"Host": host}).status_code == 200, host
    assert client.get("/", headers={"Host": "other.local"}).status_code == 400


def test_loopback_mode_believes_a_chain_of_local_proxies_but_not_a_client_behind_one(client):
    for headers in ({"X-Forwarded-For": "127.0.0.1, ::1"}, {"X-Forwarded-For": "[::1]"}, {}):
        assert client.get("/", headers=headers).status_code == 200, headers
    assert client.get("/", environ_base={"REMOTE_ADDR": "::ffff:127.0.0.1"}).status_code == 200  # a dual-stack socket
    for headers in (
        {"X-Forwarded-For": "127.0.0.1, 203.0.113.7"},
        {"X-Forwarded-For": "[2001:db8::1]"},
        {"Forwarded": "for=127.0.0.1"},  # a proxy that says there is a client behind it
    ):
        refused = client.get("/", headers=headers)
        assert refused.status_code == 403, headers
        assert "<h1>This app only answers on its own computer</h1>" in refused.get_data(as_text=True)


def test_a_tool_speaking_http_1_0_without_a_host_header_is_answered(live_server):
    """HTTP/1.0 tools send no Host; browsers always do (DNS rebinding needs a browser)."""
    with socket.create_connection(("127.0.0.1", live_server.port), timeout=10) as conn:
        conn.sendall(b"GET / HTTP/1.0\r\n\r\n")
        first_line = conn.makefile("rb").readline()
    assert first_line.split()[1] == b"200", first_line


def test_an_address_counts_as_itself_whichever_way_the_socket_writes_it(locked):
    """198.51.100.4 and ::ffff:198.51.100.4 (a dual-stack socket) are one client; fe80::1%eth0 and
    fe80::2%eth0 (link-local, with the interface) are one /64."""
    client = locked.test_client()
    for pair in (("198.51.100.4", "::ffff:198.51.100.4"), ("fe80::1%eth0", "fe80::2%eth0")):
        codes = [
            client.post("/login", data={"password": "guess"}, environ_base={"REMOTE_ADDR": pair[i % 2]}).status_code
            for i in range(6)
        ]
        assert codes == [401] * 5 + [429], pair
