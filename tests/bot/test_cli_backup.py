"""`ita-followup backup -o DIR` (issue 11): a backup restores into a fresh folder in full.

Answers with archived evidence are seeded, backed up through the CLI, and the backup is put
where a fresh installation would read it (DATABASE_URL and EVIDENCE_DIR pointing at copies):
every answer and every file (equal by SHA-256) is found there.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli import main
from storage import evidence as evidence_rows
from storage.backup import pg_dump_command
from storage.blobs import BlobStore
from storage.db import create_engine, session_factory
from storage.migrate import head_revision
from storage.models import Evidence, Report
from storage.types import utcnow
from tests.factories import seed_plan
from tests.report_factories import add_person, add_report, plan_ids
from tests.round_factories import make_round

Sessions = async_sessionmaker[AsyncSession]
SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

# The seeded files: a photo, a PDF, and a PDF that two answers carry (archived once).
PHOTO = b"\xff\xd8\xff\xe0 a photo of the notice board" * 50
PDF = b"%PDF-1.4 the budget report " * 200
SHARED = b"%PDF-1.4 the signed order, sent twice"


async def cli(*argv: str) -> int:
    """Run the command line as the console script does (its own event loop, in a thread)."""
    return await asyncio.to_thread(main, list(argv))


async def archive(sessions: Sessions, evidence_id: int, data: bytes, media_type: str) -> str:
    """Archive bytes as the fetcher does: into the BlobStore, then the row says archived."""
    stored = BlobStore(Path(os.environ["EVIDENCE_DIR"])).put_bytes(data)
    async with sessions() as s, s.begin():
        await evidence_rows.mark_archived(
            s, evidence_id, stored.sha256, stored.size, media_type, utcnow()
        )
    return stored.sha256


async def seed(sessions: Sessions) -> tuple[dict[int, str], dict[str, bytes]]:
    """Answers with archived evidence and a link; returns (report id -> text, hash -> bytes)."""
    await seed_plan(sessions)
    ids = await plan_ids(sessions)
    author = await add_person(sessions, 555, "สมหญิง ใจดี")
    now = utcnow()
    rid = await make_round(
        sessions,
        "2565-01",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=5),
        items=[(1, "FIN"), (2, "PALAD"), (4, "STRAT")],
    )
    answers = {
        (1, "FIN"): ("เผยแพร่รายงานงบประมาณแล้ว", [("document", PDF), ("document", SHARED)]),
        (2, "PALAD"): ("จัดอบรมแล้ว", [("photo", PHOTO), ("document", SHARED)]),
        (4, "STRAT"): ("เว็บไซต์ล่มบ่อย", []),
    }
    texts: dict[int, str] = {}
    files: dict[str, bytes] = {}
    for (seq, code), (text, attached) in answers.items():
        evidence = [
            {"kind": kind, "file_id": f"F{len(files)}{i}"} for i, (kind, _) in enumerate(attached)
        ]
        if not attached:
            evidence = [{"kind": "link", "url": "https://www.nakhoncity.org"}]
        report = await add_report(
            sessions, ids, rid, seq, code, author, "done", text, at=now, evidence=evidence
        )
        texts[report] = text
        async with sessions() as s:
            rows = list(await s.scalars(select(Evidence.id).where(Evidence.report_id == report)))
        for evidence_id, (kind, data) in zip(rows, attached, strict=False):
            media = "image/jpeg" if kind == "photo" else "application/pdf"
            files[await archive(sessions, evidence_id, data, media)] = data
    return texts, files


def put_back(backup: Path, fresh: Path) -> None:
    """The restore of docs/operations.md: ita.db and evidence/ where the settings point."""
    fresh.mkdir()
    shutil.copy(backup / "ita.db", fresh / "ita.db")
    shutil.copytree(backup / "evidence", fresh / "evidence")


def tree(folder: Path) -> list[Path]:
    """Everything under a folder (to see that a refusal wrote nothing)."""
    return sorted(p.relative_to(folder) for p in folder.rglob("*"))


def wal_size(database: Path) -> int:
    """How many bytes of a SQLite database wait in its write-ahead log."""
    return database.with_name(database.name + "-wal").stat().st_size


def manifest(folder: Path) -> dict[str, Any]:
    """The backup's MANIFEST.json."""
    return dict(json.loads((folder / "MANIFEST.json").read_text(encoding="utf-8")))


async def restored(
    backup: Path, fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[int, str], dict[str, bytes]]:
    """Restore as docs/operations.md says, then read back answers and files from the copy."""
    put_back(backup, fresh)
    url = f"sqlite+aiosqlite:///{fresh / 'ita.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("EVIDENCE_DIR", str(fresh / "evidence"))
    assert await cli("db", "upgrade") == 0
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as s:
            texts = {r.id: r.text for r in await s.scalars(select(Report))}
            hashes = set(
                await s.scalars(select(Evidence.sha256).where(Evidence.fetch_state == "archived"))
            )
    finally:
        await engine.dispose()
    store = BlobStore(fresh / "evidence")
    return texts, {sha: store.path_of(sha).read_bytes() for sha in hashes if sha is not None}


