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
    # /away
    "cmd.away": "แต่งตั้งผู้ปฏิบัติหน้าที่แทนระหว่างที่ท่านไม่อยู่",
    "away.title": "<b>ผู้ปฏิบัติหน้าที่แทน</b>\n{division}",
    "away.choose": (
        "กรุณาเลือกผู้ปฏิบัติหน้าที่แทนจากบุคลากรของหน่วยงาน ระหว่างที่ท่านไม่อยู่ "
        "ผู้ปฏิบัติหน้าที่แทนจะได้รับการแจ้งเตือนแทนท่านและรายงานในนามหน่วยงานได้ "
        "(พิมพ์ /away ตามด้วยวันที่ เช่น /away 24/01/2565 31/01/2565 เพื่อระบุวันเอง)"
    ),
    "away.choose_dated": "กรุณาเลือกผู้ปฏิบัติหน้าที่แทน ตั้งแต่วันที่ {first} ถึง {last}",
    "away.nobody": (
        "หน่วยงานของท่านยังไม่มีบุคลากรอื่นลงทะเบียน กรุณากดปุ่มด้านล่างเพื่อสร้างลิงก์เชิญ "
        "เมื่อผู้ได้รับเชิญลงทะเบียนแล้ว กรุณาพิมพ์ /away อีกครั้ง"
    ),
    "away.ranges": "ที่แต่งตั้งไว้แล้ว:",
    "away.range_line": "• {first} ถึง {last} – {name}",
    "away.btn_person": "👤 มอบหมาย {name}",
    "away.btn_invite": "➕ เชิญบุคลากรใหม่",
    "away.btn_cancel": "ยกเลิก {first}–{last}",
    "away.ask_first": "ผู้ปฏิบัติหน้าที่แทน: {name}\nกรุณาเลือกวันแรกที่ท่านไม่อยู่",
    "away.ask_last": "ผู้ปฏิบัติหน้าที่แทน: {name}\nตั้งแต่วันที่ {first} กรุณาเลือกวันสุดท้ายที่ท่านไม่อยู่",
    "away.set": (
        "แต่งตั้งผู้ปฏิบัติหน้าที่แทนเรียบร้อยแล้ว\n{name} ตั้งแต่วันที่ {first} ถึง {last}\n"
        "ระหว่างนี้ระบบจะส่งการแจ้งเตือนถึงผู้ปฏิบัติหน้าที่แทน และจะสรุปให้ท่านทราบเมื่อสิ้นสุด"
    ),
    "away.cancelled": "ยกเลิกการแต่งตั้งผู้ปฏิบัติหน้าที่แทน วันที่ {first} ถึง {last} แล้ว",
    "away.bad_dates": (
        "ขออภัย รูปแบบวันที่ไม่ถูกต้อง กรุณาพิมพ์ /away วันแรก วันสุดท้าย "
        "เป็น วว/ดด/ปปปป พุทธศักราช เช่น /away 24/01/2565 31/01/2565"
    ),
    "away.refused_heads_only": "ขออภัย การแต่งตั้งผู้ปฏิบัติหน้าที่แทนสงวนไว้สำหรับหัวหน้าหน่วยงาน",
    "away.refused_bad_range": "ขออภัย วันสุดท้ายต้องไม่ก่อนวันแรก และช่วงเวลาต้องไม่เกิน {limit} วัน",
    "away.refused_past": "ขออภัย ไม่สามารถแต่งตั้งย้อนหลังได้ กรุณาเลือกวันนี้หรือวันถัดไป",
    "away.refused_self": "ขออภัย ท่านไม่สามารถเป็นผู้ปฏิบัติหน้าที่แทนตนเองได้",
    "away.refused_other_division": "ขออภัย ผู้ปฏิบัติหน้าที่แทนต้องเป็นบุคลากรของหน่วยงานเดียวกับท่าน",
    "away.refused_overlap": "ขออภัย ช่วงวันที่นี้ซ้อนกับที่ท่านแต่งตั้งไว้แล้ว กรุณายกเลิกรายการเดิมก่อน",
    "away.refused_stand_in_away": "ขออภัย ผู้ที่ท่านเลือกไม่อยู่ในช่วงวันที่นี้เช่นกัน กรุณาเลือกผู้อื่น",
    "away.refused_unknown": "ขออภัย ไม่พบรายการนี้แล้ว กรุณาพิมพ์ /away อีกครั้ง",
    "away.refused_not_yours": "ขออภัย ท่านยกเลิกได้เฉพาะรายการของท่านเอง",
    "away.refused_ended": "รายการนี้สิ้นสุดหรือถูกยกเลิกไปแล้ว",
    # stand-ins: the summary the head gets when the range ends
    "away.summary_title": "<b>สรุประหว่างที่ท่านไม่อยู่</b>\n{division} วันที่ {first} ถึง {last}",
    "away.summary_stand_in": "ผู้ปฏิบัติหน้าที่แทน: {name}",
    "away.summary_held": "ระบบส่งการแจ้งเตือน {count} รายการถึงผู้ปฏิบัติหน้าที่แทนแทนท่าน",
    "away.summary_answers": "รายงานที่หน่วยงานส่งในช่วงนี้ {count} รายการ:",
    "away.summary_answer": "• มาตรการที่ {seq} – {status} โดย {name} เมื่อ {when}",
    "away.summary_no_answers": "ในช่วงนี้หน่วยงานไม่ได้ส่งรายงาน",
    "away.summary_returned": "ผู้ประสานงานขอข้อมูลเพิ่มเติม {count} รายการ",
    "away.summary_owed": "มาตรการที่ยังค้างรายงานในขณะนี้: {seqs} (พิมพ์ /report เพื่อรายงาน)",
    "away.summary_nothing_owed": "ขณะนี้หน่วยงานไม่มีรายงานค้าง",
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
    "cmd.away": "Name a stand-in for the days you are away",
    "away.title": "<b>Stand-in</b>\n{division}",
    "away.choose": (
        "Choose who of your division stands in while you are away: they get your notices and "
        "may answer for the division. (Type /away with the dates, e.g. "
        "/away 24/01/2565 31/01/2565, to give the days yourself.)"
    ),
    "away.choose_dated": "Choose your stand-in from {first} to {last}",
    "away.nobody": (
        "Nobody else of your division has joined yet. Press the button below for an "
        "invitation link; once they have joined, type /away again."
    ),
    "away.ranges": "Already named:",
    "away.range_line": "• {first} to {last} – {name}",
    "away.btn_person": "👤 {name}",
    "away.btn_invite": "➕ Invite someone",
    "away.btn_cancel": "Cancel {first}–{last}",
    "away.ask_first": "Stand-in: {name}\nChoose the first day you are away",
    "away.ask_last": "Stand-in: {name}\nFrom {first}: choose the last day you are away",
    "away.set": (
        "Stand-in named.\n{name} from {first} to {last}\n"
        "Until then your notices go to your stand-in; you get a summary when it ends."
    ),
    "away.cancelled": "The stand-in from {first} to {last} is cancelled.",
    "away.bad_dates": (
        "Sorry, those are not dates. Type /away FIRST LAST as dd/mm/yyyy in the Buddhist "
        "era, e.g. /away 24/01/2565 31/01/2565"
    ),
    "away.refused_heads_only": "Sorry, only division heads name a stand-in.",
    "away.refused_bad_range": (
        "Sorry, the last day cannot come before the first, and a range is at most {limit} days."
    ),
    "away.refused_past": "Sorry, a stand-in cannot be named for past days: start today or later.",
    "away.refused_self": "Sorry, you cannot stand in for yourself.",
    "away.refused_other_division": "Sorry, the stand-in must belong to your division.",
    "away.refused_overlap": (
        "Sorry, these days overlap a stand-in you named already: cancel that one first."
    ),
    "away.refused_stand_in_away": (
        "Sorry, the person you chose is away on some of these days too: choose someone else."
    ),
    "away.refused_unknown": "Sorry, that range is gone. Type /away again.",
    "away.refused_not_yours": "Sorry, you can cancel only your own ranges.",
    "away.refused_ended": "That range has ended or was cancelled already.",
    "away.summary_title": "<b>While you were away</b>\n{division}, {first} to {last}",
    "away.summary_stand_in": "Stand-in: {name}",
    "away.summary_held": "{count} notice(s) went to your stand-in instead of you",
    "away.summary_answers": "The division sent {count} answer(s) in that time:",
    "away.summary_answer": "• Measure {seq} – {status} by {name} on {when}",
    "away.summary_no_answers": "The division sent no answers in that time.",
    "away.summary_returned": "The coordinator asked for more on {count} answer(s)",
    "away.summary_owed": "Still owed now: measure(s) {seqs} (type /report to answer)",
    "away.summary_nothing_owed": "The division owes nothing now.",
}
