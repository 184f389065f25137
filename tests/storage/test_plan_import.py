"""Plan import on SQLite and PostgreSQL: faithful, idempotent, in place, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.meetings import parse_rule
from storage import plan_import
from storage.models import Division, Measure, MeasureAction, Plan
from storage.plan_file import PlanFileError, load_plan_file, parse_plan_text
from storage.plan_import import import_plan, plan_count
from storage.plan_queries import plan_overview
from tests.conftest import SEED_PLAN

Sessions = async_sessionmaker[AsyncSession]


async def _counts(sessions: Sessions) -> tuple[int, ...]:
    async with sessions() as s:
        counts = []
        for model in (Plan, Division, Measure, MeasureAction):
            counts.append(int(await s.scalar(select(func.count()).select_from(model)) or 0))
        return tuple(counts)


async def test_seed_plan_imports_seven_measures(sessions: Sessions) -> None:
    spec = load_plan_file(SEED_PLAN, rule_check=parse_rule)
    result = await import_plan(sessions, spec)
    assert result.changed
    overview = await plan_overview(sessions, "ita-2565")
    assert overview is not None
    measures = {m["seq"]: m for m in overview["measures"]}
    assert sorted(measures) == [1, 2, 3, 4, 5, 6, 7]
    every = sorted(d.code for d in spec.divisions if d.in_all)
    for seq in (3, 5, 6):
        assert measures[seq]["responsible_all"]
        assert [d["code"] for d in measures[seq]["responsible"]] == every
    assert [d["name_th"] for d in measures[7]["responsible"]] == ["กองยุทธศาสตร์และงบประมาณ"]
    assert measures[7]["followup"]["cadence"] == "quarterly"
    assert all(measures[s]["followup"]["cadence"] == "monthly_meeting" for s in range(1, 7))
    for m in spec.measures:
        assert measures[m.seq]["title_th"] == m.title_th
        assert measures[m.seq]["actions_th"] == m.actions_th


async def test_import_twice_changes_nothing(sessions: Sessions) -> None:
    spec = load_plan_file(SEED_PLAN)
    await import_plan(sessions, spec)
    before = await _counts(sessions)
    async with sessions() as s:
        stamp = (await s.execute(select(Plan.imported_at))).scalar_one()
    again = await import_plan(sessions, spec)
    assert again.changes == []
    assert await _counts(sessions) == before
    async with sessions() as s:
        assert (await s.execute(select(Plan.imported_at))).scalar_one() == stamp


async def test_edited_file_updates_in_place(sessions: Sessions) -> None:
    text = SEED_PLAN.read_text(encoding="utf-8")
    await import_plan(sessions, parse_plan_text(text, SEED_PLAN))
    async with sessions() as s:
        ids_before = dict((await s.execute(select(Measure.seq, Measure.id))).all())
        div_ids = dict((await s.execute(select(Division.code, Division.id))).all())
    edited = text.replace("last wednesday 09:30", "last thursday 10:00")
    edited = edited.replace("end: 2022-03-31", "end: 2022-09-30")
    result = await import_plan(sessions, parse_plan_text(edited, SEED_PLAN))
    assert "plan.meeting_rule" in result.changes
    async with sessions() as s:
        ids_after = dict((await s.execute(select(Measure.seq, Measure.id))).all())
        plan = (await s.execute(select(Plan))).scalar_one()
        ends = set((await s.execute(select(Measure.period_end))).scalars())
        assert dict((await s.execute(select(Division.code, Division.id))).all()) == div_ids
    assert ids_after == ids_before
    assert plan.meeting_rule == "last thursday 10:00"
    assert {e.isoformat() for e in ends} == {"2022-09-30"}


async def test_removed_measure_and_division_become_inactive(sessions: Sessions) -> None:
    text = SEED_PLAN.read_text(encoding="utf-8")
    spec = parse_plan_text(text, SEED_PLAN)
    await import_plan(sessions, spec)
    smaller = spec.model_copy(
        update={
            "measures": [m for m in spec.measures if m.seq != 2],
            "divisions": [d for d in spec.divisions if d.code != "AUDIT"],
        }
    )
    await import_plan(sessions, smaller)
    async with sessions() as s:
        m2 = (await s.execute(select(Measure).where(Measure.seq == 2))).scalar_one()
        audit = (await s.execute(select(Division).where(Division.code == "AUDIT"))).scalar_one()
    assert not m2.active and not audit.active
    overview = await plan_overview(sessions, "ita-2565")
    assert overview is not None
    assert 2 not in [m["seq"] for m in overview["measures"]]
    assert all("AUDIT" not in [d["code"] for d in m["responsible"]] for m in overview["measures"])


async def test_failed_import_leaves_database_as_it_was(
    sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = load_plan_file(SEED_PLAN)
    await import_plan(sessions, spec)
    before = await _counts(sessions)

    async def explode(*_: object) -> None:
        raise RuntimeError("disk full")

    # Fail after the organization and divisions were written, inside the same transaction.
    monkeypatch.setattr(plan_import, "_upsert_measures", explode)
    renamed = spec.model_copy(
        update={
            "organization": spec.organization.model_copy(update={"name_th": "เปลี่ยนชื่อ"}),
            "divisions": [*spec.divisions, spec.divisions[0].model_copy(update={"code": "NEW"})],
        }
    )
    with pytest.raises(RuntimeError):
        await import_plan(sessions, renamed)
    assert await _counts(sessions) == before
    overview = await plan_overview(sessions, "ita-2565")
    assert overview is not None
    assert overview["plan"]["organization"]["name_th"] == spec.organization.name_th


async def test_plan_count(sessions: Sessions) -> None:
    assert await plan_count(sessions) == 0
    await import_plan(sessions, load_plan_file(SEED_PLAN))
    assert await plan_count(sessions) == 1


def test_bad_files_are_refused_with_line_and_key(tmp_path: Path) -> None:
    text = SEED_PLAN.read_text(encoding="utf-8")
    cases = {
        "unknown division": (text.replace("responsible: [FIN]", "responsible: [FNI]"), "FNI"),
        "missing title": (
            text.replace("title_th:", "titel_th:", 2).replace("titel_th:", "title_th:", 1),
            "title_th",
        ),
        "end before start": (text.replace("end: 2022-03-31", "end: 2021-09-30", 1), "before start"),
        "bad yaml": (text + "\n  - : [\n", "not valid YAML"),
        "bad rule": (text.replace("last wednesday 09:30", "every blue moon"), "rule"),
        "impossible date": (text.replace("start: 2021-10-01", "start: 2021-13-01", 1), "month"),
    }
    for name, (bad, needle) in cases.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(bad, encoding="utf-8")
        with pytest.raises(PlanFileError) as info:
            load_plan_file(path, rule_check=parse_rule)
        first = info.value.problems[0]
        assert first.startswith(f"{path}:"), name
        assert needle in str(info.value), (name, str(info.value))
        line = int(first.split(":")[1])
        assert line > 1, (name, first)


def test_impossible_date_names_its_line_and_key(tmp_path: Path) -> None:
    text = SEED_PLAN.read_text(encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "start: 2021-10-01" in row)
    path = tmp_path / "plan.yaml"
    path.write_text(text.replace("start: 2021-10-01", "start: 2021-13-01", 1), encoding="utf-8")
    with pytest.raises(PlanFileError) as info:
        load_plan_file(path, rule_check=parse_rule)
    assert len(info.value.problems) == 1
    assert info.value.problems[0].startswith(f"{path}:{line}: measures[0].period.start: ")
