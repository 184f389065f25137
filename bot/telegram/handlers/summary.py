"""/summary, /missing, /history and /export, and their buttons (sm, sd, nd, hm, hd, ex).

Authorization is decided here on every update and every button press, from the database
(bot.telegram.auth.get_actor): coordinators and admins see every division; heads and members see
only their own; strangers get a polite refusal and nothing else. Button data is only ids,
re-checked on use, so a forged or stale button shows nothing it should not.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.present import division_name, round_label
from bot.reports.fonts import FontMissingError
from bot.telegram.auth import get_actor
from bot.telegram.callbacks import Callback, decode
from bot.telegram.deps import deps
from bot.telegram.lang import language_of
from bot.telegram.report_keyboards import (
    back_to_summary,
    history_keyboard,
    nudge_keyboard,
    summary_keyboard,
)
from bot.telegram.views.reports import (
    division_message,
    history_message,
    measure_message,
    missing_message,
    summary_message,
)
from bot.texts import localized, pick_language, t
from bot.usecases.exports import round_files
from storage.answers import round_divisions
from storage.nudges import create_nudges, silent_divisions
from storage.people import Actor
from storage.plan_queries import current_plan
from storage.summary import (
    History,
    RoundInfo,
    current_round,
    division_detail,
    division_ref,
    history,
    measure_detail,
    open_rounds,
    plan_divisions,
    plan_measures,
    round_by_id,
    round_by_key,
    round_summary,
)

log = logging.getLogger("bot.summary")

# The button verbs handled here (see bot.telegram.callbacks.VERBS).
BUTTONS = r"^(sm|sd|nd|hm|hd|ex|sr):"
# How many rounds /history shows on a phone.
HISTORY_ROUNDS = 12
EXPORT_FORMATS = ("xlsx", "docx", "png")


def _scope(actor: Actor) -> frozenset[int] | None:
    """The divisions an actor may see; None means all."""
    return None if actor.is_coordinator else actor.division_ids


def _lang(actor: Actor, context: ContextTypes.DEFAULT_TYPE) -> str:
    return pick_language(actor.language, deps(context).settings.default_language)


async def _actor(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Actor | None:
    """The enrolled sender, or None after telling a stranger politely (and logging it)."""
    actor = await get_actor(update, context)
    if actor is not None:
        return actor
    user = update.effective_user
    log.warning("refused a report request from unenrolled user %s", user.id if user else "-")
    text = t("summary.stranger", language_of(update, context))
    if update.callback_query:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message:
        await update.effective_message.reply_text(text)
    return None


async def _send(
    update: Update, text: str, markup: InlineKeyboardMarkup | None = None, html: bool = True
) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    await chat.send_message(text, parse_mode=ParseMode.HTML if html else None, reply_markup=markup)


async def _refuse(update: Update, message: str, lang: str, /, **values: object) -> None:
    """Answer a button press or a command with a short refusal; change nothing."""
    text = t(message, lang, **values)
    if update.callback_query:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await _send(update, text, html=False)


async def _chosen_round(
    session: AsyncSession,
    args: Sequence[str] | None,
    at: datetime,
    scope: frozenset[int] | None,
) -> tuple[RoundInfo | None, str | None]:
    """The round named in the command's argument, else the current one; and the bad key."""
    if args:
        key = args[0][:16]
        return await round_by_key(session, key), key
    return await current_round(session, at, scope), None


async def _round_or_refuse(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    session: AsyncSession,
    lang: str,
    actor: Actor,
) -> RoundInfo | None:
    round_, bad_key = await _chosen_round(
        session, context.args, deps(context).clock(), _scope(actor)
    )
    if round_ is None:
        if bad_key is not None:
            await _refuse(update, "summary.unknown_round", lang, key=bad_key)
        else:
            await _refuse(update, "summary.no_round", lang)
    return round_


# ------------------------------------------------------------------------ commands


async def summary_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the current round (or `/summary KEY`) at a glance, with buttons to drill down."""
    actor = await _actor(update, context)
    if actor is None:
        return
    async with deps(context).sessions() as session:
        round_ = await _round_or_refuse(update, context, session, _lang(actor, context), actor)
    if round_ is not None:
        await _show_summary(update, context, actor, round_)


async def _show_summary(
    update: Update, context: ContextTypes.DEFAULT_TYPE, actor: Actor, round_: RoundInfo
) -> None:
    """Send one round's summary, as far as this person may see it."""
    lang, scope, d = _lang(actor, context), _scope(actor), deps(context)
    async with d.sessions() as session:
        summary = await round_summary(session, round_, scope)
        others = [r for r in await open_rounds(session, d.clock(), scope) if r.id != round_.id]
        divisions = [
            division_ref(x)
            for x in await round_divisions(session, round_.id)
            if scope is None or x.id in scope
        ]
    text = summary_message(
        summary,
        lang=lang,
        tz=d.settings.tz,
        now=d.clock(),
        own_only=scope is not None,
        other_open=others,
    )
    measures = [m.measure for m in summary.measures]
    await _send(update, text, summary_keyboard(round_, measures, divisions, lang))


