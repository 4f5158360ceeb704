"""Checked, atomic writing of every file a command produces (exports, transcripts, codebooks).

Contract of :func:`atomic_output`:
- the target is refused (:class:`ExportError`, nothing written) when it is one of the guard's
  protected files, an SQLite database or its ``-wal``/``-shm``/``-journal`` file, an existing
  video file (by extension), a folder, or anything else that is not a regular file (FIFO,
  device such as ``/dev/full``, socket);
- a missing parent folder is created;
- bytes go to a hidden ``.NAME.*.partial`` file beside the target, are flushed and fsynced, and
  only then renamed over the target, so a write error (disk full, I/O error), a cancel or a
  killed process never leaves a truncated file under the target's name;
- partial files left by killed writers of the same target are deleted first (a partial is
  stale when no process holds its lock).
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from annotators.errors import ExportError
from annotators.project.files import is_video_name
from annotators.store.engine import SQLITE_MAGIC

try:  # POSIX: an advisory lock tells a live writer's partial from a stale one
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from annotators.project import Project

# Files SQLite keeps beside a database; writing over one corrupts the database.
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")
PARTIAL_SUFFIX = ".partial"


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file ``path`` points to, or ``None`` when it does not exist."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


@dataclass(frozen=True)
class OutputGuard:
    """Files no output may replace: by resolved path and by identity (hard links, symlinks).

    ``reasons`` maps each protected real path to what it is ("the project file", "video
    clip.mp4", ...), used in the refusal message.
    """

    reasons: dict[Path, str]
    identities: dict[tuple[int, int], str]

    @classmethod
    def of(cls, files: Iterable[tuple[Path, str]]) -> OutputGuard:
        """A guard for ``(path, what it is)`` pairs."""
        reasons: dict[Path, str] = {}
        identities: dict[tuple[int, int], str] = {}
        for path, what in files:
            path = Path(path).expanduser()
            reasons[Path(os.path.realpath(path))] = what
            ident = _identity(path)
            if ident is not None:
                identities[ident] = what
        return cls(reasons, identities)

    @classmethod
    def for_project(cls, project: Project, *extra: tuple[Path, str]) -> OutputGuard:
        """Protects ``project``'s file, its SQLite companions and every imported video."""
        files = [(project.path, "the project file")]
        files += [
            (project.path.with_name(project.path.name + s), f"the project's {s[1:]} file")
            for s in SQLITE_COMPANIONS
        ]
        files += [
            (project.video_path(v), f"the project's video {v.file_name}") for v in project.videos()
        ]
        return cls.of([*files, *extra])

    def protects(self, path: Path) -> str | None:
        """What ``path`` is when it is protected, else ``None``."""
        what = self.reasons.get(Path(os.path.realpath(path)))
        if what is None:
            ident = _identity(path)
            what = self.identities.get(ident) if ident is not None else None
        return what


NO_GUARD = OutputGuard({}, {})


def _is_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def _sqlite_companion_of(path: Path) -> Path | None:
    """The database ``path`` belongs to when it is named like its -wal/-shm/-journal file."""
    for suffix in SQLITE_COMPANIONS:
        if path.name.endswith(suffix) and len(path.name) > len(suffix):
            base = path.with_name(path.name[: -len(suffix)])
            if _is_sqlite(base):
                return base
    return None


def check_target(path: Path | str, guard: OutputGuard = NO_GUARD) -> Path:
    """``path`` (user-expanded) when a file may be written there; else :class:`ExportError`.

    See the module docstring for what is refused. The check follows symlinks.
    """
    path = Path(path).expanduser()
    what = guard.protects(path)
    if what is not None:
        raise ExportError(f"{path} is {what}; refusing to write over it, choose another name")
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):  # the folder part is reported on mkdir
        mode = None
    except OSError as error:
        raise ExportError(f"{path}: cannot check the output file ({error.strerror})") from error
    if mode is not None:
        if stat.S_ISDIR(mode):
            raise ExportError(f"{path} is a folder; give a file name (for example {path}/out)")
        if not stat.S_ISREG(mode):
            raise ExportError(
                f"{path} is not a regular file (a device, FIFO or socket); refusing to write to it"
            )
        if is_video_name(path):
            raise ExportError(f"{path} is a video file; refusing to write over it")
        if _is_sqlite(path):
            raise ExportError(
                f"{path} is an SQLite database (a project?); refusing to write over it"
            )
    base = _sqlite_companion_of(path)
    if base is not None:
        raise ExportError(f"{path} belongs to the database {base}; refusing to write over it")
    return path


def prepare_target(path: Path | str, guard: OutputGuard = NO_GUARD) -> Path:
    """:func:`check_target`, then create the missing parent folders; return the path.

    For commands that want to fail before long work (a transcription) rather than after.
    """
    path = check_target(path, guard)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(
            f"{path}: cannot create the folder {path.parent} ({error.strerror})"
        ) from error
    return path


def stale_partials(path: Path) -> list[Path]:
    """Partial files of earlier writes to ``path`` that no live process is writing."""
    if fcntl is None:  # pragma: no cover - no way to tell; leave them
        return []
    stale = []
    for partial in path.parent.glob(f".{_glob_escape(path.name)}.*{PARTIAL_SUFFIX}"):
        try:
            fd = os.open(partial, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a live writer holds it
        finally:
            os.close(fd)
        stale.append(partial)
    return stale


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _remove_stale(path: Path) -> None:
    for partial in stale_partials(path):
        with suppress(OSError):
            partial.unlink()


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable (POSIX); harmless where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def atomic_output(
    path: Path | str,
    *,
    guard: OutputGuard = NO_GUARD,
    binary: bool = False,
    encoding: str = "utf-8",
    newline: str | None = None,
) -> Iterator[IO[Any]]:
    """A file handle whose content replaces ``path`` when the block ends without error.

    Raises :class:`ExportError` naming ``path`` for a refused target or any write error
    (``OSError`` inside the block included: disk full, I/O error); the target is then unchanged
    and no partial file is left.
    """
    path = prepare_target(path, guard)
    _remove_stale(path)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=PARTIAL_SUFFIX, dir=path.parent)
    except OSError as error:
        raise ExportError(f"{path}: cannot write here ({error.strerror})") from error
    partial = Path(name)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)  # released by the kernel if this process dies
        mode = "wb" if binary else "w"
        kwargs = {} if binary else {"encoding": encoding, "newline": newline}
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        check_target(path, guard)  # still not a special file (it may have appeared meanwhile)
        os.replace(partial, path)
        _fsync_folder(path.parent)
    except OSError as error:
        raise ExportError(
            f"{path}: cannot write ({error.strerror or error}); nothing was written"
        ) from error
    finally:
        with suppress(OSError):
            partial.unlink()


def write_text(
    path: Path | str, text: str, *, guard: OutputGuard = NO_GUARD, newline: str | None = None
) -> Path:
    """Write ``text`` as UTF-8 to ``path`` through :func:`atomic_output`; return the path."""
    with atomic_output(path, guard=guard, newline=newline) as handle:
        handle.write(text)
    return Path(path).expanduser()


def write_bytes(path: Path | str, data: bytes, *, guard: OutputGuard = NO_GUARD) -> Path:
    """Write ``data`` to ``path`` through :func:`atomic_output`; return the path."""
    with atomic_output(path, guard=guard, binary=True) as handle:
        handle.write(data)
    return Path(path).expanduser()
