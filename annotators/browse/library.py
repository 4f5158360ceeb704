"""The clip library's rows: every video with its transcript state and one coder's count.

Two steps, because they cost differently: :func:`library_rows` is three SQL queries (one per
table, no per-video query), :func:`missing_files` touches the disk once per video (slow on a
network share), so a caller can show the rows first and mark missing files when they are known.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

from annotators.project import Project
from annotators.store.models import Annotation, Transcript, Video


@dataclass(frozen=True)
class ClipRow:
    """What the library shows about one video."""

    video: Video
    transcript: str  # "", "ok" or "no_speech"
    mine: int | None  # None: not counted (yet)
    missing: Path | None = None  # where the file should be, when it is not there
    language: str | None = None  # the current transcript's language (Whisper code), if any


def library_rows(project: Project, coder_id: int | None) -> list[ClipRow]:
    """Every video of ``project`` in import order, with its current transcript's status and
    language and the number of annotations ``coder_id`` made in it (``mine`` None when
    ``coder_id`` is None: counting a million annotations takes a while, see
    :func:`annotation_counts`). Files are not checked (``missing`` None)."""
    with project.session() as session:
        videos = list(session.exec(select(Video).order_by(Video.id)))
        current = select(Transcript.video_id, Transcript.status, Transcript.language).where(
            Transcript.is_current
        )
        states = {
            video_id: (status, language) for video_id, status, language in session.exec(current)
        }
    counts = None if coder_id is None else annotation_counts(project, coder_id)
    rows = []
    for v in videos:
        status, language = states.get(v.id, ("", None))
        mine = None if counts is None else counts.get(v.id, 0)
        rows.append(ClipRow(v, status, mine, language=language))
    return rows


def annotation_counts(project: Project, coder_id: int) -> dict[int, int]:
    """How many annotations ``coder_id`` made in each video that has any, by video id
    (suggestions they have not accepted are not theirs yet).

    One grouped query (its time is spent in SQLite, so other threads keep running)."""
    with project.session() as session:
        return dict(
            session.exec(
                select(Annotation.video_id, func.count(Annotation.id))
                .where(Annotation.coder_id == coder_id, Annotation.source != "suggested")
                .group_by(Annotation.video_id)
            ).all()
        )


def missing_files(project: Project, videos: Iterable[Video]) -> dict[int, Path]:
    """Where each of ``videos`` whose file is not on disk should be, by video id."""
    paths = ((video.id, project.video_path(video)) for video in videos)
    return {video_id: path for video_id, path in paths if not path.is_file()}
