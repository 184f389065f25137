"""Resident memory of `ita-followup run`: idle after start, and after a 600-chat round.

The bot runs as its own process against the HTTP fake Bot API (bench/botprocess.py), so the
figures are the bot's alone, not the fake's or the benchmark's. Read from /proc/<pid>/status:
VmRSS (resident now) and VmHWM (the peak). Idle: the plan imported, nobody enrolled, a few
ticks after start. Then N people are enrolled; the next tick owes each the month's prompt
(people enrolled after the prompt time get it on the next tick), and the figures are read again
once every chat has it; and again after a coordinator's `/export` (the report renderers
load on first use). Printed as MiB and as ratios measured in the same run: idle against a
bare interpreter with PTB and SQLAlchemy imported, after the round against idle. Last line JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.botprocess import BotWorld, vm_kib
from storage.db import create_engine, session_factory
from tests.factories import enrol

COORDINATOR = 42
GOAL = 1.5  # idle RSS at most this times the bare PTB + SQLAlchemy process (issue 16)
IDLE_TICKS_S = 5.0  # let a few 1-second ticks run before reading the idle figure
# The baseline: an interpreter with only the libraries any PTB bot on SQLAlchemy imports.
BARE = (
    "import re, telegram.ext, sqlalchemy.ext.asyncio, aiosqlite; "
    "print(re.search(r'VmRSS:\\s+(\\d+)', open('/proc/self/status').read())[1])"
)


def _mib(kib: int) -> float:
    return round(kib / 1024, 1)


async def _bare_kib() -> int:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", BARE, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await proc.communicate()
    return int(out)


async def run(people: int) -> dict[str, Any]:
    """Start the bot idle, read its memory, run a round to `people` chats, read it again."""
    bare = await _bare_kib()
    with tempfile.TemporaryDirectory() as tmp:
        async with BotWorld(Path(tmp)) as world:
            pid = await world.start()
            await asyncio.sleep(IDLE_TICKS_S)
            idle_rss, idle_hwm = vm_kib(pid, "VmRSS"), vm_kib(pid, "VmHWM")
            await world.enrol(people)
            await world.until(lambda: all(world.received(people)), 180)
            await asyncio.sleep(2.0)  # the last outcomes committed, the tick idle again
            round_rss, round_hwm = vm_kib(pid, "VmRSS"), vm_kib(pid, "VmHWM")
            await _export(world)
            await asyncio.sleep(2.0)  # the export's task ended, its objects collected
            export_rss, export_hwm = vm_kib(pid, "VmRSS"), vm_kib(pid, "VmHWM")
            await world.stop()
            delivered = sum(world.received(people))
    return {
        "bench": "memory",
        "chats": people,
        "delivered": delivered,
        "bare_ptb_sqlalchemy_rss_mib": _mib(bare),
        "idle_rss_mib": _mib(idle_rss),
        "idle_ratio_to_bare": round(idle_rss / bare, 2),
        "idle_peak_mib": _mib(idle_hwm),
        "after_round_rss_mib": _mib(round_rss),
        "after_round_peak_mib": _mib(round_hwm),
        "rss_ratio_to_idle": round(round_rss / idle_rss, 2),
        "peak_ratio_to_idle": round(round_hwm / idle_rss, 2),
        "kib_per_chat": round((round_rss - idle_rss) / people, 1),
        "after_export_rss_mib": _mib(export_rss),
        "after_export_peak_mib": _mib(export_hwm),
        "goal": {"idle_ratio_to_bare": GOAL},
        "met": {"idle_ratio_to_bare": idle_rss / bare <= GOAL},
    }


async def _export(world: BotWorld) -> None:
    """A coordinator asks for the round's reports (/export): the renderers load, files go out."""
    engine = create_engine(world.db_url)
    try:
        await enrol(session_factory(engine), COORDINATOR, "coordinator")
    finally:
        await engine.dispose()
    world.fake.add_user(COORDINATOR)
    world.fake.send_text(COORDINATOR, "/export")
    await world.until(
        lambda: any(m.kind == "document" for m in world.fake.messages(COORDINATOR)), 120
    )


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.memory [--chats N]`."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--chats", type=int, default=600)
    args = parser.parse_args(argv)
    r = asyncio.run(run(args.chats))
    print(f"memory of `ita-followup run` (RSS from /proc), a round to {r['chats']} chats")
    print(f"  baseline, python + PTB + SQLAlchemy imported: {r['bare_ptb_sqlalchemy_rss_mib']} MiB")
    print(
        f"  idle after start: {r['idle_rss_mib']} MiB = {r['idle_ratio_to_bare']} x baseline "
        f"(peak {r['idle_peak_mib']} MiB)"
    )
    print(
        f"  after the round: {r['after_round_rss_mib']} MiB = {r['rss_ratio_to_idle']} x idle "
        f"(peak {r['after_round_peak_mib']} MiB = {r['peak_ratio_to_idle']} x idle), "
        f"{r['kib_per_chat']} KiB per chat"
    )
    verdict = "met" if r["met"]["idle_ratio_to_bare"] else "MISSED"
    print(f"  idle goal: <= {GOAL} x baseline: {verdict}")
    print(
        f"  after an /export (DOCX, XLSX, chart): {r['after_export_rss_mib']} MiB "
        f"(peak {r['after_export_peak_mib']} MiB)"
    )
    print(json.dumps(r))
    return 0 if r["delivered"] >= r["chats"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
