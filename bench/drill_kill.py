"""Drill: SIGKILL the bot in the middle of a 600-chat broadcast, start it again, count.

`ita-followup run` runs as its own process against the HTTP fake Bot API (rate limits on),
with a 1-second tick and SCHEDULER_INFLIGHT_GRACE_SECONDS=2 (so the drill need not wait the
production 2 minutes before resending what was in flight). When about half the chats have
their prompt, the process is killed with SIGKILL; the database then shows the sends in flight
(intent committed, no outcome). The bot is started again and runs until every delivery is sent.
Passes when every chat ends with its prompt and duplicates <= sends in flight at the kill.
The last line is JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.botprocess import BotWorld


async def run(people: int, kill_at: float) -> dict[str, Any]:
    """Enrol, start, kill at `kill_at` of the chats, restart, wait; the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        async with BotWorld(Path(tmp)) as world:
            await world.enrol(people)
            started = time.perf_counter()
            await world.start()
            target = int(people * kill_at)
            await world.until(lambda: sum(world.received(people)) >= target, 120)
            await world.kill()
            killed_after = time.perf_counter() - started
            at_kill = await world.deliveries()
            delivered_at_kill = sum(world.received(people))
            await world.start()
            await world.until(lambda: all(world.received(people)), 180)
            # Everything has arrived; let the last outcomes be committed before counting.
            await asyncio.sleep(2.0)
            status = await world.stop()
            final = await world.deliveries()
            received = world.received(people)
    lost = sum(1 for n in received if n == 0)
    duplicates = sum(n - 1 for n in received if n > 1)
    return {
        "bench": "drill_kill",
        "chats": people,
        "killed_after_s": round(killed_after, 1),
        "delivered_at_kill": delivered_at_kill,
        "recorded_sent_at_kill": at_kill["sent"],
        "in_flight_at_kill": at_kill["in_flight"],
        "lost": lost,
        "duplicates": duplicates,
        "final": final,
        "exit_status_after_restart": status,
        "passed": lost == 0 and duplicates <= at_kill["in_flight"] and final["pending"] == 0,
    }


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.drill_kill [--chats N] [--kill-at 0.5]`; exit 1 if the drill fails."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--chats", type=int, default=600)
    # 0.52, not 0.5: with 600 chats, 300 is exactly one tick's batch, and a kill between two
    # ticks finds nothing in flight; a kill in the middle of a tick is the case to drill.
    parser.add_argument("--kill-at", type=float, default=0.52, help="fraction delivered")
    args = parser.parse_args(argv)
    r = asyncio.run(run(args.chats, args.kill_at))
    print(f"SIGKILL drill: {r['chats']} chats, killed after {r['killed_after_s']} s")
    print(
        f"  at the kill: {r['delivered_at_kill']} delivered, {r['recorded_sent_at_kill']} "
        f"recorded sent, {r['in_flight_at_kill']} in flight (intent, no outcome)"
    )
    print(
        f"  after the restart: lost {r['lost']}, duplicates {r['duplicates']} "
        f"(<= in flight {r['in_flight_at_kill']}), deliveries {r['final']}"
    )
    print("  PASSED" if r["passed"] else "  FAILED")
    print(json.dumps(r))
    return 0 if r["passed"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
