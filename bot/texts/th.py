"""Thai texts (the default). Formal, polite written register; no gendered end particle."""

MESSAGES: dict[str, str] = {
    # Command menu descriptions (at most 256 characters each).
    "cmd.start": "เริ่มต้นใช้งาน",
    "cmd.help": "วิธีใช้งาน",
    # /start and /help
    "start.welcome": (
        "สวัสดี ยินดีต้อนรับสู่ระบบติดตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส "
        "ของ{org}\n\n"
        "ระบบนี้จะสอบถามความก้าวหน้าการดำเนินการตามมาตรการจากหน่วยงานผู้รับผิดชอบ "
        "ก่อน{meeting}ทุกครั้ง\n\n"
        "กรุณาใช้ลิงก์เชิญที่ได้รับจากผู้ประสานงานเพื่อลงทะเบียนเข้าใช้งาน"
    ),
    "help.text": (
        "<b>วิธีใช้งาน</b>\n"
        "/start – เริ่มต้นใช้งาน\n"
        "/help – วิธีใช้งาน\n\n"
        "หากมีข้อสงสัย กรุณาติดต่อผู้ประสานงาน กองยุทธศาสตร์และงบประมาณ"
    ),
    "error.generic": "ขออภัย ระบบขัดข้องชั่วคราว กรุณาลองใหม่อีกครั้งในภายหลัง",
    "unknown.command": "ขออภัย ไม่พบคำสั่งนี้ กรุณาพิมพ์ /help เพื่อดูคำสั่งที่ใช้ได้",
    "plan.responsible_all": "ทุกหน่วยงาน",
    "kb.measure_answered": "✅ มาตรการที่ {seq} {title}",
    "kb.measure_owed": "✏️ มาตรการที่ {seq} {title}",
    "org.default": "เทศบาล",
    "meeting.default": "การประชุมหัวหน้าส่วนราชการประจำเดือน",
}
