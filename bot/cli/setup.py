"""`ita-followup run|db|plan`: start the bot, migrate the database, import and show plans."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from bot.cli import plan_new
from bot.cli.base import PROG, CliApp, command, require_migrated, subcommands
from bot.cli.schedule import plan_needed
from bot.settings import Settings
from bot.texts import t
from bot.usecases.core import Core
from bot.usecases.plans import check_plan_file
from bot.usecases.rounds import import_plan_file, plan_overview
from storage.db import create_engine, session_factory
from storage.migrate import current_revision, upgrade


def register(sub: Any) -> None:
    """Add `run`, `db upgrade|current` and `plan import|show` to the CLI's subparsers."""
    sub.add_parser("run", help="start the bot (long polling)").set_defaults(run_bot=run_bot)
    db = subcommands(sub, "db", "database schema", "db_command")
    upgrade_db = db.add_parser("upgrade", help="migrate the database to the newest schema")
    command(upgrade_db, _db_upgrade, migrated=False)
    current = db.add_parser("current", help="print the schema revision of the database")
    command(current, _db_current, migrated=False)
    plan = subcommands(sub, "plan", "plan files", "plan_command")
    imp = plan.add_parser("import", help="import or update a plan file (idempotent)")
    imp.add_argument("file", type=Path)
    imp.add_argument(
        "--if-empty", action="store_true", help="import only when the database holds no plan"
    )
    command(imp, _plan_import)
    plan_new.register(plan)
    check = plan.add_parser(
        "check", help="check a plan file without importing it (faults as FILE:LINE: what)"
    )
    check.add_argument("file", type=Path)
    check.set_defaults(standalone=_plan_check)
    show = plan.add_parser("show", help="print the measures, divisions and cadence")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.add_argument("--plan", help="plan code (default: the current plan; see `plan list`)")
    command(show, _plan_show)


# `run`'s exit status when Telegram refuses the token (2 is any other operator error).
EXIT_TOKEN_REJECTED = 3


def run_bot(settings: Settings) -> int:
    """Start the bot and poll until SIGINT or SIGTERM."""
    # Imported late: PTB is slow to import.
    from bot.telegram.app import TokenRejected, build_application, connect

    settings.token()

    async def check(*, migrated: bool) -> None:
        engine = create_engine(settings.database_url)
        try:
            if not migrated:
                await require_migrated(engine)
                return
            core = Core(sessions=session_factory(engine), rules=settings.rules())
            await plan_new.warn_if_uncovered(CliApp(settings, engine, core))
        finally:
            await engine.dispose()

    asyncio.run(check(migrated=False))
    application = build_application(settings, create_engine(settings.database_url))
    # Reach Telegram on the loop run_polling then uses (it takes the current one), so that the
    # bot's HTTP client, made here, stays on one loop; the bot is then initialised already.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(connect(application.bot))
    except TokenRejected as exc:
        print(f"{PROG}: error: {exc}; check it with @BotFather", file=sys.stderr)
        loop.close()
        return EXIT_TOKEN_REJECTED
    except KeyboardInterrupt:  # stopped while still waiting for Telegram
        loop.close()
        return 0
    # Said once the token is known good, so that a rejected token stays the only line.
    loop.run_until_complete(check(migrated=True))
    # run_polling stops cleanly on SIGINT and SIGTERM (its default stop_signals).
    application.run_polling(allowed_updates=["message", "callback_query"])
    return 0


async def _db_upgrade(_: argparse.Namespace, app: CliApp) -> None:
    await upgrade(app.engine)
    print(f"database at schema {await current_revision(app.engine)}")


async def _db_current(_: argparse.Namespace, app: CliApp) -> None:
    print(await current_revision(app.engine) or "none")


async def _plan_import(args: argparse.Namespace, app: CliApp) -> None:
    result = await import_plan_file(app.core, args.file, if_empty=args.if_empty)
    if result.skipped:
        print("a plan is already imported; nothing to do")
    elif result.changes:
        print(f"plan {result.plan_code} imported: {len(result.changes)} change(s)")
    else:
        print(f"plan {result.plan_code} already up to date: no changes")
    await plan_new.warn_if_uncovered(app)


def _plan_check(args: argparse.Namespace, _: Settings) -> int:
    """`plan check FILE`: faults on stderr (bot.cli prints PlanFileError), else one line."""
    plan = check_plan_file(args.file)
    print(
        f"{args.file}: a valid plan file: {plan.plan.code}, {len(plan.divisions)} divisions, "
        f"{len(plan.measures)} measures; nothing was imported"
    )
    return 0


async def _plan_show(args: argparse.Namespace, app: CliApp) -> None:
    with plan_needed():
        overview = await plan_overview(app.core, args.plan)
    if args.json:
        print(json.dumps(overview.data, ensure_ascii=False, indent=2))
    else:
        print(_plan_text(overview.data))


def _plan_text(overview: dict[str, Any]) -> str:
    plan = overview["plan"]
    lines = [f"{plan['title_th']} ({plan['code']})", f"{plan['organization']['name_th']}", ""]
    for m in overview["measures"]:
        who = f"{t('plan.responsible_all')} (ALL): " if m["responsible_all"] else ""
        who += ", ".join(f"{d['code']} {d['name_th']}" for d in m["responsible"])
        lines.append(f"{m['seq']}. {m['title_th']}")
        lines.append(f"   responsible: {who}")
        lines.append(
            f"   period: {m['period']['start']} – {m['period']['end']}"
            f"   follow-up: {m['followup']['cadence']}"
        )
        lines.extend(f"   {i}) {a}" for i, a in enumerate(m["actions_th"], start=1))
    return "\n".join(lines)
