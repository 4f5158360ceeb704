"""Where projects live and how the app picks one at start-up."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_path

from annotators.project import PROJECT_SUFFIX, Project, project_file_path
from annotators.settings import Settings

DEFAULT_PROJECT_NAME = f"My study{PROJECT_SUFFIX}"


def default_project_path() -> Path:
    """The project used when the user has not opened one yet (in the user data folder)."""
    return user_data_path("storyframe", appauthor=False) / DEFAULT_PROJECT_NAME


def startup_project_path(settings: Settings) -> Path:
    """The last project when it still exists, else the default project's path."""
    last = settings.get("last_project")
    if last and Path(last).is_file():
        return Path(last)
    return default_project_path()


def open_or_create(path: Path) -> Project:
    """Open ``path``, creating it (with the default codebook) when it does not exist yet."""
    path = project_file_path(path)
    return Project.open(path) if path.exists() else Project.create(path)
