"""Texts of the answer flow: the measure screen, statuses, drafts, confirmation, refusals."""

TH: dict[str, str] = {
    "round.monthly": "รอบรายงานประจำเดือน{month} (ประชุมวันที่ {meeting})",
    "round.quarterly": "รอบประเมินผล{quarter} ({range})",
    "answer.screen": (
        "<b>มาตรการที่ {seq}</b> {title}\n"
        "<i>{round}</i>\n"
        "หน่วยงาน: {division}\n\n"
        "<b>วิธีดำเนินการ</b>\n{actions}\n\n"
        "{previous}{current}{late}"
        "กรุณาเลือกสถานะการดำเนินการ"
    ),
    "answer.previous": "<b>รายงานรอบก่อน</b> ({when}): {status}\n{text}\n\n",
    "answer.no_previous": "ยังไม่มีรายงานในรอบก่อน\n\n",
    "answer.current": "<b>รายงานล่าสุดของรอบนี้</b> โดย {who} เมื่อ {when}: {status}\n{text}\n\n",
    "answer.ask_text": (
        "สถานะ: {status}\n\n"
        "กรุณาพิมพ์สรุปผลการดำเนินการของมาตรการที่ {seq} "
        "(ส่งได้หลายข้อความ หรือส่งรูปภาพ/เอกสารพร้อมคำอธิบาย)"
    ),
    "answer.ask_evidence": (
        "{preview}\n\n"
        "ท่านสามารถแนบหลักฐานเพิ่มเติมได้ (รูปภาพ เอกสาร หรือลิงก์) "
        "หรือพิมพ์ข้อความเพิ่มเติม จากนั้นกด «ยืนยันส่งรายงาน»"
    ),
    "answer.ask_carry": (
        "{preview}\n\nยืนยันรายงานว่าไม่มีความเปลี่ยนแปลงจากรอบก่อน โดยใช้ผลการดำเนินการข้างต้นหรือไม่"
    ),
    "answer.preview": (
        "<b>มาตรการที่ {seq}</b> – {division}\nสถานะ: {status}\nผลการดำเนินการ: {text}\n"
        "หลักฐาน: {evidence} รายการ"
    ),
    "answer.saved": "✅ บันทึกรายงานมาตรการที่ {seq} ของ{division}เรียบร้อยแล้ว ขอบคุณ",
    "answer.saved_late": (
        "✅ บันทึกรายงานมาตรการที่ {seq} ของ{division}แล้ว "
        "โดยระบบบันทึกเป็นรายงานล่าช้า เนื่องจากส่งหลังการประชุม ขอบคุณ"
    ),
    "answer.all_done": "หน่วยงานของท่านรายงานครบทุกมาตรการของรอบนี้แล้ว ขอบคุณ",
    "answer.remaining": "มาตรการที่ยังต้องรายงาน ({division}):",
    "answer.owed_header": "<b>{round}</b>\n{division}: รายงานแล้ว {done} จาก {total} มาตรการ",
    "answer.nothing_owed": "ขณะนี้ไม่มีมาตรการที่ต้องรายงาน ขอบคุณ",
    "answer.owed_late_only": "⏰ รอบนี้ปิดแล้ว รับเฉพาะรายงานล่าช้าถึง {until}",
    "answer.owed_returned": (
        "↩️ ผู้ประสานงานขอข้อมูลเพิ่มเติม {count} มาตรการ กรุณากดเพื่ออ่านความเห็นและรายงานเพิ่มเติม"
    ),
    "answer.draft_pending": "ท่านมีรายงานที่ยังไม่เสร็จสำหรับมาตรการที่ {seq} ({division})",
    "answer.cancelled": "ยกเลิกรายงานที่ยังไม่เสร็จเรียบร้อยแล้ว",
    "answer.nothing_to_cancel": "ไม่มีรายงานที่ยังไม่เสร็จให้ยกเลิก",
    "answer.evidence_added": "รับหลักฐานแล้ว (รวม {count} รายการ)",
    "refuse.no_draft": "กรุณาพิมพ์ /report เพื่อเลือกมาตรการที่ต้องการรายงาน",
    "answer.late_notice": "หมายเหตุ: รอบนี้ปิดแล้ว รายงานที่ส่งตอนนี้จะบันทึกเป็นรายงานล่าช้า",
    "kb.confirm": "✅ ยืนยันส่งรายงาน",
    "kb.cancel": "ยกเลิก",
    "refuse.edit_unknown": (
        "ขออภัย ไม่สามารถแก้ไขข้อความนี้ในรายงานที่กำลังเขียนได้ "
        "กรุณาส่งข้อความที่ถูกต้องเพิ่มเติม หรือกด «ล้างข้อความและหลักฐาน» เพื่อเริ่มใหม่"
    ),
    "answer.edit_applied": "แก้ไขข้อความในรายงานที่กำลังเขียนตามที่ท่านแก้ไขแล้ว",
    "answer.carry_ignores": (
        "รายงานนี้ใช้ผลการดำเนินการของรอบก่อนตามเดิม ข้อความหรือไฟล์ที่ส่งมาจึงยังไม่ถูกบันทึก "
        "หากต้องการรายงานใหม่ กรุณากด «ยกเลิก» แล้วเลือกสถานะการดำเนินการ"
    ),
    "kb.start_over": "🗑 ล้างข้อความและหลักฐาน แล้วเริ่มเขียนใหม่",
    "kb.start_over_yes": "ยืนยัน ล้างและเริ่มใหม่",
    "kb.start_over_no": "ไม่ล้าง กลับไปที่รายงาน",
    "answer.start_over_ask": (
        "ต้องการล้างข้อความและหลักฐานทั้งหมดที่ส่งไว้สำหรับมาตรการที่ {seq} หรือไม่ "
        "(สถานะที่เลือกไว้ยังคงเดิม และไม่สามารถกู้คืนได้)"
    ),
    "kb.no_change": "↩️ ไม่มีความเปลี่ยนแปลงจากรอบก่อน",
    "kb.back": "« รายการมาตรการ",
    "refuse.bad_button": "ขออภัย ปุ่มนี้ไม่ถูกต้องหรือหมดอายุแล้ว กรุณาพิมพ์ /report",
    "refuse.not_your_division": "ขออภัย ท่านไม่มีสิทธิ์รายงานในนามของหน่วยงานนี้",
    "refuse.round_closed": "ขออภัย รอบการรายงานนี้ปิดรับแล้ว",
    "refuse.not_enrolled": ("ขออภัย ท่านยังไม่ได้ลงทะเบียนใช้งาน กรุณาใช้ลิงก์เชิญที่ได้รับจากผู้ประสานงาน"),
    "refuse.text_too_long": ("ขออภัย ข้อความยาวเกินกว่าที่ระบบรับได้ ({limit} ตัวอักษร) กรุณาสรุปให้สั้นลง"),
    "refuse.too_much_evidence": "ขออภัย แนบหลักฐานได้ไม่เกิน {limit} รายการต่อรายงาน",
    "refuse.file_too_big": (
        "ขออภัย ไฟล์มีขนาดเกิน {limit} MB ซึ่งระบบไม่สามารถรับได้ กรุณาส่งเป็นลิงก์แทน (เช่น ลิงก์ Google Drive)"
    ),
    "refuse.unsupported": ("ขออภัย ระบบรับได้เฉพาะข้อความ รูปภาพ เอกสาร และลิงก์ กรุณาพิมพ์เป็นข้อความ"),
    "refuse.file_type": (
        "ขออภัย ระบบรับหลักฐานได้เฉพาะรูปภาพ ไฟล์ PDF ไฟล์ Word/Excel/PowerPoint หรือ OpenDocument "
        "ไฟล์ข้อความ วิดีโอ และข้อความเสียง กรุณาแปลงไฟล์เป็น PDF หรือส่งเป็นลิงก์แทน"
    ),
    "refuse.no_draft_evidence": ("ขออภัย กรุณาเลือกมาตรการและสถานะก่อนแนบหลักฐาน โดยพิมพ์ /report"),
    "refuse.no_status": "กรุณาเลือกสถานะการดำเนินการก่อน",
    "refuse.bad_status": "ขออภัย สถานะนี้ไม่ถูกต้อง กรุณาเลือกจากปุ่มที่กำหนด",
    "answer.finish_first": (
        "ท่านยังมีรายงานมาตรการที่ {seq} ({division}) ที่ยังไม่เสร็จ "
        "กรุณายืนยันส่งหรือยกเลิกรายงานนั้นก่อนเริ่มรายงานมาตรการอื่น"
    ),
    "answer.draft_expired": (
        "รายงานมาตรการที่ {seq} ที่ท่านยังทำไม่เสร็จถูกยกเลิกแล้ว เนื่องจากรอบการรายงานปิดรับแล้ว"
    ),
    "refuse.no_text": "กรุณาพิมพ์สรุปผลการดำเนินการก่อนยืนยัน",
    "refuse.stale_draft": "ขออภัย รายงานนี้ไม่อยู่ในขั้นตอนที่ยืนยันได้ กรุณาพิมพ์ /report",
}

