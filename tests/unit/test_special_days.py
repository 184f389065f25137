"""Special holidays in the calendar, and the notices a calendar change moves."""

from __future__ import annotations

import datetime as dt

from scheduler.planner import MeasureSpec, PlannerConfig, plan_rounds
from scheduler.schedule import PlanSchedule, notice_moves
from scheduler.workdays import WorkCalendar
from storage.models import Plan
from tests.scheduling import BKK, bkk

BASE = WorkCalendar()
MEASURE = MeasureSpec(1, 1, "monthly_meeting", dt.date(2022, 1, 1), dt.date(2022, 1, 31), (1,))
MEETING = {dt.date(2022, 1, 1): bkk(2022, 1, 26, 9, 30)}


def _schedule(calendar: WorkCalendar) -> PlanSchedule:
    rounds = plan_rounds([MEASURE], MEETING, calendar, PlannerConfig(), BKK)
    return PlanSchedule(Plan(code="p"), (MEASURE,), (), tuple(rounds), calendar)


def test_with_holidays_adds_named_days_and_leaves_the_base_alone() -> None:
    special = BASE.with_holidays({dt.date(2022, 1, 19): "วันหยุดพิเศษ"})
    assert not special.is_working_day(dt.date(2022, 1, 19))
    assert special.holiday_name(dt.date(2022, 1, 19)) == "วันหยุดพิเศษ"
    assert BASE.is_working_day(dt.date(2022, 1, 19))
    # Five working days before the meeting: a day earlier with the 19th off.
    assert special.working_days_before(dt.date(2022, 1, 26), 5) == dt.date(2022, 1, 18)
    # An official holiday keeps its own name.
    assert special.holiday_name(dt.date(2022, 1, 1), "en") == "New Year's Day"


def test_notice_moves_lists_only_what_is_not_yet_due() -> None:
    before = _schedule(BASE)
    after = _schedule(BASE.with_holidays({dt.date(2022, 1, 19): "x"}))
    early = notice_moves(before, after, bkk(2022, 1, 19, 8, 0))
    assert [(m.kind, m.before, m.after) for m in early] == [
        ("prompt", bkk(2022, 1, 19), bkk(2022, 1, 18))
    ]
    assert notice_moves(before, after, bkk(2022, 1, 19, 9, 0)) == ()  # due: out of reach
    assert notice_moves(before, before, bkk(2022, 1, 1)) == ()
