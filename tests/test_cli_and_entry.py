"""The command line and `python app.py`: what scripts and the Quick start rely on."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_sessions_json_has_the_contract_fields_in_stable_order(runner):
    result = runner.invoke(args=["sessions", "demo-tech-festa-2026", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 33
    assert rows[0]["key"] == "A00" and rows[0]["start"] == "2026-07-25T10:00:00+09:00"
    starts = [(r["start"], r["room"], r["key"]) for r in rows]
    assert starts == sorted(starts)
    for field in (
        "key",
        "code",
        "title",
        "start",
        "end",
        "room",
        "track",
        "speakers",
        "links",
        "cancelled",
        "status",
        "clashes",
    ):
        assert field in rows[0]
    lunch = next(r for r in rows if r["key"] == "break-lunch")
    assert lunch["is_break"] is True and lunch["status"] is None and lunch["clashes"] == []


def test_sessions_of_unknown_conference_fails_with_one_line(runner):
    result = runner.invoke(args=["sessions", "nope", "--json"])
    assert result.exit_code == 1 and "No conference 'nope'" in result.output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_python_app_py_serves_the_demo_on_the_given_port(tmp_path):
    port = _free_port()
    env = {**os.environ, "CONFERENCE_DB": str(tmp_path / "fresh.db")}
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT, env=env, stderr=subprocess.PIPE)
    try:
        body = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    body = response.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        assert "Demo Tech Festa 2026" in body
        assert (tmp_path / "fresh.db").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
