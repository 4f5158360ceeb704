"""User settings of the Storyframe app, declared once with type, default and title.

Stored as JSON in the user's config folder (``platformdirs``), e.g.
``~/.config/storyframe/settings.json`` on Linux. Unknown keys in the file are kept but
ignored; values of the wrong type fall back to the default, so a hand-edited file can
never stop the app from starting.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platformdirs import user_config_path

MAX_RECENT_PROJECTS = 10


@dataclass(frozen=True)
class Setting:
    """One setting: its key in the file, Python type, default and title shown to users."""

    key: str
    type: type
    default: Any
    title: str


SETTINGS: dict[str, Setting] = {
    setting.key: setting
    for setting in (
        Setting("last_project", str, "", "Project opened last"),
        Setting("coder_name", str, "", "Your coder name"),
        Setting("recent_projects", list, [], "Recently opened projects"),
        Setting("whisper_model", str, "", "Whisper model (empty: bundled tiny.en)"),
        # project path -> {"video_id": id, "frame": index}: where coding resumes on restart
        Setting("last_positions", dict, {}, "Last clip and frame of each project"),
        Setting("last_export_folder", str, "", "Folder the last export went to"),
        Setting(
            "low_confidence",
            float,
            0.85,
            "Transcript words below this probability are marked uncertain (0-1)",
        ),
        Setting(
            "analyse_after_transcription",
            bool,
            False,
            "Analyse clips (shot cuts, on-screen text, suggestions) after transcribing them",
        ),
        # server project id -> {"folder": path, "files": {content hash: path}} on this machine
        # (annotators.project.media_folders): never the paths other machines use
        Setting("media_folders", dict, {}, "Where this machine keeps each team project's media"),
    )
}


# a settings file to use instead of the user's (several profiles on one machine, tests)
SETTINGS_ENV = "STORYFRAME_SETTINGS"


def default_settings_file() -> Path:
    """Where the settings live for this user (``$STORYFRAME_SETTINGS`` when set)."""
    override = os.environ.get(SETTINGS_ENV)
    if override:
        return Path(override).expanduser()
    return user_config_path("storyframe", appauthor=False) / "settings.json"


class Settings:
    """The settings in one JSON file; :meth:`set` writes the file at once (atomically)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_settings_file()
        self._values = self._read()

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            # missing on first run; a damaged file must not stop the app: use the defaults
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, key: str) -> Any:
        """The value of ``key`` (its default when unset or of the wrong type); lists are copies."""
        setting = SETTINGS[key]
        value = self._values.get(key, setting.default)
        if not isinstance(value, setting.type):
            value = setting.default
        return list(value) if isinstance(value, list) else value

    def set(self, key: str, value: Any) -> None:
        """Set ``key`` to ``value`` and save; ``TypeError`` for a value of the wrong type."""
        setting = SETTINGS[key]
        if not isinstance(value, setting.type):
            raise TypeError(f"setting {key!r} takes {setting.type.__name__}, not {value!r}")
        self._values[key] = value
        self._write()

    def add_recent_project(self, path: Path | str) -> None:
        """Put ``path`` first in the recent projects (no duplicates) and make it the last one."""
        path = str(Path(path).resolve())
        recent = [p for p in self.get("recent_projects") if p != path]
        self._values["recent_projects"] = [path, *recent][:MAX_RECENT_PROJECTS]
        self._values["last_project"] = path
        self._write()

    def _write(self) -> None:
        """Write the file via a temporary file + rename, so a crash leaves the old or new file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(self._values, file, indent=2, sort_keys=True)
        os.replace(temporary, self.path)