async def summary_again(
    update: Update, context: ContextTypes.DEFAULT_TYPE, actor: Actor, cb: Callback, lang: str
) -> None:
    """sr: back to a round's summary from one of its detail screens."""
    async with deps(context).sessions() as session:
        round_ = await round_by_id(session, cb.args[0])
    if round_ is None:
        await _refuse(update, "summary.stale", lang)
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    await _show_summary(update, context, actor, round_)


async def missing_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the silent divisions, their people and reachability; coordinators get nudge buttons."""
    actor = await _actor(update, context)
    if actor is None:
        return
    lang, d = _lang(actor, context), deps(context)
    async with d.sessions() as session:
        round_ = await _round_or_refuse(update, context, session, lang, actor)
        if round_ is None:
            return
        silent = await silent_divisions(session, round_, d.clock(), d.settings.tz, _scope(actor))
    # Nudges only while the round is open: afterwards they would ask for the impossible.
    may_nudge = actor.is_coordinator and round_.is_open(d.clock())
    markup = nudge_keyboard(round_, silent, lang) if may_nudge else None
    await _send(update, missing_message(round_, silent, lang=lang), markup)


async def history_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer the measures and divisions whose status history this person may see."""
    actor = await _actor(update, context)
    if actor is None:
        return
    lang, scope = _lang(actor, context), _scope(actor)
    async with deps(context).sessions() as session:
        plan = await current_plan(session)
        if plan is None:
            await _refuse(update, "summary.no_round", lang)
            return
        measures = await plan_measures(session, plan.id, scope)
        divisions = await plan_divisions(session, plan.id, scope)
    await _send(update, t("history.choose", lang), history_keyboard(measures, divisions, lang))


async def export_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the round's XLSX, meeting DOCX and chart PNG (heads get their own division's)."""
    actor = await _actor(update, context)
    if actor is None:
        return
    lang = _lang(actor, context)
    async with deps(context).sessions() as session:
        round_ = await _round_or_refuse(update, context, session, lang, actor)
    if round_ is not None:
        await _export(update, context, actor, round_, lang)


async def _export(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    actor: Actor,
    round_: RoundInfo,
    lang: str,
) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    d, scope = deps(context), _scope(actor)
    label = round_label(round_, lang)
    await chat.send_message(t("export.preparing", lang, round=label))
    codes = sorted({r.division_code for r in actor.roles if r.division_code}) if scope else []
    try:
        files = await round_files(
            d.sessions,
            round_,
            EXPORT_FORMATS,
            tz=d.settings.tz,
            now=deps(context).clock(),
            division_ids=scope,
            division_codes=codes,
        )
    except FontMissingError:
        log.exception("cannot render reports: no Thai font")
        await chat.send_message(t("export.failed", lang))
        return
    for f in files:
        caption = t(f"export.caption_{f.format}", lang, round=label)
        if scope is not None:
            names = ", ".join(division_name_of(actor, lang))
            caption += "\n" + t("export.own_division", lang, names=names)
        await chat.send_document(f.data, filename=f.name, caption=caption)


def division_name_of(actor: Actor, lang: str) -> list[str]:
    """The names of an actor's own divisions, in the language."""
    return [
        localized(lang, r.division_name_th, r.division_name_en)
        for r in actor.roles
        if r.division_id is not None
    ]


# ------------------------------------------------------------------------ buttons


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route a summary, nudge, history or export button after re-checking who pressed it."""
    query = update.callback_query
    if query is None:
        return
    actor = await _actor(update, context)
    if actor is None:
        return
    lang = _lang(actor, context)
    cb = decode(query.data)
    if cb is None or cb.verb not in ROUTES:
        log.warning("stale or forged button %r from person %s", query.data, actor.person_id)
        await _refuse(update, "summary.stale", lang)
        return
    await ROUTES[cb.verb](update, context, actor, cb, lang)


async def open_measure(
    update: Update, context: ContextTypes.DEFAULT_TYPE, actor: Actor, cb: Callback, lang: str
) -> None:
    """sm: each visible division's latest answer to one measure of a round."""
    round_id, measure_id = cb.args
    d = deps(context)
    async with d.sessions() as session:
        round_ = await round_by_id(session, round_id)
        detail = (
            await measure_detail(session, round_, measure_id, _scope(actor)) if round_ else None
        )
    if detail is None:
        log.warning("measure %s of round %s refused to %s", measure_id, round_id, actor.person_id)
        await _refuse(update, "summary.not_allowed", lang)
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    await _send(
        update,
        measure_message(detail, lang=lang, tz=d.settings.tz),
        back_to_summary(round_id, lang),
    )


