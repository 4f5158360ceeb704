"""The rule for "which clips a coder coded": submitted assignments, else any own work."""

from __future__ import annotations

from pathlib import Path

from annotators.project import Project
from annotators.store.models import Annotation, Assignment, ClipValue, Code, Video, utcnow
from annotators.study import coded_video_ids, uses_assignments


def _video(session, name: str) -> int:
    video = Video(path=name, file_name=name, content_hash=name * 8, size_bytes=1, duration_s=1.0,
                  frame_count=25, fps=25.0, width=16, height=16)  # fmt: skip
    session.add(video)
    session.flush()
    return video.id


def test_coded_clips_follow_assignments_once_there_are_any(
    tmp_path: Path, database: str | None
) -> None:
    with Project.create(tmp_path / "s.storyframe", database=database) as project:
        ana, ben = project.coder("Ana").id, project.coder("Ben").id
        with project.session() as session:
            code = session.query(Code).filter(Code.kind == "point").first()
            tone = session.query(Code).filter(Code.kind == "clip").first()
            a, b, c = (_video(session, n) for n in ("a.mp4", "b.mp4", "c.mp4"))
            session.add(Annotation(video_id=a, code_id=code.id, coder_id=ana, start_frame=1,
                                   start_s=0.04))  # fmt: skip
            session.add(ClipValue(video_id=b, code_id=tone.id, coder_id=ana, value="x"))
            session.add(Annotation(video_id=c, code_id=code.id, coder_id=ana, start_frame=1,
                                   start_s=0.04, source="suggested"))  # fmt: skip
            session.commit()
            assert not uses_assignments(session)
            assert coded_video_ids(session, ana) == {a, b}  # the suggestion is not Ana's work
            assert coded_video_ids(session, ben) == set()

            session.add(Assignment(coder_id=ana, video_id=a, submitted_at=utcnow()))
            session.add(Assignment(coder_id=ana, video_id=b))  # assigned, not yet done
            session.commit()
            assert uses_assignments(session)
            assert coded_video_ids(session, ana) == {a}
