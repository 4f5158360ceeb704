"""This machine's copy of a server project's media: a folder, and files found by content.

A server project's ``video.path`` says where the importing machine kept each file; other
machines keep theirs elsewhere. Each user's settings (``media_folders``, keyed by the
project's ``project_id``) map the project to a local folder and to the files relinking
found there by content hash, so relinking on one machine never rewrites the paths the
other machines use: for server projects the database's paths are never changed.

Settings entry: ``{"folder": "/abs/folder", "files": {"<sha256>": "/abs/file.mp4"}}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotators.errors import ProjectError
from annotators.settings import Settings, default_settings_file
from annotators.store.models import Video

if TYPE_CHECKING:
    from .core import Project

SETTING = "media_folders"
# settings file -> (its modification time, its media_folders value): video_path is called
# once per clip when a library of thousands is checked, so the file is read only when it changed
_cache: dict[Path, tuple[int, dict[str, Any]]] = {}


@dataclass(frozen=True)
class LocalMedia:
    """Where this machine keeps a server project's media (``folder`` None: not set)."""

    folder: Path | None = None
    files: dict[str, Path] = field(default_factory=dict)  # content hash -> file


def _project_id(project: Project) -> str:
    if project.server is None:
        raise ProjectError(
            f"{project.path} is a project file, not a server project: its videos' paths are "
            "kept in the file itself (use 'storyframe relink' to move them)"
        )
    return project.server.project_id


def _all_entries() -> dict[str, Any]:
    path = default_settings_file()
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return {}
    cached = _cache.get(path)
    if cached is None or cached[0] != stamp:
        cached = (stamp, Settings(path).get(SETTING))
        _cache[path] = cached
    return cached[1]


def local_media(project: Project) -> LocalMedia:
    """This machine's media mapping of the server ``project`` (empty when none is set).

    Entries of the wrong shape (a hand-edited file) are ignored, never an error.
    """
    entry = _all_entries().get(_project_id(project))
    if not isinstance(entry, dict):
        return LocalMedia()
    folder = entry.get("folder")
    files = entry.get("files")
    files = files if isinstance(files, dict) else {}
    return LocalMedia(
        Path(folder) if isinstance(folder, str) and folder else None,
        {key: Path(value) for key, value in files.items() if isinstance(value, str)},
    )


def local_path(project: Project, video: Video) -> Path | None:
    """``video``'s file on this machine: the file relinking found, else the same relative
    path or the file name in the media folder; ``None`` when none of them exists."""
    media = local_media(project)
    candidates = []
    if video.content_hash in media.files:
        candidates.append(media.files[video.content_hash])
    if media.folder is not None:
        stored = Path(video.path)
        if not stored.is_absolute():
            candidates.append(media.folder / stored)
        candidates.append(media.folder / video.file_name)
    return next((path for path in candidates if path.is_file()), None)


def _update(project: Project, change: Any) -> None:
    """Apply ``change(entry)`` to this project's entry and save the settings (read fresh
    first, so another Storyframe process's settings written meanwhile are kept)."""
    key = _project_id(project)
    settings = Settings(default_settings_file())
    entries = dict(settings.get(SETTING))
    entry = entries.get(key)
    entry = dict(entry) if isinstance(entry, dict) else {}
    change(entry)
    entries[key] = entry
    try:
        settings.set(SETTING, entries)
    except OSError as error:
        message = f"cannot save this machine's media folder in {settings.path}: {error}"
        raise ProjectError(message) from error


def set_folder(project: Project, folder: Path) -> None:
    """Make ``folder`` this machine's media folder of the server ``project``."""
    if not folder.is_dir():
        raise ProjectError(f"{folder} is not a folder")
    _update(project, lambda entry: entry.__setitem__("folder", str(folder.resolve())))


def remember_file(project: Project, video: Video, path: Path) -> None:
    """Record that this machine keeps ``video``'s file (content already checked) at ``path``."""

    def change(entry: dict[str, Any]) -> None:
        files = entry.get("files")
        files = dict(files) if isinstance(files, dict) else {}
        files[video.content_hash] = str(path.resolve())
        entry["files"] = files

    _update(project, change)