async def open_division(
    update: Update, context: ContextTypes.DEFAULT_TYPE, actor: Actor, cb: Callback, lang: str
) -> None:
    """sd: one division's latest answers in a round, if the presser may see that division."""
    round_id, division_id = cb.args
    if not actor.may_see_division(division_id):
        log.warning("division %s refused to person %s", division_id, actor.person_id)
        await _refuse(update, "summary.not_allowed", lang)
        return
    d = deps(context)
    async with d.sessions() as session:
        round_ = await round_by_id(session, round_id)
        detail = await division_detail(session, round_, division_id) if round_ else None
    if detail is None:
        await _refuse(update, "summary.stale", lang)
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    await _send(
        update,
        division_message(detail, lang=lang, tz=d.settings.tz),
        back_to_summary(round_id, lang),
    )


async def nudge_division(
    update: Update, context: ContextTypes.DEFAULT_TYPE, actor: Actor, cb: Callback, lang: str
) -> None:
    """nd: record today's nudge for a silent division (coordinators only; once a day)."""
    if not actor.is_coordinator:
        log.warning("nudge refused to person %s", actor.person_id)
        await _refuse(update, "missing.coordinators_only", lang)
        return
    round_id, division_id = cb.args
    d = deps(context)
    async with d.sessions() as session, session.begin():
        round_ = await round_by_id(session, round_id)
        divisions = await plan_divisions(session, round_.plan_id, [division_id]) if round_ else ()
        if round_ is None or not divisions:
            await _refuse(update, "summary.stale", lang)
            return
        result = await create_nudges(
            session, round_, division_id, d.clock(), d.settings.tz, actor.person_id
        )
    name = division_name(divisions[0], lang)
    key = f"missing.nudge_{result.outcome}"
    log.info("nudge %s for division %s in round %s", result.outcome, division_id, round_.key)
    assert update.callback_query is not None
    await update.callback_query.answer(
        t(key, lang, name=name, count=result.created), show_alert=True
    )


async def measure_history(
    update: Update, context: ContextTypes.DEFAULT_TYPE, actor: Actor, cb: Callback, lang: str
) -> None:
    """hm: how one measure's status moved round by round (own divisions for non-coordinators)."""
    (measure_id,) = cb.args
    async with deps(context).sessions() as session:
        h = await history(
            session, measure_id=measure_id, division_ids=_scope(actor), last=HISTORY_ROUNDS
        )
    await _show_history(update, h, lang)


async def division_history(
    update: Update, context: ContextTypes.DEFAULT_TYPE, actor: Actor, cb: Callback, lang: str
) -> None:
    """hd: how one division's measures moved round by round, if the presser may see it."""
    (division_id,) = cb.args
    if not actor.may_see_division(division_id):
        log.warning("history of division %s refused to %s", division_id, actor.person_id)
        await _refuse(update, "summary.not_allowed", lang)
        return
    async with deps(context).sessions() as session:
        h = await history(session, division_id=division_id, last=HISTORY_ROUNDS)
    await _show_history(update, h, lang)


async def _show_history(update: Update, h: History | None, lang: str) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()
    if h is None:
        await _send(update, t("history.none", lang), html=False)
        return
    await _send(update, history_message(h, lang=lang))


async def export_round(
    update: Update, context: ContextTypes.DEFAULT_TYPE, actor: Actor, cb: Callback, lang: str
) -> None:
    """ex: send the files of the round on the button (scoped like /export)."""
    round_id, _format = cb.args
    async with deps(context).sessions() as session:
        round_ = await round_by_id(session, round_id)
    if round_ is None:
        await _refuse(update, "summary.stale", lang)
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    await _export(update, context, actor, round_, lang)


ROUTES = {
    "sm": open_measure,
    "sd": open_division,
    "nd": nudge_division,
    "hm": measure_history,
    "hd": division_history,
    "ex": export_round,
    "sr": summary_again,
}
