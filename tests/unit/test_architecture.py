"""The boundaries of the architecture (docs/architecture.md), checked on every import.

Faces (bot.telegram, bot.cli) -> use cases (bot.usecases) -> scheduler -> storage. Only the
Telegram package imports `telegram`; use cases import neither face nor argparse; the shared
presentation (bot.present, bot.texts, bot.reports) imports no face; nothing below imports up.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("bot", "scheduler", "storage")
# package (as a dotted prefix) -> modules it must not import (dotted prefixes)
FORBIDDEN: dict[str, set[str]] = {
    "storage": {"bot", "scheduler", "telegram"},
    "scheduler": {"bot", "telegram"},
    "bot.usecases": {"bot.telegram", "bot.cli", "telegram", "argparse"},
    "bot.present": {"bot.telegram", "bot.cli", "bot.usecases", "telegram"},
    "bot.texts": {"bot.telegram", "bot.cli", "bot.usecases", "telegram"},
    "bot.reports": {"bot.telegram", "bot.cli", "bot.usecases", "telegram"},
    "bot.filetypes": {"bot.telegram", "bot.cli", "bot.usecases", "telegram"},
    "bot.cli": {"telegram"},
    "bot.settings": {"bot.telegram", "bot.cli", "telegram"},
}
# Size limits from the architecture issue: small modules with one job each.
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _product_files() -> list[Path]:
    return sorted(p for pkg in PRODUCT for p in (ROOT / pkg).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    """Every absolute module an importing statement names (function-level imports included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_telegram_is_imported_only_by_the_telegram_package() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _product_files()
        if not _within(_module_name(path), "bot.telegram")
        for name in sorted(_imports(path))
        if _within(name, "telegram")
    ]
    assert offenders == []


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layer_imports(package: str) -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _product_files()
        if _within(_module_name(path), package)
        for name in sorted(_imports(path))
        for bad in FORBIDDEN[package]
        if _within(name, bad)
    ]
    assert offenders == []


def test_the_rule_catches_a_forbidden_import(tmp_path: Path) -> None:
    # The checker itself can fail: a use case importing telegram is seen.
    sample = tmp_path / "sample.py"
    sample.write_text("from telegram import Update\nimport bot.telegram.app\n", encoding="utf-8")
    assert {"telegram", "telegram.Update", "bot.telegram.app"} <= _imports(sample)


def test_modules_stay_small() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for path in _product_files()
        if "migrations" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert offenders == []


def test_functions_stay_small() -> None:
    offenders = []
    for path in _product_files():
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert offenders == []


def test_no_thai_text_outside_the_catalog() -> None:
    # Thai strings a user sees live in bot/texts; handlers and keyboards hold keys only.
    offenders = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        if path.parent.name == "texts":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and any("\u0e00" <= ch <= "\u0e7f" for ch in node.value)
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
