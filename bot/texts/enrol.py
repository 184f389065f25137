"""Texts of enrolment and roles: joining, /whoami, /help, /invite, /members, /revoke, refusals.

Texts shown with `answer_callback_query` (keys ending in `_alert`) stay under Telegram's
200-character limit for such notifications.
"""

TH: dict[str, str] = {
    # Strangers and refusals
    "auth.stranger": (
        "สวัสดี ระบบนี้ใช้ติดตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส "
        "และเปิดให้ใช้งานเฉพาะผู้ที่ได้รับเชิญเท่านั้น\n\n"
        "หากท่านเป็นผู้บริหารหรือเจ้าหน้าที่ที่ได้รับมอบหมาย กรุณาขอลิงก์เชิญจากผู้ประสานงาน "
        "แล้วแตะลิงก์นั้นเพื่อลงทะเบียน\n\n"
        "ขอบคุณ"
    ),
    "auth.stranger_alert": (
        "ขออภัย ระบบนี้เปิดให้ใช้งานเฉพาะผู้ที่ได้รับเชิญ กรุณาขอลิงก์เชิญจากผู้ประสานงาน แล้วแตะลิงก์นั้นเพื่อลงทะเบียน"
    ),
    "auth.not_allowed": ("ขออภัย ท่านไม่มีสิทธิ์ใช้คำสั่งนี้ หากเห็นว่าควรมีสิทธิ์ กรุณาติดต่อผู้ประสานงาน"),
    "auth.not_allowed_alert": "ขออภัย ท่านไม่มีสิทธิ์ดำเนินการนี้ กรุณาติดต่อผู้ประสานงาน",
    "auth.stale_alert": "ขออภัย ปุ่มนี้ใช้ไม่ได้แล้ว กรุณาเริ่มใหม่จากคำสั่งล่าสุด",
    # Roles
    "role.admin": "ผู้ดูแลระบบ",
    "role.coordinator": "ผู้ประสานงาน",
    "role.head": "หัวหน้าหน่วยงาน",
    "role.member": "ผู้ได้รับมอบหมาย",
    "role.supervisor": "ผู้กำกับดูแลหน่วยงาน",
    "role.org_wide": "ระดับองค์กร",
    # /start with a token, and plain /start
    "enrol.welcome": (
        "ลงทะเบียนเรียบร้อยแล้ว ขอบคุณ\n\nท่านได้รับบทบาท: {role}\n\nกรุณาพิมพ์ /help เพื่อดูคำสั่งที่ใช้ได้"
    ),
    "enrol.refused_malformed": (
        "ขออภัย ลิงก์เชิญนี้ไม่ถูกต้อง อาจคัดลอกมาไม่ครบ "
        "กรุณาแตะลิงก์เชิญจากข้อความเดิมอีกครั้ง หรือขอลิงก์ใหม่จากผู้ประสานงาน"
    ),
    "enrol.refused_unknown": ("ขออภัย ไม่พบลิงก์เชิญนี้ในระบบ กรุณาตรวจสอบลิงก์ หรือขอลิงก์ใหม่จากผู้ประสานงาน"),
    "enrol.refused_used": (
        "ขออภัย ลิงก์เชิญนี้ถูกใช้ลงทะเบียนไปแล้ว ลิงก์เชิญแต่ละลิงก์ใช้ได้เพียงครั้งเดียว กรุณาขอลิงก์ใหม่จากผู้ประสานงาน"
    ),
    "enrol.refused_expired": "ขออภัย ลิงก์เชิญนี้หมดอายุแล้ว กรุณาขอลิงก์ใหม่จากผู้ประสานงาน",
    "enrol.refused_revoked": "ขออภัย ลิงก์เชิญนี้ถูกยกเลิกแล้ว กรุณาติดต่อผู้ประสานงาน",
    "enrol.refused_already": (
        "ท่านมีบทบาทนี้อยู่แล้ว จึงไม่มีการเปลี่ยนแปลงใด ๆ กรุณาพิมพ์ /whoami เพื่อดูบทบาทของท่าน"
    ),
    "enrol.private_only": "กรุณาเปิดลิงก์เชิญในแชตส่วนตัวกับบอตนี้",
    "enrol.greeting": (
        "เรียน {name}\n"
        "ยินดีต้อนรับสู่ระบบติดตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส\n\n"
        "บทบาทของท่าน:\n{roles}\n\n"
        "กรุณาพิมพ์ /help เพื่อดูคำสั่งที่ใช้ได้"
    ),
    # /whoami
    "whoami.text": "ข้อมูลของท่าน\nชื่อ: {name}\nรหัสผู้ใช้ Telegram: {user_id}\n\nบทบาท:\n{roles}",
    "whoami.oversees": "หน่วยงานที่ท่านกำกับดูแล:\n{divisions}",
    "whoami.oversees_all": "ท่านกำกับดูแลทุกหน่วยงาน",
    # /help
    "menu.help_title": "<b>วิธีใช้งาน</b> คำสั่งที่ท่านใช้ได้",
    "menu.help_footer": "หากมีข้อสงสัย กรุณาติดต่อผู้ประสานงาน",
    # /invite
    "invite.choose_division": (
        "<b>สร้างลิงก์เชิญ</b>\nกรุณาเลือกหน่วยงานของผู้ที่จะเชิญ หรือเลือก “ระดับองค์กร” สำหรับผู้ประสานงาน"
    ),
    "invite.org_wide_button": "ระดับองค์กร (ผู้ประสานงาน/ผู้ดูแลระบบ)",
    "invite.open_title": "<b>คำเชิญที่ยังเปิดอยู่</b> (กดปุ่มด้านล่างเพื่อยกเลิก)",
    "invite.open_line": "#{id} {role} – หมดอายุ {expires}",
    "invite.none_open": "ไม่มีคำเชิญที่ยังเปิดอยู่",
    "invite.more_open": "และอีก {count} รายการ (ดูทั้งหมดได้ด้วยคำสั่ง ita-followup invite list)",
    "invite.revoke_button": "ยกเลิกคำเชิญ #{id}",
    "invite.choose_role": "<b>สร้างลิงก์เชิญ</b>\nหน่วยงาน: {division}\nกรุณาเลือกบทบาทของผู้ที่จะเชิญ",
    "invite.created": (
        "<b>สร้างลิงก์เชิญแล้ว</b>\n"
        "บทบาท: {role}\n"
        "หมดอายุ: {expires}\n\n"
        "กรุณาส่งลิงก์นี้ให้ผู้ได้รับเชิญเท่านั้น ลิงก์ใช้ได้ครั้งเดียว\n"
        "{link}\n\n"
        "รหัสเชิญ: <code>{token}</code>"
    ),
    "invite.revoked": "ยกเลิกคำเชิญ #{id} เรียบร้อยแล้ว",
    "invite.revoke_used": ("คำเชิญ #{id} ถูกใช้ไปแล้ว จึงยกเลิกไม่ได้ หากต้องการถอนสิทธิ์ กรุณาใช้คำสั่ง /revoke"),
    "invite.revoke_gone": "คำเชิญ #{id} ถูกยกเลิกไปก่อนแล้ว หรือไม่มีในระบบ",
    # /members
    "members.title": "<b>รายชื่อผู้ใช้งาน</b>",
    "members.nobody": "  – ยังไม่มีผู้ลงทะเบียน",
    "members.unreachable": "⚠️ ติดต่อไม่ได้ตั้งแต่ {since}",
    "members.oversees": "(กำกับดูแล: {codes})",
    "members.oversees_all": "(กำกับดูแลทุกหน่วยงาน)",
    "members.unjoined_title": "<b>หน่วยงานที่ยังไม่มีผู้ลงทะเบียน ({count})</b>",
    "members.all_joined": "ทุกหน่วยงานมีผู้ลงทะเบียนแล้ว",
    "members.no_divisions": "ยังไม่มีหน่วยงานในระบบ กรุณานำเข้าแผนก่อน",
    # /revoke
    "revoke.choose": "<b>ถอนสิทธิ์ผู้ใช้งาน</b>\nกรุณาเลือกบทบาทที่ต้องการถอน",
    "revoke.none": "ยังไม่มีผู้ใช้งานที่ถอนสิทธิ์ได้",
    "revoke.page": "แสดงรายการที่ {first}–{last} จากทั้งหมด {total} รายการ",
    "revoke.prev_button": "« หน้าก่อนหน้า",
    "revoke.next_button": "หน้าถัดไป »",
    "revoke.confirm": (
        "<b>กรุณายืนยันการถอนสิทธิ์</b>\n{name} – {role}\n\nเมื่อถอนแล้ว บุคคลนี้จะใช้งานในบทบาทนี้ไม่ได้อีก"
    ),
    "revoke.yes_button": "ยืนยันถอนสิทธิ์",
    "revoke.back_button": "กลับไปที่รายชื่อ",
    "revoke.done": "ถอนสิทธิ์ {name} – {role} เรียบร้อยแล้ว",
    "revoke.gone_alert": "บทบาทนี้ถูกถอนไปก่อนแล้ว หรือไม่มีในระบบ",
    "revoke.self_alert": (
        "ขออภัย ไม่สามารถถอนสิทธิ์ของตนเองได้ กรุณาให้ผู้ประสานงานหรือผู้ดูแลระบบท่านอื่นดำเนินการ"
    ),
    "revoke.notice": ("แจ้งเพื่อทราบ บทบาท {role} ของท่านถูกถอนแล้ว หากมีข้อสงสัย กรุณาติดต่อผู้ประสานงาน"),
}

