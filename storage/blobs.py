"""The evidence archive on disk: each file once, named by its SHA-256, never outside its root.

Files arrive in a private temporary folder inside the root (same file system, so the final
rename is atomic), are hashed while they are read once, then renamed to `<root>/ab/abcdef…`.
A crash can leave at most a temporary file in `.incoming/`, which is never taken for an
archived file (backups skip the folder, and it may be emptied while the bot is stopped); a
half-written file is never visible under its hash.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1 << 20
_TEMP = ".incoming"


class BlobError(ValueError):
    """A hash that is not a SHA-256 in hex (a path could otherwise leave the archive)."""


@dataclass(frozen=True)
class Stored:
    """What `BlobStore.keep` archived: the file's hash and size."""

    sha256: str
    size: int


class BlobStore:
    """Content-addressed files under one root folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_of(self, sha256: str) -> Path:
        """Where the file with this hash lives (refuses anything but a SHA-256 in hex)."""
        if not SHA256_HEX.match(sha256):
            raise BlobError(f"{sha256!r} is not a SHA-256")
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        """Whether the file is archived."""
        return self.path_of(sha256).is_file()

    @contextmanager
    def incoming(self) -> Iterator[Path]:
        """A fresh temporary path inside the root to download into; removed if still there."""
        folder = self.root / _TEMP
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=folder, prefix="part-")
        os.close(fd)
        path = Path(name)
        try:
            yield path
        finally:
            path.unlink(missing_ok=True)

    def keep(self, path: Path) -> Stored:
        """Hash a downloaded file and move it to its place; the same bytes are kept once."""
        digest, size = hashlib.sha256(), 0
        with path.open("rb") as f:
            while chunk := f.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
        sha = digest.hexdigest()
        final = self.path_of(sha)
        if final.is_file() and final.stat().st_size == size:
            path.unlink(missing_ok=True)
            return Stored(sha, size)
        final.parent.mkdir(parents=True, exist_ok=True)
        with path.open("rb") as f:
            os.fsync(f.fileno())  # the bytes are on disk before the database says archived
        os.replace(path, final)
        return Stored(sha, size)

    def put_bytes(self, data: bytes) -> Stored:
        """Archive bytes already in memory (tests, the demo)."""
        with self.incoming() as path:
            path.write_bytes(data)
            return self.keep(path)

    def all_hashes(self) -> Iterator[str]:
        """Every archived file's hash (for backups and checks)."""
        if not self.root.is_dir():
            return
        for sub in sorted(self.root.iterdir()):
            if sub.name == _TEMP or not sub.is_dir():
                continue
            for f in sorted(sub.iterdir()):
                if SHA256_HEX.match(f.name) and f.is_file():
                    yield f.name
