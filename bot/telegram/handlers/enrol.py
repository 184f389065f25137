"""Enrolment and roles: /start <token>, /start, /whoami, /invite, /members, /revoke.

Every button press is authorized again on the server: what a keyboard showed proves nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.telegram.auth import get_actor, may_grant, may_manage_people, refuse
from bot.telegram.callbacks import Callback, decode
from bot.telegram.deps import deps
from bot.telegram.lang import language_of
from bot.telegram.menus import set_chat_menu
from bot.telegram.views.people import (
    division_label,
    invite_created_keyboard,
    invite_screen,
    members_pages,
    revoke_confirm,
    revoke_list,
    role_choice,
    role_text,
    roles_block,
)
from bot.texts import t
from bot.usecases.reach import note_forbidden
from scheduler.thaidate import format_datetime
from storage import audit
from storage.invites import (
    Enrollee,
    InviteError,
    create_invite,
    list_invites,
    redeem_invite,
    revoke_invite,
)
from storage.models import ROLES, Division
from storage.people import (
    Actor,
    active_divisions,
    active_membership,
    active_roles,
    load_actor,
    members_overview,
    revoke_membership,
)

Context = ContextTypes.DEFAULT_TYPE
log = logging.getLogger(__name__)


async def start(update: Update, context: Context) -> None:
    """`/start <token>` enrols; plain `/start` greets an enrolled person with their roles."""
    message = update.effective_message
    if message is None or update.effective_user is None:
        return
    lang = language_of(update, context)
    if context.args:
        await _enrol(update, context, " ".join(context.args), lang)
        return
    actor = await get_actor(update, context)
    if actor is None:
        return  # the gate has answered strangers already
    # Re-setting the menu here lets a person repair a menu that went missing.
    await set_chat_menu(context.bot, actor.chat_id, [r.role for r in actor.roles], lang)
    await message.reply_text(
        t("enrol.greeting", lang, name=actor.name, roles=roles_block(actor.roles, lang))
    )


async def _enrol(update: Update, context: Context, token: str, lang: str) -> None:
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    assert message is not None and user is not None
    sessions = deps(context).sessions
    if chat is None or chat.type != ChatType.PRIVATE:
        # The bot must be able to write to the person privately, so enrol only there.
        async with sessions() as session, session.begin():
            await audit.record(
                session,
                audit.ENROL_REFUSED,
                actor_telegram_id=user.id,
                detail={"reason": "not_private"},
            )
        await message.reply_text(t("enrol.private_only", lang))
        return
    who = Enrollee(user.id, chat.id, user.full_name[:255], user.username, lang)
    async with sessions() as session, session.begin():
        result = await redeem_invite(session, token, who)
    if not result.enrolled:
        await message.reply_text(t(f"enrol.refused_{result.outcome}", lang))
        return
    async with sessions() as session:
        actor = await load_actor(session, user.id)
    assert actor is not None
    new = next(
        r for r in actor.roles if (r.role, r.division_id) == (result.role, result.division_id)
    )
    role = role_text(new.role, new.division_code, new.division_name_th, new.division_name_en, lang)
    await set_chat_menu(context.bot, chat.id, [r.role for r in actor.roles], lang)
    await message.reply_text(t("enrol.welcome", lang, role=role))


async def whoami(update: Update, context: Context) -> None:
    """Show the person's name, Telegram id, roles and divisions."""
    actor = await get_actor(update, context)
    if actor is None or update.effective_message is None:
        return
    lang = language_of(update, context)
    await update.effective_message.reply_text(
        t(
            "whoami.text",
            lang,
            name=actor.name,
            user_id=actor.telegram_user_id,
            roles=roles_block(actor.roles, lang),
        )
    )


async def _manager(update: Update, context: Context, action: str) -> Actor | None:
    """The sender if they may manage people; otherwise refuse (audited) and return None."""
    actor = await get_actor(update, context)
    if actor is None:
        return None
    if not may_manage_people(actor):
        await refuse(update, context, actor, action)
        return None
    return actor


async def _press(update: Update, context: Context, verb: str) -> tuple[Actor, Callback] | None:
    """A manager's button press with well-formed data, or None after refusing it."""
    actor = await _manager(update, context, verb)
    if actor is None:
        return None
    callback = decode(update.callback_query.data if update.callback_query else None)
    if callback is None or callback.verb != verb:
        await refuse(update, context, actor, verb, reason="stale", alert_key="auth.stale_alert")
        return None
    return actor, callback


