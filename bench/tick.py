"""One scheduler tick at 1x, 10x and 100x closed history, and at 600 and 6,000 enrolled people.

History is past fiscal years (`tests/history.py`): each a plan with its meetings, 16 closed
rounds, their items, every item answered and a `sent` delivery for every notice (about 10,000 a
year at 600 people). 1x is one past year, 10x ten, 100x a hundred (1,600 closed rounds, about a
million deliveries). The current plan has its earlier months closed and its first quarter open.

Two ticks are timed, on SQLite, with a sender that answers at once:
* busy: the January prompt moment. The tick makes the round, records a prompt for everyone
  and sends the first batch (300);
* idle: an hour later, everything sent. What runs every SCHEDULER_TICK_SECONDS all day.
Each is the median of `--runs` (the configurations take turns, so load on a shared machine
falls on all of them alike); the SQL statements of each tick are counted. The goal: the tick
at 100x history takes at most 1.2x its time at 1x (`tick_history_ratio`, the busy tick's; the
idle tick's ratio is shown beside it). The last line is JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import event, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from scheduler.outcomes import Outcome, Outgoing, Sent
from scheduler.tick import TickConfig, TickState, tick
from scheduler.workdays import WorkCalendar
from storage.db import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import Delivery, Report, Round, RoundItem
from tests.history import BKK, ORDER, History, Rows, Staff, chunks

CURRENT_BE = 2573  # fiscal year 1 Oct 2029 - 30 Sep 2030
GOAL = 1.2
CONFIG = TickConfig(tz=BKK)


def prompt_moment(history: History) -> dt.datetime:
    """When the current plan's January prompt falls due (the January round opens then)."""
    (january,) = (r for r in history.schedule(CURRENT_BE) if r.key == f"{CURRENT_BE}-01")
    return january.opens_at


@dataclass
class Case:
    """One database: `people` enrolled, `years` past fiscal years of history."""

    people: int
    years: int
    path: Path
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    sizes: dict[str, int] = field(default_factory=dict)
    busy_ms: list[float] = field(default_factory=list)
    idle_ms: list[float] = field(default_factory=list)
    statements: dict[str, int] = field(default_factory=dict)
    sent: int = 0

    @property
    def label(self) -> str:
        """How the case is named in the table."""
        return f"{self.people} people, {self.years}x"


def _insert(conn: Any, rows: Rows) -> None:
    for table in ORDER:
        for part in chunks(rows.get(table, []), 20_000):
            conn.execute(insert(table), part)


def build(case: Case, now: dt.datetime) -> float:
    """Migrate the file and fill it: staff, the current plan, `years` past plans; seconds."""
    started = time.perf_counter()
    engine = create_engine(f"sqlite+aiosqlite:///{case.path}")
    asyncio.run(upgrade(engine))
    asyncio.run(engine.dispose())
    history = History(Staff(people=case.people), calendar=case.calendar)
    sync = create_sync_engine(f"sqlite:///{case.path}")
    until = now - dt.timedelta(minutes=1)
    with sync.begin() as conn:
        conn.exec_driver_sql("PRAGMA synchronous=OFF")
        _insert(conn, history.organization())
        _insert(conn, history.plan(CURRENT_BE, until))
    for year in range(CURRENT_BE - case.years, CURRENT_BE):
        with sync.begin() as conn:
            _insert(conn, history.plan(year, until))
    with sync.begin() as conn:
        for name, model in (("rounds", Round), ("deliveries", Delivery), ("reports", Report)):
            case.sizes[name] = int(conn.execute(select(func.count()).select_from(model)).scalar())
        conn.exec_driver_sql("ANALYZE")
    sync.dispose()
    return time.perf_counter() - started


async def _instant(out: Outgoing) -> Outcome:
    return Sent(out.delivery_id)


async def _timed(engine: AsyncEngine, count: list[int], now: dt.datetime, case: Case) -> float:
    sessions = session_factory(engine)
    count[0] = 0
    started = time.perf_counter()
    report = await tick(sessions, now, _instant, CONFIG, case.calendar, TickState())
    elapsed = (time.perf_counter() - started) * 1000
    case.sent = max(case.sent, report.sent)
    return elapsed


async def _watermarks(engine: AsyncEngine) -> tuple[int, int]:
    async with engine.connect() as conn:
        delivery = (await conn.execute(select(func.max(Delivery.id)))).scalar() or 0
        round_ = (await conn.execute(select(func.max(Round.id)))).scalar() or 0
    return int(delivery), int(round_)


