"""The publication pack of a period with 500 evidence files (about 100 MB): memory and speed.

Data: the seed plan, six monthly rounds with every owed item answered, 500 archived files
spread over the answers: 440 "photos" of about 160 KB and 60 "PDFs" of about 500 KB (random
bytes: the pack copies files, it never opens them), seeded through the test factories
(tests/factories.py, tests/report_factories.py, tests/pack_factories.py) into a temporary
SQLite file and a temporary EVIDENCE_DIR.

The pack is made by `pack_period`, the use case behind `ita-followup pack --period`, in a
fresh child process, which reads its own /proc/self/status: the resident size just before
packing (VmRSS) and the peak after it (VmHWM). Their difference is the most the pack added
(peak RSS growth; goal under 100 MB whatever the pack's size). LibreOffice, converting the
DOCX to PDF, is a process of its own and is not counted.

Throughput, as ratios against a plain copy (shutil.copyfile of the same 500 files into a
temporary folder) measured in the same run: the whole pack (reading the answers, rendering
DOCX, XLSX and PDF, writing the ZIP), and the ZIP writing of the evidence alone (goal: at
least half a plain copy's speed). Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from storage.db import create_engine, session_factory
from storage.migrate import upgrade

FILES, PHOTOS = 500, 440
PHOTO_BYTES, PDF_BYTES = 160_000, 500_000
ROUNDS = 6  # October 2564 to March 2565 (B.E.): the six-month report
RSS_GOAL_MB = 100.0
ZIP_VS_COPY_GOAL = 0.5
MB = 1_000_000
REPEATS = 3


async def _seed(db: Path, evidence: Path) -> int:
    """The plan, the rounds, an answer to every owed item and the 500 files; returns bytes."""
    from tests.factories import seed_plan
    from tests.pack_factories import add_file
    from tests.report_factories import add_report, add_round, bkk, plan_ids

    engine = create_engine(f"sqlite+aiosqlite:///{db}")
    await upgrade(engine)
    sessions = session_factory(engine)
    await seed_plan(sessions)
    ids = await plan_ids(sessions)
    author = await _author(sessions)
    reports: list[tuple[int, Any]] = []
    for n in range(ROUNDS):
        year, month = (2021, 10 + n) if n < 3 else (2022, n - 2)
        first = date(year, month, 1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        opens = bkk(last.year, last.month, 10)
        key = f"{last.year + 543}-{last.month:02d}"
        rid = await add_round(
            sessions, ids, key, covers=(first, last), opens_at=opens,
            closes_at=opens + timedelta(days=14),
        )  # fmt: skip
        for seq in sorted(ids.measures):
            for code in ids.responsible[seq] if seq != 7 else []:
                at = opens + timedelta(days=2)
                rep = await add_report(
                    sessions, ids, rid, seq, code, author, "done", "ดำเนินการตามแผน", at=at
                )
                reports.append((rep, at))
    total = 0
    for i in range(FILES):
        report, at = reports[i % len(reports)]
        photo = i < PHOTOS
        size = (PHOTO_BYTES if photo else PDF_BYTES) + (i * 7919) % 20_000 - 10_000
        await add_file(
            sessions, evidence, report, kind="photo" if photo else "document",
            data=os.urandom(size), media_type="image/jpeg" if photo else "application/pdf",
            received_at=at, file_name=None if photo else f"รายงานผล-{i}.pdf",
        )  # fmt: skip
        total += size
    await engine.dispose()
    return total


async def _author(sessions: Any) -> int:
    from tests.report_factories import add_person

    return await add_person(sessions, 1, "ผู้รายงาน")


def _blobs(evidence: Path) -> list[Path]:
    return [p for sub in sorted(evidence.iterdir()) if len(sub.name) == 2 for p in sub.iterdir()]


def _plain_copy(files: list[Path], folder: Path) -> float:
    """Seconds to copy the files one by one into a fresh folder (the baseline)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    start = time.perf_counter()
    for f in files:
        shutil.copyfile(f, folder / f.name)
    return time.perf_counter() - start


def _zip_alone(files: list[Path], target: Path) -> float:
    """Seconds to write the same files into a ZIP as the pack does (stored, streamed)."""
    from bot.reports.pack_zip import DiskEntry, write_zip

    entries = [DiskEntry(f"evidence/{f.name}.jpg", f) for f in files]
    start = time.perf_counter()
    write_zip(target, [], entries, datetime(2022, 3, 31, 12))
    return time.perf_counter() - start


