"""Drive the real app from outside: gunicorn on 127.0.0.1 that can be SIGKILLed, and note-saving clients."""

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

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """`gunicorn app:app` on 127.0.0.1 in its own process group (so a kill takes master and workers)."""

    def __init__(self, db: Path, port: int | None = None, workers: int = 2, threads: int = 1):
        self.db, self.port, self.workers, self.threads = db, port or free_port(), workers, threads
        self.proc: subprocess.Popen | None = None
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {**os.environ, "CONFERENCE_DB": str(self.db)}
        args = [sys.executable, "-m", "gunicorn", "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}"]
        if self.threads > 1:
            args += ["-k", "gthread", "--threads", str(self.threads)]
        self.proc = subprocess.Popen(
            [*args, "app:app"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.url}/login", timeout=1)
                return
            except requests.RequestException:
                time.sleep(0.05)
        raise RuntimeError("gunicorn did not start")

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)


def csrf_session(base: str) -> tuple[requests.Session, str]:
    """A client with the app's session cookie and its CSRF token, as a browser tab has."""
    http = requests.Session()
    page = http.get(f"{base}/login", timeout=5).text
    return http, re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def saving_client(base: str, slug: str, key: str, stop: threading.Event, acked: list, errors: list) -> None:
    """Save a growing note as fast as answers come; retry the same save (same id) while the server is down.

    Every 2xx answer is recorded in `acked` as (key, version, text): the fault run checks each is stored.
    """
    token = None
    http = requests.Session()
    text, version, n, pending = "", 0, 0, None
    while not stop.is_set():
        try:
            if token is None:
                http, token = csrf_session(base)
            if pending is None:
                n += 1
                pending = {"text": text + f"{key} line {n}\n", "base_version": version, "save_id": str(uuid.uuid4())}
            response = http.post(
                f"{base}/api/c/{slug}/note/{key}", json=pending, headers={"X-CSRFToken": token}, timeout=3
            )
            if response.status_code == 200:
                version = response.json()["version"]
                text = pending["text"]
                acked.append((key, version, text))
                pending = None
            elif (
                response.status_code == 409
            ):  # an answer was lost but its save applied: continue from the server's copy
                data = response.json()
                text, version, pending = data["text"], data["version"], None
            elif response.status_code == 400 and response.json().get("error") == "csrf":
                token = None
            else:
                errors.append((key, response.status_code, response.text[:200]))
                pending = None
        except (requests.RequestException, AttributeError):
            time.sleep(0.05)


def fault_run(db: Path, slug: str, keys: list[str], kills: int, between: float = 1.2) -> dict:
    """Save notes from len(keys) clients while gunicorn is SIGKILLed `kills` times; check every answered save."""
    from .. import store

    server = Gunicorn(db)
    server.start()
    stop = threading.Event()
    acked: list = []
    errors: list = []
    threads = [threading.Thread(target=saving_client, args=(server.url, slug, k, stop, acked, errors)) for k in keys]
    for t in threads:
        t.start()
    started = time.monotonic()
    try:
        for _ in range(kills):
            time.sleep(between)
            server.kill()
            time.sleep(0.2)
            server.start()
        time.sleep(1.0)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=10)
        server.stop()
    conn = store.connect(db)
    try:
        integrity = store.integrity_check(conn)
        conf = store.conference(conn, slug)
        stored = {
            (key, v["version"]): v["text"] for key in dict.fromkeys(keys) for v in store.note_history(conn, conf, key)
        }
        lost = [(key, version) for key, version, text in acked if stored.get((key, version)) != text]
    finally:
        conn.close()
    return {
        "acked": len(acked),
        "lost": lost,
        "errors": errors,
        "integrity": integrity,
        "kills": kills,
        "seconds": time.monotonic() - started,
    }
