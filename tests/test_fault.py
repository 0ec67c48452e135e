"""Crash safety: gunicorn on 127.0.0.1 is SIGKILLed mid-stream while clients save notes.

Every save that was answered 2xx must be in the database afterwards with its exact text, and the
file must pass `PRAGMA integrity_check`. Bounded: 4 kills, about 10 seconds. The longer run with
figures is `python -m conference.bench --safety`.
"""

from __future__ import annotations

import pytest

from conference import create_app
from conference.bench.server import fault_run

pytestmark = pytest.mark.slow  # gunicorn in other processes, SIGKILLed


def test_sigkill_mid_stream_loses_no_acknowledged_save(tmp_path):
    db = tmp_path / "fault.db"
    create_app({"DATABASE": str(db)})  # schema, demo and secret key, before the workers start
    result = fault_run(db, "demo-tech-festa-2026", ["A10", "B10", "C10", "D10"], kills=4)
    assert result["errors"] == []
    assert result["integrity"] == "ok"
    assert result["acked"] > 40, "the clients should have saved steadily between the kills"
    assert result["lost"] == []


def test_two_gunicorn_workers_starting_on_a_new_file_migrate_once(tmp_path):
    import requests

    from conference import store
    from conference.bench.server import Gunicorn

    db = tmp_path / "new.db"
    server = Gunicorn(db, workers=2)
    server.start()
    try:
        for _ in range(10):  # both workers answer
            assert requests.get(server.url + "/", timeout=5).status_code == 200
    finally:
        server.stop()
    conn = store.connect(db)
    assert len(store.conferences(conn)) == 1
    assert store.applied_migrations(conn) == store.known_migrations()  # each applied once
    conn.close()


def test_workers_share_one_secret_key_so_a_token_works_on_either(tmp_path):
    """A CSRF token from one worker must be accepted by the other (they agree on the secret key)."""
    import re

    import requests

    from conference.bench.server import Gunicorn

    server = Gunicorn(tmp_path / "new.db", workers=2)
    server.start()
    try:
        http = requests.Session()
        token = re.search(
            r'name="csrf-token" content="([^"]+)"', http.get(server.url + "/login", timeout=5).text
        ).group(1)
        codes = {
            http.post(
                f"{server.url}/c/demo-tech-festa-2026/mark",
                data={"key": "A10", "status": "going"},
                headers={"X-CSRFToken": token},
                allow_redirects=False,
                timeout=5,
            ).status_code
            for _ in range(20)
        }
    finally:
        server.stop()
    assert codes == {303}
