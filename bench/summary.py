"""/summary latency: query + render for 20 divisions x 7 measures, at 1x, 10x and 100x history.

History is rounds before the current one (24 at 1x, each item answered, every other one twice
so superseded answers exist too). The figure is the time from "which round is current" to the
finished message and keyboard, as the handler does it, on SQLite. Printed as ratios against
the 100 ms limit (p95) and against the 1x baseline; the last line is JSON.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import insert

from bot.telegram.report_keyboards import summary_keyboard
from bot.telegram.views.reports import summary_message
from storage.answers import round_divisions
from storage.counting import division_ref
from storage.db import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import (
    Division,
    Measure,
    MeasureResponsibility,
    Organization,
    Person,
    Plan,
    Report,
    Round,
    RoundItem,
)
from storage.summary import current_round, open_rounds, round_summary

DIVISIONS, MEASURES, BASE_ROUNDS = 20, 7, 24
SCALES = (1, 10, 100)
LIMIT_MS = 100.0
RUNS = int(os.environ.get("BENCH_RUNS", "200"))
TZ = ZoneInfo("Asia/Bangkok")
NOW = datetime(2030, 1, 15, 3, tzinfo=UTC)
STATUSES = ("done", "in_progress", "not_started", "problem")


def _build(path: Path, rounds: int) -> int:
    """Fill a migrated SQLite file with one plan and `rounds` rounds of answers."""
    engine = create_sync_engine(f"sqlite:///{path}")
    with engine.begin() as c:
        c.execute(insert(Organization), [{"id": 1, "code": "bench", "name_th": "เทศบาล"}])
        c.execute(
            insert(Plan),
            [
                {
                    "id": 1,
                    "organization_id": 1,
                    "code": "bench",
                    "title_th": "มาตรการ",
                    "fiscal_year_be": 2573,
                    "meeting_name_th": "ประชุม",
                    "meeting_rule": "last wednesday 09:30",
                    "imported_at": NOW,
                }
            ],
        )
        c.execute(
            insert(Division),
            [
                {"id": d, "organization_id": 1, "code": f"D{d:02d}", "name_th": f"กอง {d}"}
                for d in range(1, DIVISIONS + 1)
            ],
        )
        c.execute(
            insert(Measure),
            [
                {
                    "id": m,
                    "plan_id": 1,
                    "seq": m,
                    "title_th": f"มาตรการที่ {m} การเปิดเผยข้อมูลและการป้องกันการทุจริต",
                    "period_start": date(2029, 10, 1),
                    "period_end": date(2030, 9, 30),
                    "followup_cadence": "monthly_meeting",
                    "indicator_seqs": [],
                }
                for m in range(1, MEASURES + 1)
            ],
        )
        pairs = [(m, d) for m in range(1, MEASURES + 1) for d in range(1, DIVISIONS + 1)]
        c.execute(
            insert(MeasureResponsibility), [{"measure_id": m, "division_id": d} for m, d in pairs]
        )
        c.execute(
            insert(Person),
            [{"id": 1, "telegram_user_id": 1, "chat_id": 1, "name": "ผู้รายงาน", "created_at": NOW}],
        )
        round_rows, item_rows, report_rows = [], [], []
        report_id = 0
        for r in range(1, rounds + 1):
            closes = NOW + timedelta(days=7) - timedelta(days=30 * (rounds - r))
            round_rows.append(
                {
                    "id": r,
                    "plan_id": 1,
                    "kind": "monthly",
                    "key": f"{2000 + r // 12}-{r % 12 + 1:02d}",
                    "covers_start": date(2029, 12, 1),
                    "covers_end": date(2029, 12, 31),
                    "opens_at": closes - timedelta(days=14),
                    "closes_at": closes,
                    "created_at": NOW,
                }
            )
            current = r == rounds
            for i, (m, d) in enumerate(pairs):
                item_rows.append({"round_id": r, "measure_id": m, "division_id": d})
                if current and i % 3 == 0:
                    continue  # a third of the current round is still silent
                for version in range(2 if i % 2 == 0 else 1):
                    report_id += 1
                    report_rows.append(
                        {
                            "id": report_id,
                            "round_id": r,
                            "measure_id": m,
                            "division_id": d,
                            "person_id": 1,
                            "status": STATUSES[(i + version) % 4],
                            "text": "ดำเนินการตามแผน " * 10,
                            "late": i % 11 == 0,
                            "created_at": closes - timedelta(days=2 - version),
                        }
                    )
        c.execute(insert(Round), round_rows)
        for table, rows in ((RoundItem, item_rows), (Report, report_rows)):
            for start in range(0, len(rows), 20_000):
                c.execute(insert(table), rows[start : start + 20_000])
    engine.dispose()
    return len(report_rows)


async def _measure(path: Path) -> list[float]:
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    sessions = session_factory(engine)

    async def once() -> float:
        start = time.perf_counter()
        async with sessions() as session:
            round_ = await current_round(session, NOW)
            assert round_ is not None
            summary = await round_summary(session, round_)
            others = [r for r in await open_rounds(session, NOW) if r.id != round_.id]
            divisions = [division_ref(d) for d in await round_divisions(session, round_.id)]
        text = summary_message(
            summary, lang="th", tz=TZ, now=NOW, own_only=False, other_open=others
        )
        summary_keyboard(round_, [m.measure for m in summary.measures], divisions, "th")
        assert summary.owed == DIVISIONS * MEASURES and len(text) < 4096
        return (time.perf_counter() - start) * 1000

    try:
        for _ in range(10):  # warm the connection pool, statement cache and page cache
            await once()
        return [await once() for _ in range(RUNS)]
    finally:
        await engine.dispose()


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[94]


def main() -> int:
    """Build the three databases, time /summary on each, print the figures; 1 if over the limit."""
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for scale in SCALES:
            rounds = BASE_ROUNDS * scale + 1  # history plus the current round
            path = Path(tmp) / f"bench-{scale}.db"
            engine = create_engine(f"sqlite+aiosqlite:///{path}")
            asyncio.run(upgrade(engine))
            asyncio.run(engine.dispose())
            built = time.perf_counter()
            reports = _build(path, rounds)
            samples = asyncio.run(_measure(path))
            results.append(
                {
                    "scale": scale,
                    "history_rounds": rounds - 1,
                    "reports": reports,
                    "build_s": round(time.perf_counter() - built, 1),
                    "p50_ms": round(statistics.median(samples), 2),
                    "p95_ms": round(_p95(samples), 2),
                }
            )
    base = results[0]["p95_ms"]
    print(
        f"/summary query+render, {DIVISIONS} divisions x {MEASURES} measures, SQLite, {RUNS} runs"
    )
    print(f"{'history':>10} {'p50 ms':>8} {'p95 ms':>8} {'p95/limit':>10} {'p95/1x':>8}")
    for r in results:
        r["p95_vs_limit"] = round(float(r["p95_ms"]) / LIMIT_MS, 3)
        r["p95_vs_1x"] = round(float(r["p95_ms"]) / float(base), 2)
        print(
            f"{r['history_rounds']:>10} {r['p50_ms']:>8} {r['p95_ms']:>8} "
            f"{r['p95_vs_limit']:>10} {r['p95_vs_1x']:>8}"
        )
    worst = max(float(r["p95_ms"]) for r in results)
    summary = {
        "bench": "summary",
        "limit_ms": LIMIT_MS,
        "ok": worst < LIMIT_MS,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "results": results,
    }
    print(json.dumps(summary))
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
