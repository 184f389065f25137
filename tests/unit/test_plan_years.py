"""Which plan is current (scheduler.plan_years): the one rule, by date."""

from __future__ import annotations

from datetime import UTC, date, datetime

from scheduler.plan_years import fiscal_period, pick_current
from storage.models import Plan


def _plan(pid: int, year: int, imported_day: int = 1) -> Plan:
    return Plan(
        id=pid,
        code=f"ita-{year}",
        fiscal_year_be=year,
        imported_at=datetime(2022, 1, imported_day, tzinfo=UTC),
    )


P2565, P2566 = _plan(1, 2565), _plan(2, 2566)


def test_fiscal_period_is_october_to_september() -> None:
    assert fiscal_period(2565) == (date(2021, 10, 1), date(2022, 9, 30))


def test_the_plan_whose_year_holds_today() -> None:
    plans = [P2566, P2565]
    assert pick_current(plans, date(2022, 9, 30)) is P2565
    assert pick_current(plans, date(2022, 10, 1)) is P2566
    assert pick_current(plans, date(2021, 10, 1)) is P2565


def test_before_any_year_the_earliest_after_all_the_newest() -> None:
    plans = [P2565, P2566]
    assert pick_current(plans, date(2020, 1, 1)) is P2565
    assert pick_current(plans, date(2030, 1, 1)) is P2566


def test_a_year_without_a_plan_keeps_the_last_one_that_ran() -> None:
    p2567 = _plan(3, 2567)
    assert pick_current([P2565, p2567], date(2023, 1, 1)) is P2565


def test_two_plans_of_one_year_the_one_imported_last() -> None:
    again = _plan(4, 2565, imported_day=20)
    assert pick_current([again, P2565], date(2022, 1, 1)) is again
    assert pick_current([], date(2022, 1, 1)) is None
