"""File helpers for projects: which files are videos, content hashes, project-relative paths."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

VIDEO_EXTENSIONS = frozenset({".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi"})


def is_video_name(path: Path) -> bool:
    """True when the file name has one of the video extensions (case-insensitive)."""
    return path.suffix.lower() in VIDEO_EXTENSIONS


@dataclass
class Scan:
    """What :func:`scan_paths` found: ``files`` to import, ``problems`` as (path, reason)."""

    files: list[Path] = field(default_factory=list)
    problems: list[tuple[Path, str]] = field(default_factory=list)


def scan_paths(paths: Iterable[Path]) -> Scan:
    """The files to import from ``paths``: each file as given, and the video files inside each
    folder, searched recursively in sorted order (so imports are reproducible).

    Hidden files (``.name``, e.g. macOS ``._clip.mp4`` resource forks) inside folders are left
    out silently; so are files without a video extension. Everything else that cannot be
    imported is listed in ``problems`` with the reason, never skipped silently: unreadable
    folders, and (given, or with a video name in a folder) broken links, FIFOs and other
    special files, and names that are not valid UTF-8. Paths that do not exist are kept in
    ``files`` so the importer reports them as missing.
    """
    scan = Scan()
    for path in paths:
        if path.is_dir():
            _scan_folder(path, scan)
        else:
            _classify(path, scan, given=True)
    # a file given and also found in a given folder is imported (or reported) once
    scan.files = list(dict.fromkeys(scan.files))
    scan.problems = list(dict.fromkeys(scan.problems))
    return scan


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """The importable files of :func:`scan_paths` (without the problems)."""
    yield from scan_paths(paths).files


def _scan_folder(folder: Path, scan: Scan) -> None:
    def unreadable(error: OSError) -> None:
        scan.problems.append((Path(error.filename), f"cannot read the folder: {error.strerror}"))

    found: list[Path] = []
    for parent, folders, names in os.walk(folder, onerror=unreadable):
        folders[:] = [name for name in folders if not name.startswith(".")]
        found.extend(Path(parent, name) for name in names if not name.startswith("."))
    for path in sorted(found):
        if is_video_name(path):
            _classify(path, scan, given=False)


def _classify(path: Path, scan: Scan, given: bool) -> None:
    """Add ``path`` to ``scan.files`` or, with the reason, to ``scan.problems``."""
    if not is_utf8_name(path):
        scan.problems.append((path, "the name is not valid UTF-8; rename the file to import it"))
        return
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if path.is_symlink():
            target = os.readlink(path)
            scan.problems.append((path, f"broken link (points to {target}, which does not exist)"))
        elif given:
            scan.files.append(path)  # reported by the importer as missing
        return
    except OSError as error:
        scan.problems.append((path, f"cannot read: {error.strerror}"))
        return
    if stat.S_ISREG(mode):
        scan.files.append(path)
    elif stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        scan.problems.append((path, "not a regular file (a pipe, socket or device)"))
    elif given:
        scan.problems.append((path, "not a regular file"))


def is_utf8_name(path: Path) -> bool:
    """True when ``path`` is valid UTF-8 (Python keeps other bytes as surrogates, which neither
    the project database nor most terminals can hold)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown_path(path: Path | str) -> str:
    """``path`` for messages: bytes that are not UTF-8 shown as ``\\xNN`` escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


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
