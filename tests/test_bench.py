"""The benchmark command runs from a clone and prints every figure (timings are printed, never asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # the whole bench in another process

ROOT = Path(__file__).resolve().parents[1]


def test_bench_quick_run_prints_every_figure():
    result = subprocess.run(
        [sys.executable, "-m", "conference.bench", "--quick", "--no-write"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    for figure in (
        "import / floor",
        "re-import of the unchanged file",
        "grid render, `largest`",
        "grid render, `synthetic`",
        "bytes sent for that page, gzip",
        "requests to third-party hosts from that page | 0 |",
        "note autosave round trip, 50 concurrent clients",
        "whole-timetable .ics",
        "blog report",
        "peak RSS",
        "| agenda (`/c/fosdem/agenda?day=",
        "| list, all days (`/c/fosdem/list`)",
    ):
        assert figure in result.stdout, figure
