"""Small real project files for reliability tests: videos, coders, values and marks as rows."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from sqlmodel import Session, select

from annotators.project import Project
from annotators.store.models import Annotation, ClipValue, Code, Video


def add_video(session: Session, name: str, frames: int = 100, fps: float = 25.0) -> int:
    video = Video(path=name, file_name=name, content_hash=(name * 64)[:64], size_bytes=1,
                  duration_s=frames / fps, frame_count=frames, fps=fps, width=16,
                  height=16)  # fmt: skip
    session.add(video)
    session.flush()
    return video.id


def code_id(session: Session, key: str) -> int:
    return session.exec(select(Code.id).where(Code.key == key)).one()


def value(session: Session, video: int, key: str, coder: int, stored: str) -> None:
    session.add(ClipValue(video_id=video, code_id=code_id(session, key), coder_id=coder,
                          value=stored))  # fmt: skip


def mark(session: Session, video: int, key: str, coder: int, start: int, end: int | None = None,
         fps: float = 25.0, source: str = "manual") -> None:  # fmt: skip
    session.add(Annotation(video_id=video, code_id=code_id(session, key), coder_id=coder,
                           start_frame=start, end_frame=end, start_s=start / fps,
                           end_s=None if end is None else end / fps, source=source))  # fmt: skip


def two_coder_study(path: Path, database: str | None = None) -> Project:
    """Ana and Ben code 4 clips of 100 frames: emotional_tone, coder_notes, an interval code
    (personal_testimony) and a point code (cta_donate). Returns the open project.

    The file is built once per test session and copied (creating a project takes a second);
    with ``database`` (a fresh PostgreSQL database) it is built there.
    """
    if database is not None:
        return _build(path, database)
    global _TEMPLATE
    if _TEMPLATE is None or not _TEMPLATE.exists():
        folder = tempfile.mkdtemp(prefix="reliability-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _TEMPLATE = Path(folder) / "template.storyframe"
        _build(_TEMPLATE).close()
    shutil.copyfile(_TEMPLATE, path)
    return Project.open(path)


_TEMPLATE: Path | None = None


def _build(path: Path, database: str | None = None) -> Project:
    project = Project.create(path, database=database)
    ana, ben = project.coder("Ana").id, project.coder("Ben").id
    with project.session() as session:
        clips = [add_video(session, f"clip{i}.mp4") for i in range(4)]
        for clip, (a, b) in zip(
            clips, [("1", "1"), ("2", "2"), ("3", "1"), ("4", "4")], strict=True
        ):
            value(session, clip, "emotional_tone", ana, a)
            value(session, clip, "emotional_tone", ben, b)
        for clip, (a, b) in zip(clips[:2], [("calm", "calm"), ("loud", "quiet")], strict=True):
            value(session, clip, "coder_notes", ana, a)
            value(session, clip, "coder_notes", ben, b)
        for clip in clips:
            mark(session, clip, "personal_testimony", ana, 10, 49)
        for clip in clips[:3]:
            mark(session, clip, "personal_testimony", ben, 12, 49)
        mark(session, clips[0], "cta_donate", ana, 50)
        mark(session, clips[0], "cta_donate", ben, 60)  # 0.4 s later: a match at 0.5 s
        mark(session, clips[1], "cta_donate", ana, 20)
        mark(session, clips[1], "cta_donate", ben, 80, source="suggested")  # not Ben's work
        session.commit()
    return project
