"""Reading a coder file for a merge without ever writing to it.

The file is copied (SQLite online backup from a read-only connection) into a temporary folder;
an older schema is upgraded in the copy only; a newer one is refused before anything is read.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from annotators.errors import StudyError
from annotators.store import migrate
from annotators.store.engine import looks_like_sqlite, make_engine
from annotators.store.models import (
    Assignment,
    Code,
    Coder,
    ConsensusRecord,
    ProjectMeta,
    Video,
)
from annotators.store.server import is_pointer_file

from .pack import PACK_BASE_KEY, PACK_ID_KEY, PACKED_FOR_KEY, backup_readonly
from .portable import PortableRow, portable_rows


@dataclass
class CoderFile:
    """Everything a merge takes from the other file, already in portable form."""

    path: Path
    codes: dict[str, set[tuple[str, str]]]  # key -> {(kind, value_type)} over its codebooks
    videos: dict[str, str]  # content hash -> file name
    rows: dict[str, PortableRow]
    assignments: list[dict[str, Any]]  # coder, video_hash, round, reliability, submitted_at
    consensus: list[dict[str, Any]]  # ConsensusRecord columns, coder ids as names
    pack_id: str | None = None
    packed_for: str | None = None
    pack_base: dict[str, str] = field(default_factory=dict)  # uid -> fingerprint when packed


def _checked_revision(path: Path) -> str:
    if not path.is_file():
        raise StudyError(f"{path}: no such coder file")
    try:
        if is_pointer_file(path):
            raise StudyError(
                f"{path} is a server project, not a coder file: pack a coder file from it "
                "(storyframe pack) and merge that"
            )
        if not looks_like_sqlite(path):
            raise StudyError(f"{path} is not a Storyframe project (not an SQLite database)")
        revision = migrate.stored_revision(path)
    except (OSError, sqlite3.DatabaseError, UnicodeDecodeError) as error:
        raise StudyError(f"{path} cannot be read as a project: {error}") from error
    if revision is None:
        raise StudyError(f"{path} is an SQLite database but not a Storyframe project")
    if revision not in migrate.known_revisions(migrate.alembic_config()):
        raise StudyError(
            f"{path} was made by a newer Storyframe (schema {revision}; this version knows up "
            f"to {migrate.HEAD_REVISION}); update Storyframe to merge it. Nothing was changed."
        )
    return revision


@contextmanager
def read_coder_file(path: Path) -> Iterator[CoderFile]:
    """The contents of the project file at ``path``, read from a private copy."""
    revision = _checked_revision(path)
    with tempfile.TemporaryDirectory(prefix="storyframe-merge-") as folder:
        copy = Path(folder) / "other.storyframe"
        try:
            backup_readonly(path, copy)
        except sqlite3.Error as error:
            raise StudyError(f"{path} cannot be read as a project: {error}") from error
        _check_integrity(path, copy)
        had_uids = _has_uids(copy)
        engine = make_engine(copy)
        try:
            yield _read(engine, path, revision, had_uids)
        finally:
            engine.dispose()


def _has_uids(copy: Path) -> bool:
    """Whether the file's rows already carry a uid (schema 0002 and later)."""
    with closing(sqlite3.connect(copy)) as connection:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(annotation)")}
    return "uid" in columns


def _stable_uids(session: Session) -> None:
    """Give the rows of a file made before row uids existed the same uid at every merge.

    The schema upgrade draws random uids; merging the same old file twice would then add its
    rows twice. A uid made from what identifies the row in that file (table, id, creation time,
    clip) is the same each time and differs between files.
    """
    for table in ("annotation", "clipvalue"):
        query = text(
            f"SELECT t.id, t.created_at, v.content_hash FROM {table} t"
            " JOIN video v ON v.id = t.video_id"
        )
        for row_id, created, video_hash in session.execute(query).all():
            seed = f"legacy:{table}:{row_id}:{created}:{video_hash}"
            uid = hashlib.sha256(seed.encode()).hexdigest()[:32]
            session.execute(
                text(f"UPDATE {table} SET uid = :uid WHERE id = :id"), {"uid": uid, "id": row_id}
            )
    session.commit()


def _check_integrity(path: Path, copy: Path) -> None:
    """Refuse a damaged file before reading a row of it."""
    try:
        with closing(sqlite3.connect(copy)) as connection:
            verdict = connection.execute("PRAGMA quick_check").fetchone()
    except sqlite3.DatabaseError as error:
        raise StudyError(f"{path} is damaged and cannot be merged ({error})") from error
    if verdict is None or verdict[0] != "ok":
        problem = " ".join(str(verdict and verdict[0]).split())  # SQLite's report, on one line
        raise StudyError(f"{path} is damaged and cannot be merged ({problem})")


def _read(engine: Engine, path: Path, revision: str, had_uids: bool) -> CoderFile:
    """Upgrade the private copy when older, then load it; damage shows as StudyError."""
    try:
        if revision != migrate.HEAD_REVISION:
            migrate.upgrade(engine, migrate.alembic_config(engine))
        with Session(engine) as session:
            if not had_uids:
                _stable_uids(session)
            return _load(session, path)
    # what a file with damaged rows raises while being read (text that is not UTF-8, dates
    # or JSON that do not parse, rows pointing at missing rows)
    except (DBAPIError, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        reason = error.orig if isinstance(error, DBAPIError) else error
        reason = " ".join(str(reason).split())
        raise StudyError(f"{path} is damaged and cannot be merged ({reason})") from error


def _load(session: Session, path: Path) -> CoderFile:
    codes: dict[str, set[tuple[str, str]]] = {}
    for key, kind, value_type in session.execute(select(Code.key, Code.kind, Code.value_type)):
        codes.setdefault(key, set()).add((kind, value_type))
    videos = dict(session.execute(select(Video.content_hash, Video.file_name)).all())
    names = dict(session.execute(select(Coder.id, Coder.name)).all())
    meta = dict(session.execute(select(ProjectMeta.key, ProjectMeta.value)).all())
    return CoderFile(
        path=path,
        codes=codes,
        videos=videos,
        rows=portable_rows(session),
        assignments=_assignments(session, names),
        consensus=_consensus(session, names),
        pack_id=meta.get(PACK_ID_KEY),
        packed_for=meta.get(PACKED_FOR_KEY),
        pack_base=json.loads(meta.get(PACK_BASE_KEY) or "{}"),
    )


def _assignments(session: Session, names: dict[int, str]) -> list[dict[str, Any]]:
    query = select(Assignment, Video.content_hash).join(Video, Video.id == Assignment.video_id)
    return [
        {
            "coder": names[row.coder_id],
            "video_hash": video_hash,
            "round": row.round,
            "reliability": row.reliability,
            "submitted_at": row.submitted_at,
        }  # fmt: skip
        for row, video_hash in session.execute(query)
    ]


def _consensus(session: Session, names: dict[int, str]) -> list[dict[str, Any]]:
    return [
        {
            "target_uid": row.target_uid,
            "action": row.action,
            "source_uid": row.source_uid,
            "source_coder": names.get(row.source_coder_id),
            "reviewer": names[row.reviewer_id],
            "note": row.note,
            "created_at": row.created_at,
        }  # fmt: skip
        for row in session.scalars(select(ConsensusRecord))
    ]
