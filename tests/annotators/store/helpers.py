"""Test helpers for project tests."""

from __future__ import annotations

import hashlib
from pathlib import Path

from annotators.project import Project
from annotators.store.models import Video


def register(project: Project, path: Path) -> Video:
    """Store ``path`` as a video the way an import does (relative path, hash, size)."""
    data = path.read_bytes()
    video = Video(
        path=Path(path.resolve().relative_to(project.root)).as_posix(),
        file_name=path.name,
        content_hash=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        duration_s=1.0,
        frame_count=25,
        fps=25.0,
        width=160,
        height=284,
    )
    with project.session() as session:
        session.add(video)
        session.commit()
    return video
