"""How people, roles and invitations read on screen: pure text and keyboards, no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import tzinfo
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.present import short
from bot.telegram.callbacks import encode
from bot.telegram.replies import View
from bot.telegram.views.length import pack
from bot.texts import localized, t
from bot.usecases.enrolment import EVERY, InviteChoices, InviteScreen, InviteWithdrawn, MadeInvite
from bot.usecases.people import RevocableRole, RevokeList
from scheduler.thaidate import format_datetime
from storage.invite_list import InviteInfo
from storage.invites import REVOKED, USED
from storage.models import ROLES
from storage.people import Actor, DivisionName, MemberLine, MembersOverview, Role

# Telegram allows 4096 UTF-16 units per message (bot/telegram/views/length.py); keep a margin.
PAGE_CHARS = 3800
# Telegram refuses inline keyboards past 100 buttons; keep lists well inside that.
MAX_BUTTONS = 60
OPEN_INVITES_SHOWN = 10


def role_label(role: str, lang: str) -> str:
    """The role's name in the catalog language."""
    return t(f"role.{role}", lang)


def division_label(code: str | None, name_th: str | None, name_en: str | None, lang: str) -> str:
    """A division as `name (CODE)`, or the organization-wide label when there is none."""
    if code is None:
        return t("role.org_wide", lang)
    name = localized(lang, name_th, name_en)
    return f"{name} ({code})"


def role_text(
    role: str, code: str | None, name_th: str | None, name_en: str | None, lang: str
) -> str:
    """`Division head – Finance Bureau (FIN)`; organization-wide roles stand alone."""
    label = role_label(role, lang)
    return label if code is None else f"{label} – {division_label(code, name_th, name_en, lang)}"


def role_name(r: Role, lang: str) -> str:
    """A held or offered role with its division, as role_text words it."""
    return role_text(r.role, r.division_code, r.division_name_th, r.division_name_en, lang)


def roles_block(roles: Iterable[Role], lang: str) -> str:
    """One bulleted line per role."""
    return "\n".join("• " + role_name(r, lang) for r in roles)


def greeting(actor: Actor, lang: str) -> str:
    """Plain /start for an enrolled person: a welcome with their roles."""
    return t("enrol.greeting", lang, name=actor.name, roles=roles_block(actor.roles, lang))


def whoami_text(actor: Actor, lang: str, oversees: Sequence[DivisionName] | None = None) -> str:
    """/whoami: name, Telegram id, roles and divisions; a supervisor's divisions after them
    (`oversees`: the divisions overseen, None: every division)."""
    text = t(
        "whoami.text",
        lang,
        name=actor.name,
        user_id=actor.telegram_user_id,
        roles=roles_block(actor.roles, lang),
    )
    if not actor.is_supervisor:
        return text
    if oversees is None:
        return text + "\n\n" + t("whoami.oversees_all", lang)
    names = "\n".join("• " + division_label(d.code, d.name_th, d.name_en, lang) for d in oversees)
    return text + "\n\n" + t("whoami.oversees", lang, divisions=names)


def paginate(lines: Sequence[str], limit: int = PAGE_CHARS) -> list[str]:
    """Join lines into messages that each fit Telegram's limit, breaking only between lines.

    Measured as Telegram counts (UTF-16 units of the visible text), not in Python characters.
    """
    return pack(lines, limit)


def _person_line(
    line: MemberLine,
    lang: str,
    tz: tzinfo,
    *,
    with_role: bool = True,
    oversees: tuple[str, ...] = (),
) -> str:
    text = "• " + escape(line.name)
    if line.username:
        text += f" (@{escape(line.username)})"
    if with_role:
        text += " – " + role_label(line.role, lang)
    if oversees:
        codes = ", ".join(escape(c) for c in oversees if c != EVERY)
        every = EVERY in oversees
        text += " " + (
            t("members.oversees_all", lang) if every else t("members.oversees", lang, codes=codes)
        )
    if line.unreachable_since is not None:
        since = format_datetime(line.unreachable_since, tz, lang=lang)
        text += " " + t("members.unreachable", lang, since=since)
    return text


def members_pages(overview: MembersOverview, lang: str, tz: tzinfo) -> list[str]:
    """/members as HTML messages: organization-wide roles, each division, who has not joined."""
    if not overview.divisions:
        return [t("members.no_divisions", lang)]
    lines = [t("members.title", lang), "", f"<b>{escape(t('role.org_wide', lang))}</b>"]
    lines += [
        _person_line(m, lang, tz, oversees=overview.oversees.get(m.membership_id, ()))
        for m in overview.org_wide
    ] or [t("members.nobody", lang)]
    for d in overview.divisions:
        lines += ["", f"<b>{escape(division_label(d.code, d.name_th, d.name_en, lang))}</b>"]
        lines += [_person_line(m, lang, tz) for m in d.members] or [t("members.nobody", lang)]
    unjoined = overview.unjoined
    lines.append("")
    if unjoined:
        lines.append(t("members.unjoined_title", lang, count=len(unjoined)))
        lines += [
            "• " + escape(division_label(d.code, d.name_th, d.name_en, lang)) for d in unjoined
        ]
    else:
        lines.append(t("members.all_joined", lang))
    return paginate(lines)


def invite_role_text(info: InviteInfo, lang: str) -> str:
    """The role an invitation grants, with its division."""
    return role_text(
        info.role, info.division_code, info.division_name_th, info.division_name_en, lang
    )