@SQLITE_ONLY
async def test_a_backup_restores_every_answer_and_file_and_repeats_incrementally(
    cli_env: str,
    sessions: Sessions,
    evidence_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    texts, files = await seed(sessions)
    assert len(files) == 3  # the shared PDF is one file
    leftover = evidence_dir / ".incoming" / "part-half-downloaded"
    leftover.write_bytes(b"half a file")
    out = tmp_path / "backup"
    assert await cli("backup", "-o", str(out)) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.count("\n") == 1
    assert "evidence 3 file(s) copied, 0 skipped" in captured.out
    assert f"{sum(map(len, files.values()))} bytes copied" in captured.out
    assert not (out / "evidence" / ".incoming").exists()
    facts = manifest(out)
    assert facts["database"] == {
        "backend": "sqlite",
        "file": "ita.db",
        "revision": head_revision(),
        "answers": 3,
        "take_with": None,
    }
    assert facts["evidence"]["files"] == facts["evidence"]["known_to_database"] == 3
    assert facts["evidence"]["missing"] == []

    # Again into the same folder: nothing new to copy.
    assert await cli("backup", "-o", str(out)) == 0
    assert "evidence 0 file(s) copied, 3 skipped (already there), 0 bytes copied" in (
        capsys.readouterr().out
    )

    got_texts, got_files = await restored(out, tmp_path / "fresh", monkeypatch)
    assert got_texts == texts
    assert got_files == files
    assert all(hashlib.sha256(data).hexdigest() == sha for sha, data in got_files.items())


@SQLITE_ONLY
async def test_a_new_file_is_the_only_one_copied_next_time(
    cli_env: str, sessions: Sessions, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, files = await seed(sessions)
    out = tmp_path / "backup"
    assert await cli("backup", "-o", str(out)) == 0
    capsys.readouterr()
    # A copy cut short (a crash mid-file) has the wrong size: it is copied again.
    cut = next(iter(files))
    BlobStore(out / "evidence").path_of(cut).write_bytes(files[cut][:10])
    async with sessions() as s, s.begin():
        report_id = await s.scalar(select(Report.id).limit(1))
        assert report_id is not None
        photo = Evidence(report_id=report_id, kind="photo", file_id="NEW")
        s.add(photo)
    new = b"a new photo" * 10
    sha = await archive(sessions, photo.id, new, "image/jpeg")
    assert await cli("backup", "-o", str(out)) == 0
    line = capsys.readouterr().out
    assert (
        f"evidence 2 file(s) copied, 2 skipped (already there), {len(new) + len(files[cut])}"
        in line
    )
    assert BlobStore(out / "evidence").path_of(sha).read_bytes() == new
    assert BlobStore(out / "evidence").path_of(cut).read_bytes() == files[cut]
    assert manifest(out)["evidence"]["known_to_database"] == 4


@SQLITE_ONLY
async def test_the_copy_is_consistent_while_the_bot_writes(
    cli_env: str, sessions: Sessions, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    texts, _ = await seed(sessions)
    database = Path(cli_env.removeprefix("sqlite+aiosqlite:///"))
    # The bot's engine is open: committed answers sit in the write-ahead log, not yet in
    # ita.db (a plain `cp` would miss them), and another answer is half written.
    assert wal_size(database) > 0
    async with sessions() as s:
        report = await s.scalar(select(Report).limit(1))
        assert report is not None
        report.text = "half written, never committed"
        await s.flush()  # the bot holds the write lock during the backup
        assert await cli("backup", "-o", str(tmp_path / "backup")) == 0
        await s.rollback()
    assert "database copied" in capsys.readouterr().out
    copy = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'backup' / 'ita.db'}")
    try:
        async with session_factory(copy)() as s:
            assert {r.id: r.text for r in await s.scalars(select(Report))} == texts
    finally:
        await copy.dispose()


@SQLITE_ONLY
async def test_a_file_missing_from_the_archive_is_a_warning_not_a_failure(
    cli_env: str,
    sessions: Sessions,
    evidence_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, files = await seed(sessions)
    gone = sorted(files)[0]
    BlobStore(evidence_dir).path_of(gone).unlink()
    out = tmp_path / "backup"
    assert await cli("backup", "-o", str(out)) == 0
    captured = capsys.readouterr()
    warning = captured.err.strip().splitlines()
    assert len(warning) == 1
    assert warning[0].startswith("ita-followup: warning: 1 archived file(s)")
    assert gone[:12] in warning[0] and "MANIFEST.json" in warning[0]
    assert "evidence 2 file(s) copied" in captured.out
    assert manifest(out)["evidence"]["missing"] == [gone]


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody can write into (root ignores modes: then it is made immutable)."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    immutable = False
    if _writable(folder):
        if shutil.which("chattr"):
            subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
            immutable = not _writable(folder)
        if not immutable:
            folder.chmod(0o755)
            pytest.skip("cannot make a read-only folder here (root without chattr)")
    try:
        yield folder
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)


def _writable(folder: Path) -> bool:
    try:
        fd, name = tempfile.mkstemp(dir=folder)
    except OSError:
        return False
    os.close(fd)
    os.unlink(name)
    return True


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("a-file", "it is a file, not a folder"),
        ("evidence/inside", "it is inside EVIDENCE_DIR"),
        ("no/such/folder", "folder no/such does not exist"),
        (".", "evidence is EVIDENCE_DIR itself"),
        ("locked", "give a folder you can write to"),
        ("locked/backup", "give a folder you can write to"),
    ],
)
async def test_bad_targets_are_one_line_and_exit_2(
    cli_env: str,
    tmp_path: Path,
    target: str,
    says: str,
    request: pytest.FixtureRequest,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # cli_env runs in tmp_path, where the test database and EVIDENCE_DIR live.
    (tmp_path / "a-file").write_text("not a folder")
    if target.startswith("locked"):
        request.getfixturevalue("read_only_dir")
    before = tree(tmp_path)
    assert await cli("backup", "-o", target) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and captured.out == ""
    assert lines[0].startswith(f"ita-followup: error: cannot back up into {target}: ")
    assert says in lines[0]
    assert tree(tmp_path) == before


@SQLITE_ONLY
async def test_a_missing_database_file_is_refused_and_not_created(
    cli_env: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'mistyped.db'}")
    assert await cli("backup", "-o", str(tmp_path / "backup")) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert "mistyped.db (DATABASE_URL) does not exist: check DATABASE_URL" in lines[0]
    assert not (tmp_path / "mistyped.db").exists()
    assert not (tmp_path / "backup").exists()


@SQLITE_ONLY
async def test_a_file_that_is_no_database_is_refused_and_leaves_nothing(
    cli_env: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "notes.db").write_text("minutes of the meeting, not a database")
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'notes.db'}")
    assert await cli("backup", "-o", "backup") == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert "cannot copy the database" in lines[0] and "not a database" in lines[0]
    assert tree(tmp_path / "backup") == []


