"""Texts of moving a meeting: the /meetings move flow, and the "meeting moved" notice.

Thai: formal, polite written register, no gendered end particle. Values marked {…} that come
from the database are HTML-escaped by the caller; the templates themselves are HTML.
"""

TH: dict[str, str] = {
    # The notice to the divisions already prompted (a delivery of kind `moved`).
    "rounds.moved_owed": (
        "<b>แจ้งเปลี่ยนวันประชุม: {title}</b>\n"
        "เปลี่ยนเป็นวันที่ {when}\n\n"
        "ขอเรียนแจ้ง{division}ว่า การประชุมได้เปลี่ยนเป็นวันที่ {when} "
        "กำหนดรายงานผลจึงเปลี่ยนตามวันประชุมใหม่\n\n"
        "มาตรการที่ยังไม่ได้รายงาน ({left}):\n{measures}\n\n"
        "กรุณาเลือกมาตรการด้านล่างเพื่อรายงานผล ก่อนการประชุมวันที่ {when}"
    ),
    "rounds.moved_done": (
        "<b>แจ้งเปลี่ยนวันประชุม: {title}</b>\n"
        "เปลี่ยนเป็นวันที่ {when}\n\n"
        "ขอเรียนแจ้ง{division}ว่า การประชุมได้เปลี่ยนเป็นวันที่ {when} "
        "ขอขอบคุณที่รายงานผลครบทุกมาตรการแล้ว หากต้องการแก้ไขรายงาน "
        "สามารถดำเนินการได้ก่อนการประชุม"
    ),
    # The move flow (coordinators and admins).
    "move.hint": "หากต้องการเปลี่ยนวันประชุม กรุณาเลือกเดือนด้านล่าง",
    "move.pick_day": (
        "<b>เลือกวันประชุมใหม่: {meeting}</b>\n"
        "กำหนดเดิม: {when}\n\n"
        "• คือวันประชุมเดิม และ * คือวันหยุดสุดสัปดาห์หรือวันหยุดราชการ"
    ),
    "move.weekdays": "จ อ พ พฤ ศ ส อา",
    "move.pick_time": "<b>เลือกเวลาประชุม</b>\nวันที่ {day}",
    "move.time_button": "{time} น.",
    "move.confirm": (
        "<b>ยืนยันการเปลี่ยนวันประชุม</b>\n{meeting}\n"
        "จากวันที่ {was}\nเป็นวันที่ {when}{warnings}\n\n"
        "เมื่อยืนยันแล้ว หน่วยงานที่ได้รับแจ้งให้รายงานผลแล้วจะได้รับแจ้งวันประชุมใหม่ "
        "และการแจ้งเตือนจะเปลี่ยนตามวันประชุมใหม่"
    ),
    "move.warn_weekend": "\n⚠️ วันที่เลือกตรงกับวันหยุดสุดสัปดาห์",
    "move.warn_holiday": "\n⚠️ วันที่เลือกตรงกับวันหยุด: {holiday}",
    "move.yes": "✅ ยืนยัน",
    "move.back": "◀️ เลือกวันใหม่",
    "move.cancel": "✖️ ยกเลิก",
    "move.done": "✅ เปลี่ยนวันประชุมเป็นวันที่ {when} เรียบร้อยแล้ว{notified}",
    "move.notified": "\nได้แจ้งวันประชุมใหม่ไปยังผู้ที่ได้รับแจ้งให้รายงานผลแล้ว {n} ราย",
    "move.cancelled": "ยกเลิกการเปลี่ยนวันประชุมแล้ว วันประชุมยังคงเดิม",
    # Refusals of the move flow.
    "move.bad": "ขออภัย ข้อมูลวันหรือเวลาไม่ถูกต้อง กรุณาเริ่มใหม่จากคำสั่ง /meetings",
    "move.outside": "ขออภัย เดือนนี้ไม่มีการประชุมตามแผน กรุณาเริ่มใหม่จากคำสั่ง /meetings",
    "move.held": "ขออภัย การประชุมของเดือนนี้เริ่มไปแล้ว จึงไม่สามารถเปลี่ยนวันได้",
    "move.past": ("ขออภัย ไม่สามารถเปลี่ยนการประชุมไปเป็นวันเวลาที่ผ่านมาแล้วได้ กรุณาเลือกวันเวลาใหม่"),
}

EN: dict[str, str] = {
    "rounds.moved_owed": (
        "<b>Meeting moved: {title}</b>\n"
        "now on {when}\n\n"
        "{division}: the meeting has moved to {when}, and the reports are now due before it.\n\n"
        "Measures not yet reported ({left}):\n{measures}\n\n"
        "Please choose a measure below and report before the meeting on {when}."
    ),
    "rounds.moved_done": (
        "<b>Meeting moved: {title}</b>\n"
        "now on {when}\n\n"
        "{division}: the meeting has moved to {when}. Thank you for reporting on every "
        "measure already; you may still change a report before the meeting."
    ),
    "move.hint": "To move a meeting, choose its month below.",
    "move.pick_day": (
        "<b>Choose the new day: {meeting}</b>\n"
        "Now: {when}\n\n"
        "• marks the current day; * marks a weekend or a holiday"
    ),
    "move.weekdays": "Mo Tu We Th Fr Sa Su",
    "move.pick_time": "<b>Choose the time</b>\non {day}",
    "move.time_button": "{time}",
    "move.confirm": (
        "<b>Move the meeting?</b>\n{meeting}\n"
        "from {was}\nto {when}{warnings}\n\n"
        "Once confirmed, the divisions already asked to report are told the new date, "
        "and the reminders follow it."
    ),
    "move.warn_weekend": "\n⚠️ The day is on a weekend",
    "move.warn_holiday": "\n⚠️ The day is a holiday: {holiday}",
    "move.yes": "✅ Confirm",
    "move.back": "◀️ Another day",
    "move.cancel": "✖️ Cancel",
    "move.done": "✅ The meeting is now on {when}.{notified}",
    "move.notified": "\n{n} people already asked to report are told the new date.",
    "move.cancelled": "Cancelled: the meeting stays as it was.",
    "move.bad": "Sorry, that day or time is not valid. Please start again from /meetings.",
    "move.outside": "Sorry, the plan has no meeting that month. Please start again from /meetings.",
    "move.held": "Sorry, this month's meeting has already started: it cannot be moved.",
    "move.past": (
        "Sorry, a meeting cannot be moved into the past. Please choose another day or time."
    ),
}
