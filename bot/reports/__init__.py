"""Report files from the read-side dataclasses: pure functions, no database access.

xlsx and csv (`tables`), the monthly meeting and end-of-period Word documents
(`meeting_docx`, `period_docx`), and the status chart (`chart`), all in a Thai font (`fonts`).
"""
