"""Projects for exchange tests: the export tests' coded project, fresh twins, row digests."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from annotators.project import Project
from annotators.store.models import Video
from tests.annotators.export.conftest import (  # noqa: F401 (the fixture is re-exported)
    Coded,
    add_codebook,
    add_video,
    coded,
    fps25,
)

FORMATS = Path(__file__).resolve().parents[4] / "shared" / "formats"
if not FORMATS.is_dir():
    FORMATS = Path("/work/shared/formats")


def times25(video: Video):  # noqa: ANN201 (a FrameTimes callable)
    """Frame times of the synthetic 25 fps videos (their files do not exist)."""
    return fps25


def fresh_project(
    tmp_path: Path, name: str = "second", *, codebook: bool = True, database: str | None = None
) -> Project:
    """A new project with the same videos as ``coded`` (and its codebook when asked)."""
    project = Project.create(
        tmp_path / f"{name}.storyframe", default_codebook=False, database=database
    )
    with project.session() as session:
        if codebook:
            add_codebook(session)
        add_video(session, "b.mp4")  # another import order: ids differ
        add_video(session, "a.mp4")
        session.commit()
    return project


def digest(project: Project) -> str:
    """A hash of every row of every table: equal digests mean an unchanged project."""
    hasher = hashlib.sha256()
    with project.session() as session:
        for table in sorted(inspect(project.engine).get_table_names()):  # either backend
            for row in session.execute(text(f'SELECT * FROM "{table}" ORDER BY 1')):
                hasher.update(repr(tuple(row)).encode())
    return hasher.hexdigest()


@pytest.fixture
def long_video_project(tmp_path: Path, database: str | None) -> Project:
    """A project with the default codebook and one 1-hour 25 fps video per real EAF media."""
    project = Project.create(tmp_path / "field.storyframe", database=database)
    with project.session() as session:
        for name in ("e20130612_122213_008015_1.wav", "test.wav"):
            video = Video(
                path=name, file_name=name, content_hash=hashlib.sha256(name.encode()).hexdigest(),
                size_bytes=1, duration_s=3600.0, frame_count=90000, fps=25.0, width=2, height=2,
            )  # fmt: skip
            session.add(video)
        session.commit()
    yield project
    project.close()
