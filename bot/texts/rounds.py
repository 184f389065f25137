"""Texts of the rounds: prompts, reminders, quarterly requests, digests, nudges, /meetings.

Thai: formal, polite written register, no gendered end particle. Values marked {…} that come
from the database are HTML-escaped by the caller; the templates themselves are HTML.
"""

TH: dict[str, str] = {
    "rounds.greeting": "เรียน {name}",
    "rounds.prompt": (
        "<b>{title}</b>\n"
        "วันที่ {when}\n\n"
        "ขอความอนุเคราะห์{division}รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรม"
        "และความโปร่งใส เพื่อนำเสนอในที่ประชุม\n\n"
        "มาตรการที่ขอให้รายงาน:\n{measures}\n\n"
        "กรุณาเลือกมาตรการด้านล่างเพื่อรายงานผล ก่อนการประชุมวันที่ {when}"
    ),
    "rounds.reminder": (
        "<b>ขอเรียนเตือน: {title}</b>\n"
        "วันที่ {when}\n\n"
        "{division}ยังรายงานผลการดำเนินการไม่ครบ "
        "คงเหลือ {left} มาตรการ:\n{measures}\n\n"
        "ขอความอนุเคราะห์รายงานผลก่อนการประชุม กรุณาเลือกมาตรการด้านล่าง"
    ),
    "rounds.request": (
        "<b>การติดตามและประเมินผล{quarter}</b>\n"
        "({range})\n\n"
        "ขอความอนุเคราะห์{division}รายงานผลการติดตามและประเมินผลประจำไตรมาส ดังนี้\n"
        "1. สถานะการดำเนินการตามแผน\n"
        "2. การดำเนินการต่อความเสี่ยงแต่ละด้าน\n"
        "3. สิ่งที่ยังต้องดำเนินการต่อไป\n"
        "4. แนบเอกสารผลการประเมินเป็นหลักฐาน\n\n"
        "มาตรการที่ขอให้รายงาน:\n{measures}\n\n"
        "กรุณาเลือกมาตรการด้านล่างเพื่อรายงานผล ภายในวันที่ {when}"
    ),
    "rounds.quarter_reminder": (
        "<b>ขอเรียนเตือน: การติดตามและประเมินผล{quarter}</b>\n"
        "({range})\n\n"
        "{division}ยังรายงานผลไม่ครบ คงเหลือ {left} มาตรการ:\n{measures}\n\n"
        "ขอความอนุเคราะห์รายงานผลพร้อมแนบเอกสารผลการประเมิน ภายในวันที่ {when} "
        "กรุณาเลือกมาตรการด้านล่าง"
    ),
    "rounds.nudge": (
        "<b>ผู้ประสานงานขอความอนุเคราะห์ติดตามการรายงานผล</b>\n"
        "{round}\n\n"
        "{division}ยังรายงานผลไม่ครบ คงเหลือ {left} มาตรการ:\n{measures}\n\n"
        "กรุณาเลือกมาตรการด้านล่างเพื่อรายงานผล ภายในวันที่ {when}"
    ),
    "rounds.measure_line": "• มาตรการที่ {seq} {title}",
    "rounds.measure_line_done": "✅ มาตรการที่ {seq} {title}",
    "rounds.month_round": "รอบรายงานประจำเดือน{month}",
    "rounds.digest_monthly": (
        "<b>สรุปผลการรายงานก่อน{title}</b>\nวันที่ {when}\nรายงานครบแล้ว {done} จาก {total} หน่วยงาน"
    ),
    "rounds.digest_quarterly": (
        "<b>สรุปการติดตามและประเมินผล{quarter}</b>\n"
        "({range}) ครบกำหนดวันที่ {when}\n"
        "รายงานครบแล้ว {done} จาก {total} หน่วยงาน"
    ),
    "rounds.digest_done": "✅ {division} รายงานครบแล้ว",
    "rounds.digest_missing": "⏳ {division}: ยังไม่รายงานมาตรการที่ {seqs}",
    "rounds.digest_unreachable": "    ⚠️ ติดต่อไม่ได้ (อาจบล็อกบอต): {names}",
    "rounds.digest_nobody": "    ⚠️ ยังไม่มีผู้ลงทะเบียนของหน่วยงานนี้",
    "rounds.digest_cut": "… (ข้อความยาวเกินกำหนด กรุณาดูสรุปฉบับเต็มในระบบ)",
    "rounds.meetings_title": "<b>กำหนดการ{meeting}</b>",
    "rounds.meetings_line": "• เดือน{month}: {when}{flags}",
    "rounds.meetings_manual": " (กำหนดโดยผู้ประสานงาน)",
    "rounds.meetings_weekend": " ⚠️ ตรงกับวันหยุดสุดสัปดาห์",
    "rounds.meetings_holiday": " ⚠️ ตรงกับวันหยุด: {holiday}",
    "rounds.meetings_none": "ยังไม่มีแผนหรือกำหนดการประชุมในระบบ",
}

