"""When a plan's last round closes: the bound the tick uses to leave past years alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest

from scheduler.meetings import parse_rule
from scheduler.planner import (
    MONTHLY,
    QUARTERLY,
    MeasureSpec,
    PlannerConfig,
    earliest_live_end,
    plan_horizon,
    plan_months,
    plan_rounds,
    rule_meetings,
)
from scheduler.workdays import WorkCalendar

BKK = ZoneInfo("Asia/Bangkok")
CAL = WorkCalendar()
CONFIG = PlannerConfig()
# Measure ends around the year's long holidays (New Year, Songkran) and month ends.
ENDS = [
    dt.date(2021, 12, 31),
    dt.date(2022, 3, 31),
    dt.date(2022, 4, 12),
    dt.date(2022, 6, 30),
    dt.date(2022, 9, 30),
    dt.date(2023, 1, 15),
]


def _latest_close(start: dt.date, end: dt.date, rule: str, config: PlannerConfig) -> dt.datetime:
    measures = [
        MeasureSpec(1, 1, MONTHLY, start, end, (1, 2)),
        MeasureSpec(2, 2, QUARTERLY, start, end, (1,)),
    ]
    meetings = rule_meetings(parse_rule(rule), plan_months(measures), BKK)
    return max(r.closes_at for r in plan_rounds(measures, meetings, CAL, config, BKK))


@pytest.mark.parametrize("end", ENDS)
@pytest.mark.parametrize("rule", ["last wednesday 09:30", "day 31 16:00", "first monday 08:00"])
def test_no_round_closes_after_the_horizon(end: dt.date, rule: str) -> None:
    for config in (CONFIG, replace(CONFIG, quarterly_close_working_days=45)):
        start = end - dt.timedelta(days=400)
        assert _latest_close(start, end, rule, config) <= plan_horizon(end, CAL, config, BKK)


def test_the_horizon_is_close_to_the_last_close() -> None:
    # Not so loose that a plan stays live for months after its last round: the seed plan's
    # year ends on 30 Sep; its last quarter's round closes 20 working days after 3 Oct.
    end = dt.date(2022, 9, 30)
    last = _latest_close(dt.date(2021, 10, 1), end, "last wednesday 09:30", CONFIG)
    assert plan_horizon(end, CAL, CONFIG, BKK) - last < dt.timedelta(days=3)


def test_a_later_end_never_has_an_earlier_horizon() -> None:
    day, previous = dt.date(2021, 9, 1), None
    while day < dt.date(2023, 2, 1):
        horizon = plan_horizon(day, CAL, CONFIG, BKK)
        assert previous is None or horizon >= previous, day
        previous, day = horizon, day + dt.timedelta(days=1)


@pytest.mark.parametrize("days", [0, 17, 40, 95, 180, 260, 333])
def test_earliest_live_end_is_the_boundary(days: int) -> None:
    after = dt.datetime(2022, 1, 1, 2, 0, tzinfo=dt.UTC) + dt.timedelta(days=days, hours=days)
    first = earliest_live_end(after, CAL, CONFIG, BKK)
    assert plan_horizon(first, CAL, CONFIG, BKK) > after
    assert plan_horizon(first - dt.timedelta(days=1), CAL, CONFIG, BKK) <= after


def test_rounds_closing_decades_late_keep_every_plan() -> None:
    slow = replace(CONFIG, quarterly_close_working_days=12_000)
    after = dt.datetime(2022, 1, 1, tzinfo=dt.UTC)
    assert earliest_live_end(after, CAL, slow, BKK) == dt.date.min
