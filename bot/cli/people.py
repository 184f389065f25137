"""`ita-followup invite|members|audit`: invitations, who holds which role, and the audit log.

The first admin is made here (`invite create --role admin`): no user ids live in settings.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from bot.cli.base import PROG, CliApp, CliError, command, subcommands
from bot.settings import Settings
from bot.usecases import enrolment, people
from bot.usecases.refusals import Refused
from storage.invites import REVOKED, USED
from storage.models import ROLES
from storage.people import MemberLine

DURATION_RE = re.compile(r"(\d{1,6})\s*([dhm])")
UNITS = {"d": "days", "h": "hours", "m": "minutes"}
MAX_TTL = timedelta(days=365)


def register(sub: Any) -> None:
    """Add the people subcommands to the top-level subparsers."""
    invite = subcommands(sub, "invite", "one-time invitation links", "invite_command")
    create = invite.add_parser("create", help="make a one-time invitation link")
    create.add_argument(
        "--role", required=True, help="admin, coordinator, supervisor, head or member"
    )
    create.add_argument(
        "--division",
        help="division code for heads and members, e.g. FIN; for a supervisor the divisions "
        "overseen, comma-separated (FIN,ENG), or all",
    )
    create.add_argument("--expires", default="7d", help="lifetime: 7d, 12h, 30m (default 7d)")
    command(create, _create)
    revoke = invite.add_parser("revoke", help="withdraw an unused invitation")
    revoke.add_argument("token_or_id", help="the invitation number or its token")
    command(revoke, _revoke)
    listing = invite.add_parser("list", help="invitations, newest first, with their state")
    listing.add_argument("--open", action="store_true", help="only those still usable")
    command(listing, _list)
    command(sub.add_parser("members", help="every division with its people and roles"), _members)
    log = sub.add_parser("audit", help="the audit log, newest first")
    log.add_argument("--limit", default="50", help="how many events (default 50)")
    command(log, _audit)


def parse_duration(text: str) -> timedelta:
    """`7d`, `12h` or `30m` as a timedelta; CliError for anything else."""
    match = DURATION_RE.fullmatch(text.strip().lower())
    ttl = timedelta(**{UNITS[match.group(2)]: int(match.group(1))}) if match else None
    if ttl is None or not timedelta(0) < ttl <= MAX_TTL:
        raise CliError(
            f"--expires {text!r} is not a lifetime: give a number and d, h or m "
            "(for example 7d, 12h or 30m), at most 365d"
        )
    return ttl


def _limit(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) <= 10_000:
        raise CliError(f"--limit {text!r} is not a number from 1 to 10000, e.g. --limit 50")
    return int(text)


async def bot_username(settings: Settings) -> str | None:
    """BOT_USERNAME, else what Telegram's getMe says for TELEGRAM_BOT_TOKEN, else None."""
    if settings.bot_username:
        return settings.bot_username
    if settings.telegram_bot_token is None or not settings.telegram_bot_token.get_secret_value():
        return None
    # Imported late: PTB is slow to import, and only this command asks Telegram anything.
    from bot.telegram.identity import TelegramUnavailable, fetch_username

    try:
        return await fetch_username(settings)
    except TelegramUnavailable as exc:
        print(
            f"{PROG}: warning: could not ask Telegram for the bot's name ({exc})", file=sys.stderr
        )
        return None


def _when(at: datetime | None, settings: Settings) -> str:
    return "-" if at is None else at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")


def _invite_error(refusal: Refused, division: str | None) -> CliError:
    """The operator's wording of a refused invitation."""
    values = refusal.values
    listed = values.get("codes", ())
    codes = ", ".join(str(c) for c in listed) if isinstance(listed, tuple) else ""
    if refusal.reason == "needs_division" and values["role"] == "supervisor":
        return CliError(
            "--role supervisor needs --division CODE[,CODE...] (the divisions overseen) "
            f"or --division all; codes: {codes}"
        )
    if refusal.reason == "needs_division":
        return CliError(f"--role {values['role']} needs --division CODE (one of {codes})")
    if refusal.reason == "org_wide":
        return CliError(f"--role {values['role']} is organization-wide: leave out --division")
    if refusal.reason == "unknown_division":
        hint = codes or f"none yet: run `{PROG} plan import FILE` first"
        # A supervisor's list names only the codes that are wrong.
        wrong = values.get("division", division)
        return CliError(f"--division {wrong!r} is not an active division (codes: {hint})")
    return CliError(f"--role {values.get('role')!r} is not a role: use one of {', '.join(ROLES)}")