EN: dict[str, str] = {
    "rounds.greeting": "Dear {name}",
    "rounds.prompt": (
        "<b>{title}</b>\n"
        "on {when}\n\n"
        "{division}: please report progress on the integrity and transparency measures, "
        "to be presented at the meeting.\n\n"
        "Measures to report:\n{measures}\n\n"
        "Please choose a measure below and report before the meeting on {when}."
    ),
    "rounds.reminder": (
        "<b>Reminder: {title}</b>\n"
        "on {when}\n\n"
        "{division} has not yet reported everything; "
        "{left} measure(s) left:\n{measures}\n\n"
        "Please report before the meeting: choose a measure below."
    ),
    "rounds.request": (
        "<b>Follow-up and evaluation, {quarter}</b>\n"
        "({range})\n\n"
        "{division}: please report the quarter's follow-up and evaluation:\n"
        "1. the status of the plan\n"
        "2. what was done about each risk\n"
        "3. what is left to do\n"
        "4. the evaluation document, attached as evidence\n\n"
        "Measures to report:\n{measures}\n\n"
        "Please choose a measure below and report by {when}."
    ),
    "rounds.quarter_reminder": (
        "<b>Reminder: follow-up and evaluation, {quarter}</b>\n"
        "({range})\n\n"
        "{division} has not yet reported everything; {left} measure(s) left:\n{measures}\n\n"
        "Please report, with the evaluation document, by {when}: choose a measure below."
    ),
    "rounds.nudge": (
        "<b>A coordinator asks for your report</b>\n"
        "{round}\n\n"
        "{division} has not yet reported everything; {left} measure(s) left:\n{measures}\n\n"
        "Please choose a measure below and report by {when}."
    ),
    "rounds.measure_line": "• Measure {seq} {title}",
    "rounds.measure_line_done": "✅ Measure {seq} {title}",
    "rounds.month_round": "Monthly round {month}",
    "rounds.digest_monthly": (
        "<b>Before the meeting: {title}</b>\n"
        "on {when}\n"
        "{done} of {total} divisions have reported everything"
    ),
    "rounds.digest_quarterly": (
        "<b>Follow-up and evaluation, {quarter}</b>\n"
        "({range}) due {when}\n"
        "{done} of {total} divisions have reported everything"
    ),
    "rounds.digest_done": "✅ {division}: all reported",
    "rounds.digest_missing": "⏳ {division}: measures {seqs} not reported",
    "rounds.digest_unreachable": "    ⚠️ Unreachable (may have blocked the bot): {names}",
    "rounds.digest_nobody": "    ⚠️ Nobody of this division is enrolled yet",
    "rounds.digest_cut": "… (too long for one message; see the full summary in the bot)",
    "rounds.meetings_title": "<b>{meeting}: dates</b>",
    "rounds.meetings_line": "• {month}: {when}{flags}",
    "rounds.meetings_manual": " (set by a coordinator)",
    "rounds.meetings_weekend": " ⚠️ falls on a weekend",
    "rounds.meetings_holiday": " ⚠️ falls on a holiday: {holiday}",
    "rounds.meetings_none": "No plan or meeting dates yet.",
}
