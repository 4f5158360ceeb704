"""A wheel (not only an editable install) carries every resource the app and core load."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_resource_file_is_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    assert "resources*" in config["setuptools"]["packages"]["find"]["include"]
    patterns = config["setuptools"]["package-data"]["resources"]
    shipped = {path for pattern in patterns for path in (ROOT / "resources").glob(pattern)}
    files = {path for path in (ROOT / "resources").rglob("*") if path.is_file()}
    assert files and files <= shipped, sorted(str(p.relative_to(ROOT)) for p in files - shipped)
