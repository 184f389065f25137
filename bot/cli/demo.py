"""`ita-followup demo -o DIR`: a throwaway database with sample answers, and its reports."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
from pathlib import Path
from typing import Any

from bot.cli.base import PROG, CliError
from bot.cli.dates import read
from bot.cli.reports import summary_json, summary_text
from bot.settings import Settings
from bot.usecases.core import Core
from bot.usecases.demo import build_demo
from storage.db import create_engine, session_factory
from storage.demo import EVIDENCE
from storage.migrate import upgrade

# The seed plan, found from the source tree; --plan names another plan file.
SEED_PLAN = Path(__file__).resolve().parents[2] / "plans" / "nst-city-2565.yaml"
# The demo's "now": just after the seed plan's last monthly round closed.
DEFAULT_AT = "2022-04-08T10:00"


def register(sub: Any) -> None:
    """Add `demo` to the CLI's subparsers."""
    demo = sub.add_parser("demo", help="build a demo database with sample answers, and reports")
    demo.add_argument("-o", "--output", type=Path, required=True, metavar="DIR")
    demo.add_argument("--plan", type=Path, default=SEED_PLAN, help="plan file (default: seed)")
    demo.add_argument("--at", default=DEFAULT_AT, help=f"the demo's local now ({DEFAULT_AT})")
    # Runs without DATABASE_URL: its database is DIR/demo.db, so nothing real is touched.
    demo.set_defaults(standalone=run_demo)


def _target(out: Path) -> Path:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise CliError(f"{out} exists and is not an empty folder; choose a new one")
    out.mkdir(parents=True, exist_ok=True)
    return out


def run_demo(args: argparse.Namespace, settings: Settings) -> int:
    """Build the demo in args.output and print what was written."""
    try:
        at = read(args.at).value.replace(tzinfo=settings.tz).astimezone(dt.UTC)
    except ValueError as exc:
        raise CliError(f"--at: {exc}") from exc
    out = _target(args.output)
    made = asyncio.run(_build(out / "demo.db", args.plan, settings, at))
    for name, text in EVIDENCE.items():
        (out / name).parent.mkdir(exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")
    for f in made.files:
        (out / f.name).write_bytes(f.data)
    (out / "summary.txt").write_text(summary_text(made.summary.summary, settings) + "\n", "utf-8")
    payload = json.dumps(
        summary_json(made.summary.summary, settings.tz), ensure_ascii=False, indent=2
    )
    (out / "summary.json").write_text(payload + "\n", encoding="utf-8")
    print(
        f"demo in {out}: {len(made.round_keys)} rounds ({', '.join(made.round_keys)}), "
        f"{len(made.files)} report files, summary.txt; look at it with "
        f"DATABASE_URL=sqlite+aiosqlite:///{out / 'demo.db'} {PROG} summary"
    )
    return 0


async def _build(db: Path, plan: Path, settings: Settings, at: dt.datetime) -> Any:
    engine = create_engine(f"sqlite+aiosqlite:///{db}")
    try:
        await upgrade(engine)
        core = Core(sessions=session_factory(engine), rules=settings.rules(), clock=lambda: at)
        return await build_demo(core, plan)
    finally:
        await engine.dispose()