@SQLITE_ONLY
async def test_the_live_database_is_never_the_target(
    cli_env: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    live = tmp_path / "data" / "ita.db"
    live.parent.mkdir()
    shutil.copy(cli_env.removeprefix("sqlite+aiosqlite:///"), live)
    monkeypatch.setenv("DATABASE_URL", "sqlite+aiosqlite:///data/ita.db")
    monkeypatch.setenv("EVIDENCE_DIR", "data/files")
    before = live.read_bytes()
    assert await cli("backup", "-o", "data") == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [
        "ita-followup: error: cannot back up into data: data/ita.db is the live database; "
        "give another folder"
    ]
    assert live.read_bytes() == before


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_on_postgresql_the_evidence_is_copied_and_pg_dump_is_named(
    cli_env: str, sessions: Sessions, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, files = await seed(sessions)
    out = tmp_path / "backup"
    assert await cli("backup", "-o", str(out)) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    database = cli_env.rsplit("/", 1)[1]
    assert lines[0].startswith("database not copied (PostgreSQL): take it with `pg_dump ")
    assert f"--file={out / 'ita.dump'} {database}`, run before `ita-followup backup`" in lines[0]
    assert "@" not in lines[0] and "postgresql+asyncpg" not in lines[0]
    assert "database not copied; evidence 3 file(s) copied" in lines[1]
    assert not (out / "ita.db").exists()
    store = BlobStore(out / "evidence")
    assert {sha: store.path_of(sha).read_bytes() for sha in files} == files
    facts = manifest(out)
    assert facts["database"]["backend"] == "postgresql"
    assert facts["database"]["take_with"].startswith("pg_dump --format=custom")
    assert facts["database"]["answers"] == 3
    assert facts["evidence"]["missing"] == []


def test_the_pg_dump_line_names_the_database_but_never_the_password() -> None:
    url = "postgresql+asyncpg://ita:s3cret@db.example:5433/ita_prod"
    assert pg_dump_command(url, Path("/var/backups/ita")) == (
        "pg_dump --format=custom --host=db.example --port=5433 --username=ita "
        "--file=/var/backups/ita/ita.dump ita_prod"
    )
