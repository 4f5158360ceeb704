"""Suggestions from codebook rules: real transcript, on-screen text and caption matches at the
right frames; decisions stick (rejected never again, accepted becomes the coder's own)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from annotators.analysis import AnalysisSource, TextOccurrence, save_texts
from annotators.analysis.suggest import (
    accept,
    pending_suggestions,
    reject,
    suggest_for_clip,
)
from annotators.coding import History
from annotators.errors import AnalysisError
from annotators.jobs import run_job
from annotators.media import open_video
from annotators.project import Project
from annotators.store.models import Annotation, Code, Suggestion, Video
from annotators.transcribe import TranscriptResult, load_engine, save_transcript, transcribe_file
from annotators.transcribe.models import bundled_model_path

# says "... Please donate and share this story to help other families."
SPEECH = Path(__file__).parents[2] / "data" / "speech.mp4"


@pytest.fixture(scope="module")
def speech_result() -> TranscriptResult:
    """The fixture transcribed once with the bundled English model (real Whisper)."""
    return transcribe_file(SPEECH, load_engine("faster-whisper", bundled_model_path()))


@pytest.fixture
def project(tmp_path: Path, database: str | None) -> Iterator[Project]:
    shutil.copy(SPEECH, tmp_path / "speech.mp4")
    opened = Project.create(tmp_path / "study.storyframe", database=database)
    run_job(opened.import_media([tmp_path / "speech.mp4"]))
    yield opened
    opened.close()


def _ids(project: Project) -> tuple[int, int]:
    with project.session() as session:
        video_id = session.exec(select(Video.id)).one()
    return video_id, project.coder("ana").id


def _code_key(project: Project, code_id: int) -> str:
    with project.session() as session:
        return session.get(Code, code_id).key


def _word(result: TranscriptResult, text: str):  # type: ignore[no-untyped-def]
    words = [w for s in result.segments for w in s.words]
    return next(w for w in words if w.text.strip(" .,").lower() == text)


def test_speech_matches_at_the_frames_of_the_words(
    project: Project, speech_result: TranscriptResult
) -> None:
    video_id, coder_id = _ids(project)
    with project.session() as session:
        save_transcript(session, video_id, speech_result)
        session.commit()
    made = suggest_for_clip(project, video_id, coder_id)
    by_code = {_code_key(project, s.code_id): s for s in made}
    assert {"cta_donate", "cta_share"} <= set(by_code)
    donate = by_code["cta_donate"]
    assert (donate.origin, donate.matched_text.lower().strip(".,")) == ("speech", "donate")
    with open_video(project.root / "speech.mp4") as video:
        expected = video.frame_index_at(_word(speech_result, "donate").start)
    with project.session() as session:
        row = session.exec(select(Annotation).where(Annotation.uid == donate.annotation_uid)).one()
    assert (row.source, row.start_frame, row.end_frame) == ("suggested", expected, None)
    # "share" once, not once per overlapping pattern
    assert sum(1 for s in made if s.rule == "share") == 1


def test_screen_text_and_caption_matches(project: Project) -> None:
    video_id, coder_id = _ids(project)
    with project.session() as session:
        video = session.get(Video, video_id)
        video.platform_meta = {"desc": "Sign the petition! @helpfund", "organization": "Help Fund"}
        session.add(video)
        shown = TextOccurrence(30, 60, 3.0, 6.0, "#EndTheStigma link in bio", 0.97, (0, 0, 9, 9))
        save_texts(session, video_id, [shown], AnalysisSource("rapidocr", "1", {}))
        session.commit()
    made = suggest_for_clip(project, video_id, coder_id)
    found = {(s.rule, s.origin, s.matched_text) for s in made}
    assert ("hashtag_shown", "screen", "#EndTheStigma") in found
    assert ("link_in_bio", "screen", "link in bio") in found
    assert ("sign_petition", "caption", "Sign the petition") in found
    assert ("mention", "caption", "@helpfund") in found
    with project.session() as session:
        rows = {
            s.rule: session.exec(select(Annotation).where(Annotation.uid == s.annotation_uid)).one()
            for s in made
        }
    # interval code on screen text: the occurrence's frames; caption: frame 0 (point code)
    assert (rows["hashtag_shown"].start_frame, rows["hashtag_shown"].end_frame) == (30, 60)
    assert (rows["sign_petition"].start_frame, rows["sign_petition"].end_frame) == (0, None)


def test_decisions_stick(project: Project) -> None:
    video_id, coder_id = _ids(project)
    with project.session() as session:
        video = session.get(Video, video_id)
        video.platform_meta = {"caption": "Please donate and sign the petition"}
        session.add(video)
        session.commit()
    made = suggest_for_clip(project, video_id, coder_id)
    pending = pending_suggestions(project, video_id, coder_id)
    assert {p.suggestion.id for p in pending} == {s.id for s in made}
    donate = next(s for s in made if s.rule == "donate")
    link = next(s for s in made if s.rule == "sign_petition")
    reject(project, donate.annotation_uid, coder_id)
    accepted = accept(project, link.annotation_uid, coder_id)
    assert accepted.status == "accepted" and accepted.decided_at is not None
    with project.session() as session:
        source = session.exec(
            select(Annotation.source).where(Annotation.uid == link.annotation_uid)
        ).one()
    assert source == "manual"
    # running again makes nothing new: rejected, accepted and pending are all known
    assert suggest_for_clip(project, video_id, coder_id) == []
    still = pending_suggestions(project, video_id, coder_id)
    assert link.id not in {p.suggestion.id for p in still}
    # another coder gets their own suggestions
    other = project.coder("ben").id
    assert {s.rule for s in suggest_for_clip(project, video_id, other)} == {s.rule for s in made}


def test_only_the_coder_decides(project: Project) -> None:
    video_id, coder_id = _ids(project)
    with project.session() as session:
        video = session.get(Video, video_id)
        video.platform_meta = {"caption": "please donate"}
        session.add(video)
        session.commit()
    (made,) = suggest_for_clip(project, video_id, coder_id)
    with pytest.raises(AnalysisError, match="coder"):
        accept(project, made.annotation_uid, project.coder("ben").id)
    with pytest.raises(AnalysisError, match="not a suggestion"):
        reject(project, "0" * 32, coder_id)
    with pytest.raises(AnalysisError, match="no coder with id 999"):
        suggest_for_clip(project, video_id, 999)
    with project.session() as session:
        assert session.exec(select(Suggestion.status)).one() == "pending"


def test_accept_is_undoable_through_the_coding_history(project: Project) -> None:
    video_id, coder_id = _ids(project)
    with project.session() as session:
        video = session.get(Video, video_id)
        video.platform_meta = {"caption": "please donate"}
        session.add(video)
        session.commit()
    (made,) = suggest_for_clip(project, video_id, coder_id)
    history = History(project.session)
    accept(project, made.annotation_uid, coder_id, history=history)
    assert history.undo_label == "Accept suggestion 'donate'"
    history.undo()
    with project.session() as session:
        row = session.exec(select(Annotation).where(Annotation.uid == made.annotation_uid)).one()
        decision = session.exec(select(Suggestion)).one()
    assert (row.source, decision.status, decision.decided_at) == ("suggested", "pending", None)
    assert [p.suggestion.id for p in pending_suggestions(project, video_id, coder_id)] == [made.id]
    history.redo()
    with project.session() as session:
        assert session.exec(select(Suggestion.status)).one() == "accepted"
