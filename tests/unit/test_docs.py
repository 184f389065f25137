"""README.md and .env.example keep up with the code: settings, commands, status icons."""

from __future__ import annotations

import re
from pathlib import Path

from bot.reports.fonts import ENV_VAR
from bot.settings import Settings
from bot.telegram.handlers import COMMANDS
from bot.telegram.menus import ALL_COMMANDS
from bot.texts.reports import ICONS

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
ENV_EXAMPLE = (ROOT / ".env.example").read_text(encoding="utf-8")


def _settings_section() -> str:
    return README.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]


def test_every_setting_is_in_the_readme_table_and_env_example() -> None:
    fields = {name.upper() for name in Settings.model_fields}
    table = set(re.findall(r"^\| `([A-Z_]+)` \|", _settings_section(), re.MULTILINE))
    example = set(re.findall(r"^([A-Z_]+)=", ENV_EXAMPLE, re.MULTILINE))
    assert table == fields
    assert example == fields


def test_the_font_variable_is_documented_as_environment_only() -> None:
    # Read with os.environ, not by Settings: it must not look like a .env setting.
    assert ENV_VAR.lower() not in Settings.model_fields
    assert f"`{ENV_VAR}=" in _settings_section()
    assert f"# Not read from this file: {ENV_VAR}" in ENV_EXAMPLE


def test_every_registered_command_is_in_the_menu_and_the_readme() -> None:
    assert set(COMMANDS) == set(ALL_COMMANDS)
    for name in ALL_COMMANDS:
        assert f"/{name}" in README, name


def test_status_icons_in_the_readme_match_the_code() -> None:
    words = {
        "done": "done",
        "in_progress": "in progress",
        "not_started": "not started",
        "problem": "problem",
        "missing": "not reported",
    }
    legend = ", ".join(f"{ICONS[status]} {word}" for status, word in words.items())
    assert legend in README.replace("\n  ", " ")