EN: dict[str, str] = {
    "auth.stranger": (
        "Hello, and welcome. This bot follows up the integrity and transparency measures "
        "and is open to invited people only.\n\n"
        "If you are a division head or an appointed officer, please ask a coordinator for an "
        "invitation link and tap it to register.\n\n"
        "Thank you."
    ),
    "auth.stranger_alert": (
        "Sorry, this bot is for invited people only. Please ask a coordinator for an "
        "invitation link and tap it to register."
    ),
    "auth.not_allowed": (
        "Sorry, you may not use this command. If you think you should, please contact a "
        "coordinator."
    ),
    "auth.not_allowed_alert": "Sorry, you may not do this. Please contact a coordinator.",
    "auth.stale_alert": (
        "Sorry, this button no longer works. Please start again from a new command."
    ),
    "role.admin": "Administrator",
    "role.coordinator": "Coordinator",
    "role.head": "Division head",
    "role.member": "Delegate",
    "role.supervisor": "Supervisor",
    "role.org_wide": "Organization-wide",
    "enrol.welcome": (
        "You are registered. Thank you.\n\nYour role: {role}\n\nType /help to see what you can use."
    ),
    "enrol.refused_malformed": (
        "Sorry, this invitation link is not valid; it may have been copied incompletely. "
        "Please tap the link in the original message again, or ask a coordinator for a new one."
    ),
    "enrol.refused_unknown": (
        "Sorry, this invitation link is not known. Please check it, or ask a coordinator for "
        "a new one."
    ),
    "enrol.refused_used": (
        "Sorry, this invitation link has already been used; each link works only once. "
        "Please ask a coordinator for a new one."
    ),
    "enrol.refused_expired": (
        "Sorry, this invitation link has expired. Please ask a coordinator for a new one."
    ),
    "enrol.refused_revoked": (
        "Sorry, this invitation link was withdrawn. Please contact a coordinator."
    ),
    "enrol.refused_already": (
        "You already hold this role, so nothing has changed. Type /whoami to see your roles."
    ),
    "enrol.private_only": "Please open the invitation link in a private chat with this bot.",
    "enrol.greeting": (
        "Dear {name},\nWelcome to the integrity and transparency measures follow-up.\n\n"
        "Your roles:\n{roles}\n\nType /help to see what you can use."
    ),
    "whoami.text": "About you\nName: {name}\nTelegram user id: {user_id}\n\nRoles:\n{roles}",
    "whoami.oversees": "Divisions you oversee:\n{divisions}",
    "whoami.oversees_all": "You oversee every division.",
    "menu.help_title": "<b>How to use this bot</b>: the commands you may use",
    "menu.help_footer": "For questions, please contact a coordinator.",
    "invite.choose_division": (
        "<b>Create an invitation link</b>\n"
        "Please choose the division of the person you invite, or “Organization-wide” for "
        "coordinators."
    ),
    "invite.org_wide_button": "Organization-wide (coordinator/administrator)",
    "invite.open_title": "<b>Open invitations</b> (press a button below to withdraw one)",
    "invite.open_line": "#{id} {role} – expires {expires}",
    "invite.none_open": "No open invitations.",
    "invite.more_open": "and {count} more (see them all with: ita-followup invite list)",
    "invite.revoke_button": "Withdraw invitation #{id}",
    "invite.choose_role": (
        "<b>Create an invitation link</b>\nDivision: {division}\n"
        "Please choose the role of the person you invite."
    ),
    "invite.created": (
        "<b>Invitation link created</b>\n"
        "Role: {role}\n"
        "Expires: {expires}\n\n"
        "Send this link to the invited person only; it works once.\n"
        "{link}\n\n"
        "Invitation code: <code>{token}</code>"
    ),
    "invite.revoked": "Invitation #{id} withdrawn.",
    "invite.revoke_used": (
        "Invitation #{id} has been used and cannot be withdrawn. To remove the role, use /revoke."
    ),
    "invite.revoke_gone": "Invitation #{id} was already withdrawn or does not exist.",
    "members.title": "<b>People</b>",
    "members.nobody": "  – nobody has joined yet",
    "members.unreachable": "⚠️ unreachable since {since}",
    "members.oversees": "(oversees {codes})",
    "members.oversees_all": "(oversees every division)",
    "members.unjoined_title": "<b>Divisions nobody has joined yet ({count})</b>",
    "members.all_joined": "Every division has someone registered.",
    "members.no_divisions": "No divisions yet. Please import a plan first.",
    "revoke.choose": "<b>Remove a role</b>\nPlease choose the role to remove.",
    "revoke.none": "Nobody holds a role that could be removed.",
    "revoke.page": "Showing {first}–{last} of {total}.",
    "revoke.prev_button": "« Previous page",
    "revoke.next_button": "Next page »",
    "revoke.confirm": (
        "<b>Please confirm</b>\n{name} – {role}\n\n"
        "Once removed, this person can no longer act in this role."
    ),
    "revoke.yes_button": "Remove the role",
    "revoke.back_button": "Back to the list",
    "revoke.done": "Removed: {name} – {role}.",
    "revoke.gone_alert": "This role was already removed or does not exist.",
    "revoke.self_alert": (
        "Sorry, you cannot remove your own role. Please ask another coordinator or administrator."
    ),
    "revoke.notice": (
        "For your information: your role {role} has been removed. For questions, please "
        "contact a coordinator."
    ),
}
