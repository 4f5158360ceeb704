"""A project with the default codebook, one file-less video with irregular frame times, a coder."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from annotators.coding import Coding
from annotators.project import Project
from annotators.store.models import Annotation, ClipValue, Code, Video

FRAMES = 100
# Variable frame rate: every third frame comes 13 ms late, so times are not frame / fps.
TIMES = [round(i * 0.04 + (0.013 if i % 3 == 0 and i else 0.0), 4) for i in range(FRAMES)]


@dataclass
class Study:
    """What a coding test needs: the project, its operations and ids to code with."""

    project: Project
    coding: Coding
    video_id: int
    coder_id: int

    def code(self, key: str) -> Code:
        with self.project.session() as session:
            return session.exec(select(Code).where(Code.key == key)).one()

    def dump(self) -> list[tuple]:
        """Every annotation and clip value, all columns but ``version``, in id order.

        (Undo restores the content; the version only ever grows, see :meth:`versions`.)
        """
        with self.project.session() as session:
            return [
                tuple(value for name, value in row._mapping.items() if name != "version")
                for table in (Annotation, ClipValue)
                for row in session.execute(sa_select(table.__table__).order_by(table.id))
            ]

    def versions(self) -> dict[str, int]:
        """Version of every annotation and clip value by uid."""
        with self.project.session() as session:
            return {
                uid: version
                for table in (Annotation, ClipValue)
                for uid, version in session.execute(
                    sa_select(table.__table__.c.uid, table.__table__.c.version)
                )
            }


@pytest.fixture
def study(tmp_path: Path, database: str | None) -> Iterator[Study]:
    with Project.create(tmp_path / "study.storyframe", database=database) as project:
        with project.session() as session:
            video = Video(path="clip.mp4", file_name="clip.mp4", content_hash="0" * 64,
                          size_bytes=1, duration_s=4.0, frame_count=FRAMES, fps=25.0,
                          width=160, height=284)  # fmt: skip
            session.add(video)
            session.commit()
            video_id = video.id
        coding = Coding(project.session, times=lambda video: TIMES)
        yield Study(project, coding, video_id, project.coder("ana").id)


def annotation_count(session: Session) -> int:
    return len(session.exec(select(Annotation)).all())
