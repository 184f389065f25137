"""Thai texts (the default). Formal, polite written register; no gendered end particle."""

MESSAGES: dict[str, str] = {
    # Command menu descriptions (at most 256 characters each).
    "cmd.start": "เริ่มต้นใช้งาน",
    "cmd.help": "วิธีใช้งาน",
    "cmd.whoami": "ดูข้อมูลและบทบาทของท่าน",
    "cmd.report": "รายงานความก้าวหน้าของมาตรการ",
    "cmd.cancel": "ยกเลิกรายการที่กำลังทำอยู่",
    "cmd.summary": "สรุปผลการรายงานรอบปัจจุบัน",
    "cmd.missing": "หน่วยงานที่ยังรายงานไม่ครบ",
    "cmd.history": "ประวัติสถานะรายรอบของมาตรการหรือหน่วยงาน",
    "cmd.export": "ส่งออกรายงานเป็นไฟล์",
    "cmd.meetings": "กำหนดการประชุม",
    "cmd.members": "รายชื่อผู้ใช้งานของแต่ละหน่วยงาน",
    "cmd.invite": "สร้างลิงก์เชิญผู้ใช้งาน",
    "cmd.revoke": "ถอนสิทธิ์ผู้ใช้งาน",
    # Strangers get auth.stranger (bot/texts/enrol.py); /help is built from bot/menus.py.
    "throttle.slow_down": "ท่านส่งข้อความถี่เกินไป กรุณารอสักครู่แล้วส่งใหม่อีกครั้ง ขอบคุณ",
    "error.generic": "ขออภัย ระบบขัดข้องชั่วคราว กรุณาลองใหม่อีกครั้งในภายหลัง",
    "unknown.command": "ขออภัย ไม่พบคำสั่งนี้ กรุณาพิมพ์ /help เพื่อดูคำสั่งที่ใช้ได้",
    "plan.responsible_all": "ทุกหน่วยงาน",
    "kb.measure": "{icon} มาตรการที่ {seq} {title}",
    "language.set": "ระบบจะแสดงข้อความถึงท่านเป็นภาษาไทย (พิมพ์ /language เพื่อเปลี่ยนเป็นภาษาอังกฤษ)",
    "cmd.language": "เปลี่ยนภาษา ไทย/อังกฤษ",
    "auth.private_only": "ขออภัย กรุณาใช้งานบอตนี้ในแชตส่วนตัวกับบอตเท่านั้น เพื่อรักษาความลับของข้อมูล",
    # One meeting of the plan's series; built by bot.texts.meeting_title.
    "meeting.title": "{meeting}ประจำเดือน{month}",
}
