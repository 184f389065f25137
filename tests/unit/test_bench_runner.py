"""`make bench` runs each benchmark in a process of its own (issue 16: no bias between them)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

import bench.__main__ as runner


def test_each_benchmark_runs_in_a_fresh_interpreter_and_the_worst_status_wins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ran: list[list[str]] = []

    def fake_run(command: list[str], **_: Any) -> subprocess.CompletedProcess[bytes]:
        ran.append(command)
        return subprocess.CompletedProcess(command, 1 if command[-1] == "bench.memory" else 0)

    monkeypatch.setattr(runner.subprocess, "run", fake_run)
    assert runner.main() == 1
    assert ran == [[sys.executable, "-m", name] for name in runner.BENCHMARKS]
