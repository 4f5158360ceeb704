"""File helpers for projects: which files are videos, content hashes, project-relative paths."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

VIDEO_EXTENSIONS = frozenset({".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi"})


def is_video_name(path: Path) -> bool:
    """True when the file name has one of the video extensions (case-insensitive)."""
    return path.suffix.lower() in VIDEO_EXTENSIONS


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Yield files to import: each file as given, and the video files inside each folder.

    Folders are searched recursively in sorted order, so imports are reproducible. Hidden
    files (``.name``, e.g. macOS ``._clip.mp4`` resource forks) inside folders are skipped.
    Paths that do not exist are yielded unchanged so the caller can report them.
    """
    for path in paths:
        if path.is_dir():
            yield from (
                found
                for found in sorted(path.rglob("*"))
                if found.is_file() and is_video_name(found) and not found.name.startswith(".")
            )
        else:
            yield path


def sha256_of(path: Path) -> str:
    """Hex sha256 of the file's bytes, streamed (memory stays flat for large files)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def to_stored_path(path: Path, root: Path) -> str:
    """How ``path`` is stored: relative to ``root`` in POSIX form, so a project folder moved
    together with its videos still finds them; absolute when no relative path exists
    (another drive on Windows)."""
    absolute = path.resolve()
    try:
        relative = os.path.relpath(absolute, root.resolve())
    except ValueError:
        return absolute.as_posix()
    return Path(relative).as_posix()


def from_stored_path(stored: str, root: Path) -> Path:
    """Absolute path of a stored video path (see :func:`to_stored_path`)."""
    path = Path(stored)
    return path if path.is_absolute() else (root / path).resolve()