async def _create(args: argparse.Namespace, app: CliApp) -> int:
    settings = app.settings
    role = args.role.strip().lower()
    if role not in ROLES:
        raise CliError(f"--role {args.role!r} is not a role: use one of {', '.join(ROLES)}")
    ttl = parse_duration(args.expires)
    try:
        made = await enrolment.invite_by_operator(app.core, role, args.division, ttl)
    except Refused as refusal:
        raise _invite_error(refusal, args.division) from None
    username = await bot_username(settings)
    r = made.role
    where = f" of {r.division_code} ({r.division_name_th})" if r.division_code else ""
    if made.oversees:
        where = f" overseeing {', '.join(made.oversees)}"
    print(f"invitation {made.id} created: {role}{where}")
    print(f"expires: {_when(made.expires_at, settings)} ({settings.timezone})")
    print(f"token:   {made.token}")
    if username:
        print(f"link:    https://t.me/{username}?start={made.token}")
    else:
        print(f"link:    https://t.me/<bot username>?start={made.token}")
        print("         (set BOT_USERNAME or TELEGRAM_BOT_TOKEN in .env to print the full link)")
    print("The token is shown only now. Send the link to the invited person only; it works once.")
    return 0


async def _revoke(args: argparse.Namespace, app: CliApp) -> int:
    try:
        done = await enrolment.withdraw_invite_by_operator(app.core, args.token_or_id)
    except Refused:
        raise CliError(
            f"no invitation {args.token_or_id!r}: give its number or token "
            f"(see `{PROG} invite list`)"
        ) from None
    if done.outcome == REVOKED:
        print(f"invitation {done.invite_id} revoked")
        return 0
    if done.outcome == USED:
        raise CliError(
            f"invitation {done.invite_id} was already used: remove the role with /revoke in the bot"
        )
    raise CliError(f"invitation {done.invite_id} was already revoked")


async def _list(args: argparse.Namespace, app: CliApp) -> int:
    settings = app.settings
    invites = await enrolment.list_invitations(app.core, open_only=args.open)
    if not invites:
        print("no invitations" + (" open" if args.open else ""))
        return 0
    print(
        f"{'id':>4}  {'state':<8} {'role':<12} {'division':<10} "
        f"{'expires (' + settings.timezone + ')':<28} {'created by':<16} used by"
    )
    for i in invites:
        print(
            f"{i.id:>4}  {i.state:<8} {i.role:<12} {i.division_code or '-':<10} "
            f"{_when(i.expires_at, settings):<28} {i.created_by or 'command line':<16} "
            f"{i.used_by or '-'}"
        )
    return 0


def _person(
    line: MemberLine, settings: Settings, oversees: Mapping[int, tuple[str, ...]] | None = None
) -> str:
    text = f"  - {line.name}" + (f" (@{line.username})" if line.username else "")
    text += f" [person {line.person_id}, membership {line.membership_id}] {line.role}"
    codes = (oversees or {}).get(line.membership_id)
    if codes:
        text += f" of {', '.join(codes)}"
    if line.unreachable_since is not None:
        text += f"  UNREACHABLE since {_when(line.unreachable_since, settings)}"
    return text


async def _members(_: argparse.Namespace, app: CliApp) -> int:
    settings = app.settings
    overview = await people.members_overview(app.core, people.OPERATOR)
    if not overview.divisions:
        raise CliError(f"no divisions yet: run `{PROG} plan import FILE` first")
    print("Organization-wide")
    lines = [_person(m, settings, overview.oversees) for m in overview.org_wide]
    print("\n".join(lines) or "  (nobody yet)")
    for d in overview.divisions:
        print(f"{d.code} {d.name_th}")
        print("\n".join(_person(m, settings) for m in d.members) or "  (nobody yet)")
    unjoined = overview.unjoined
    if unjoined:
        print(
            f"Divisions nobody has joined ({len(unjoined)}): {', '.join(d.code for d in unjoined)}"
        )
    else:
        print("Every division has someone registered.")
    return 0


async def _audit(args: argparse.Namespace, app: CliApp) -> int:
    settings = app.settings
    events = await people.audit_log(app.core, _limit(args.limit))
    if not events:
        print("the audit log is empty")
        return 0
    for e in events:
        if e.actor_person_id is not None:
            who = f"person {e.actor_person_id} {e.actor_name}".rstrip()
        elif e.actor_telegram_id is not None:
            who = f"telegram user {e.actor_telegram_id}"
        else:
            who = "command line"
        at = e.at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M:%S")
        detail = json.dumps(e.shown, ensure_ascii=False, sort_keys=True)
        print(f"{at}  {e.action:<18} {who:<28} {detail}{'  ' + e.note if e.note else ''}")
    return 0