def _best_of(files: list[Path], work: Path) -> tuple[float, float]:
    """The fastest of REPEATS plain copies and ZIP writes, taken in turns (a shared machine)."""
    copies, zips = [], []
    for _ in range(REPEATS):
        copies.append(_plain_copy(files, work / "copy"))
        zips.append(_zip_alone(files, work / "evidence-only.zip"))
    return min(copies), min(zips)


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


async def _child_pack(db: Path, out: Path) -> dict[str, Any]:
    """In the child: pack the period, and the peak RSS growth it caused."""
    from bot.settings import Settings
    from bot.usecases.core import Core
    from bot.usecases.pack import pack_period

    engine = create_engine(f"sqlite+aiosqlite:///{db}")
    core = Core(sessions=session_factory(engine), rules=Settings(_env_file=None).rules())  # type: ignore[call-arg]
    rss_before = _status_kib("VmRSS")
    start = time.perf_counter()
    result = await pack_period(core, None, out)
    pack_s = time.perf_counter() - start
    peak = _status_kib("VmHWM")
    await engine.dispose()
    return {
        "rss_before_mb": round(rss_before * 1024 / MB, 1),
        "peak_growth_mb": round((peak - rss_before) * 1024 / MB, 1),
        "pack_s": round(pack_s, 2),
        "zip_entries": result.files,
        "zip_mb": round(result.size / MB, 1),
    }


def _run_child(db: Path, evidence: Path, out: Path) -> dict[str, Any]:
    env = dict(os.environ, EVIDENCE_DIR=str(evidence))
    done = subprocess.run(
        [sys.executable, "-m", "bench.pack", "--child", str(db), str(out)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _report(
    evidence_mb: float, copy_s: float, zip_s: float, child: dict[str, Any]
) -> dict[str, Any]:
    pack_ratio = copy_s / child["pack_s"]
    zip_ratio = copy_s / zip_s
    growth = child["peak_growth_mb"]
    print(f"publication pack, {FILES} evidence files, {evidence_mb:.1f} MB, SQLite")
    print(f"  ZIP: {child['zip_entries']} entries, {child['zip_mb']} MB")
    print(f"  peak RSS growth while packing: {growth} MB (goal < {RSS_GOAL_MB:.0f} MB)")
    print(f"  plain copy {copy_s:.3f} s; ZIP alone {zip_s:.3f} s (best of {REPEATS} each)")
    print(f"  whole pack {child['pack_s']} s (answers read; DOCX, XLSX, PDF made; ZIP written)")
    print(f"  throughput vs plain copy: whole pack {pack_ratio:.3f}, ZIP alone {zip_ratio:.3f}")
    figures = [
        {"figure": "peak_rss_growth_mb", "value": growth, "goal": f"< {RSS_GOAL_MB:.0f}",
         "ratio_to_goal": round(growth / RSS_GOAL_MB, 3), "goal_met": growth < RSS_GOAL_MB},
        {"figure": "zip_throughput_vs_copy", "value": round(zip_ratio, 3),
         "goal": f">= {ZIP_VS_COPY_GOAL}", "goal_met": zip_ratio >= ZIP_VS_COPY_GOAL},
        {"figure": "pack_throughput_vs_copy", "value": round(pack_ratio, 3), "goal": None},
    ]  # fmt: skip
    return {
        "bench": "pack",
        "files": FILES,
        "evidence_mb": round(evidence_mb, 1),
        "copy_s": round(copy_s, 3),
        "zip_s": round(zip_s, 3),
        **child,
        "figures": figures,
        "ok": all(f.get("goal_met", True) for f in figures),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    """Seed, copy, pack in a child process, print the figures; 1 if a goal is missed."""
    parser = argparse.ArgumentParser(prog="python -m bench.pack")
    parser.add_argument("--child", nargs=2, metavar=("DB", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(asyncio.run(_child_pack(Path(args.child[0]), Path(args.child[1])))))
        return 0
    with tempfile.TemporaryDirectory(prefix="ita-bench-pack-") as tmp:
        work = Path(tmp)
        evidence, db = work / "evidence", work / "bench.db"
        total = asyncio.run(_seed(db, evidence))
        child = _run_child(db, evidence, work / "pack.zip")
        copy_s, zip_s = _best_of(_blobs(evidence), work)
    summary = _report(total / MB, copy_s, zip_s, child)
    print(json.dumps(summary))
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
