"""Which files an answer takes as evidence, and the names they are kept and published under.

An allow-list, not a deny-list: pictures, PDF, Office and OpenDocument files, plain text,
video and voice. A file is judged by its media type and, for documents, by its extension
too, since a phone may send a PDF as application/octet-stream. Nothing here opens a file.
"""

from __future__ import annotations

import re
import unicodedata

# Telegram's cloud Bot API lets a bot download at most 20 MB (a self-hosted server in local
# mode lifts it: see README, "Large evidence files").
MAX_FILE_BYTES = 20 * 1024 * 1024

MEDIA_KINDS = ("photo", "document", "video", "video_note", "voice")

_DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "text/plain": "txt",
    "text/csv": "csv",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/heic": "heic",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "audio/ogg": "ogg",
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
}
_EXTENSIONS = {ext: mime for mime, ext in _DOCUMENT_TYPES.items()} | {
    "jpeg": "image/jpeg",
    "oga": "audio/ogg",
    "opus": "audio/ogg",
}
# Kinds whose media type Telegram sets itself (no file name to check).
_KIND_TYPES = {
    "photo": "image/jpeg",
    "video_note": "video/mp4",
    "voice": "audio/ogg",
}
_RUNS = re.compile(r"_{2,}")
NAME_LIMIT = 80


def extension(name: str | None) -> str:
    """A file name's extension in lower case, without the dot ('' if none)."""
    if not name or "." not in name:
        return ""
    return name.rsplit(".", 1)[-1].lower()


def media_type(kind: str, name: str | None, declared: str | None) -> str | None:
    """The media type the file is kept as, or None when it is not on the allow-list."""
    if kind in _KIND_TYPES:
        return _KIND_TYPES[kind]
    declared = (declared or "").split(";")[0].strip().lower()
    by_name = _EXTENSIONS.get(extension(name))
    if extension(name) and by_name is None:
        return None  # a name ending in .exe is refused whatever type it claims
    if declared in _DOCUMENT_TYPES:
        # A known type whose name says something else entirely is not trusted.
        return declared if by_name in (None, declared) else None
    if declared in ("", "application/octet-stream", "binary/octet-stream"):
        return by_name
    return None


def allowed(kind: str, name: str | None, declared: str | None) -> bool:
    """Whether a file of this kind, name and declared type may be evidence."""
    return kind in MEDIA_KINDS and media_type(kind, name, declared) is not None


def _plain(ch: str) -> bool:
    return ch.isalnum() or ch in "._- " or unicodedata.category(ch)[0] == "M"


def safe_name(name: str | None, fallback: str) -> str:
    """A file name that is safe on any file system and in a ZIP: no folders, no control marks.

    Thai letters stay (people name files in Thai); separators, dots at the start and
    anything unusual become '_'; the extension is kept when the name is cut short.
    """
    raw = unicodedata.normalize("NFC", (name or "").replace("\\", "/").split("/")[-1])
    # Letters, digits and marks (Thai vowels and tones are marks) stay; the rest become "_".
    kept = "".join(ch if _plain(ch) else "_" for ch in raw if unicodedata.category(ch)[0] != "C")
    cleaned = _RUNS.sub("_", kept).strip(" ._")
    if not cleaned:
        return fallback
    ext = extension(cleaned)
    if len(cleaned) > NAME_LIMIT:
        stem_room = NAME_LIMIT - len(ext) - 1 if ext and len(ext) < 10 else NAME_LIMIT
        cleaned = cleaned[:stem_room].rstrip(" ._") + (f".{ext}" if stem_room < NAME_LIMIT else "")
    return cleaned


def default_name(kind: str, mime: str | None) -> str:
    """A name for a file that came without one (photos, voice notes)."""
    ext = _DOCUMENT_TYPES.get(mime or "", "bin")
    return f"{kind}.{ext}"
