"""Summary, detail, history and export queries on SQLite and PostgreSQL (nudges: tests/usecases)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.history import history
from storage.read_models import MISSING
from storage.report_data import export_rows, period_report, plan_header, round_report
from storage.summary import (
    current_round,
    division_detail,
    measure_detail,
    open_rounds,
    plan_rounds,
    round_by_key,
    round_summaries,
    round_summary,
)
from tests.factories import seed_plan
from tests.report_factories import bkk, scenario


async def test_current_round_and_lookup(sessions: async_sessionmaker[AsyncSession]) -> None:
    await seed_plan(sessions)
    sc = await scenario(sessions)
    async with sessions() as s:
        cur = await current_round(s, sc.now)
        assert cur is not None and cur.key == "2565-01" and cur.is_open(sc.now)
        assert cur.meeting_at == bkk(2022, 1, 26, 9, 30)
        # After every round closed: the most recently closed one.
        later = await current_round(s, bkk(2022, 3, 1))
        assert later is not None and later.key == "2565-01"
        # While the quarterly round is open too, the one closing first comes first.
        both = await open_rounds(s, bkk(2022, 1, 13))
        assert [r.key for r in both] == ["2565-Q1", "2565-01"]
        assert await current_round(s, bkk(2021, 1, 1)) is None
        q1 = await round_by_key(s, "2565-q1")
        assert q1 is not None and q1.kind == "quarterly"
        assert await round_by_key(s, "2599-01") is None
        assert [r.key for r in await plan_rounds(s, sc.ids.plan_id)] == [
            "2564-12",
            "2565-Q1",
            "2565-01",
        ]


async def test_round_summary_counts_latest_answers(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed_plan(sessions)
    sc = await scenario(sessions)
    async with sessions() as s:
        jan = await round_by_key(s, "2565-01")
        assert jan is not None
        summary = await round_summary(s, jan)
    by_seq = {m.measure.seq: m for m in summary.measures}
    assert sorted(by_seq) == [1, 2, 3, 4, 5, 6]
    m1 = by_seq[1]
    assert (m1.owed, m1.answered, m1.count("done"), m1.count("in_progress")) == (1, 1, 1, 0)
    assert by_seq[2].late == 1 and summary.late == 1
    assert by_seq[4].count("problem") == 1
    assert by_seq[3].owed == len(sc.ids.responsible[3]) and by_seq[3].answered == 1
    assert "ENG" not in {d.code for d in by_seq[3].missing}
    assert by_seq[3].count(MISSING) == by_seq[3].owed - 1
    assert summary.answered == 4
    assert "FIN" in {d.code for d in summary.missing_divisions}  # FIN owes 3, 5, 6 too


async def test_division_scope_hides_other_divisions(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed_plan(sessions)
    sc = await scenario(sessions)
    fin = sc.ids.divisions["FIN"]
    async with sessions() as s:
        jan = await round_by_key(s, "2565-01")
        assert jan is not None
        summary = await round_summary(s, jan, division_ids=[fin])
        detail = await measure_detail(s, jan, sc.ids.measures[2], division_ids=[fin])
    assert {d.code for m in summary.measures for d in m.missing} <= {"FIN"}
    assert sum(m.owed for m in summary.measures) == 4  # measures 1, 3, 5, 6
    assert detail is None  # FIN owes nothing on measure 2


async def test_measure_and_division_detail(sessions: async_sessionmaker[AsyncSession]) -> None:
    await seed_plan(sessions)
    sc = await scenario(sessions)
    async with sessions() as s:
        jan = await round_by_key(s, "2565-01")
        assert jan is not None
        m1 = await measure_detail(s, jan, sc.ids.measures[1])
        strat = await division_detail(s, jan, sc.ids.divisions["STRAT"])
    assert m1 is not None and len(m1.items) == 1
    answer = m1.items[0].answer
    assert answer is not None
    assert answer.text == "เผยแพร่รายงานการใช้จ่ายงบประมาณบนเว็บไซต์แล้ว"
    assert answer.person_name == "สมหญิง ใจดี"
    assert [e.label for e in answer.evidence] == ["รายงานงบ.pdf"]
    assert strat is not None
    statuses = {i.measure.seq: i.status for i in strat.items}
    assert statuses[4] == "problem" and statuses[3] == MISSING
    assert 7 not in statuses  # measure 7 is owed in the quarterly round only


async def test_history_round_by_round(sessions: async_sessionmaker[AsyncSession]) -> None:
    await seed_plan(sessions)
    sc = await scenario(sessions)
    async with sessions() as s:
        h = await history(s, measure_id=sc.ids.measures[1])
        hd = await history(s, division_id=sc.ids.divisions["PALAD"])
        last1 = await history(s, measure_id=sc.ids.measures[1], last=1)
    assert h is not None and [r.key for r in h.rounds] == ["2564-12", "2565-01"]
    assert [row.cells for row in h.rows] == [("in_progress", "done")]
    assert hd is not None and hd.division is not None and hd.division.code == "PALAD"
    palad2 = next(r for r in hd.rows if r.measure.seq == 2)
    assert palad2.cells == ("not_started", "done")
    assert last1 is not None and [r.key for r in last1.rounds] == ["2565-01"]


async def test_export_rows_keep_superseded_and_missing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed_plan(sessions)
    sc = await scenario(sessions)
    async with sessions() as s:
        jan = await round_by_key(s, "2565-01")
        assert jan is not None
        rows = await export_rows(s, [jan])
        summary = await round_summary(s, jan)
        fin_only = await export_rows(s, [jan], division_ids=[sc.ids.divisions["FIN"]])
    answers = [r for r in rows if r.status != MISSING]
    assert len(answers) == 5  # FIN twice (one superseded), PALAD, STRAT, ENG
    fin = [r for r in answers if r.division.code == "FIN"]
    assert [(r.status, r.latest) for r in fin] == [("in_progress", False), ("done", True)]
    assert len([r for r in rows if r.status == MISSING]) == summary.owed - summary.answered
    assert {r.division.code for r in fin_only} == {"FIN"}
    late = [r for r in rows if r.late]
    assert [r.division.code for r in late] == ["PALAD"]


async def test_round_and_period_report_data(sessions: async_sessionmaker[AsyncSession]) -> None:
    await seed_plan(sessions)
    sc = await scenario(sessions)
    async with sessions() as s:
        header = await plan_header(s, sc.ids.plan_id)
        assert header is not None
        jan = await round_by_key(s, "2565-01")
        assert jan is not None
        report = await round_report(s, header, jan)
        rounds = await plan_rounds(s, sc.ids.plan_id)
        period = await period_report(s, header, rounds)
        summaries = await round_summaries(s, rounds)
    assert header.org_name_th == "เทศบาลนครนครศรีธรรมราช"
    assert [m.measure.seq for m in report.measures] == [1, 2, 3, 4, 5, 6]
    assert len(period.measures) == 7
    m7 = period.measures[6]
    assert m7.cadence == "quarterly" and [i.status for i in m7.items] == ["done"]
    assert len(period.measures[0].actions_th) == 2
    assert [s.round.key for s in summaries] == ["2564-12", "2565-Q1", "2565-01"]
