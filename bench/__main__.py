"""Run every benchmark module listed in BENCHMARKS (`make bench` = `python -m bench`).

Each runs in a process of its own: what one leaves behind (threads, caches, a warm or
fragmented heap, the event loop's state) must not bias the next one's figures.
"""

from __future__ import annotations

import subprocess
import sys

# Each module has a `main() -> int` and runs as `python -m <module>`; add new benchmarks here.
BENCHMARKS: tuple[str, ...] = (
    "bench.summary",
    "bench.answers",
    "bench.broadcast",
    "bench.fairness",
    "bench.memory",
    "bench.flood",
    "bench.pack",
    "bench.tick",
)


def main() -> int:
    """Run each benchmark in a fresh interpreter; the exit status is the worst of theirs."""
    status = 0
    for name in BENCHMARKS:
        print(f"== {name}", flush=True)
        done = subprocess.run([sys.executable, "-m", name], check=False)
        status = max(status, done.returncode)
    return status


if __name__ == "__main__":
    sys.exit(main())
