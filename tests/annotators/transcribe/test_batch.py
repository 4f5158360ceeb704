"""transcribe_project: one model load, one commit per clip, resumable, survives bad clips."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from sqlmodel import select

from annotators.errors import ProjectError
from annotators.jobs import run_job
from annotators.project import Project
from annotators.store.models import Segment, Transcript, Word, WordCorrection
from annotators.transcribe import (
    Engine,
    TranscribeProgress,
    TranscribeSettings,
    current_transcript,
    discard_transcript,
    transcribe_project,
    transcript_versions,
    transcript_words,
)
from annotators.transcribe import batch as batch_module
from tests.media_fixtures import make_clip


@pytest.fixture
def project(tmp_path: Path, music_clip: Path, short_speech_clip: Path) -> Project:
    """A project with a speech clip, a music clip, a clip without audio and a broken clip."""
    media = tmp_path / "clips"
    media.mkdir()
    shutil.copy(short_speech_clip, media / "a_speech.mp4")
    shutil.copy(music_clip, media / "b_music.mp4")
    make_clip(media / "c_silent_video.mp4", seconds=1.0, audio=False)
    make_clip(media / "d_broken.mp4", seconds=1.0, audio=True)
    opened = Project.create(tmp_path / "study.storyframe")
    run_job(opened.import_media([media]))
    # the file goes bad after import (disk error, partial sync): its audio cannot be read
    (media / "d_broken.mp4").write_bytes(b"\x00" * 2048)
    yield opened
    opened.close()


@pytest.fixture
def counted_loads(monkeypatch, faster_engine: Engine) -> list[str]:
    """Make the batch 'load' the session engine, recording each load."""
    loads: list[str] = []

    def fake_load(name, model=None, **options):  # noqa: ANN001, ANN003, ANN202
        loads.append(name)
        return faster_engine

    monkeypatch.setattr(batch_module, "load_engine", fake_load)
    return loads


def by_name(project: Project) -> dict[str, int]:
    return {video.file_name: video.id for video in project.videos()}


def test_batch_transcribes_each_clip_once_and_reports_problems(project, counted_loads) -> None:
    progress: list[TranscribeProgress] = []
    report = run_job(transcribe_project(project), progress.append)
    ids = by_name(project)
    assert counted_loads == ["faster-whisper"]
    assert {c.path.name: c.status for c in report.transcribed} == {
        "a_speech.mp4": "ok",
        "b_music.mp4": "no_speech",
    }
    assert [(c.video_id, c.status) for c in report.failed] == [(ids["d_broken.mp4"], "failed")]
    assert "d_broken.mp4" in report.failed[0].reason
    assert [c.reason for c in report.skipped] == ["no audio track"]
    whole = [p.done for p in progress if p.done == int(p.done)]
    assert whole[0] == 0 and whole[-3:] == [1, 2, 3] and progress[-1].total == 3
    assert progress[-1].audio_s == pytest.approx(5.2 + 8.0, abs=0.2)
    assert progress[-1].speed > 1.0

    with project.session() as session:
        speech = current_transcript(session, ids["a_speech.mp4"])
        music = current_transcript(session, ids["b_music.mp4"])
        assert current_transcript(session, ids["d_broken.mp4"]) is None
        words = transcript_words(session, speech.id)
        segments = session.exec(select(Segment).where(Segment.transcript_id == speech.id)).all()
    assert speech.status == "ok" and speech.text.startswith("My name is Sarah")
    assert speech.engine == "faster-whisper" and speech.settings["word_timestamps"] is True
    assert speech.language == "en" and "tiny.en" in speech.model
    assert [w.index for w in words] == list(range(len(words))) and len(words) >= 10
    assert {w.segment_id for w in words} == {s.id for s in segments}
    assert all(s.avg_logprob is not None for s in segments)
    assert music.status == "no_speech" and music.text == ""


def test_second_run_only_retries_what_is_missing(project, counted_loads) -> None:
    run_job(transcribe_project(project))
    report = run_job(transcribe_project(project))
    assert report.already_done == 2 and report.transcribed == []
    assert [c.path.name for c in report.failed] == ["d_broken.mp4"]
    done = run_job(transcribe_project(project, video_ids=[by_name(project)["a_speech.mp4"]]))
    assert done.already_done == 1 and done.model_loads == 0
    assert counted_loads == ["faster-whisper", "faster-whisper"]


def test_cancel_keeps_finished_clips_and_resume_skips_them(project, counted_loads) -> None:
    job = transcribe_project(project)
    next(job)  # announced
    first = next(job)
    while first.done < 1:  # reports on the first clip while it is transcribed
        first = next(job)
    job.close()  # the user pressed Cancel once the first clip was committed
    assert first.done == 1
    report = run_job(transcribe_project(project))
    assert report.already_done == 1
    assert [c.path.name for c in report.transcribed] == ["b_music.mp4"]
    with project.session() as session:
        assert len(session.exec(select(Transcript)).all()) == 2


def test_force_keeps_the_old_version_until_discarded(project, faster_engine) -> None:
    speech_id = by_name(project)["a_speech.mp4"]
    run_job(transcribe_project(project, faster_engine, video_ids=[speech_id]))
    run_job(transcribe_project(project, faster_engine, video_ids=[speech_id], force=True))
    with project.session() as session:
        newest, older = transcript_versions(session, speech_id)
        assert newest.is_current and not older.is_current
        assert current_transcript(session, speech_id).id == newest.id
        # a coder's correction of a machine word goes with its transcript
        word = transcript_words(session, newest.id)[0]
        session.add(WordCorrection(word_id=word.id, text="Mine"))
        session.commit()
        # discarding the current version brings the older one back
        assert discard_transcript(session, newest.id).id == older.id
        session.commit()
    with project.session() as session:
        assert [t.id for t in transcript_versions(session, speech_id)] == [older.id]
        assert current_transcript(session, speech_id).is_current
        leftover = session.exec(select(Word).where(Word.transcript_id == newest.id)).all()
        assert leftover == [] and session.exec(select(WordCorrection)).all() == []


def test_unknown_video_id_is_refused_before_any_work(project, counted_loads) -> None:
    with pytest.raises(ProjectError, match="no video with id 999"):
        run_job(transcribe_project(project, video_ids=[999]))
    assert counted_loads == []


def test_progress_within_a_clip_is_reported_while_it_transcribes(
    project, counted_loads, monkeypatch
) -> None:
    monkeypatch.setattr(batch_module, "PROGRESS_EVERY_S", 0.01)
    ids = by_name(project)
    progress: list[TranscribeProgress] = []
    run_job(transcribe_project(project, video_ids=[ids["a_speech.mp4"]]), progress.append)
    during = [p for p in progress if 0 <= p.done < 1 and "of 5 s" in p.message]
    assert during, [p.message for p in progress]  # "a_speech.mp4: 0 of 5 s" while it runs
    assert all(p.message.startswith("a_speech.mp4: ") for p in during)
    assert [p.done for p in progress][-1] == 1


def test_engine_reports_seconds_done_up_to_the_clip_length(faster_engine, speech_audio) -> None:
    seconds: list[float] = []
    three_times = np.concatenate([speech_audio] * 3)  # 45 s: cut into parts on 2+ cores
    result = faster_engine.transcribe(three_times, TranscribeSettings(), seconds.append)
    assert seconds == sorted(seconds) and seconds[-1] == pytest.approx(result.audio_s, abs=0.01)
