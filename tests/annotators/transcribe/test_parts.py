"""Cutting a clip at pauses so that its parts are transcribed side by side on separate cores."""

from __future__ import annotations

import jiwer
import numpy as np
import pytest

from annotators.transcribe import Engine, TranscribeSettings, TranscriptResult, load_engine
from annotators.transcribe.models import bundled_model_path
from annotators.transcribe.parts import cut_points

from .clips import normalise, reference_text

RATE = 16000


@pytest.fixture(scope="session")
def story_twice(speech_audio: np.ndarray) -> np.ndarray:
    """The 15 s speech fixture told twice (30 s): the only long pause is between the tellings."""
    return np.concatenate([speech_audio, speech_audio])


@pytest.fixture(scope="session")
def two_core_engine() -> Engine:
    """Two single-threaded replicas whatever the machine has, so a 30 s clip is cut in two."""
    return load_engine("faster-whisper", bundled_model_path(), cpu_threads=2)


@pytest.fixture(scope="session")
def story_twice_result(two_core_engine: Engine, story_twice: np.ndarray) -> TranscriptResult:
    return two_core_engine.transcribe(story_twice, TranscribeSettings())


def test_cut_falls_in_the_pause_between_sentences(story_twice: np.ndarray, faster_result) -> None:
    (cut,) = cut_points(story_twice, parts=2)
    # between the last word of the first telling and the first word of the second
    first_telling_ends = faster_result.words[-1].end
    second_telling_starts = len(story_twice) / 2 / RATE + faster_result.words[0].start
    assert first_telling_ends < cut / RATE < second_telling_starts


def test_short_clips_and_clips_without_pauses_are_not_cut(speech_audio: np.ndarray) -> None:
    assert cut_points(speech_audio, parts=2) == []  # 15 s: parts would be under 10 s
    assert cut_points(np.zeros(40 * RATE, np.float32), parts=1) == []
    # speech with no pause near the middle: four tellings squeezed into 40 s
    rushed = np.concatenate([_without_pauses(speech_audio)] * 4)
    assert cut_points(rushed[: 40 * RATE], parts=2) == []


def test_silence_is_cut_at_even_points() -> None:
    assert cut_points(np.zeros(40 * RATE, np.float32), parts=4) == [10 * RATE, 20 * RATE, 30 * RATE]


def _without_pauses(speech: np.ndarray) -> np.ndarray:
    """``speech`` with every quiet 10 ms frame dropped, so words run into each other."""
    frames = speech[: len(speech) // 160 * 160].reshape(-1, 160)
    return frames[np.abs(frames).max(axis=1) > 0.02].ravel()


def test_a_cut_clip_reads_like_one_transcript(story_twice_result: TranscriptResult) -> None:
    result = story_twice_result
    assert len(result.provenance.settings["cuts_s"]) == 1
    assert result.provenance.settings["workers"] == 2
    twice = f"{reference_text()} {reference_text()}"
    assert jiwer.wer(normalise(twice), normalise(result.text)) <= 0.15, result.text
    starts = [word.start for word in result.words]
    assert starts == sorted(starts)
    assert all(0.0 <= w.start <= w.end <= result.audio_s for w in result.words)
    # the second telling's words carry times from the start of the clip, not of its part
    cut = result.provenance.settings["cuts_s"][0]
    second = [w for w in result.words if w.start > cut]
    assert second and second[0].start == pytest.approx(15.04 + result.words[0].start, abs=0.3)
    assert [s.start for s in result.segments] == sorted(s.start for s in result.segments)


def test_cutting_changes_no_word_of_the_fixture(
    story_twice_result: TranscriptResult, faster_result: TranscriptResult
) -> None:
    # each telling, transcribed as a part, reads like the fixture transcribed alone
    cut = story_twice_result.provenance.settings["cuts_s"][0]
    halves = [
        " ".join(w.text for w in story_twice_result.words if (w.start > cut) == second)
        for second in (False, True)
    ]
    alone = normalise(faster_result.text)
    assert [jiwer.wer(alone, normalise(half)) for half in halves] == [0.0, 0.0], halves
