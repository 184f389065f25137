"""/meetings: the monthly meeting dates with flags, for coordinators and admins (read-only)."""

from __future__ import annotations

from html import escape

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.telegram.auth import get_actor, refuse
from bot.telegram.deps import deps
from bot.telegram.lang import language_of
from bot.texts import localized, t
from scheduler.schedule import load_schedule
from scheduler.thaidate import format_date, format_datetime
from scheduler.workdays import WorkCalendar
from storage.plan_queries import current_plan


async def meetings_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the meetings of the current plan with B.E. dates; weekends and holidays flagged."""
    message = update.effective_message
    if message is None:
        return
    actor = await get_actor(update, context)
    lang = language_of(update, context)
    if actor is None or not actor.is_coordinator:
        # Audited and answered like every other refused command.
        await refuse(update, context, actor, "meetings")
        return
    settings = deps(context).settings
    calendar = WorkCalendar()
    async with deps(context).sessions() as session:
        plan = await current_plan(session)
        if plan is None:
            await message.reply_text(t("rounds.meetings_none", lang))
            return
        schedule = await load_schedule(
            session, plan, calendar, settings.planner_config(), settings.tz, materialize=False
        )
    name = localized(lang, plan.meeting_name_th, plan.meeting_name_en)
    # The plan file's text goes into HTML: escape it like every other database text.
    lines = [t("rounds.meetings_title", lang, meeting=escape(name, quote=False)), ""]
    for m in schedule.meetings:
        day = m.starts_at.astimezone(settings.tz).date()
        flags = t("rounds.meetings_manual", lang) if m.manual else ""
        if day.weekday() >= 5:
            flags += t("rounds.meetings_weekend", lang)
        holiday = calendar.holiday_name(day, lang)
        if holiday:
            flags += t("rounds.meetings_holiday", lang, holiday=escape(holiday, quote=False))
        lines.append(
            t(
                "rounds.meetings_line",
                lang,
                month=format_date(m.month, lang=lang, style="month"),
                when=format_datetime(m.starts_at, settings.tz, lang=lang),
                flags=flags,
            )
        )
    await message.reply_text("\n".join(lines), parse_mode=ParseMode.HTML)
