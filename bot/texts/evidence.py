"""Texts of evidence given back in the chat and of the publication pack (Thai, then English)."""

from __future__ import annotations

TH: dict[str, str] = {
    "summary.evidence_pending": "{label} ⏳ (กำลังดึงไฟล์)",
    "summary.evidence_lost": "{label} (ไฟล์สูญหาย)",
    "summary.btn_evidence_division": "📎 หลักฐาน {code}",
    "summary.btn_evidence_measure": "📎 หลักฐาน ข้อ {seq}",
    "evidence.sending": "กำลังส่งไฟล์หลักฐาน กรุณารอสักครู่",
    "evidence.caption": "หลักฐาน มาตรการที่ {seq} · {division} · {date}",
    "evidence.links": "ลิงก์หลักฐาน:\n{links}",
    "evidence.pending": "กำลังดึงไฟล์จาก Telegram: {names} กรุณาลองใหม่ภายหลัง",
    "evidence.unavailable": "ขออภัย ไฟล์ต่อไปนี้ไม่สามารถเรียกคืนได้: {names}",
    "evidence.not_sent": "ขออภัย ไม่สามารถส่งไฟล์ต่อไปนี้ได้ในขณะนี้: {names} กรุณาลองใหม่ภายหลัง",
    "evidence.none": "รายงานนี้ไม่มีไฟล์หลักฐาน",
    "refuse.evidence_busy": "ขออภัย ระบบกำลังส่งไฟล์หลักฐานที่ท่านขอไว้ก่อนหน้านี้ กรุณารอสักครู่แล้วจึงขอใหม่",
    "export.btn_pack": "📦 ชุดเอกสารเผยแพร่ (ZIP)",
    "export.pack_offer": (
        "ชุดเอกสารเผยแพร่ {round} สำหรับเว็บไซต์: รายงาน (Word และ PDF) ตาราง Excel "
        "หลักฐานทุกไฟล์ และหน้าสารบัญ รวมในไฟล์ ZIP เดียว"
    ),
    "export.pack_preparing": "กำลังจัดทำชุดเอกสารเผยแพร่ {round} อาจใช้เวลาหลายนาที กรุณารอสักครู่",
    "export.caption_pack": "ชุดเอกสารเผยแพร่ {round} ({files} ไฟล์ ขนาด {size})",
    "export.pack_too_big": (
        "ชุดเอกสารเผยแพร่ {round} มีขนาดประมาณ {size} เกินกว่าที่ส่งทาง Telegram ได้ ({limit}) "
        "กรุณาให้ผู้ดูแลระบบจัดทำด้วยคำสั่ง {command}"
    ),
    "pack.prepared": "จัดทำเมื่อวันที่ {date}",
    "pack.documents": "เอกสารรายงาน",
    "pack.doc_docx": "รายงานผลการดำเนินการ (ไฟล์ Word)",
    "pack.doc_pdf": "รายงานผลการดำเนินการ (ไฟล์ PDF)",
    "pack.doc_xlsx": "ตารางผลการรายงาน (ไฟล์ Excel)",
    "pack.contents": "สารบัญมาตรการ",
    "pack.reported_on": "รายงานเมื่อวันที่ {date}",
    "pack.external": "ลิงก์ภายนอก",
    "pack.fetching": "อยู่ระหว่างการรวบรวมไฟล์ จึงยังไม่อยู่ในชุดเอกสารนี้",
    "pack.unavailable": "ไม่มีไฟล์นี้ในชุดเอกสาร",
    "pack.kind.video": "วิดีโอ",
    "pack.kind.video_note": "วิดีโอ",
    "pack.kind.voice": "บันทึกเสียง",
    "pack.footer": "ลิงก์ในหน้านี้ชี้ไปยังไฟล์ภายในชุดเอกสาร ยกเว้นลิงก์ภายนอก",
}

EN: dict[str, str] = {
    "summary.evidence_pending": "{label} ⏳ (being fetched)",
    "summary.evidence_lost": "{label} (file lost)",
    "summary.btn_evidence_division": "📎 Evidence {code}",
    "summary.btn_evidence_measure": "📎 Evidence item {seq}",
    "evidence.sending": "Sending the evidence files; one moment please.",
    "evidence.caption": "Evidence, measure {seq} · {division} · {date}",
    "evidence.links": "Evidence links:\n{links}",
    "evidence.pending": "Still being fetched from Telegram: {names}. Please try again later.",
    "evidence.unavailable": "Sorry, these files can no longer be retrieved: {names}",
    "evidence.not_sent": (
        "Sorry, these files could not be sent just now: {names}. Please try again later."
    ),
    "evidence.none": "This answer has no evidence files.",
    "refuse.evidence_busy": (
        "Sorry, the evidence you asked for is still being sent; please ask again in a moment."
    ),
    "export.btn_pack": "📦 Publication pack (ZIP)",
    "export.pack_offer": (
        "The publication pack {round} for the website: the report (Word and PDF), "
        "the Excel table, every evidence file and an index page, in one ZIP file."
    ),
    "export.pack_preparing": "Preparing the publication pack {round}; this may take a few minutes.",
    "export.caption_pack": "Publication pack {round} ({files} files, {size})",
    "export.pack_too_big": (
        "The publication pack {round} is about {size}, more than Telegram lets a bot send "
        "({limit}). Please ask the administrator to make it with {command}"
    ),
    "pack.prepared": "Prepared on {date}",
    "pack.documents": "Report files",
    "pack.doc_docx": "Report (Word file)",
    "pack.doc_pdf": "Report (PDF file)",
    "pack.doc_xlsx": "Table of answers (Excel file)",
    "pack.contents": "Measures",
    "pack.reported_on": "Reported on {date}",
    "pack.external": "external link",
    "pack.fetching": "still being fetched, so not yet in this pack",
    "pack.unavailable": "not in this pack",
    "pack.kind.video": "video",
    "pack.kind.video_note": "video",
    "pack.kind.voice": "voice note",
    "pack.footer": "The links on this page lead to files inside the pack, except external links.",
}
