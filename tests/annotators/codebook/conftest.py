"""A project with the default codebook, one (file-less) video and one coder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotators.project import Project
from annotators.store.models import Video


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    with Project.create(tmp_path / "study.storyframe") as project:
        with project.session() as session:
            session.add(
                Video(path="clip.mp4", file_name="clip.mp4", content_hash="0" * 64, size_bytes=1,
                      duration_s=4.0, frame_count=100, fps=25.0, width=160, height=284)
            )  # fmt: skip
            session.commit()
        yield project
