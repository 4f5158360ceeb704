"""The freedesktop launcher entry starts the installed command and names an existing icon."""

from __future__ import annotations

import configparser
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_desktop_entry_launches_the_console_script_with_its_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive in desktop entries
    entry.read(ROOT / "packaging" / "storyframe.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert section["Type"] == "Application"
    assert section["Exec"].split()[0] in scripts
    assert (ROOT / "packaging" / f"{section['Icon']}.svg").read_text().startswith("<svg")
    assert section["Terminal"] == "false"
