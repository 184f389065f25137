"""The `ita-followup` command line: run the bot, migrate, import and show plans.

People, invitations and the audit log are in bot/cli_people.py.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError

from bot.cli import people as cli_people
from bot.cli import reports as cli_reports
from bot.cli import schedule as cli_schedule
from bot.cli.base import PROG, CliError, require_migrated, with_engine
from bot.settings import ConfigError, Settings, load_settings
from bot.texts import t
from scheduler.meetings import parse_rule
from storage.db import create_engine, session_factory
from storage.migrate import current_revision, upgrade
from storage.plan_file import PlanFileError, load_plan_file
from storage.plan_import import import_plan, plan_count
from storage.plan_queries import plan_overview

__all__ = ["PROG", "CliError", "main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="ITA measures follow-up bot")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="start the bot (long polling)")

    db = sub.add_parser("db", help="database schema").add_subparsers(
        dest="db_command", required=True
    )
    db.add_parser("upgrade", help="migrate the database to the newest schema")
    db.add_parser("current", help="print the schema revision of the database")

    plan = sub.add_parser("plan", help="plan files").add_subparsers(
        dest="plan_command", required=True
    )
    imp = plan.add_parser("import", help="import or update a plan file (idempotent)")
    imp.add_argument("file", type=Path)
    imp.add_argument(
        "--if-empty", action="store_true", help="import only when the database holds no plan"
    )
    show = plan.add_parser("show", help="print the measures, divisions and cadence")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.add_argument("--plan", help="plan code (default: the newest plan)")
    cli_people.register(sub)
    cli_schedule.register(sub)
    cli_reports.register(sub)
    return parser


async def _cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    async def work(engine: Any) -> None:
        if args.db_command == "upgrade":
            await upgrade(engine)
            print(f"database at schema {await current_revision(engine)}")
        else:
            print(await current_revision(engine) or "none")

    await with_engine(settings, work)
    return 0


async def _cmd_plan(args: argparse.Namespace, settings: Settings) -> int:
    async def work(engine: Any) -> int:
        await require_migrated(engine)
        sessions = session_factory(engine)
        if args.plan_command == "import":
            if args.if_empty and await plan_count(sessions) > 0:
                print("a plan is already imported; nothing to do")
                return 0
            spec = load_plan_file(args.file, rule_check=parse_rule)
            result = await import_plan(sessions, spec, source=str(args.file))
            if result.changed:
                print(f"plan {result.plan_code} imported: {len(result.changes)} change(s)")
            else:
                print(f"plan {result.plan_code} already up to date: no changes")
            return 0
        overview = await plan_overview(sessions, args.plan)
        if overview is None:
            raise CliError(f"no plan found: import one with `{PROG} plan import FILE`")
        if args.json:
            print(json.dumps(overview, ensure_ascii=False, indent=2))
        else:
            print(_plan_text(overview))
        return 0

    result: int = await with_engine(settings, work)
    return result


def _plan_text(overview: dict[str, Any]) -> str:
    plan = overview["plan"]
    lines = [f"{plan['title_th']} ({plan['code']})", f"{plan['organization']['name_th']}", ""]
    for m in overview["measures"]:
        who = f"{t('plan.responsible_all')} (ALL): " if m["responsible_all"] else ""
        who += ", ".join(d["code"] for d in m["responsible"])
        lines.append(f"{m['seq']}. {m['title_th']}")
        lines.append(f"   responsible: {who}")
        lines.append(
            f"   period: {m['period']['start']} – {m['period']['end']}"
            f"   follow-up: {m['followup']['cadence']}"
        )
        lines.extend(f"   {i}) {a}" for i, a in enumerate(m["actions_th"], start=1))
    return "\n".join(lines)


def _cmd_run(settings: Settings) -> int:
    from bot.telegram.app import build_application  # imported late: PTB is slow to import

    settings.token()
    asyncio.run(with_engine(settings, require_migrated))
    engine = create_engine(settings.database_url)
    application = build_application(settings, engine)
    # run_polling stops cleanly on SIGINT and SIGTERM (its default stop_signals).
    application.run_polling(allowed_updates=["message", "callback_query"])
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        logging.basicConfig(
            level=settings.log_level,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        logging.getLogger("httpx").setLevel(logging.WARNING)
        if args.command == "run":
            return _cmd_run(settings)
        if args.command == "db":
            return asyncio.run(_cmd_db(args, settings))
        if args.command in cli_schedule.COMMANDS:
            return asyncio.run(cli_schedule.run(args, settings))
        if args.command in cli_people.COMMANDS:
            return int(asyncio.run(cli_people.run(args, settings)))
        if args.command in cli_reports.COMMANDS:
            return cli_reports.main(args, settings)
        return asyncio.run(_cmd_plan(args, settings))
    except (ConfigError, CliError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except (DBAPIError, OSError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        print(
            f"{PROG}: error: cannot use the database at DATABASE_URL ({reason}); "
            "check that it is running and the URL is right",
            file=sys.stderr,
        )
        return 2
    except PlanFileError as exc:
        for problem in exc.problems:
            print(f"{PROG}: error: {problem}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
