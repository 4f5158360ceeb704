"""Coder files: a project file for one coder, with none of the other coders' work.

:func:`pack` copies the project with SQLite's online backup into a hidden file beside the
target (a server project: every row of one snapshot into a new SQLite file, so a coder file
is always a SQLite file that works offline), deletes from the copy every clip the coder is
not assigned (with its transcripts), every other coder's rows, assignments, consensus records
and the sample records, rewrites the video paths relative to the new file's folder (content
hashes stay, so "Find missing videos" relinks them on another laptop), and VACUUMs the copy
so deleted work cannot be read back from free pages. Only then is it linked into place, so
the target appears whole or not at all and an existing file is never overwritten.

The coder file remembers the state of the coder's rows when it was packed (project key
``pack_base``) so that :func:`annotators.study.merge` can tell edits made in the coder file
from edits made in the project meanwhile.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import uuid
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, select

from annotators.errors import StudyError
from annotators.project.files import from_stored_path, to_stored_path
from annotators.store.engine import make_engine
from annotators.store.models import Assignment, ProjectMeta, Video, utcnow
from annotators.store.portable import driver_errors, driver_message
from annotators.store.sqlite_copy import copy_to_sqlite

from .blind import BLIND_MODE_KEY
from .coded import uses_assignments
from .names import find_coder
from .portable import portable_rows

if TYPE_CHECKING:
    from annotators.project import Project

PACK_ID_KEY = "pack_id"
PACK_BASE_KEY = "pack_base"
PACKED_FOR_KEY = "packed_for"


@dataclass(frozen=True)
class PackReport:
    """What went into a coder file."""

    path: Path
    coder: str
    videos: list[str]
    annotations: int
    clip_values: int


def pack(project: Project, coder: str, out_path: Path | str) -> PackReport:
    """Write the coder file of ``coder`` to ``out_path`` (see the module docstring).

    Raises :class:`StudyError` for an unknown coder, a coder without assigned clips in a
    project with assignments, or an ``out_path`` that exists (the project itself included).
    """
    target = Path(out_path).expanduser()
    target = target if target.suffix else target.with_suffix(".storyframe")
    if target.resolve() == project.path:
        raise StudyError(f"{target} is the project itself; pick another file name")
    if target.exists():
        raise StudyError(f"{target} already exists; pick another file name (nothing was written)")
    with project.session() as session:
        coder_row = find_coder(session, coder)
        keep = _clips_of(session, coder_row.id)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StudyError(f"cannot write {target}: {error.strerror}") from error
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.partial")
    try:
        if project.server is None:
            backup_readonly(project.path, partial)
        else:  # a server project: the coder still gets a SQLite file to take along
            copy_to_sqlite(project.engine, partial)
        report = _strip(partial, project, coder_row.id, keep, target)
        _vacuum(partial)
        _link_into_place(partial, target)
    except (OSError, SQLAlchemyError, *driver_errors()) as error:
        raise StudyError(f"cannot write {target}: {driver_message(error)}") from error
    finally:
        for leftover in (partial, *partial.parent.glob(f"{partial.name}-*")):
            leftover.unlink(missing_ok=True)
    return report


def _clips_of(session: Session, coder_id: int) -> set[int]:
    """The coder's assigned clips; every clip when the project has no assignments."""
    if not uses_assignments(session):
        return set(session.exec(select(Video.id)))
    clips = set(session.exec(select(Assignment.video_id).where(Assignment.coder_id == coder_id)))
    if not clips:
        raise StudyError("this coder has no assigned clips; assign clips or draw a sample first")
    return clips


def backup_readonly(source: Path, target: Path) -> None:
    """Consistent copy of a project file (WAL content included) that never writes to it."""
    uri = f"{source.resolve().as_uri()}?mode=ro"
    with (
        closing(sqlite3.connect(uri, uri=True)) as reader,
        closing(sqlite3.connect(target)) as writer,
    ):
        reader.backup(writer)


