"""The :class:`Project`: one SQLite project file, its sessions, coders and videos.

Every method that changes data commits before it returns, so a crash or a killed process
never loses an action the user already saw succeed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session, select

from annotators.codebook import install_default_codebook
from annotators.errors import ProjectError
from annotators.jobs import Job
from annotators.store import migrate
from annotators.store.engine import looks_like_sqlite, make_engine
from annotators.store.models import Coder, ProjectMeta, Video

from . import importer, metadata, relink
from .files import from_stored_path, is_utf8_name, shown_path

PROJECT_SUFFIX = ".storyframe"


def _with_suffix(path: Path | str) -> Path:
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


def _check_openable(path: Path) -> None:
    """Raise :class:`ProjectError` unless ``path`` is a non-empty SQLite file."""
    if not path.exists():
        raise ProjectError(f"{path}: no such project file")
    if not path.is_file():
        raise ProjectError(f"{path} is a folder, not a project file")
    if path.stat().st_size == 0:
        raise ProjectError(f"{path} is empty (0 bytes), not a Storyframe project")
    try:
        is_sqlite = looks_like_sqlite(path)
    except OSError as error:
        raise ProjectError(f"cannot read project {path}: {error.strerror}") from error
    if not is_sqlite:
        raise ProjectError(f"{path} is not a Storyframe project (not an SQLite database)")


class Project:
    """An open project file. Use :meth:`create` or :meth:`open`, then :meth:`close`
    (or a ``with`` block).

    ``backup_path`` is the copy made when opening migrated an older schema, else ``None``.
    """

    def __init__(self, path: Path, engine: Engine, backup_path: Path | None = None) -> None:
        self.path = path.resolve()
        self.engine = engine
        self.backup_path = backup_path

    @property
    def root(self) -> Path:
        """The folder of the project file; video paths are stored relative to it."""
        return self.path.parent

    @classmethod
    def create(cls, path: Path | str, *, default_codebook: bool = True) -> Project:
        """Create a new project file at ``path`` (folders made as needed).

        The shipped social-cause codebook is installed and active unless ``default_codebook`` is
        false. Refuses to overwrite an existing file.
        """
        path = _with_suffix(path)
        if path.exists():
            raise ProjectError(f"{path} already exists; open it instead of creating it")
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
        project.set_meta("created_by", f"storyframe {_version()}")
        if default_codebook:
            with project.session() as session:
                install_default_codebook(session)
                session.commit()
        return project

    @classmethod
    def open(cls, path: Path | str) -> Project:
        """Open an existing project, migrating an older schema after a backup copy.

        Raises :class:`ProjectError` for a missing, empty, non-SQLite or newer-schema file.
        """
        path = _with_suffix(path)
        _check_openable(path)
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

        Objects stay readable after the session closes (no expiry on commit).
        """
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def get_meta(self, key: str) -> str | None:
        """Value of the project setting ``key``, or ``None``."""
        with self.session() as session:
            row = session.get(ProjectMeta, key)
            return None if row is None else row.value

    def set_meta(self, key: str, value: str) -> None:
        """Store the project setting ``key`` (committed)."""
        with self.session() as session:
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
        with self.session() as session:
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
        """Absolute path of ``video``'s file (which may be missing)."""
        return from_stored_path(video.path, self.root)

    def missing_videos(self) -> list[Video]:
        """Videos whose file is not where the project expects it."""
        return [video for video in self.videos() if not self.video_path(video).is_file()]

    def import_media(self, paths: Iterable[Path | str]) -> Job[importer.ImportReport]:
        """Job importing files and folders (recursively); see :mod:`.importer`."""
        return importer.import_media(self, [Path(p).expanduser() for p in paths])

    def relink(self, video_id: int, new_path: Path | str) -> Video:
        """Point video ``video_id`` at ``new_path`` after checking it has the same content."""
        return relink.relink(self, video_id, Path(new_path).expanduser())

    def relink_search(self, folder: Path | str) -> Job[relink.RelinkReport]:
        """Job finding missing videos inside ``folder`` by content hash and relinking them."""
        return relink.relink_search(self, Path(folder).expanduser())

    def import_metadata(self, path: Path | str) -> metadata.MetadataReport:
        """Attach platform metadata rows (CSV/JSON) to videos; see :mod:`.metadata`."""
        return metadata.import_metadata(self, Path(path).expanduser())


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("storyframe")
    except PackageNotFoundError:
        return "unknown"
