"""Find the Thai font the reports use: TH Sarabun New where installed, else Laksaman.

Laksaman (Debian's fonts-thai-tlwg, installed by scripts/system-deps.sh) is a free font of
the same design as TH Sarabun New, the Thai government's standard document font.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# (file name, family name as Word and matplotlib know it), in order of preference.
CANDIDATES: tuple[tuple[str, str], ...] = (
    ("THSarabunNew.ttf", "TH Sarabun New"),
    ("Laksaman.ttf", "Laksaman"),
)
FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
)
# Lets an operator point at a font file anywhere (e.g. a licensed TH Sarabun New copy).
ENV_VAR = "ITA_THAI_FONT"
# The consonants, vowels, baht sign and tone marks (U+0E01-U+0E3A, U+0E3F-U+0E4B; the gap
# between is unassigned): what the reports draw.
THAI_LETTERS = (*range(0x0E01, 0x0E3B), *range(0x0E3F, 0x0E4C))


class FontMissingError(RuntimeError):
    """No Thai font file was found; the message says how to install one."""


@dataclass(frozen=True)
class ThaiFont:
    """A Thai font file and its family name."""

    path: Path
    family: str


def _search(dirs: tuple[Path, ...]) -> ThaiFont | None:
    for file_name, family in CANDIDATES:
        for base in dirs:
            if not base.is_dir():
                continue
            direct = base / "truetype" / "tlwg" / file_name
            if direct.is_file():
                return ThaiFont(direct, family)
            for found in sorted(base.rglob(file_name)):
                return ThaiFont(found, family)
    return None


def covers_thai(path: Path) -> bool:
    """Whether the font file has a glyph for every Thai consonant, vowel and tone mark."""
    try:
        from matplotlib.ft2font import FT2Font  # matplotlib loads only when a report is made

        charmap = FT2Font(str(path)).get_charmap()
    except (OSError, RuntimeError, ValueError):
        return False  # not a font file FreeType can read
    return all(code in charmap for code in THAI_LETTERS)


@cache
def thai_font() -> ThaiFont:
    """The Thai font to render reports with, or FontMissingError with a fix."""
    override = os.environ.get(ENV_VAR)
    if override:
        path = Path(override)
        if not path.is_file():
            raise FontMissingError(f"{ENV_VAR}={override} is not a font file")
        if not covers_thai(path):
            raise FontMissingError(
                f"{ENV_VAR}={override} has no Thai letters: point it at TH Sarabun New or Laksaman"
            )
        family = next((f for n, f in CANDIDATES if n == path.name), path.stem)
        return ThaiFont(path, family)
    font = _search(FONT_DIRS)
    if font is None:
        names = " or ".join(n for n, _ in CANDIDATES)
        raise FontMissingError(
            f"no Thai font ({names}) under {', '.join(map(str, FONT_DIRS))}: "
            "install Debian's fonts-thai-tlwg (sh scripts/system-deps.sh, as root)"
        )
    return font
