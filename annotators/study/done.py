"""Done marks: a coder submits a clip when finished and may reopen it.

"The clips a coder coded" (:func:`annotators.study.coded_video_ids`) are the submitted ones,
so marking done is what makes a clip count in an agreement figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from annotators.errors import StudyError
from annotators.store.models import Assignment, Coder, Video, utcnow
from annotators.store.portable import byte_order

from .names import find_coder, find_videos

if TYPE_CHECKING:
    from annotators.project import Project


@dataclass(frozen=True)
class MyClip:
    """One clip assigned to a coder: the video, its assignment facts and the done mark."""

    video: Video
    round: int
    reliability: bool
    submitted_at: datetime | None

    @property
    def done(self) -> bool:
        return self.submitted_at is not None


def mark_done(project: Project, coder: str, video: str | int, round: int | None = None) -> int:
    """Mark ``video`` done (submitted) for ``coder``; return how many assignments changed.

    Applies to the coder's assignments of the clip in ``round`` (every round when None).
    Raises :class:`StudyError` when the clip is not assigned to the coder.
    """
    return _set_submitted(project, coder, video, round, done=True)


def reopen(project: Project, coder: str, video: str | int, round: int | None = None) -> int:
    """Clear the done mark of ``video`` for ``coder`` (it no longer counts as coded)."""
    return _set_submitted(project, coder, video, round, done=False)


def _set_submitted(
    project: Project, coder: str, video: str | int, round: int | None, *, done: bool
) -> int:
    with project.write_session() as session:
        rows = _assignments(session, coder, video, round)
        changed = 0
        for row in rows:
            if (row.submitted_at is not None) != done:
                row.submitted_at = utcnow() if done else None
                session.add(row)
                changed += 1
        session.commit()
    return changed


def _assignments(
    session: Session, coder: str, video: str | int, round: int | None
) -> list[Assignment]:
    coder_row = find_coder(session, coder)
    clip = find_videos(session, [video])[0]
    query = select(Assignment).where(
        Assignment.coder_id == coder_row.id, Assignment.video_id == clip.id
    )
    if round is not None:
        query = query.where(Assignment.round == round)
    rows = list(session.exec(query))
    if not rows:
        where = "" if round is None else f" in round {round}"
        raise StudyError(f"{clip.file_name} is not assigned to {coder_row.name}{where}")
    return rows


def my_clips(project: Project, coder: str) -> list[MyClip]:
    """The clips assigned to ``coder`` (by round, then file name) with their done marks.

    A coder with no assignments (or unknown to the project) has no clips.
    """
    with project.session() as session:
        query = (
            select(Assignment, Video)
            .join(Video, Video.id == Assignment.video_id)
            .join(Coder, Coder.id == Assignment.coder_id)
            .where(Coder.name == coder.strip())
            .order_by(Assignment.round, byte_order(Video.file_name))
        )
        return [
            MyClip(video, row.round, row.reliability, row.submitted_at)
            for row, video in session.exec(query)
        ]
