"""Crash safety: gunicorn on 127.0.0.1 is killed with SIGKILL mid-stream while clients save notes.

Every save that was answered 2xx must be in the database afterwards with its exact text, and the
file must pass `PRAGMA integrity_check`. Bounded: 4 kills, about 10 seconds.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import requests

from conference import create_app
from conference.db import connect

ROOT = Path(__file__).resolve().parents[1]
SLUG = "demo-tech-festa-2026"
KEYS = ["A10", "B10", "C10", "D10"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, db: Path, port: int):
        self.db, self.port, self.proc = db, port, None

    def start(self) -> None:
        env = {**os.environ, "CONFERENCE_DB": str(self.db)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{self.port}", "app:app"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                requests.get(f"http://127.0.0.1:{self.port}/login", timeout=1)
                return
            except requests.RequestException:
                time.sleep(0.05)
        raise RuntimeError("gunicorn did not start")

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)  # the master and its workers, no goodbye
        self.proc.wait()

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=20)


def client(base: str, key: str, stop: threading.Event, acked: list, errors: list) -> None:
    http = requests.Session()
    token = None
    text, version, n = "", 0, 0
    pending = None
    while not stop.is_set():
        try:
            if token is None:
                page = http.get(f"{base}/login", timeout=2).text
                token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
            if pending is None:
                n += 1
                pending = {"text": text + f"{key} line {n}\n", "base_version": version, "save_id": str(uuid.uuid4())}
            response = http.post(
                f"{base}/api/c/{SLUG}/note/{key}", json=pending, headers={"X-CSRFToken": token}, timeout=3
            )
            if response.status_code == 200:
                version = response.json()["version"]
                text = pending["text"]
                acked.append((key, version, text))
                pending = None
            elif response.status_code == 409:  # our answer was lost but the save was applied: continue from there
                data = response.json()
                text, version, pending = data["text"], data["version"], None
            elif response.status_code == 400 and response.json().get("error") == "csrf":
                token = None
            else:
                errors.append((key, response.status_code, response.text[:200]))
                pending = None
        except (requests.RequestException, AttributeError):
            time.sleep(0.05)  # the server is down: retry the same save (same save_id) when it is back


def test_sigkill_mid_stream_loses_no_acknowledged_save(tmp_path):
    db = tmp_path / "fault.db"
    create_app({"DATABASE": str(db)})  # schema, demo and secret key, before the workers start
    server = Server(db, _free_port())
    server.start()
    stop = threading.Event()
    acked: list = []
    errors: list = []
    threads = [
        threading.Thread(target=client, args=(f"http://127.0.0.1:{server.port}", k, stop, acked, errors)) for k in KEYS
    ]
    for t in threads:
        t.start()
    try:
        for _ in range(4):
            time.sleep(1.2)
            server.kill()
            time.sleep(0.2)
            server.start()
        time.sleep(1.0)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=10)
        server.stop()
    assert errors == []
    assert len(acked) > 40, "the clients should have saved steadily between the kills"
    conn = connect(db)
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    for key, version, text in acked:
        row = conn.execute("select text from note_versions where key = ? and version = ?", [key, version]).fetchone()
        assert row is not None and row[0] == text, (key, version)
    for key in KEYS:
        last = max(v for k, v, _t in acked if k == key)
        assert conn.execute("select version from notes where key = ?", [key]).fetchone()[0] >= last
    conn.close()
