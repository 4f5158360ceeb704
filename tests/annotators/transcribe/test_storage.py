"""Transcript versions in the project database on both backends: one current per clip (the
database's partial unique index), older versions kept, made current again, discarded."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from annotators.project import Project
from annotators.store.models import Transcript, Video, Word
from annotators.transcribe.result import Provenance, SegmentResult, TranscriptResult, WordResult
from annotators.transcribe.storage import (
    current_transcript,
    discard_transcript,
    save_transcript,
    set_current_transcript,
    transcript_versions,
    transcript_words,
)


def result(text: str, model: str) -> TranscriptResult:
    words = tuple(
        WordResult(0.5 * i, 0.5 * i + 0.4, f" {w}", 0.9) for i, w in enumerate(text.split())
    )
    segment = SegmentResult(0.0, 0.5 * len(words), f" {text}", words=words)
    return TranscriptResult((segment,), "en", Provenance("test", "1", model, "en"), 3.0, 0.1)


@pytest.fixture
def project(tmp_path: Path, database: str | None) -> Project:
    opened = Project.create(tmp_path / "study.storyframe", database=database)
    with opened.session() as session:
        session.add(Video(path="a.mp4", file_name="a.mp4", content_hash="a" * 64, size_bytes=1,
                          duration_s=3.0, frame_count=75, fps=25.0, width=2, height=2))  # fmt: skip
        session.commit()
    yield opened
    opened.close()


def test_versions_stay_and_one_is_current(project: Project) -> None:
    video_id = project.videos()[0].id
    with project.session() as session:
        first = save_transcript(session, video_id, result("we gave today", "tiny"))
        second = save_transcript(session, video_id, result("we gave to them", "small"))
        session.commit()
        assert [t.id for t in transcript_versions(session, video_id)] == [second.id, first.id]
        assert current_transcript(session, video_id).id == second.id
        # the older one (lower id) back as current: the newer is retired first
        set_current_transcript(session, first.id)
        session.commit()
        assert current_transcript(session, video_id).id == first.id
        current = session.exec(select(Transcript.id).where(Transcript.is_current)).all()
        assert current == [first.id]
        assert [w.text for w in transcript_words(session, first.id)] == [" we", " gave", " today"]
        after = discard_transcript(session, first.id)
        session.commit()
        assert after is not None and after.id == second.id and after.is_current
        assert session.exec(select(Word).where(Word.transcript_id == first.id)).all() == []
