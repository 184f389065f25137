"""Managing people: /invite (division, role, link; withdraw one), /members, /revoke.

Every button press is authorized again on the server by the use cases: what a keyboard showed
proves nothing. Each refusal is audited there; here it is only worded.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.telegram.callbacks import Callback
from bot.telegram.context import BotContext
from bot.telegram.menus import set_chat_menu
from bot.telegram.replies import View, attempt, send
from bot.telegram.router import ButtonHandler
from bot.telegram.views import people as view
from bot.texts import t
from bot.usecases import enrolment, people
from bot.usecases.core import Core
from bot.usecases.refusals import Refused
from storage.models import ROLES
from storage.people import Actor

log = logging.getLogger(__name__)
T = TypeVar("T")


async def _ask(
    update: Update, context: BotContext, call: Callable[[Core, Actor], Awaitable[T]]
) -> T | None:
    """Run a use case for the sender; None once a refusal has been said (replies.attempt)."""
    result = await attempt(update, context, call(context.core, context.sender()))
    return None if isinstance(result, Refused) else result


async def _show(update: Update, shown: View) -> None:
    """Stop the pressed button's spinner and show the view in place of its message."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    text, markup = shown
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in str(exc):  # pressing the same button twice is harmless
            raise


async def invite(update: Update, context: BotContext) -> None:
    """/invite: choose a division, then a role, to get a one-time link; open links listed."""
    screen = await _ask(update, context, enrolment.invite_screen)
    if screen is not None:
        await send(update, view.invite_screen(screen, context.lang, context.settings.tz))


async def members(update: Update, context: BotContext) -> None:
    """/members: every division with its people and roles, unreachable ones, and who is missing."""
    overview = await _ask(update, context, people.members_overview)
    if overview is None or update.effective_message is None:
        return
    for page in view.members_pages(overview, context.lang, context.settings.tz):
        await update.effective_message.reply_text(page, parse_mode=ParseMode.HTML)


async def revoke(update: Update, context: BotContext) -> None:
    """/revoke: pick a person's role to remove (a confirmation follows)."""
    listing = await _ask(update, context, lambda c, a: people.revocable(c, a, action="revoke"))
    if listing is not None:
        await send(update, view.revoke_screen(listing, context.lang))


async def _division(update: Update, context: BotContext, cb: Callback) -> None:
    """/invite, division pressed (0: organization-wide): the roles this person may grant."""
    division_id = cb.args[0] or None
    choices = await _ask(update, context, lambda c, a: enrolment.invite_choices(c, a, division_id))
    if choices is not None:
        await _show(update, view.role_choice(choices, context.lang))


async def _role(update: Update, context: BotContext, cb: Callback) -> None:
    """/invite, role pressed: make the invitation and show its link and token once."""
    division_id, index = cb.args[0] or None, cb.args[1]
    role = ROLES[index] if index < len(ROLES) else ""  # no role: refused as a stale button
    made = await _ask(
        update, context, lambda c, a: enrolment.create_invite(c, a, role, division_id)
    )
    if made is not None:
        link = f"https://t.me/{context.bot.username}?start={made.token}"
        await _show(update, view.invite_created(made, link, context.lang, context.settings.tz))


async def _withdraw(update: Update, context: BotContext, cb: Callback) -> None:
    """/invite, withdraw pressed: withdraw an open invitation and show the list again."""
    done = await _ask(update, context, lambda c, a: enrolment.withdraw_invite(c, a, cb.args[0]))
    if done is not None:
        await _show(update, view.invite_withdrawn(done, context.lang, context.settings.tz))


async def _page(update: Update, context: BotContext, cb: Callback) -> None:
    """/revoke, next or previous page pressed: show that page of the list."""
    listing = await _ask(update, context, lambda c, a: people.revocable(c, a, action="rvp"))
    if listing is not None:
        await _show(update, view.revoke_screen(listing, context.lang, page=cb.args[0]))


async def _ask_to_confirm(update: Update, context: BotContext, cb: Callback) -> None:
    """/revoke, a role pressed: ask to confirm (membership 0 means back to the list)."""
    membership_id = cb.args[0]
    if membership_id == 0:
        listing = await _ask(update, context, lambda c, a: people.revocable(c, a, action="rv"))
        if listing is not None:
            await _show(update, view.revoke_screen(listing, context.lang))
        return
    found = await _ask(update, context, lambda c, a: people.revocable_role(c, a, membership_id))
    if found is not None:
        await _show(update, view.revoke_confirm(found, context.lang))


async def _confirmed(update: Update, context: BotContext, cb: Callback) -> None:
    """/revoke, confirmed: remove the role, reset that person's menu, tell them."""
    done = await _ask(update, context, lambda c, a: people.revoke_membership(c, a, cb.args[0]))
    if done is None:
        return
    notice = view.revoked_notice(done.removed, context.lang)
    await _show(update, view.revoke_screen(done.listing, context.lang, notice))
    await set_chat_menu(context.bot, done.chat_id, done.remaining, done.language)
    role = view.role_name(done.removed.role, done.language)
    try:
        await context.bot.send_message(done.chat_id, t("revoke.notice", done.language, role=role))
    except Forbidden:
        await people.note_unreachable(context.core, done.person_id)
    except TelegramError:
        # The role is already removed; a lost courtesy notice must not look like a failure.
        log.warning("could not tell person %s their role was removed", done.person_id)


BUTTONS: dict[str, ButtonHandler] = {
    "ivd": _division,
    "ivr": _role,
    "ivx": _withdraw,
    "rv": _ask_to_confirm,
    "rvy": _confirmed,
    "rvp": _page,
}
