"""Texts of reviewing answers: /review, the review card, returns and their notice, the reports."""

from __future__ import annotations

# One icon per review state, the same in both languages (not catalog entries: no words).
REVIEW_ICONS: dict[str, str] = {
    "accepted": "☑️",
    "returned": "↩️",
    "awaiting": "🕒",
}

TH: dict[str, str] = {
    "cmd.review": "รายงานที่รอการตรวจของผู้ประสานงาน",
    # states and the lines that show them
    "review.state.accepted": "รับทราบ/ผ่าน",
    "review.state.returned": "ขอข้อมูลเพิ่มเติม",
    "review.state.awaiting": "รอการตรวจ",
    "review.by": "{state} โดย {name} เมื่อ {when}",
    "review.comment": "ความเห็น: {comment}",
    "review.trail_title": "ประวัติการตรวจ:",
    "review.trail_line": "• {state} โดย {name} เมื่อ {when} (รายงานฉบับวันที่ {answered})",
    "review.counts": (
        "ผลการตรวจ: รับทราบ/ผ่าน {accepted} รายการ ขอข้อมูลเพิ่มเติม {returned} รายการ "
        "รอการตรวจ {awaiting} รายการ"
    ),
    "review.legend": "การตรวจ: {legend}",
    "summary.btn_review_division": "{icon} ตรวจ {code}",
    "summary.btn_review_measure": "{icon} ตรวจ ข้อ {seq}",
    # /review
    "review.queue_title": (
        "<b>รายงานที่รอการตรวจ {total} รายการ</b>\n"
        "เรียงจากรายงานที่ส่งก่อน กรุณากดปุ่มเพื่อเปิดรายงานและบันทึกผลการตรวจ"
    ),
    "review.queue_line": "{n}. {round} มาตรการที่ {seq} {division} – {name} {when}",
    "review.queue_more": "… และอีก {n} รายการ (พิมพ์ /review อีกครั้งเมื่อตรวจรายการข้างต้นแล้ว)",
    "review.queue_empty": "ขณะนี้ไม่มีรายงานที่รอการตรวจ",
    "review.btn_open": "{n}. ข้อ {seq} {code}",
    # the card of one answer
    "review.card_title": "<b>ตรวจรายงาน มาตรการที่ {seq}</b> {title}\n{round}",
    "review.card_until": "หากขอข้อมูลเพิ่มเติม หน่วยงานรายงานใหม่ได้ถึง {when}",
    "review.card_closed": "รอบนี้ไม่รับรายงานแล้ว จึงขอข้อมูลเพิ่มเติมไม่ได้ (บันทึกว่ารับทราบ/ผ่านได้)",
    "review.btn_accept": "☑️ รับทราบ/ผ่าน",
    "review.btn_return": "↩️ ขอข้อมูลเพิ่มเติม",
    "review.btn_queue": "📋 รายงานที่รอการตรวจ",
    "review.btn_next": "ตรวจรายการถัดไป »",
    "review.btn_measure": "« มาตรการที่ {seq} ทุกหน่วยงาน",
    # returning: the comment, then what was done
    "review.ask_comment": (
        "<b>ขอข้อมูลเพิ่มเติม: มาตรการที่ {seq} {division}</b>\n"
        "กรุณาพิมพ์ข้อมูลหรือเอกสารที่ต้องการให้หน่วยงานส่งเพิ่มเติมในข้อความถัดไป "
        "(ไม่เกิน {limit} ตัวอักษร) ระบบจะแจ้งหัวหน้าหน่วยงานและผู้ได้รับมอบหมายพร้อมความเห็นของท่าน "
        "หากไม่ต้องการขอข้อมูลเพิ่มเติม กรุณากดยกเลิก"
    ),
    "review.btn_cancel": "ยกเลิก",
    "review.cancelled": "ยกเลิกการขอข้อมูลเพิ่มเติมแล้ว",
    "review.done_accepted": "บันทึกผลการตรวจแล้ว: มาตรการที่ {seq} {division} – รับทราบ/ผ่าน",
    "review.done_returned": (
        "ขอข้อมูลเพิ่มเติมแล้ว: มาตรการที่ {seq} {division} ระบบจะแจ้งผู้เกี่ยวข้อง {count} คนโดยเร็ว"
    ),
    "review.done_nobody": (
        "ขอข้อมูลเพิ่มเติมแล้ว: มาตรการที่ {seq} {division} แต่หน่วยงานนี้ยังไม่มีผู้ลงทะเบียน กรุณาประสานทางอื่น"
    ),
    "review.left": "รอการตรวจอีก {count} รายการ",
    "review.none_left": "ไม่มีรายงานที่รอการตรวจแล้ว",
    # refusals
    "review.coordinators_only": "ขออภัย การตรวจรายงานสงวนไว้สำหรับผู้ประสานงานและผู้ดูแลระบบ",
    "review.superseded": ("ขออภัย รายงานนี้ถูกแทนที่ด้วยฉบับใหม่แล้ว กรุณาเปิดจาก /review หรือ /summary อีกครั้ง"),
    "review.already_accepted": "รายงานนี้บันทึกว่ารับทราบ/ผ่านแล้ว",
    "review.already_returned": "รายงานนี้ขอข้อมูลเพิ่มเติมไปแล้ว กำลังรอหน่วยงานรายงานใหม่",
    "review.closed": ("ขออภัย รอบนี้ไม่รับรายงานแล้ว จึงขอข้อมูลเพิ่มเติมไม่ได้ ท่านยังบันทึกว่ารับทราบ/ผ่านได้"),
    "review.no_comment": ("ไม่มีรายงานที่รอความเห็นของท่าน (ยกเลิกหรือหมดเวลาแล้ว) กรุณากดขอข้อมูลเพิ่มเติมอีกครั้ง"),
    "review.comment_text": "กรุณาพิมพ์ความเห็นเป็นข้อความ หรือกดยกเลิก",
    "review.comment_long": "ความเห็นยาวเกิน {limit} ตัวอักษร กรุณาพิมพ์ให้สั้นลงแล้วส่งใหม่",
    # the notice to the division, and its measure screen
    "review.notice": (
        "<b>ผู้ประสานงานขอข้อมูลเพิ่มเติม: มาตรการที่ {seq}</b> {title}\n"
        "{division} · {round}\n\n"
        "รายงานของหน่วยงานเมื่อ {answered}: {status}\n{text}\n\n"
        "<b>ความเห็นของผู้ประสานงาน</b> ({reviewer} เมื่อ {when}):\n{comment}\n\n"
        "ขอความอนุเคราะห์รายงานใหม่โดยกดปุ่มด้านล่าง ภายใน {until} "
        "รายงานฉบับใหม่จะแทนที่ฉบับเดิมและส่งให้ผู้ประสานงานตรวจอีกครั้ง"
    ),
    "review.btn_answer": "✏️ รายงานมาตรการที่ {seq} ใหม่",
    "review.screen_returned": (
        "↩️ <b>ผู้ประสานงานขอข้อมูลเพิ่มเติม</b> ({name} เมื่อ {when}):\n{comment}\n"
        "กรุณาเลือกสถานะและรายงานใหม่ รายงานฉบับใหม่จะแทนที่ฉบับเดิม\n\n"
    ),
    "review.screen_accepted": "☑️ ผู้ประสานงานตรวจแล้ว: รับทราบ/ผ่าน ({name} เมื่อ {when})\n\n",
    # report files
    "status.returned": "ขอข้อมูลเพิ่มเติม (ไม่นับรวม)",
    "export.col.review": "ผลการตรวจ",
    "report.review": "ผลการตรวจ: {review}",
    "report.trail_line": (
        "รายงานฉบับวันที่ {answered} ({status}) โดย {name}: {text} – ผลการตรวจ: {review}"
    ),
    "report.period_review_note": (
        "หมายเหตุ: รายงานที่ผู้ประสานงานตรวจแล้ว นับเฉพาะรายงานที่รับทราบ/ผ่าน "
        "รายงานที่ขอข้อมูลเพิ่มเติมไม่นับรวม รายงานที่ยังไม่ได้ตรวจนับตามที่หน่วยงานรายงาน "
        "(รับทราบ/ผ่าน {accepted} รายการ รอการตรวจ {awaiting} รายการ ไม่นับรวม {returned} รายการ)"
    ),
    "report.returned_mark": "(ขอข้อมูลเพิ่มเติม)",
    "report.returned_latest": "รายงาน{round}ถูกขอข้อมูลเพิ่มเติม จึงไม่นับรวม: {comment}",
}