async def _reset(engine: AsyncEngine, marks: tuple[int, int]) -> None:
    """Undo what the timed ticks made, so that the next run starts from the same state."""
    delivery, round_ = marks
    async with engine.begin() as conn:
        await conn.execute(Delivery.__table__.delete().where(Delivery.id > delivery))
        await conn.execute(RoundItem.__table__.delete().where(RoundItem.round_id > round_))
        await conn.execute(Round.__table__.delete().where(Round.id > round_))


async def measure_once(case: Case, now: dt.datetime, idle_runs: int = 5) -> None:
    """Warm up, time the busy tick, mark everything sent, time the idle tick; then reset."""
    engine = create_engine(f"sqlite+aiosqlite:///{case.path}")
    count = [0]

    def counted(*_: Any) -> None:
        count[0] += 1

    event.listen(engine.sync_engine, "before_cursor_execute", counted)
    try:
        marks = await _watermarks(engine)
        await _timed(engine, count, now - dt.timedelta(minutes=1), case)  # warm-up, sends none
        case.busy_ms.append(await _timed(engine, count, now, case))
        case.statements["busy"] = count[0]
        async with engine.begin() as conn:  # the rest of the round went out meanwhile
            await conn.execute(
                text("UPDATE delivery SET state = 'sent', sent_at = due_at WHERE state = 'pending'")
            )
        idle = [
            await _timed(engine, count, now + dt.timedelta(hours=1, seconds=30 * i), case)
            for i in range(idle_runs)
        ]
        case.idle_ms.append(statistics.median(idle))
        case.statements["idle"] = count[0]
        await _reset(engine, marks)
    finally:
        await engine.dispose()


def _ratio(a: float, b: float) -> float:
    return round(a / b, 3) if b else 0.0


def report(cases: list[Case], runs: int) -> dict[str, Any]:
    """Print the table and return the JSON summary."""
    base = next(c for c in cases if c.years == 1 and c.people == min(x.people for x in cases))
    top = max((c for c in cases if c.people == base.people), key=lambda c: c.years)
    rows = []
    print(f"one tick, SQLite, median of {runs} runs; goal: {top.years}x history / 1x <= {GOAL}")
    head = f"{'case':>20} {'rounds':>7} {'deliveries':>10} {'busy ms':>8} {'idle ms':>8}"
    print(f"{head} {'busy/1x':>8} {'idle/1x':>8} {'statements busy/idle':>21}")
    for c in cases:
        busy, idle = statistics.median(c.busy_ms), statistics.median(c.idle_ms)
        row = {
            "people": c.people,
            "history": c.years,
            **c.sizes,
            "busy_ms": round(busy, 1),
            "idle_ms": round(idle, 1),
            "busy_vs_1x": _ratio(busy, statistics.median(base.busy_ms)),
            "idle_vs_1x": _ratio(idle, statistics.median(base.idle_ms)),
            "statements_busy": c.statements["busy"],
            "statements_idle": c.statements["idle"],
            "sent_by_busy_tick": c.sent,
        }
        rows.append(row)
        print(
            f"{c.label:>20} {c.sizes['rounds']:>7} {c.sizes['deliveries']:>10} "
            f"{row['busy_ms']:>8} {row['idle_ms']:>8} {row['busy_vs_1x']:>8} "
            f"{row['idle_vs_1x']:>8} {c.statements['busy']:>10}/{c.statements['idle']}"
        )
    top_row = rows[cases.index(top)]
    ratio, idle_ratio = top_row["busy_vs_1x"], top_row["idle_vs_1x"]
    ok = ratio <= GOAL
    print(
        f"tick_history_ratio {ratio} (idle tick {idle_ratio}); goal <= {GOAL}: "
        + ("met" if ok else "MISSED")
    )
    return {
        "bench": "tick",
        "tick_history_ratio": ratio,
        "idle_history_ratio": idle_ratio,
        "goal": GOAL,
        "ok": ok,
        "met": ok,
        "runs": runs,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "results": rows,
    }


def main(argv: list[str] | None = None) -> int:
    """Build each database, time the ticks in turns, print the figures; 1 past the goal."""
    parser = argparse.ArgumentParser(prog="python -m bench.tick")
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_TICK_RUNS", "5")))
    parser.add_argument("--history", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--people", type=int, nargs="+", default=[600, 6000])
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        cases = [Case(args.people[0], y, Path(tmp) / f"h{y}.db") for y in args.history]
        cases += [Case(p, 1, Path(tmp) / f"p{p}.db") for p in args.people[1:]]
        now = prompt_moment(History(calendar=cases[0].calendar))
        for case in cases:
            seconds = build(case, now)
            print(f"built {case.label}: {case.sizes} in {seconds:.1f} s", flush=True)
        for _ in range(args.runs):
            for case in cases:
                asyncio.run(measure_once(case, now))
        summary = report(cases, args.runs)
    print(json.dumps(summary))
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
