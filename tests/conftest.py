"""Fixtures: an app on a temporary SQLite file, its client and CLI runner, and a live server for browsers."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from conference import create_app

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "conference.db"


@pytest.fixture
def app(db_path: Path):
    return create_app({"TESTING": True, "DATABASE": str(db_path)})


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
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


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