async def _edit(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in str(exc):  # pressing the same button twice is harmless
            raise


async def _invite_screen(
    context: Context, lang: str, notice: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    async with deps(context).sessions() as session:
        divisions = await active_divisions(session)
        open_invites = await list_invites(session, open_only=True)
    return invite_screen(divisions, open_invites, lang, deps(context).settings.tz, notice)


async def invite(update: Update, context: Context) -> None:
    """/invite: choose a division, then a role, to get a one-time link; open links listed."""
    if await _manager(update, context, "invite") is None or update.effective_message is None:
        return
    lang = language_of(update, context)
    text, markup = await _invite_screen(context, lang)
    await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


async def invite_division(update: Update, context: Context) -> None:
    """/invite, division pressed: offer the roles this coordinator may grant there."""
    pressed = await _press(update, context, "ivd")
    if pressed is None:
        return
    actor, callback = pressed
    query = update.callback_query
    assert query is not None
    lang = language_of(update, context)
    division_id = callback.args[0]
    if division_id == 0:
        roles = [r for r in ("coordinator", "admin") if may_grant(actor, r)]
        label = t("role.org_wide", lang)
    else:
        async with deps(context).sessions() as session:
            division = await session.get(Division, division_id)
        if division is None or not division.active:
            await refuse(
                update, context, actor, "ivd", reason="stale", alert_key="auth.stale_alert"
            )
            return
        roles = ["head", "member"]
        label = division_label(division.code, division.name_th, division.name_en, lang)
    await query.answer()
    await _edit(query, *role_choice(division_id, label, roles, lang))


async def invite_role(update: Update, context: Context) -> None:
    """/invite, role pressed: make the invitation and show its link and token once."""
    pressed = await _press(update, context, "ivr")
    if pressed is None:
        return
    actor, callback = pressed
    query = update.callback_query
    assert query is not None
    lang = language_of(update, context)
    division_arg, role_index = callback.args
    if role_index >= len(ROLES):
        await refuse(update, context, actor, "ivr", reason="stale", alert_key="auth.stale_alert")
        return
    role = ROLES[role_index]
    if not may_grant(actor, role):
        await refuse(update, context, actor, f"ivr:{role}")
        return
    division_id = division_arg or None
    try:
        async with deps(context).sessions() as session, session.begin():
            made = await create_invite(
                session, role=role, division_id=division_id, created_by_id=actor.person_id
            )
            division = await session.get(Division, division_id) if division_id else None
    except InviteError:  # a forged pair, or the division left the plan meanwhile
        await refuse(update, context, actor, "ivr", reason="stale", alert_key="auth.stale_alert")
        return
    code, name_th, name_en = (
        (division.code, division.name_th, division.name_en) if division else (None, None, None)
    )
    link = f"https://t.me/{context.bot.username}?start={made.token}"
    text = t(
        "invite.created",
        lang,
        role=role_text(role, code, name_th, name_en, lang),
        expires=format_datetime(made.expires_at, deps(context).settings.tz, lang=lang),
        link=link,
        token=made.token,
    )
    await query.answer()
    await _edit(query, text, invite_created_keyboard(made.id, lang))


async def invite_revoke(update: Update, context: Context) -> None:
    """/invite, revoke pressed: withdraw an open invitation and show the list again."""
    pressed = await _press(update, context, "ivx")
    if pressed is None:
        return
    actor, callback = pressed
    query = update.callback_query
    assert query is not None
    lang = language_of(update, context)
    invite_id = callback.args[0]
    async with deps(context).sessions() as session, session.begin():
        outcome = await revoke_invite(session, invite_id, by_person_id=actor.person_id)
    key = {"revoked": "invite.revoked", "used": "invite.revoke_used"}.get(
        outcome, "invite.revoke_gone"
    )
    notice = t(key, lang, id=invite_id)
    await query.answer()
    await _edit(query, *await _invite_screen(context, lang, notice))


async def members(update: Update, context: Context) -> None:
    """/members: every division with its people and roles, unreachable ones, and who is missing."""
    if await _manager(update, context, "members") is None or update.effective_message is None:
        return
    lang = language_of(update, context)
    async with deps(context).sessions() as session:
        overview = await members_overview(session)
    for page in members_pages(overview, lang, deps(context).settings.tz):
        await update.effective_message.reply_text(page, parse_mode=ParseMode.HTML)


async def _revoke_screen(
    context: Context, actor: Actor, lang: str, notice: str | None = None, page: int = 0
) -> tuple[str, InlineKeyboardMarkup | None]:
    async with deps(context).sessions() as session:
        overview = await members_overview(session)
    # Only what this person may remove: never their own roles, admins only by admins.
    lines = [
        m for m in overview.lines() if m.person_id != actor.person_id and may_grant(actor, m.role)
    ]
    codes = {d.division_id: d.code for d in overview.divisions}
    return revoke_list(lines, codes, lang, notice, page)


async def revoke(update: Update, context: Context) -> None:
    """/revoke: pick a person's role to remove (a confirmation follows)."""
    actor = await _manager(update, context, "revoke")
    if actor is None or update.effective_message is None:
        return
    lang = language_of(update, context)
    text, markup = await _revoke_screen(context, actor, lang)
    await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


async def revoke_page(update: Update, context: Context) -> None:
    """/revoke, next or previous page pressed: show that page of the list."""
    pressed = await _press(update, context, "rvp")
    if pressed is None:
        return
    actor, callback = pressed
    query = update.callback_query
    assert query is not None
    await query.answer()
    lang = language_of(update, context)
    await _edit(query, *await _revoke_screen(context, actor, lang, page=callback.args[0]))


async def _revocable(
    update: Update, context: Context, actor: Actor, membership_id: int, verb: str
) -> tuple[str, Callable[[str], str]] | None:
    """The person's name and role text (per language) of a membership this actor may remove."""
    async with deps(context).sessions() as session:
        found = await active_membership(session, membership_id)
    if found is None:
        await refuse(update, context, actor, verb, reason="gone", alert_key="revoke.gone_alert")
        return None
    membership, person = found
    if person.id == actor.person_id:
        await refuse(update, context, actor, verb, reason="self", alert_key="revoke.self_alert")
        return None
    if not may_grant(actor, membership.role):
        await refuse(update, context, actor, f"{verb}:{membership.role}")
        return None
    d = membership.division
    role = membership.role

    def role_in(lang: str) -> str:
        if d is None:
            return role_text(role, None, None, None, lang)
        return role_text(role, d.code, d.name_th, d.name_en, lang)

    return person.name, role_in


async def revoke_ask(update: Update, context: Context) -> None:
    """/revoke, person pressed: ask to confirm (membership 0 means back to the list)."""
    pressed = await _press(update, context, "rv")
    if pressed is None:
        return
    actor, callback = pressed
    query = update.callback_query
    assert query is not None
    lang = language_of(update, context)
    membership_id = callback.args[0]
    if membership_id == 0:
        await query.answer()
        await _edit(query, *await _revoke_screen(context, actor, lang))
        return
    found = await _revocable(update, context, actor, membership_id, "rv")
    if found is None:
        return
    name, role_in = found
    await query.answer()
    await _edit(query, *revoke_confirm(membership_id, name, role_in(lang), lang))


async def revoke_confirmed(update: Update, context: Context) -> None:
    """/revoke, confirmed: remove the role, reset that person's menu, tell them."""
    pressed = await _press(update, context, "rvy")
    if pressed is None:
        return
    actor, callback = pressed
    query = update.callback_query
    assert query is not None
    lang = language_of(update, context)
    membership_id = callback.args[0]
    found = await _revocable(update, context, actor, membership_id, "rvy")
    if found is None:
        return
    name, role_in = found
    sessions = deps(context).sessions
    async with sessions() as session, session.begin():
        done = await revoke_membership(session, membership_id, by_person_id=actor.person_id)
        remaining = await active_roles(session, done.person_id) if done else []
    if done is None:
        await refuse(update, context, actor, "rvy", reason="gone", alert_key="revoke.gone_alert")
        return
    await query.answer()
    notice = t("revoke.done", lang, name=name, role=role_in(lang))
    await _edit(query, *await _revoke_screen(context, actor, lang, notice))
    await set_chat_menu(context.bot, done.chat_id, remaining, done.language)
    try:
        await context.bot.send_message(
            done.chat_id, t("revoke.notice", done.language, role=role_in(done.language))
        )
    except Forbidden:
        await note_forbidden(sessions, done.person_id)
    except TelegramError:
        # The role is already removed; a lost courtesy notice must not look like a failure.
        log.warning("could not tell person %s their role was removed", done.person_id)
