"""Fixtures: an app on a temporary SQLite file, its client and CLI runner, and a live server for browsers."""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
import sys
import threading
from pathlib import Path

import jinja2
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from conference import create_app


class _CompiledOnce(jinja2.BytecodeCache):
    """Every test makes its own app, and each app's Jinja would parse and compile the same templates again
    (a third of the fast tests' time). The compiled code is kept for the run instead, as Jinja's own
    bytecode caches keep it on disk: Jinja checks each template's source checksum before using it, so a
    changed template is compiled again, and each app still renders with its own settings and data."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": _CompiledOnce()}

CORPUS = Path(__file__).resolve().parent / "corpus"  # copies of the shared corpus, see corpus/SOURCES.md
CHROMIUM = "/usr/bin/chromium"

# The tests' network stays on this machine. A socket of this process that tries to connect anywhere but
# loopback is stopped before a packet leaves (an audit hook raising makes the connect fail) and the address
# is recorded: the SSRF tests send the app private, link-local, NAT64… addresses, and if a guard broke, no
# packet would reach them; `outside_connections` shows the attempt instead.
OUTSIDE_CONNECTIONS: list[str] = []


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        ip = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def _loopback_only(event: str, args: tuple) -> None:
    if event == "socket.connect" and isinstance(args[1], tuple) and not _is_loopback(str(args[1][0])):
        OUTSIDE_CONNECTIONS.append(str(args[1][0]))
        raise ConnectionRefusedError(f"the tests connect only to this machine, not to {args[1][0]}")


sys.addaudithook(_loopback_only)


@pytest.fixture
def outside_connections():
    """outside_connections(): the addresses beyond this machine the test has tried to connect to so far
    (each attempt was stopped)."""
    before = len(OUTSIDE_CONNECTIONS)
    return lambda: OUTSIDE_CONNECTIONS[before:]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "conference.db"


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory) -> Path:
    """The database create_app makes on a new file (migrated, the demo imported, a secret key), made once
    per test run: each test's app starts on its own copy. (Mutation testing runs each mutant's tests as a
    run of their own, so a mutant that breaks migrating or the demo import still fails them all.)"""
    path = tmp_path_factory.mktemp("demo") / "conference.db"
    create_app({"TESTING": True, "DATABASE": str(path)})
    return path


@pytest.fixture
def app(db_path: Path, demo_database: Path):
    shutil.copyfile(demo_database, db_path)
    app = create_app({"TESTING": True, "DATABASE": str(db_path)})
    app.test_client_class = CSRFClient
    return app


@pytest.fixture
def empty_app(db_path: Path):
    """An app whose database starts without the demo timetable."""
    return create_app({"TESTING": True, "DATABASE": str(db_path), "LOAD_DEMO": False})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class LiveServer:
    """The app on 127.0.0.1 in a thread; stop() and start() again on the same port (the wifi drops)."""

    def __init__(self, app):
        self.app = app
        self.port = 0
        self.start()
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)  # quick to stop
        self.thread.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def live_server(app):
    server = LiveServer(app)
    yield server
    server.stop()


def _have_chromium() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which("chromium") is not None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive Debian's chromium: Playwright's own browser downloads are impossible here."""
    if not _have_chromium():
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests, but {CHROMIUM} is missing (run .ci/setup --test)")
        pytest.skip(f"{CHROMIUM} is not installed: run `bash .ci/setup --test`")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ["--disable-background-networking"]}


class TimetableServer:
    """A real HTTP server on 127.0.0.1 serving whatever the test puts in `routes`."""

    def __init__(self):
        import http.server

        routes: dict[str, tuple[int, dict, bytes]] = {}
        self.routes = routes
        self.hits: list[str] = []
        hits = self.hits

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                hits.append(self.path)
                status, headers, body = routes.get(self.path, (404, {}, b"not here"))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if "Content-Length" not in headers and "Transfer-Encoding" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if callable(body):
                    body(self.wfile)
                else:
                    self.wfile.write(body)

            def log_message(self, *_args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            def handle_error(self, request, client_address):  # a client that hangs up early is expected here
                pass

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()  # quick to stop

    def put(self, path: str, body: bytes, content_type: str = "application/octet-stream", status: int = 200, **headers):
        self.routes[path] = (status, {"Content-Type": content_type, **headers}, body)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def http_server():
    server = TimetableServer()
    yield server
    server.stop()


class CSRFClient(FlaskClient):
    """A test client that sends the page's CSRF token with every state-changing request, as our JS does."""

    token: str | None = None

    def open(self, *args, **kwargs):
        method = kwargs.get("method", "GET")
        if method in ("POST", "PUT", "PATCH", "DELETE") and not kwargs.pop("no_csrf", False):
            if self.token is None:
                page = super().open("/login", method="GET").get_data(as_text=True)
                self.token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page).group(1)
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", self.token)
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)


def pytest_collection_modifyitems(items):
    """A test that drives the browser is marked `browser` wherever it lives (files mix both kinds), so
    `-m "not slow and not browser"` (the fast tests, and mutation testing's runs) never starts chromium."""
    for item in items:
        if {"browser", "page", "context"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
