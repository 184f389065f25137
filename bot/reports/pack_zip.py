"""The publication pack's ZIP, written as a stream: memory does not grow with the pack's size.

Evidence files are copied from the archive into the ZIP in chunks (never read whole), the
report files and the index come from memory (they are small beside the evidence). Pictures,
PDF, video and audio are stored as they are (already compressed: deflating them costs time
and saves nothing); text and office files are deflated. The ZIP is written to a hidden
temporary file beside the target and renamed over it at the end, so a failed or interrupted
pack never leaves a half-written FILE.zip behind.
"""

from __future__ import annotations

import os
import secrets
import shutil
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.filetypes import extension

# Already compressed: stored in the ZIP as they are.
STORED_EXTENSIONS = frozenset(
    {
        "jpg",
        "jpeg",
        "png",
        "gif",
        "webp",
        "heic",
        "pdf",
        "mp4",
        "mov",
        "ogg",
        "oga",
        "opus",
        "mp3",
        "m4a",
        "zip",
    }
)
# Bytes copied at a time from an evidence file into the ZIP.
CHUNK_BYTES = 1 << 20
# Files this large need ZIP64 records (the cloud Bot API stops at 20 MB; a local server not).
_ZIP64_FROM = zipfile.ZIP64_LIMIT
_MODE = 0o644 << 16  # rw-r--r-- when unpacked


@dataclass(frozen=True)
class MemoryEntry:
    """A file of the pack made in memory (a report, the index)."""

    name: str
    data: bytes


@dataclass(frozen=True)
class DiskEntry:
    """A file of the pack copied from disk (an archived evidence file)."""

    name: str
    source: Path
    # The entry's date in the ZIP (local time): when the file reached the bot.
    at: datetime | None = None


@dataclass(frozen=True)
class ZipStats:
    """What was written: how many entries and the ZIP's size in bytes."""

    entries: int
    size: int


def compression(name: str) -> int:
    """ZIP_STORED for already-compressed files (pictures, PDF, video, audio), else deflated."""
    return zipfile.ZIP_STORED if extension(name) in STORED_EXTENSIONS else zipfile.ZIP_DEFLATED


def _info(name: str, at: datetime) -> zipfile.ZipInfo:
    stamp = (max(at.year, 1980), at.month, at.day, at.hour, at.minute, at.second)
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = compression(name)
    info.external_attr = _MODE
    return info


def _copy_in(zf: zipfile.ZipFile, entry: DiskEntry, now: datetime) -> None:
    """Copy one file from disk into the ZIP, CHUNK_BYTES at a time."""
    info = _info(entry.name, entry.at or now)
    size = entry.source.stat().st_size
    info.file_size = size
    with entry.source.open("rb") as src, zf.open(info, "w", force_zip64=size >= _ZIP64_FROM) as dst:
        shutil.copyfileobj(src, dst, CHUNK_BYTES)


def write_zip(
    target: Path, memory: Iterable[MemoryEntry], disk: Iterable[DiskEntry], now: datetime
) -> ZipStats:
    """Write the ZIP at `target` (replacing it only once complete); `now` is local time."""
    part = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    count = 0
    try:
        # "xb": a new file with the user's umask (a publication pack is not a secret).
        with part.open("xb") as raw, zipfile.ZipFile(raw, "w", allowZip64=True) as zf:
            for item in memory:
                zf.writestr(_info(item.name, now), item.data)
                count += 1
            for entry in disk:
                _copy_in(zf, entry, now)
                count += 1
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return ZipStats(count, target.stat().st_size)


def size_text(size: int) -> str:
    """A size for people: 820 KB, 12.4 MB, 1.2 GB (decimal units, as Telegram counts)."""
    if size < 1_000_000:
        return f"{max(1, round(size / 1000))} KB"
    if size < 1_000_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{size / 1_000_000_000:.2f} GB"
