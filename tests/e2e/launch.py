"""Test-only launcher: the real command line (`bot.cli.main`) with a clock that starts at a date.

    E2E_CLOCK_START=2022-01-20T10:00+07:00 python -m tests.e2e.launch run

The clock starts at that instant and runs at real speed, so the scheduler's ticks, the handlers
and the command line see the same fixed calendar on any day the tests run. It works by replacing
`storage.types.utcnow` before any product module is imported: every `from storage.types import
utcnow`, and every default bound to it at definition time (such as `build_application`'s
`clock`), then gets this clock. Product code has no clock setting and needs none.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

START_ENV = "E2E_CLOCK_START"
PRODUCT = ("bot", "scheduler", "storage")


def _started_clock(start: datetime) -> Callable[[], datetime]:
    origin = time.monotonic()

    def utcnow() -> datetime:
        """The fixed start plus the real time elapsed since the launch, aware, in UTC."""
        return (start + timedelta(seconds=time.monotonic() - origin)).astimezone(UTC)

    return utcnow


def _measure_if_asked() -> None:
    """Under `pytest --cov`, measure this process too (coverage's .pth may not be on the path)."""
    if os.environ.get("COVERAGE_PROCESS_CONFIG") or os.environ.get("COVERAGE_PROCESS_START"):
        try:
            import coverage
        except ImportError:
            return
        coverage.process_startup()  # does nothing when coverage already started here


def main() -> int:
    """Patch the clock, check nothing escaped it, and hand over to the real entry point."""
    start = datetime.fromisoformat(os.environ[START_ENV])
    if start.tzinfo is None:
        raise SystemExit(f"{START_ENV} needs a UTC offset, e.g. 2022-01-20T10:00+07:00")
    _measure_if_asked()
    early = [n for n in sys.modules if n.split(".")[0] in PRODUCT and n not in PRODUCT]
    if early:
        raise SystemExit(f"product modules imported before the clock was patched: {early}")
    import storage.types

    clock = _started_clock(start)
    storage.types.utcnow = clock
    # bot.cli imports bot.telegram.app only for `run`: import it now so the check covers it.
    importlib.import_module("bot.telegram.app")
    import bot.cli

    # A module that got the real clock some other way would run on today's date: refuse.
    missed = [
        name
        for name, module in list(sys.modules.items())
        if name.split(".")[0] in PRODUCT and getattr(module, "utcnow", clock) is not clock
    ]
    if missed:
        raise SystemExit(f"modules still holding the real clock: {missed}")
    return bot.cli.main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