def _strip(path: Path, project: Project, coder_id: int, keep: set[int], target: Path) -> PackReport:
    engine = make_engine(path)
    try:
        with Session(engine) as session:
            _delete_others(session, coder_id, keep)
            videos = _rewrite_paths(session, project.root, target.parent)
            rows = portable_rows(session)
            base = {uid: row.fingerprint() for uid, row in rows.items()}
            coder_name = session.execute(
                text("SELECT name FROM coder WHERE id = :id"), {"id": coder_id}
            ).scalar_one()
            meta = {
                PACK_ID_KEY: uuid.uuid4().hex, PACK_BASE_KEY: json.dumps(base),
                PACKED_FOR_KEY: coder_name, "packed_from": str(project.path),
                "packed_at": utcnow().isoformat(), BLIND_MODE_KEY: "on",
            }  # fmt: skip
            for key, value in meta.items():
                session.merge(ProjectMeta(key=key, value=value))
            session.commit()
    finally:
        engine.dispose()
    tables = [row.table for row in rows.values()]
    return PackReport(
        target, coder_name, videos, tables.count("annotation"), tables.count("clipvalue")
    )


# Statements that remove everything but the coder's own work on the kept clips. Order matters:
# rows pointing at a video or coder go before it.
_DELETES = (
    "DELETE FROM annotation WHERE coder_id != :coder OR video_id NOT IN ({keep})",
    "DELETE FROM clipvalue WHERE coder_id != :coder OR video_id NOT IN ({keep})",
    "DELETE FROM openinterval WHERE coder_id != :coder OR video_id NOT IN ({keep})",
    "DELETE FROM assignment WHERE coder_id != :coder OR video_id NOT IN ({keep})",
    "DELETE FROM consensusrecord",
    "DELETE FROM wordcorrection WHERE word_id IN (SELECT word.id FROM word JOIN transcript"
    " ON transcript.id = word.transcript_id WHERE transcript.video_id NOT IN ({keep}))",
    "UPDATE wordcorrection SET coder_id = NULL WHERE coder_id != :coder",
    "DELETE FROM word WHERE transcript_id IN"
    " (SELECT id FROM transcript WHERE video_id NOT IN ({keep}))",
    "DELETE FROM segment WHERE transcript_id IN"
    " (SELECT id FROM transcript WHERE video_id NOT IN ({keep}))",
    "DELETE FROM transcript WHERE video_id NOT IN ({keep})",
    "DELETE FROM video WHERE id NOT IN ({keep})",
    "DELETE FROM coder WHERE id != :coder",
    "DELETE FROM projectmeta WHERE key LIKE 'sample_round_%' OR key LIKE 'merge_base:%'"
    " OR key IN ('pack_id', 'pack_base', 'packed_for', 'packed_from', 'packed_at')",
)


def _delete_others(session: Session, coder_id: int, keep: set[int]) -> None:
    ids = ",".join(str(int(video_id)) for video_id in sorted(keep)) or "NULL"
    for statement in _DELETES:
        session.execute(text(statement.format(keep=ids)), {"coder": coder_id})


def _rewrite_paths(session: Session, old_root: Path, new_root: Path) -> list[str]:
    """Video paths relative to the coder file's folder; returns the kept file names."""
    names = []
    for video in session.exec(select(Video).order_by(Video.file_name)):
        absolute = from_stored_path(video.path, old_root)
        video.path = to_stored_path(absolute, new_root)
        session.add(video)
        names.append(video.file_name)
    return names


def _vacuum(path: Path) -> None:
    with closing(sqlite3.connect(path, isolation_level=None)) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
        connection.execute("VACUUM")


def _link_into_place(partial: Path, target: Path) -> None:
    """Give the finished file its name, failing (never overwriting) when the name is taken."""
    try:
        os.link(partial, target)
    except FileExistsError:
        raise StudyError(f"{target} appeared meanwhile; nothing was overwritten") from None
    except OSError:
        # no hard links here (e.g. a FAT-formatted USB stick): copy into an exclusive new file
        try:
            with open(partial, "rb") as source, open(target, "xb") as copy:
                shutil.copyfileobj(source, copy)
        except FileExistsError:
            raise StudyError(f"{target} appeared meanwhile; nothing was overwritten") from None
