"""Run every benchmark module listed in BENCHMARKS (`make bench` = `python -m bench`)."""

from __future__ import annotations

import importlib
import sys

# Each module has a `main() -> int`; add new benchmarks here.
BENCHMARKS: tuple[str, ...] = (
    "bench.summary",
    "bench.answers",
    "bench.broadcast",
    "bench.memory",
    "bench.flood",
    "bench.tick",
)


def main() -> int:
    """Run each benchmark in turn; the exit status is the worst of theirs."""
    status = 0
    for name in BENCHMARKS:
        print(f"== {name}", flush=True)
        status = max(status, int(importlib.import_module(name).main()))
    return status


if __name__ == "__main__":
    sys.exit(main())
