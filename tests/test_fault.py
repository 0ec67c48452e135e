"""Crash safety: gunicorn on 127.0.0.1 is SIGKILLed mid-stream while clients save notes.

Every save that was answered 2xx must be in the database afterwards with its exact text, and the
file must pass `PRAGMA integrity_check`. Bounded: 4 kills, about 10 seconds. The longer run with
figures is `python -m conference.bench --safety`.
"""

from __future__ import annotations

from conference import create_app
from conference.bench.server import fault_run


def test_sigkill_mid_stream_loses_no_acknowledged_save(tmp_path):
    db = tmp_path / "fault.db"
    create_app({"DATABASE": str(db)})  # schema, demo and secret key, before the workers start
    result = fault_run(db, "demo-tech-festa-2026", ["A10", "B10", "C10", "D10"], kills=4)
    assert result["errors"] == []
    assert result["integrity"] == "ok"
    assert result["acked"] > 40, "the clients should have saved steadily between the kills"
    assert result["lost"] == []
