"""The planner over the seed plan: six monthly rounds, two quarterly ones, holidays skipped."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from scheduler.meetings import parse_rule
from scheduler.planner import (
    MeasureSpec,
    PlannedRound,
    PlannerConfig,
    plan_months,
    plan_rounds,
    rule_meetings,
)
from scheduler.workdays import WorkCalendar
from storage.plan_file import load_plan_file
from tests.conftest import SEED_PLAN

BKK = ZoneInfo("Asia/Bangkok")
CAL = WorkCalendar()


def seed_specs() -> tuple[list[MeasureSpec], dict[str, int]]:
    """The seed plan's measures with division ids standing in for codes (1-based order)."""
    spec = load_plan_file(SEED_PLAN)
    ids = {d.code: i for i, d in enumerate(spec.divisions, start=1)}
    in_all = tuple(ids[d.code] for d in spec.divisions if d.in_all)
    measures = [
        MeasureSpec(
            id=100 + m.seq,
            seq=m.seq,
            cadence=m.followup.cadence,
            start=m.period.start,
            end=m.period.end,
            division_ids=in_all
            if m.responsible == ["ALL"]
            else tuple(ids[c] for c in m.responsible),
        )
        for m in spec.measures
    ]
    return measures, ids


def _rounds(config: PlannerConfig | None = None) -> list[PlannedRound]:
    measures, _ = seed_specs()
    meetings = rule_meetings(parse_rule("last wednesday 09:30"), plan_months(measures), BKK)
    return plan_rounds(measures, meetings, CAL, config or PlannerConfig(), BKK)


def local(at: dt.datetime) -> dt.datetime:
    return at.astimezone(BKK).replace(tzinfo=None)


def test_six_monthly_rounds_of_the_seed_plan() -> None:
    monthly = [r for r in _rounds() if r.kind == "monthly"]
    assert [r.key for r in monthly] == [
        "2564-10",
        "2564-11",
        "2564-12",
        "2565-01",
        "2565-02",
        "2565-03",
    ]
    # Prompt 5 working days before the last Wednesday at 09:00 Bangkok, holidays skipped:
    # 25 Oct 2021 (Chulalongkorn day in lieu) and 16 Feb 2022 (Makha Bucha) are not counted.
    prompts = [local(r.notices[0].due_at) for r in monthly]
    assert prompts == [
        dt.datetime(2021, 10, 19, 9, 0),
        dt.datetime(2021, 11, 17, 9, 0),
        dt.datetime(2021, 12, 22, 9, 0),
        dt.datetime(2022, 1, 19, 9, 0),
        dt.datetime(2022, 2, 15, 9, 0),
        dt.datetime(2022, 3, 23, 9, 0),
    ]
    jan = monthly[3]
    assert [n.kind for n in jan.notices] == ["prompt", "reminder", "digest"]
    assert [local(n.due_at) for n in jan.notices[1:]] == [
        dt.datetime(2022, 1, 24, 9, 0),
        dt.datetime(2022, 1, 25, 9, 0),
    ]
    assert local(jan.closes_at) == dt.datetime(2022, 1, 26, 9, 30)
    assert all(n.stale_at == jan.closes_at for n in jan.notices)
    assert jan.opens_at == jan.notices[0].due_at
    assert (jan.covers_start, jan.covers_end) == (dt.date(2022, 1, 1), dt.date(2022, 1, 31))


def test_quarterly_measure_is_never_in_a_monthly_round() -> None:
    measures, _ = seed_specs()
    quarterly_ids = {m.id for m in measures if m.cadence == "quarterly"}
    assert quarterly_ids  # the plan says which ones; the planner never names them
    for r in _rounds():
        if r.kind == "monthly":
            assert not quarterly_ids & {mid for mid, _ in r.items}
            assert len(r.measure_ids) == 6


def test_quarterly_rounds_q1_q2_to_the_responsible_division_only() -> None:
    _, ids = seed_specs()
    quarterly = [r for r in _rounds() if r.kind == "quarterly"]
    assert [r.key for r in quarterly] == ["2565-Q1", "2565-Q2"]
    for r in quarterly:
        assert r.division_ids == (ids["STRAT"],)
    q1, q2 = quarterly
    # 1 Jan 2022 is a Saturday, 3 Jan the New Year holiday in lieu: the request waits to the 4th.
    assert CAL.is_holiday(dt.date(2022, 1, 3))
    assert local(q1.notices[0].due_at) == dt.datetime(2022, 1, 4, 9, 0)
    assert local(q2.notices[0].due_at) == dt.datetime(2022, 4, 1, 9, 0)
    assert [n.kind for n in q1.notices] == ["request", "reminder1", "reminder2", "digest"]
    request_day = dt.date(2022, 1, 4)
    assert local(q1.notices[1].due_at).date() == CAL.add_working_days(request_day, 5)
    assert local(q1.notices[2].due_at).date() == CAL.add_working_days(request_day, 10)
    assert local(q1.closes_at).date() == CAL.add_working_days(request_day, 20)
    assert (q1.covers_start, q1.covers_end) == (dt.date(2021, 10, 1), dt.date(2021, 12, 31))


def test_second_quarterly_measure_with_two_divisions_joins_the_same_rounds() -> None:
    measures, ids = seed_specs()
    extra = MeasureSpec(
        id=999,
        seq=8,
        cadence="quarterly",
        start=dt.date(2021, 10, 1),
        end=dt.date(2022, 3, 31),
        division_ids=(ids["FIN"], ids["PALAD"]),
    )
    meetings = rule_meetings(parse_rule("last wednesday 09:30"), plan_months(measures), BKK)
    rounds = plan_rounds([*measures, extra], meetings, CAL, PlannerConfig(), BKK)
    q1 = next(r for r in rounds if r.key == "2565-Q1")
    assert set(q1.division_ids) == {ids["STRAT"], ids["FIN"], ids["PALAD"]}
    assert (999, ids["FIN"]) in q1.items


def test_config_changes_the_cadence() -> None:
    config = PlannerConfig(
        prompt_working_days_before=3,
        notice_time=dt.time(8, 30),
        quarterly_reminder_working_days=(3,),
    )
    rounds = _rounds(config)
    jan = next(r for r in rounds if r.key == "2565-01")
    assert local(jan.notices[0].due_at) == dt.datetime(2022, 1, 21, 8, 30)
    q1 = next(r for r in rounds if r.key == "2565-Q1")
    assert [n.kind for n in q1.notices] == ["request", "reminder1", "digest"]


def test_moved_meeting_moves_its_notices() -> None:
    measures, _ = seed_specs()
    meetings = rule_meetings(parse_rule("last wednesday 09:30"), plan_months(measures), BKK)
    meetings[dt.date(2022, 1, 1)] = dt.datetime(2022, 1, 28, 13, 0, tzinfo=BKK)
    rounds = plan_rounds(measures, meetings, CAL, PlannerConfig(), BKK)
    jan = next(r for r in rounds if r.key == "2565-01")
    assert local(jan.notices[0].due_at) == dt.datetime(2022, 1, 21, 9, 0)
    assert local(jan.closes_at) == dt.datetime(2022, 1, 28, 13, 0)


@pytest.mark.parametrize("month", [dt.date(2021, 9, 1), dt.date(2022, 4, 1)])
def test_meeting_outside_every_period_opens_no_round(month: dt.date) -> None:
    measures, _ = seed_specs()
    meetings = {month: dt.datetime.combine(month, dt.time(9, 30), tzinfo=BKK)}
    assert [
        r for r in plan_rounds(measures, meetings, CAL, PlannerConfig(), BKK) if r.kind == "monthly"
    ] == []
