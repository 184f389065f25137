"""Plan years on the command line: `plan list`, `plan new` (next year's plan file), and the
warning when no plan covers today."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.cli.base import PROG, CliApp, CliError, command
from bot.cli.schedule import plan_needed
from bot.usecases import plans


def register(plan: Any) -> None:
    """Add `plan list` and `plan new` to the `plan` command group."""
    listing = plan.add_parser(
        "list", help="every plan with its fiscal period and state (current, upcoming, past)"
    )
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    command(listing, _plan_list)
    new = plan.add_parser("new", help="write next year's plan file from an imported plan")
    new.add_argument("--from", dest="source", required=True, help="plan code (or plan file)")
    new.add_argument("--year", type=int, required=True, help="the new fiscal year in B.E.")
    new.add_argument("-o", "--output", type=Path, required=True, help="the YAML file to write")
    new.add_argument("--force", action="store_true", help="overwrite an existing file")
    command(new, _plan_new)


async def warn_if_uncovered(app: CliApp) -> None:
    """One line on stderr when no imported plan's fiscal year holds today, saying what helps."""
    cover = await plans.coverage(app.core)
    if cover.covered:
        return
    start = cover.newest_code or "PLAN_CODE"
    print(
        f"warning: no imported plan covers today ({cover.today}, fiscal year B.E. "
        f"{cover.fiscal_year_be}), so nothing will be sent; write one with `{PROG} plan new "
        f"--from {start} --year {cover.fiscal_year_be} -o FILE`, review it, then "
        f"`{PROG} plan import FILE`",
        file=sys.stderr,
    )


async def _plan_list(args: argparse.Namespace, app: CliApp) -> None:
    years = await plans.plan_list(app.core)
    if args.json:
        rows = [
            {
                "code": y.code,
                "fiscal_year_be": y.fiscal_year_be,
                "start": y.start.isoformat(),
                "end": y.end.isoformat(),
                "state": y.state,
                "title_th": y.title_th,
                "title_en": y.title_en,
            }
            for y in years
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not years:
        print(f"no plan is imported yet: import one with `{PROG} plan import FILE`")
        return
    width = max(len(y.code) for y in years)
    for y in years:
        print(
            f"{y.code:<{width}}  B.E. {y.fiscal_year_be}  {y.start} to {y.end}  "
            f"{y.state:<8}  {y.title_th}"
        )


async def _plan_new(args: argparse.Namespace, app: CliApp) -> None:
    if not 2500 <= args.year <= 2700:
        raise CliError(f"--year {args.year} is not a B.E. fiscal year such as 2570")
    if not args.output.parent.is_dir():
        raise CliError(f"cannot write {args.output}: folder {args.output.parent} does not exist")
    if args.output.exists() and not args.force:
        raise CliError(f"{args.output} exists; choose another file or pass --force")
    with plan_needed():
        made = await plans.next_plan(app.core, args.source, args.year)
    args.output.write_text(made.text, encoding="utf-8")
    print(
        f"wrote plan {made.code} (fiscal year B.E. {args.year}) to {args.output} from "
        f"{made.source}; review the header's list, then `{PROG} plan import {args.output}`"
    )
