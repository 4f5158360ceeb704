"""User settings: declared defaults, saved at once, robust against a damaged file."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotators.settings import MAX_RECENT_PROJECTS, SETTINGS, Settings


def test_defaults_then_values_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.json"
    settings = Settings(path)
    assert settings.get("coder_name") == SETTINGS["coder_name"].default == ""
    settings.set("coder_name", "Ana")
    assert Settings(path).get("coder_name") == "Ana"
    assert all(setting.title for setting in SETTINGS.values())


def test_wrong_types_are_refused_and_ignored(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    with pytest.raises(TypeError, match="coder_name"):
        Settings(path).set("coder_name", 3)
    path.write_text('{"coder_name": 3, "recent_projects": "oops"}', encoding="utf-8")
    assert Settings(path).get("coder_name") == ""
    assert Settings(path).get("recent_projects") == []


def test_damaged_file_falls_back_to_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{not json", encoding="utf-8")
    settings = Settings(path)
    assert settings.get("last_project") == ""
    settings.set("coder_name", "Ben")  # and writing repairs it
    assert Settings(path).get("coder_name") == "Ben"


def test_recent_projects_newest_first_without_duplicates(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "settings.json")
    for number in range(MAX_RECENT_PROJECTS + 2):
        settings.add_recent_project(tmp_path / f"p{number}.storyframe")
    settings.add_recent_project(tmp_path / "p5.storyframe")
    recent = Settings(tmp_path / "settings.json").get("recent_projects")
    assert len(recent) == MAX_RECENT_PROJECTS
    assert recent[0] == str(tmp_path / "p5.storyframe")
    assert recent.count(str(tmp_path / "p5.storyframe")) == 1
    assert str(tmp_path / "p0.storyframe") not in recent
    assert settings.get("last_project") == str(tmp_path / "p5.storyframe")
