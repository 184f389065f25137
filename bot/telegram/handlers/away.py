"""/away and its buttons: a head names a stand-in (aws, awf, awt), cancels one (awx), or
invites someone to join the division first (awi).

Who may do what is decided by bot.usecases.standins on every press; buttons hold ids and
days (date ordinals) only. `/away FIRST LAST` (dd/mm/yyyy, Buddhist era) skips the day buttons.
"""

from __future__ import annotations

from datetime import date

from telegram import Update

from bot.telegram.callbacks import Callback
from bot.telegram.context import BotContext
from bot.telegram.replies import ack_and_send, attempt, send
from bot.telegram.router import ButtonHandler
from bot.telegram.views import away as view
from bot.telegram.views.people import invite_created
from bot.texts import t
from bot.usecases import enrolment, standins
from bot.usecases.refusals import Refused
from storage.standins import AwayRange


def _days(args: list[str] | None) -> tuple[date, date] | str | None:
    """The two typed days, None when none were typed, "bad" when they are not dates."""
    if not args:
        return None
    days = [standins.parse_day(a) for a in args]
    if len(days) != 2 or days[0] is None or days[1] is None:
        return "bad"
    return days[0], days[1]


async def away_command(update: Update, context: BotContext) -> None:
    """/away [FIRST LAST]: the head's ranges and who of the division may stand in."""
    days = _days(context.args)
    if days == "bad":
        await send(update, (t("away.bad_dates", context.lang), None))
        return
    screen = await attempt(update, context, standins.away_screen(context.core, context.sender()))
    if not isinstance(screen, Refused):
        typed = days if isinstance(days, tuple) else None
        await send(update, view.screen_view(screen, context.lang, typed))


def _day(ordinal: int) -> date:
    """A day from a button; a forged number that is no day is a stale button."""
    if not 1 <= ordinal <= date.max.toordinal():
        raise Refused("stale", key="summary.stale", audit=True)
    return date.fromordinal(ordinal)


async def _candidate(context: BotContext, person_id: int) -> standins.Candidate:
    screen = await standins.away_screen(context.core, context.sender())
    found = next((c for c in screen.candidates if c.person_id == person_id), None)
    if found is None:
        raise Refused("other_division", key="away.refused_other_division", audit=True)
    return found


async def _first(
    context: BotContext, person_id: int, ordinal: int
) -> tuple[standins.Candidate, date]:
    return await _candidate(context, person_id), _day(ordinal)


async def _named(context: BotContext, args: tuple[int, ...]) -> AwayRange:
    stand_in, first, last = args
    actor = context.sender()
    days = (_day(first), _day(last))
    return await standins.set_away(context.core, actor, actor.person_id, stand_in, days)


async def chosen_button(update: Update, context: BotContext, cb: Callback) -> None:
    """aws: a stand-in chosen; now the first day."""
    who = await attempt(update, context, _candidate(context, cb.args[0]))
    if not isinstance(who, Refused):
        today = standins.today(context.core)
        await ack_and_send(update, view.first_day_view(who, today, context.lang))


async def first_button(update: Update, context: BotContext, cb: Callback) -> None:
    """awf: the first day chosen; now the last one."""
    who = await attempt(update, context, _first(context, cb.args[0], cb.args[1]))
    if not isinstance(who, Refused):
        await ack_and_send(update, view.last_day_view(who[0], who[1], context.lang))


async def last_button(update: Update, context: BotContext, cb: Callback) -> None:
    """awt: the last day chosen: name the stand-in."""
    made = await attempt(update, context, _named(context, cb.args))
    if not isinstance(made, Refused):
        await ack_and_send(update, view.set_view(made, context.lang))


async def cancel_button(update: Update, context: BotContext, cb: Callback) -> None:
    """awx: cancel one of the head's ranges."""
    work = standins.cancel_away(context.core, context.sender(), cb.args[0])
    done = await attempt(update, context, work)
    if not isinstance(done, Refused):
        await ack_and_send(update, view.cancelled_view(done, context.lang))


async def invite_button(update: Update, context: BotContext, cb: Callback) -> None:
    """awi: a one-time link for someone to join the head's division as a member."""
    made = await attempt(update, context, enrolment.invite_stand_in(context.core, context.sender()))
    if not isinstance(made, Refused):
        link = f"https://t.me/{context.bot.username}?start={made.token}"
        shown = invite_created(made, link, context.lang, context.settings.tz)
        await ack_and_send(update, shown)


BUTTONS: dict[str, ButtonHandler] = {
    "aws": chosen_button,
    "awf": first_button,
    "awt": last_button,
    "awx": cancel_button,
    "awi": invite_button,
}
