"""Texts of escalation (supervisors told of silent divisions) and stand-ins (/away)."""

from __future__ import annotations

TH: dict[str, str] = {
    # escalation: one notice per supervisor per round
    "escalation.title": "<b>หน่วยงานในความกำกับดูแลที่ยังรายงานไม่ครบ</b>\n{round}",
    "escalation.intro_monthly": (
        "หน่วยงานต่อไปนี้ยังรายงานผลการดำเนินงานไม่ครบ ก่อนการประชุมในวันที่ {when} "
        "ระบบได้แจ้งเตือนหน่วยงานแล้วตามรายละเอียดด้านล่าง จึงเรียนมาเพื่อโปรดทราบและพิจารณา"
    ),
    "escalation.intro_quarterly": (
        "หน่วยงานต่อไปนี้ยังรายงานผลการดำเนินงานไม่ครบ ก่อนปิดรับรายงานในวันที่ {when} "
        "ระบบได้แจ้งเตือนหน่วยงานแล้วตามรายละเอียดด้านล่าง จึงเรียนมาเพื่อโปรดทราบและพิจารณา"
    ),
    "escalation.division": "<b>{name}</b> รายงานแล้ว {answered}/{owed}\nมาตรการที่ค้าง: {measures}",
    "escalation.reminded": "• แจ้ง {name} แล้ว เมื่อ {when}",
    "escalation.nobody_reminded": "• ยังไม่มีผู้ใดได้รับการแจ้งเตือน (ไม่มีผู้ลงทะเบียนหรือติดต่อไม่ได้)",
    "escalation.footer": "ท่านสามารถกดปุ่มด้านล่างเพื่อแจ้งเตือนหน่วยงานอีกครั้งได้ทันที",
}

EN: dict[str, str] = {
    "escalation.title": "<b>Divisions you oversee that have not fully reported</b>\n{round}",
    "escalation.intro_monthly": (
        "These divisions still owe answers before the meeting on {when}. The bot has reminded "
        "them as shown below; this is for your information and attention."
    ),
    "escalation.intro_quarterly": (
        "These divisions still owe answers before the round closes on {when}. The bot has "
        "reminded them as shown below; this is for your information and attention."
    ),
    "escalation.division": "<b>{name}</b> answered {answered}/{owed}\nStill owed: {measures}",
    "escalation.reminded": "• {name} was reminded on {when}",
    "escalation.nobody_reminded": "• Nobody has been reminded yet (nobody enrolled or reachable)",
    "escalation.footer": "You can remind a division again now with the buttons below.",
}