def invite_screen(
    screen: InviteScreen, lang: str, tz: tzinfo, notice: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """/invite: pick a division (or organization-wide); open invitations with revoke buttons."""
    divisions, open_invites = screen.divisions, screen.open_invites
    lines = [escape(notice), ""] if notice else []
    lines += [t("invite.choose_division", lang), "", t("invite.open_title", lang)]
    shown = open_invites[:OPEN_INVITES_SHOWN]
    for info in shown:
        expires = format_datetime(info.expires_at, tz, lang=lang)
        role = escape(invite_role_text(info, lang))
        lines.append(t("invite.open_line", lang, id=info.id, role=role, expires=expires))
    if not open_invites:
        lines.append(t("invite.none_open", lang))
    elif len(open_invites) > len(shown):
        lines.append(t("invite.more_open", lang, count=len(open_invites) - len(shown)))
    rows = [
        [
            InlineKeyboardButton(
                f"{d.code} · {short(localized(lang, d.name_th, d.name_en), 32)}",
                callback_data=encode("ivd", d.id),
            )
        ]
        for d in divisions[:MAX_BUTTONS]
    ]
    rows.append(
        [InlineKeyboardButton(t("invite.org_wide_button", lang), callback_data=encode("ivd", 0))]
    )
    rows += [
        [
            InlineKeyboardButton(
                t("invite.revoke_button", lang, id=info.id), callback_data=encode("ivx", info.id)
            )
        ]
        for info in shown
    ]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def role_choice(choices: InviteChoices, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """/invite, second step: which role the invited person gets."""
    d = choices.division
    label = division_label(d.code, d.name_th, d.name_en, lang) if d else t("role.org_wide", lang)
    text = t("invite.choose_role", lang, division=escape(label))
    # Division 0 stands for organization-wide roles in the callback data.
    division_id = d.id if d else 0
    rows = [
        [
            InlineKeyboardButton(
                role_label(role, lang), callback_data=encode("ivr", division_id, ROLES.index(role))
            )
        ]
        for role in choices.roles
    ]
    return text, InlineKeyboardMarkup(rows)


def invite_created(made: MadeInvite, link: str, lang: str, tz: tzinfo) -> View:
    """A fresh invitation: its role, expiry, link and token (shown this once)."""
    text = t(
        "invite.created",
        lang,
        # HTML: a division named "<ทดสอบ> & co" must show as written, not break the message.
        role=escape(role_name(made.role, lang)),
        expires=format_datetime(made.expires_at, tz, lang=lang),
        link=link,
        token=made.token,
    )
    return text, invite_created_keyboard(made.id, lang)


def invite_withdrawn(done: InviteWithdrawn, lang: str, tz: tzinfo) -> View:
    """/invite again, headed by what came of withdrawing an invitation."""
    key = {REVOKED: "invite.revoked", USED: "invite.revoke_used"}.get(
        done.outcome, "invite.revoke_gone"
    )
    assert done.screen is not None
    return invite_screen(done.screen, lang, tz, t(key, lang, id=done.invite_id))


def invite_created_keyboard(invite_id: int, lang: str) -> InlineKeyboardMarkup:
    """Under a fresh link: withdraw it at once if it went to the wrong person."""
    label = t("invite.revoke_button", lang, id=invite_id)
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=encode("ivx", invite_id))]]
    )


def revoke_list(
    lines: Sequence[MemberLine],
    division_codes: Mapping[int, str],
    lang: str,
    notice: str | None = None,
    page: int = 0,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """/revoke: one button per role that may be removed, MAX_BUTTONS a page."""
    head = [escape(notice), ""] if notice else []
    if not lines:
        return "\n".join([*head, t("revoke.none", lang)]), None
    pages = (len(lines) + MAX_BUTTONS - 1) // MAX_BUTTONS
    # The list may have shrunk since the button was drawn: show its last page then.
    page = min(max(page, 0), pages - 1)
    start = page * MAX_BUTTONS
    shown = lines[start : start + MAX_BUTTONS]
    rows = []
    for line in shown:
        where = division_codes.get(line.division_id or 0, t("role.org_wide", lang))
        label = f"{short(line.name, 24)} · {role_label(line.role, lang)} · {where}"
        rows.append([InlineKeyboardButton(label, callback_data=encode("rv", line.membership_id))])
    text = [*head, t("revoke.choose", lang)]
    if pages > 1:
        text.append(
            t(
                "revoke.page",
                lang,
                first=start + 1,
                last=start + len(shown),
                total=len(lines),
            )
        )
        nav = []
        if page > 0:
            nav.append(
                InlineKeyboardButton(
                    t("revoke.prev_button", lang), callback_data=encode("rvp", page - 1)
                )
            )
        if page < pages - 1:
            nav.append(
                InlineKeyboardButton(
                    t("revoke.next_button", lang), callback_data=encode("rvp", page + 1)
                )
            )
        rows.append(nav)
    return "\n".join(text), InlineKeyboardMarkup(rows)


def revoke_screen(listing: RevokeList, lang: str, notice: str | None = None, page: int = 0) -> View:
    """/revoke: the roles this person may remove, a page of them."""
    return revoke_list(listing.lines, listing.division_codes, lang, notice, page)


def revoked_notice(removed: RevocableRole, lang: str) -> str:
    """Above the list again: whose role was just removed."""
    return t("revoke.done", lang, name=removed.person_name, role=role_name(removed.role, lang))


def revoke_confirm(found: RevocableRole, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """/revoke, second step: confirm, or go back to the list."""
    membership_id, name, role = found.membership_id, found.person_name, role_name(found.role, lang)
    text = t("revoke.confirm", lang, name=escape(name), role=escape(role))
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t("revoke.yes_button", lang), callback_data=encode("rvy", membership_id)
                )
            ],
            # rv:0 is "no membership": the handler shows the list again.
            [InlineKeyboardButton(t("revoke.back_button", lang), callback_data=encode("rv", 0))],
        ]
    )
    return text, markup
