"""Small read models for view and renderer unit tests: one January round, measure 1, FIN."""

from __future__ import annotations

from datetime import UTC, date, datetime

from storage.read_models import DivisionRef, MeasureRef, RoundInfo

JANUARY = RoundInfo(
    1,
    1,
    "2565-01",
    "monthly",
    date(2022, 1, 1),
    date(2022, 1, 31),
    datetime(2022, 1, 19, tzinfo=UTC),
    datetime(2022, 1, 26, tzinfo=UTC),
    None,
)
MEASURE = MeasureRef(1, 1, "มาตรการ", "Measure")
FIN = DivisionRef(1, "FIN", "สำนักคลัง", "Finance")
