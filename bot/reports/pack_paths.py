"""Where each archived evidence file sits inside a publication pack.

`evidence/<measure seq>/<division code>/<date>_<name>`, the date being the day the file
reached the bot (local time). Computed once for all files of an export, so the XLSX column,
the index and the ZIP agree; two different files that would share a path get their
evidence id added, and one file carried into several answers keeps one path.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import tzinfo
from pathlib import Path

from bot.filetypes import default_name, extension, safe_name
from storage.blobs import SHA256_HEX
from storage.read_models import EvidenceRef

PackEntry = tuple[int, str, EvidenceRef]  # (measure seq, division code, evidence)


def _base(seq: int, code: str, ev: EvidenceRef, tz: tzinfo) -> str:
    day = ev.received_at.astimezone(tz).date().isoformat() if ev.received_at else "undated"
    name = safe_name(ev.file_name, "") or default_name(ev.kind, ev.media_type)
    folder_code = safe_name(code, "division")
    return f"evidence/{seq:02d}/{folder_code}/{day}_{name}"


def _with_id(path: str, evidence_id: int) -> str:
    ext = extension(path.rsplit("/", 1)[-1])
    if not ext:
        return f"{path}-{evidence_id}"
    return f"{path[: -len(ext) - 1]}-{evidence_id}.{ext}"


def evidence_paths(entries: Iterable[PackEntry], tz: tzinfo) -> dict[int, str]:
    """Evidence id -> path in the pack, for every archived file among the entries."""
    paths: dict[int, str] = {}
    owner: dict[str, str] = {}  # path -> the hash that holds it
    for seq, code, ev in sorted(entries, key=lambda e: e[2].evidence_id):
        if not ev.archived or ev.sha256 is None:
            continue
        path = _base(seq, code, ev, tz)
        if owner.setdefault(path, ev.sha256) != ev.sha256:
            path = _with_id(path, ev.evidence_id)
            owner[path] = ev.sha256
        paths[ev.evidence_id] = path
    return paths


class EvidenceLocator:
    """Where a report finds an evidence file's bytes, and its path inside the pack.

    `root` is the archive folder (EVIDENCE_DIR); the renderers only read files it names,
    and only files whose hash the database recorded.
    """

    def __init__(self, root: Path | None, paths: dict[int, str] | None = None) -> None:
        self.root = root
        self.paths = paths or {}

    def file(self, ev: EvidenceRef) -> Path | None:
        """The archived file of an attachment, or None (a link, not yet fetched, or missing)."""
        if self.root is None or not ev.archived or ev.sha256 is None:
            return None
        if not SHA256_HEX.match(ev.sha256):
            return None
        path = self.root / ev.sha256[:2] / ev.sha256
        return path if path.is_file() else None

    def pack_path(self, ev: EvidenceRef) -> str | None:
        """The attachment's path inside the publication pack (None: not in it)."""
        return self.paths.get(ev.evidence_id)


NO_EVIDENCE = EvidenceLocator(None)
