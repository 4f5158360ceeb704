"""The :class:`Project`: one SQLite project file, its sessions, coders and videos.

Every method that changes data commits before it returns, so a crash or a killed process
never loses an action the user already saw succeed.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlmodel import Session, select

from annotators.codebook import install_default_codebook
from annotators.errors import ProjectError
from annotators.jobs import Job
from annotators.store import migrate
from annotators.store.engine import (
    begin_write,
    integrity_problem,
    looks_like_sqlite,
    make_engine,
    make_read_only_engine,
    read_only_uri,
    sqlite_problem,
)
from annotators.store.models import Coder, ProjectMeta, Video
from annotators.store.server import Pointer, is_pointer_file

from . import importer, media_folders, metadata, relink, server
from .files import from_stored_path, is_utf8_name, shown_path

PROJECT_SUFFIX = ".storyframe"


def project_file_path(path: Path | str) -> Path:
    """``path`` as given, with ``.storyframe`` added when it has no extension.

    Raises :class:`ProjectError` (before any folder is made) when the full path is not valid
    UTF-8: SQLite cannot open such a path, and video paths are stored relative to it.
    """
    path = Path(path).expanduser()
    if not is_utf8_name(path.absolute()):
        raise ProjectError(
            f"{shown_path(path.absolute())}: the path is not valid UTF-8; rename the folder "
            "(or the file) to use it for a project"
        )
    return path if path.suffix else path.with_suffix(PROJECT_SUFFIX)


def _check_openable(path: Path) -> bool:
    """Raise :class:`ProjectError` unless ``path`` is a non-empty SQLite file or a server
    project file; return whether it is the latter."""
    if not path.exists():
        raise ProjectError(f"{path}: no such project file")
    if not path.is_file():
        raise ProjectError(f"{path} is a folder, not a project file")
    if path.stat().st_size == 0:
        raise ProjectError(f"{path} is empty (0 bytes), not a Storyframe project")
    try:
        if is_pointer_file(path):
            return True
        is_sqlite = looks_like_sqlite(path)
    except OSError as error:
        raise ProjectError(f"cannot read project {path}: {error.strerror}") from error
    if not is_sqlite:
        raise ProjectError(f"{path} is not a Storyframe project (not an SQLite database)")
    return False


class Project:
    """An open project file. Use :meth:`create` or :meth:`open`, then :meth:`close`
    (or a ``with`` block).

    ``backup_path`` is the copy made when opening migrated an older schema, else ``None``.
    ``server`` is what a server project's file points to (``None`` for a SQLite project);
    ``joined`` is true when :meth:`create` wrote a file for a server project that existed.
    """

    def __init__(
        self,
        path: Path,
        engine: Engine,
        backup_path: Path | None = None,
        *,
        read_only: bool = False,
        server: Pointer | None = None,
    ) -> None:
        self.path = path.resolve()
        self.engine = engine
        self.backup_path = backup_path
        #: opened for reading only (no write permission): every write raises ProjectError
        self.read_only = read_only
        self.server = server
        self.joined = False

    @property
    def root(self) -> Path:
        """The folder of the project file; video paths are stored relative to it."""
        return self.path.parent

    @classmethod
    def create(
        cls, path: Path | str, *, default_codebook: bool = True, database: str | None = None
    ) -> Project:
        """Create a new project file at ``path`` (folders made as needed).

        The shipped social-cause codebook is installed and active unless ``default_codebook`` is
        false. Refuses to overwrite an existing file. With ``database`` (a PostgreSQL URL
        without password) the data lives on that server and ``path`` is a small file pointing
        to it; a database that already holds a project is joined, not changed.
        """
        path = project_file_path(path)
        if path.exists():
            raise ProjectError(f"{path} already exists; open it instead of creating it")
        if database is not None:
            return cls._create_server(path, database, default_codebook)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ProjectError(f"cannot create project {path}: {error}") from error
        engine = make_engine(path)
        try:
            migrate.upgrade(engine, migrate.alembic_config(engine))
        except DatabaseError as error:
            engine.dispose()
            for leftover in (path, *path.parent.glob(f"{path.name}-*")):  # -wal, -shm
                leftover.unlink(missing_ok=True)
            raise ProjectError(f"cannot create project {path}: {error.orig}") from error
        project = cls(path, engine)
        project._initialise(default_codebook)
        return project

    @classmethod
    def _create_server(cls, path: Path, database: str, default_codebook: bool) -> Project:
        engine, pointer, joined = server.create_server(path, database)
        project = cls(path, engine, server=pointer)
        project.joined = joined
        if not joined:
            project._initialise(default_codebook)
        return project

    def _initialise(self, default_codebook: bool) -> None:
        """Record who created the new project and install the shipped codebook."""
        self.set_meta("created_by", f"storyframe {_version()}")
        if default_codebook:
            with self.write_session() as session:
                install_default_codebook(session)
                session.commit()

    @classmethod
    def open(cls, path: Path | str, *, read_only: bool | None = None) -> Project:
        """Open an existing project, migrating an older schema after a backup copy.

        ``read_only`` (default: when the file or its folder is not writable) opens it for
        reading only: reading commands work, every write raises :class:`ProjectError` saying
        so. The file's integrity is checked first (``PRAGMA quick_check``).

        Raises :class:`ProjectError` for a missing, empty, non-SQLite, damaged or
        newer-schema file, and for a read-only one that needs an upgrade.
        """
        path = project_file_path(path)
        if _check_openable(path):
            engine, pointer = server.open_server(path)
            return cls(path, engine, server=pointer, read_only=bool(read_only))
        if read_only is None:
            read_only = not _writable(path)
        _check_integrity(path)  # before a migration or anything else writes to it
        if read_only:
            _check_current_read_only(path)
            return cls(path, make_read_only_engine(path), read_only=True)
        backup = migrate.prepare_for_open(path)
        return cls(path, make_engine(path), backup)

    def close(self) -> None:
        """Release the database connections (SQLite folds the WAL into the file)."""
        self.engine.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session on the project database; the caller commits.

        Objects stay readable after the session closes (no expiry on commit). SQLite's
        "read-only", "disk full", "locked" and "malformed" errors inside the block become a
        :class:`ProjectError` that says so (the transaction is rolled back: nothing changed).
        """
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
            except OperationalError as error:
                session.rollback()
                reason = _database_problem(self, error)
                if reason is None:
                    raise
                raise ProjectError(reason) from error

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A session that holds the write lock from its first statement (``BEGIN IMMEDIATE``,
        see :func:`~annotators.store.engine.begin_write`); the caller commits.

        :class:`ProjectError` at once for a project opened read-only.
        """
        self.require_writable()
        with self.session() as session:
            begin_write(session)
            yield session

    def require_writable(self) -> None:
        """:class:`ProjectError` saying so when the project was opened read-only; commands
        that write call it before any long work (hashing, transcribing)."""
        if self.read_only:
            raise ProjectError(_read_only_message(self.path))

    def get_meta(self, key: str) -> str | None:
        """Value of the project setting ``key``, or ``None``."""
        with self.session() as session:
            row = session.get(ProjectMeta, key)
            return None if row is None else row.value

    def set_meta(self, key: str, value: str) -> None:
        """Store the project setting ``key`` (committed)."""
        with self.write_session() as session:
            session.merge(ProjectMeta(key=key, value=value))
            session.commit()

    def coder(self, name: str) -> Coder:
        """The coder called ``name`` (surrounding spaces ignored), created and committed if new.

        Uses its own session: do not call it while another session of this thread holds
        uncommitted writes (SQLite allows one writer; it would wait for the busy timeout).
        """
        name = name.strip()
        if not name:
            raise ProjectError("a coder needs a name")
        with self.session() as session:  # the common case reads only, and takes no lock
            coder = session.exec(select(Coder).where(Coder.name == name)).first()
        if coder is not None:
            return coder
        with self.write_session() as session:
            coder = session.exec(select(Coder).where(Coder.name == name)).first()
            if coder is None:
                coder = Coder(name=name)
                session.add(coder)
                session.commit()
            return coder

    def videos(self) -> list[Video]:
        """All videos in import order."""
        with self.session() as session:
            return list(session.exec(select(Video).order_by(Video.id)))

    def video(self, video_id: int) -> Video:
        """The video with ``video_id``; :class:`ProjectError` when there is none."""
        with self.session() as session:
            video = session.get(Video, video_id)
        if video is None:
            raise ProjectError(f"{self.path} has no video with id {video_id}")
        return video

    def video_path(self, video: Video) -> Path:
        """Absolute path of ``video``'s file (which may be missing). On a server project this
        machine's media mapping (:mod:`.media_folders`) comes first."""
        if self.server is not None:
            local = media_folders.local_path(self, video)
            if local is not None:
                return local
        return from_stored_path(video.path, self.root)

    def missing_videos(self) -> list[Video]:
        """Videos whose file is not where the project expects it."""
        return [video for video in self.videos() if not self.video_path(video).is_file()]

    def import_media(self, paths: Iterable[Path | str]) -> Job[importer.ImportReport]:
        """Job importing files and folders (recursively); see :mod:`.importer`."""
        self.require_writable()
        return importer.import_media(self, [Path(p).expanduser() for p in paths])

    def relink(self, video_id: int, new_path: Path | str) -> Video:
        """Point video ``video_id`` at ``new_path`` after checking it has the same content
        (on a server project: in this machine's settings, never in the shared database)."""
        self.require_writable()
        return relink.relink(self, video_id, Path(new_path).expanduser())

    def relink_search(self, folder: Path | str) -> Job[relink.RelinkReport]:
        """Job finding missing videos inside ``folder`` by content hash and relinking them
        (on a server project ``folder`` also becomes this machine's media folder)."""
        self.require_writable()
        return relink.relink_search(self, Path(folder).expanduser())

    def import_metadata(self, path: Path | str) -> metadata.MetadataReport:
        """Attach platform metadata rows (CSV/JSON) to videos; see :mod:`.metadata`."""
        self.require_writable()
        return metadata.import_metadata(self, Path(path).expanduser())