EN: dict[str, str] = {
    "cmd.review": "Answers waiting for a coordinator's review",
    "review.state.accepted": "Accepted",
    "review.state.returned": "Returned for more",
    "review.state.awaiting": "Awaiting review",
    "review.by": "{state} by {name} on {when}",
    "review.comment": "Comment: {comment}",
    "review.trail_title": "Review history:",
    "review.trail_line": "• {state} by {name} on {when} (the answer of {answered})",
    "review.counts": (
        "Review: {accepted} accepted, {returned} returned for more, {awaiting} awaiting review"
    ),
    "review.legend": "Review: {legend}",
    "summary.btn_review_division": "{icon} Review {code}",
    "summary.btn_review_measure": "{icon} Review no. {seq}",
    "review.queue_title": (
        "<b>{total} answers awaiting review</b>\n"
        "Oldest first. Press a button to open an answer and record your review."
    ),
    "review.queue_line": "{n}. {round} measure {seq} {division} – {name} {when}",
    "review.queue_more": "… and {n} more (send /review again once these are done)",
    "review.queue_empty": "No answers are awaiting review.",
    "review.btn_open": "{n}. No. {seq} {code}",
    "review.card_title": "<b>Review: measure {seq}</b> {title}\n{round}",
    "review.card_until": "If returned for more, the division can answer again until {when}",
    "review.card_closed": (
        "This round no longer takes answers, so the answer cannot be returned (it can be accepted)"
    ),
    "review.btn_accept": "☑️ Accept",
    "review.btn_return": "↩️ Return for more",
    "review.btn_queue": "📋 Answers awaiting review",
    "review.btn_next": "Review the next one »",
    "review.btn_measure": "« Measure {seq}, every division",
    "review.ask_comment": (
        "<b>Return for more: measure {seq}, {division}</b>\n"
        "Please type, as your next message, what the division should add (at most {limit} "
        "characters). Its head and delegates will be told, with your comment. If you do not "
        "want to return the answer, press Cancel."
    ),
    "review.btn_cancel": "Cancel",
    "review.cancelled": "The answer was not returned.",
    "review.done_accepted": "Review recorded: measure {seq}, {division} – accepted.",
    "review.done_returned": (
        "Returned for more: measure {seq}, {division}. {count} people will be told shortly."
    ),
    "review.done_nobody": (
        "Returned for more: measure {seq}, {division}, but nobody in that division is enrolled "
        "yet; please contact them another way."
    ),
    "review.left": "{count} answers still await review.",
    "review.none_left": "No answers await review any more.",
    "review.coordinators_only": "Sorry, only coordinators and admins review answers.",
    "review.superseded": (
        "Sorry, a newer answer has replaced this one. Please open it again from /review or "
        "/summary."
    ),
    "review.already_accepted": "This answer is already accepted.",
    "review.already_returned": (
        "This answer was already returned for more; the division's new answer is awaited."
    ),
    "review.closed": (
        "Sorry, this round no longer takes answers, so the answer cannot be returned for more. "
        "You can still accept it."
    ),
    "review.no_comment": (
        "No answer is waiting for your comment (it was cancelled or timed out). Please press "
        "Return for more again."
    ),
    "review.comment_text": "Please type your comment as text, or press Cancel.",
    "review.comment_long": "The comment is longer than {limit} characters; please shorten it.",
    "review.notice": (
        "<b>A coordinator asks for more: measure {seq}</b> {title}\n"
        "{division} · {round}\n\n"
        "Your division's answer of {answered}: {status}\n{text}\n\n"
        "<b>The coordinator's comment</b> ({reviewer}, {when}):\n{comment}\n\n"
        "Please answer again with the button below, by {until}. The new answer replaces the "
        "old one and goes back to the coordinators for review."
    ),
    "review.btn_answer": "✏️ Answer measure {seq} again",
    "review.screen_returned": (
        "↩️ <b>A coordinator asks for more</b> ({name}, {when}):\n{comment}\n"
        "Please choose a status and answer again; the new answer replaces the old one.\n\n"
    ),
    "review.screen_accepted": "☑️ Reviewed by a coordinator: accepted ({name}, {when})\n\n",
    "status.returned": "Returned for more (not counted)",
    "export.col.review": "Review",
    "report.review": "Review: {review}",
    "report.trail_line": "The answer of {answered} ({status}) by {name}: {text} – review: {review}",
    "report.period_review_note": (
        "Note: of the answers coordinators reviewed, only accepted ones count; answers returned "
        "for more are not counted; answers not yet reviewed count as the divisions gave them "
        "({accepted} accepted, {awaiting} awaiting review, {returned} not counted)."
    ),
    "report.returned_mark": "(returned for more)",
    "report.returned_latest": "The answer {round} was returned for more, so not counted: {comment}",
}
