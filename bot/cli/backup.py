"""`ita-followup backup -o DIR`: a consistent copy of the database and the evidence files.

On SQLite the database is copied with SQLite's online backup (safe while the bot runs); on
PostgreSQL only the evidence is copied and one line gives the `pg_dump` command to run.
Backing up into the same folder again copies only the evidence files it does not hold yet.
The layout is storage.backup's; docs/operations.md says how to restore.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

from bot.cli.base import PROG, CliApp, CliError, command
from storage import backup
from storage.blobs import BlobStore
from storage.db import create_engine
from storage.types import utcnow

# How many missing hashes the warning names (MANIFEST.json lists them all).
_NAMED_MISSING = 3


def register(sub: Any) -> None:
    """Add `backup` to the CLI's subparsers."""
    parser = sub.add_parser(
        "backup", help="copy the database (SQLite) and the evidence files into a folder"
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="DIR",
        help="backup folder (made if missing; a second backup into it copies only new files)",
    )
    # An old schema is backed up as it is: a backup comes before `db upgrade`.
    command(parser, _backup, migrated=False)


def check_target(out: Path, database: Path | None, evidence: Path) -> None:
    """Refuse a backup folder that cannot hold a backup, before anything is written."""
    if out.exists() and not out.is_dir():
        raise CliError(f"cannot back up into {out}: it is a file, not a folder; give a folder")
    where, archive = out.resolve(), evidence.resolve()
    if where == archive or where.is_relative_to(archive):
        raise CliError(
            f"cannot back up into {out}: it is inside EVIDENCE_DIR ({evidence}); "
            "give a folder outside it"
        )
    if database is not None and (where / backup.DATABASE_FILE) == database.resolve():
        raise CliError(
            f"cannot back up into {out}: {out / backup.DATABASE_FILE} is the live database; "
            "give another folder"
        )
    if (where / backup.EVIDENCE_FOLDER) == archive:
        raise CliError(
            f"cannot back up into {out}: {out / backup.EVIDENCE_FOLDER} is EVIDENCE_DIR itself; "
            "give another folder"
        )
    if database is not None and not database.is_file():
        raise CliError(
            f"the database file {database} (DATABASE_URL) does not exist: check DATABASE_URL "
            "and run the command from the bot's folder (a relative path starts there)"
        )
    if not out.exists() and not out.parent.is_dir():
        raise CliError(f"cannot back up into {out}: folder {out.parent} does not exist")


def make_writable_folder(out: Path) -> None:
    """Create the folder if needed and prove it takes files (permissions, read-only disks)."""
    try:
        out.mkdir(exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=out, prefix=".probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise CliError(
            f"cannot back up into {out}: {exc.strerror or exc}; give a folder you can write to"
        ) from None


async def _backup(args: argparse.Namespace, app: CliApp) -> int:
    out: Path = args.output
    url, evidence = app.settings.database_url, app.settings.evidence_dir
    database = backup.sqlite_file(url)
    if database is None and app.engine.dialect.name == "sqlite":
        raise CliError("DATABASE_URL names an in-memory database: there is nothing to back up")
    check_target(out, database, evidence)
    make_writable_folder(out)
    size: int | None = None
    try:
        if database is not None:
            size = await asyncio.to_thread(backup.copy_sqlite, database, out / backup.DATABASE_FILE)
            facts, pg_dump = await _facts_of_copy(out / backup.DATABASE_FILE), None
        else:
            facts, pg_dump = await backup.database_facts(app.engine), _pg_line(url, out)
        files = await asyncio.to_thread(
            backup.copy_evidence, BlobStore(evidence), out / backup.EVIDENCE_FOLDER
        )
        content = backup.manifest(utcnow(), app.engine.dialect.name, facts, files, pg_dump)
        backup.write_manifest(out, content)
    except OSError as exc:
        where = exc.filename or out
        raise CliError(f"backup into {out} failed at {where}: {exc.strerror or exc}") from None
    except sqlite3.Error as exc:  # not a database, or gone since the check
        raise CliError(f"cannot copy the database {database}: {exc}; check DATABASE_URL") from None
    _warn_missing(content["evidence"]["missing"], evidence)
    db_part = "database not copied" if size is None else f"database copied ({size} bytes)"
    print(
        f"backup in {out}: {db_part}; evidence {files.copied} file(s) copied, "
        f"{files.skipped} skipped (already there), {files.bytes_copied} bytes copied"
    )
    return 0


async def _facts_of_copy(copy: Path) -> backup.DatabaseFacts:
    """Read the facts from the copy itself, so that the manifest describes what was saved."""
    engine = create_engine(f"sqlite+aiosqlite:///{copy}")
    try:
        return await backup.database_facts(engine)
    finally:
        await engine.dispose()


def _pg_line(url: str, out: Path) -> str:
    """Print the one line that says how to take the PostgreSQL database; return the command."""
    cmd = backup.pg_dump_command(url, out)
    print(
        f"database not copied (PostgreSQL): take it with `{cmd}`, run before `{PROG} backup` "
        "(the password from ~/.pgpass or PGPASSWORD)"
    )
    return cmd


def _warn_missing(missing: list[str], evidence: Path) -> None:
    """One warning line on stderr when files the database knows are not in EVIDENCE_DIR."""
    if not missing:
        return
    named = ", ".join(sha[:12] for sha in missing[:_NAMED_MISSING])
    more = f" and {len(missing) - _NAMED_MISSING} more" if len(missing) > _NAMED_MISSING else ""
    print(
        f"{PROG}: warning: {len(missing)} archived file(s) the database knows are missing from "
        f"EVIDENCE_DIR ({evidence}): {named}{more}; see {backup.MANIFEST_FILE}",
        file=sys.stderr,
    )
