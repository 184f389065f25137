"""The reports as PDF: the DOCX converted by LibreOffice, headless.

Why LibreOffice: it lays Thai out with HarfBuzz and breaks Thai lines with ICU's dictionary
(Thai has no spaces between words), uses the same Thai font as Word, and converts the very
DOCX the meeting gets, so the PDF and the DOCX never disagree. Debian packages it
(libreoffice-writer-nogui), installed by scripts/system-deps.sh like the Thai font.
Each conversion runs in its own profile folder, so conversions never share LibreOffice's lock.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

# A large period report takes LibreOffice seconds; a stuck one is stopped rather than waited on.
TIMEOUT_SECONDS = 300


class PdfUnavailable(RuntimeError):
    """No LibreOffice to convert with, or it failed; the message says what to do."""


def office_binary() -> str | None:
    """The LibreOffice program, if installed (ITA_SOFFICE names another one)."""
    named = os.environ.get("ITA_SOFFICE")
    if named:
        return named if Path(named).is_file() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(data: bytes) -> bytes:
    """Convert a DOCX document to PDF (blocking: call it in a worker thread)."""
    office = office_binary()
    if office is None:
        raise PdfUnavailable(
            "LibreOffice is not installed: run 'sh scripts/system-deps.sh' as root "
            "(it installs libreoffice-writer-nogui) or set ITA_SOFFICE=/path/to/soffice"
        )
    with tempfile.TemporaryDirectory(prefix="ita-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "report.docx"
        source.write_bytes(data)
        command = [
            office,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfUnavailable(f"LibreOffice could not convert the report ({exc})") from exc
        target = folder / "report.pdf"
        if done.returncode != 0 or not target.is_file():
            said = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
            raise PdfUnavailable(f"LibreOffice could not convert the report ({said[0]})")
        return target.read_bytes()
