"""`ita-followup person forget` and `ita-followup privacy purge`: personal data (PDPA).

Registered by bot/cli/__init__.py (the hook: add `privacy` to its tuple of modules).
"""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.base import CliApp, CliError, command, subcommands
from bot.usecases import privacy
from bot.usecases.refusals import Refused

# The operator's wording of each refusal of `person forget`.
FORGET_ERRORS = {
    "unknown_person": "no such person (or already forgotten)",
    "still_has_roles": "this person still holds a role: revoke every role first (/revoke)",
    "one_person": "give exactly one of --person-id or --telegram-id",
}


def register(sub: Any) -> None:
    """Add `person forget` and `privacy purge` to the top-level subparsers."""
    person = subcommands(sub, "person", "one person's personal data", "person_command")
    forget = person.add_parser(
        "forget", help="replace a removed person's names and Telegram id by a pseudonym"
    )
    which = forget.add_mutually_exclusive_group(required=True)
    which.add_argument("--person-id", type=int, help="the person's number (see `members`)")
    which.add_argument("--telegram-id", type=int, help="the person's Telegram user id")
    command(forget, _forget)
    group = subcommands(sub, "privacy", "retention of personal data", "privacy_command")
    purge = group.add_parser(
        "purge", help="delete strangers' audit rows past the retention and removed people's drafts"
    )
    purge.add_argument(
        "--days", type=int, default=privacy.RETENTION_DAYS, help="retention in days (default 90)"
    )
    command(purge, _purge)


async def _forget(args: argparse.Namespace, app: CliApp) -> None:
    try:
        done = await privacy.forget_person(
            app.core, person_id=args.person_id, telegram_id=args.telegram_id
        )
    except Refused as refusal:
        raise CliError(FORGET_ERRORS.get(refusal.reason, refusal.reason)) from None
    print(f"person {done.person_id} forgotten: now {done.pseudonym} on answers and the audit log")


async def _purge(args: argparse.Namespace, app: CliApp) -> None:
    if args.days < 1:
        raise CliError("--days must be at least 1")
    done = await privacy.purge(app.core, args.days)
    print(
        f"purged {done.stranger_audit_rows} strangers' audit rows older than {args.days} days "
        f"and {done.drafts} drafts of removed people"
    )
