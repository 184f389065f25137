"""The idle bot loads no report renderer and only Thailand's holidays (issue 16)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from datetime import date

from scheduler.workdays import WorkCalendar

PROBE = """
import json, sys
import bot.telegram.app
from scheduler.workdays import WorkCalendar
WorkCalendar().is_holiday(__import__("datetime").date(2025, 4, 14))
print(json.dumps(sorted(sys.modules)))
"""
HEAVY = ("matplotlib", "numpy", "docx", "openpyxl", "PIL", "alembic")


def test_importing_the_app_loads_no_renderer_and_one_country() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], check=True, capture_output=True, text=True
    ).stdout
    modules = json.loads(out.splitlines()[-1])
    assert [m for m in modules if m.split(".")[0] in HEAVY] == []
    countries = [m for m in modules if m.startswith("holidays.countries.")]
    assert countries == ["holidays.countries.thailand"]


def test_thai_holidays_still_known() -> None:
    calendar = WorkCalendar()
    assert calendar.is_holiday(date(2025, 4, 14))  # Songkran
    assert not calendar.is_holiday(date(2025, 4, 17))


def test_sniffio_is_there_for_httpcore() -> None:
    # httpcore imports sniffio on every request and a failing import is not cached: without
    # the package each Bot API call searched the whole module path (issue 16, bench.fairness).
    assert importlib.util.find_spec("sniffio") is not None