EN: dict[str, str] = {
    "round.monthly": "Monthly round {month} (meeting on {meeting})",
    "round.quarterly": "Evaluation {quarter} ({range})",
    "answer.screen": (
        "<b>Measure {seq}</b> {title}\n"
        "<i>{round}</i>\n"
        "Division: {division}\n\n"
        "<b>Actions</b>\n{actions}\n\n"
        "{previous}{current}{late}"
        "Please choose the status."
    ),
    "answer.previous": "<b>Last round's answer</b> ({when}): {status}\n{text}\n\n",
    "answer.no_previous": "No answer in the previous round.\n\n",
    "answer.current": "<b>Latest answer this round</b> by {who} on {when}: {status}\n{text}\n\n",
    "answer.ask_text": (
        "Status: {status}\n\n"
        "Please write what was done for measure {seq} "
        "(several messages are fine, or send a photo/document with a caption)."
    ),
    "answer.ask_evidence": (
        "{preview}\n\n"
        "You may attach evidence (photos, documents or links) or add more text, "
        "then press “Confirm”."
    ),
    "answer.ask_carry": "{preview}\n\nConfirm that nothing changed since the last round?",
    "answer.preview": (
        "<b>Measure {seq}</b> – {division}\nStatus: {status}\nWhat was done: {text}\n"
        "Evidence: {evidence} item(s)"
    ),
    "answer.saved": "✅ The answer for measure {seq} ({division}) is saved. Thank you.",
    "answer.saved_late": (
        "✅ The answer for measure {seq} ({division}) is saved and marked late, "
        "as it came after the meeting. Thank you."
    ),
    "answer.all_done": "Your division has answered every measure of this round. Thank you.",
    "answer.remaining": "Measures still to answer ({division}):",
    "answer.owed_header": "<b>{round}</b>\n{division}: {done} of {total} measures answered",
    "answer.nothing_owed": "There is nothing to report at the moment. Thank you.",
    "answer.owed_late_only": "⏰ This round has closed: late answers only, until {until}",
    "answer.owed_returned": (
        "↩️ A coordinator asks for more on {count} measure(s); tap one to read the comment "
        "and add to it"
    ),
    "answer.draft_pending": "You have an unfinished answer for measure {seq} ({division}).",
    "answer.cancelled": "The unfinished answer was dropped.",
    "answer.nothing_to_cancel": "There is no unfinished answer to drop.",
    "answer.evidence_added": "Evidence received ({count} item(s) in all).",
    "refuse.no_draft": "Please type /report to choose the measure to answer.",
    "answer.late_notice": "Note: this round has closed; an answer now is recorded as late.",
    "kb.confirm": "✅ Confirm",
    "kb.cancel": "Cancel",
    "refuse.edit_unknown": (
        "Sorry, this message cannot be changed in the answer being written. Please send the "
        "correction as a new message, or press «Clear text and evidence» to start again."
    ),
    "answer.edit_applied": "The answer being written now has your edited text.",
    "answer.carry_ignores": (
        "This answer repeats last round's as it is, so what you sent was not added. "
        "To write a new answer, press «Cancel» and choose a status."
    ),
    "kb.start_over": "🗑 Clear text and evidence, start again",
    "kb.start_over_yes": "Yes, clear and start again",
    "kb.start_over_no": "No, back to the answer",
    "answer.start_over_ask": (
        "Clear all the text and evidence given for measure {seq}? "
        "(The chosen status stays; this cannot be undone.)"
    ),
    "kb.no_change": "↩️ No change since last round",
    "kb.back": "« Measures",
    "refuse.bad_button": "Sorry, this button is not valid or has expired. Please type /report.",
    "refuse.not_your_division": "Sorry, you may not answer for this division.",
    "refuse.round_closed": "Sorry, this round no longer takes answers.",
    "refuse.not_enrolled": (
        "Sorry, you are not registered. Please use the invitation link from your coordinator."
    ),
    "refuse.text_too_long": "Sorry, the text is too long (limit {limit} characters).",
    "refuse.too_much_evidence": "Sorry, at most {limit} pieces of evidence per answer.",
    "refuse.file_too_big": (
        "Sorry, the file is larger than {limit} MB, which the bot cannot receive. "
        "Please send a link instead."
    ),
    "refuse.unsupported": (
        "Sorry, only text, photos, documents and links are accepted. Please write text."
    ),
    "refuse.file_type": (
        "Sorry, evidence can be pictures, PDF, Word/Excel/PowerPoint or OpenDocument files, "
        "plain text, video or voice notes. Please convert the file to PDF or send a link."
    ),
    "refuse.no_draft_evidence": ("Sorry, please choose a measure and status first: type /report."),
    "refuse.no_status": "Please choose the status first.",
    "refuse.bad_status": "Sorry, that status is not valid. Please use the buttons.",
    "answer.finish_first": (
        "You have an unfinished answer for measure {seq} ({division}). "
        "Please confirm or cancel it before answering another measure."
    ),
    "answer.draft_expired": (
        "Your unfinished answer for measure {seq} was dropped: the round no longer takes answers."
    ),
    "refuse.no_text": "Please write what was done before confirming.",
    "refuse.stale_draft": "Sorry, this answer cannot be confirmed now. Please type /report.",
}