def _writable(path: Path) -> bool:
    """Whether SQLite may write ``path`` and create its -wal/-shm files beside it."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def _read_only_message(path: Path) -> str:
    return (
        f"{path} is read-only (no write permission for the file or its folder): it was opened"
        " for reading only and nothing was changed"
    )


def _check_integrity(path: Path) -> None:
    problem = integrity_problem(path)
    if problem is not None:
        raise ProjectError(
            f"{path} cannot be read as a project: it is damaged ({problem}); nothing was"
            " changed. Use a backup copy, or"
            " try 'sqlite3 FILE .recover' on a copy"
        )


def _check_current_read_only(path: Path) -> None:
    """A read-only file cannot be migrated: it must already be at the current schema."""
    with closing(sqlite3.connect(read_only_uri(path), uri=True)) as connection:
        try:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError:
            row = None
    revision = row[0] if row else None
    if revision is None:
        raise ProjectError(f"{path} is an SQLite database but not a Storyframe project")
    if revision != migrate.HEAD_REVISION:
        raise ProjectError(
            f"{path} is read-only and has schema {revision}, but this Storyframe uses"
            f" {migrate.HEAD_REVISION}: make it writable once so it can be upgraded"
        )


def _database_problem(project: Project, error: OperationalError) -> str | None:
    """A user-facing sentence for SQLite's ``error``, or ``None`` for a programming error."""
    reason = sqlite_problem(error)
    if reason is None:
        return None
    if "read-only" in reason:
        return _read_only_message(project.path)
    return f"{project.path}: {reason}; the last change was not saved, nothing else changed"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("storyframe")
    except PackageNotFoundError:
        return "unknown"
