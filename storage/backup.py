"""A backup folder: the SQLite database by its online backup, the evidence files, a manifest.

Layout of a backup folder (what `ita-followup backup -o DIR` writes):

    DIR/ita.db              the SQLite database (absent on PostgreSQL: pg_dump takes it)
    DIR/evidence/ab/abc…    every archived file, laid out as EVIDENCE_DIR is
    DIR/MANIFEST.json       when, which schema, how many answers and files, what was missing

The database is copied first and the evidence after: a file is on disk before the database
says it is archived (storage.blobs), so every file the copied database knows is in the copy.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.blobs import BlobStore
from storage.db import session_factory
from storage.evidence import all_archived
from storage.migrate import current_revision
from storage.models import Report

DATABASE_FILE = "ita.db"
EVIDENCE_FOLDER = "evidence"
MANIFEST_FILE = "MANIFEST.json"
DUMP_FILE = "ita.dump"


@dataclass(frozen=True)
class DatabaseFacts:
    """What the (copied) database says: its schema, its answers, the files it knows."""

    revision: str | None
    answers: int
    known: frozenset[str]


@dataclass(frozen=True)
class EvidenceCopy:
    """What copying the evidence did: files copied, files already there, bytes written."""

    copied: int
    skipped: int
    bytes_copied: int
    present: frozenset[str]


def sqlite_file(url: str) -> Path | None:
    """The database file a SQLite URL names (None: not SQLite, or an in-memory database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    return Path(database) if database and database != ":memory:" else None


def copy_sqlite(source: Path, target: Path) -> int:
    """Copy a live SQLite database with SQLite's online backup (WAL-safe); returns its size.

    Written under a temporary name and renamed, so `target` is never half a database; a stale
    `-wal`/`-shm` beside the target is removed first (SQLite would replay it into the copy).
    """
    part = target.with_name(f".{target.name}.part")
    part.unlink(missing_ok=True)
    try:
        _online_backup(source, part)
        with part.open("rb") as f:
            os.fsync(f.fileno())
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    for leftover in ("-wal", "-shm", "-journal"):
        target.with_name(target.name + leftover).unlink(missing_ok=True)
    os.replace(part, target)
    return target.stat().st_size


def _online_backup(source: Path, target: Path) -> None:
    """SQLite's backup API from `source` into a new file `target`, in one step."""
    # mode=rw: never creates a missing database (and, unlike mode=ro, tidies its -wal on close).
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)  # a consistent snapshot; writers are not blocked (WAL)
        finally:
            dst.close()
    finally:
        src.close()


async def database_facts(engine: AsyncEngine) -> DatabaseFacts:
    """The schema revision, the number of answers and every archived hash the database knows."""

    def _tables(connection: Connection) -> set[str]:
        return set(inspect(connection).get_table_names())

    async with engine.connect() as conn:
        tables = await conn.run_sync(_tables)
    revision = await current_revision(engine)
    answers, known = 0, frozenset[str]()
    async with session_factory(engine)() as session:
        if "report" in tables:
            answers = int(await session.scalar(select(func.count()).select_from(Report)) or 0)
        if "evidence_blob" in tables:  # an old schema (before 0005) archives nothing
            known = frozenset(await all_archived(session))
    return DatabaseFacts(revision, answers, known)


def copy_evidence(store: BlobStore, target: Path) -> EvidenceCopy:
    """Copy every archived file into `target` (same layout); a file of the same size is kept.

    Each file goes through a temporary name and a rename, so a file under its hash is whole;
    the archive's temporary folder (`.incoming`) is never copied.
    """
    into = BlobStore(target)
    target.mkdir(exist_ok=True)  # there even when nothing is archived yet (restore copies it)
    copied = skipped = written = 0
    present: set[str] = set()
    for sha in store.all_hashes():
        source, dest = store.path_of(sha), into.path_of(sha)
        try:
            size = source.stat().st_size
        except FileNotFoundError:  # removed while we listed; the database check will say so
            continue
        present.add(sha)
        if dest.is_file() and dest.stat().st_size == size:
            skipped += 1
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        part = dest.with_name(f".{sha}.part")
        try:
            shutil.copyfile(source, part)
            os.replace(part, dest)
        except BaseException:  # a full disk: no half file under any name
            part.unlink(missing_ok=True)
            raise
        copied += 1
        written += size
    return EvidenceCopy(copied, skipped, written, frozenset(present))


def pg_dump_command(url: str, folder: Path) -> str:
    """The pg_dump command that takes the PostgreSQL database into `folder` (no password)."""
    parsed = make_url(url)
    words = ["pg_dump", "--format=custom"]
    if parsed.host:
        words.append(f"--host={parsed.host}")
    if parsed.port:
        words.append(f"--port={parsed.port}")
    if parsed.username:
        words.append(f"--username={parsed.username}")
    words += [f"--file={folder / DUMP_FILE}", parsed.database or "DBNAME"]
    return shlex.join(words)


def manifest(
    at: datetime, backend: str, facts: DatabaseFacts, files: EvidenceCopy, pg_dump: str | None
) -> dict[str, Any]:
    """The manifest's content: when, the database part, the evidence part, what is missing."""
    return {
        "created_at": at.isoformat(timespec="seconds"),
        "database": {
            "backend": backend,
            "file": None if pg_dump else DATABASE_FILE,
            "revision": facts.revision,
            "answers": facts.answers,
            "take_with": pg_dump,
        },
        "evidence": {
            "folder": EVIDENCE_FOLDER,
            "files": len(files.present),
            "known_to_database": len(facts.known),
            "copied": files.copied,
            "skipped": files.skipped,
            "bytes_copied": files.bytes_copied,
            "missing": sorted(facts.known - files.present),
        },
    }


def write_manifest(folder: Path, content: dict[str, Any]) -> Path:
    """Write MANIFEST.json into the folder (through a temporary name); returns its path."""
    path = folder / MANIFEST_FILE
    part = folder / f".{MANIFEST_FILE}.part"
    part.write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(part, path)
    return path
