"""Both engines for real on the committed speech fixture and on music without speech."""

from __future__ import annotations

import huggingface_hub.constants
import jiwer
import numpy as np
import pytest

from annotators.errors import TranscriptionError
from annotators.media.audio import load_audio
from annotators.transcribe import (
    STATUS_NO_SPEECH,
    Engine,
    TranscribeSettings,
    TranscriptResult,
    load_engine,
    transcribe_file,
)

from .clips import SPEECH_CLIP, normalise, reference_text
from .conftest import OPENAI_THREADS

ENGINES = ["faster_result", "openai_result"]


@pytest.mark.parametrize("result_fixture", ENGINES)
def test_word_error_rate_at_most_15_percent(result_fixture: str, request) -> None:
    result: TranscriptResult = request.getfixturevalue(result_fixture)
    error_rate = jiwer.wer(normalise(reference_text()), normalise(result.text))
    assert error_rate <= 0.15, result.text


@pytest.mark.parametrize("result_fixture", ENGINES)
def test_word_times_increase_and_stay_inside_the_clip(result_fixture: str, request) -> None:
    result: TranscriptResult = request.getfixturevalue(result_fixture)
    words = result.words
    assert len(words) >= 30  # the script has 36 words
    starts = [w.start for w in words]
    assert starts == sorted(starts)
    assert all(0.0 <= w.start <= w.end <= result.audio_s for w in words)
    assert all(0.0 <= w.probability <= 1.0 for w in words)
    # the speech starts after 0.5 s of silence and lasts about 14 s
    assert words[0].start < 1.0 and words[-1].end > 12.0


@pytest.mark.parametrize("result_fixture", ENGINES)
def test_result_carries_confidence_and_provenance(result_fixture: str, request) -> None:
    result: TranscriptResult = request.getfixturevalue(result_fixture)
    assert result.status == "ok" and result.language == "en"
    for segment in result.segments:
        assert segment.avg_logprob is not None and segment.avg_logprob <= 0
        assert 0 <= segment.no_speech_prob <= 1 and segment.compression_ratio > 0
    source = result.provenance
    assert source.engine in ("faster-whisper", "openai-whisper") and source.engine_version
    assert "tiny.en" in source.model
    assert source.settings["word_timestamps"] and source.settings["vad_filter"]
    assert source.settings["condition_on_previous_text"] is False


def test_both_engines_give_near_identical_text(faster_result, openai_result) -> None:
    distance = jiwer.wer(normalise(faster_result.text), normalise(openai_result.text))
    assert distance <= 0.05, (faster_result.text, openai_result.text)
    # and the same words start at nearly the same times
    pairs = zip(faster_result.words, openai_result.words, strict=False)
    same = [(a.start, b.start) for a, b in pairs if normalise(a.text) == normalise(b.text)]
    assert np.median([abs(a - b) for a, b in same]) < 0.1


@pytest.mark.parametrize("engine_fixture", ["faster_engine", "openai_engine"])
def test_music_without_speech_gives_no_speech(engine_fixture: str, music_clip, request) -> None:
    engine: Engine = request.getfixturevalue(engine_fixture)
    result = transcribe_file(music_clip, engine)
    assert result.status == STATUS_NO_SPEECH
    assert result.segments == () and result.text == ""


def test_model_load_and_transcription_open_no_socket(no_network, storyframe_cache) -> None:
    audio = load_audio(SPEECH_CLIP)[: 16000 * 3]
    for name in ("faster-whisper", "openai-whisper"):
        engine = load_engine(name, cpu_threads=OPENAI_THREADS)
        assert engine.transcribe(audio, TranscribeSettings()).text
    assert no_network == []


def test_english_only_model_refuses_other_languages(faster_engine) -> None:
    with pytest.raises(TranscriptionError, match="English-only"):
        transcribe_file(SPEECH_CLIP, faster_engine, TranscribeSettings(language="de"))
    with pytest.raises(TranscriptionError, match="unknown language code 'xx'"):
        transcribe_file(SPEECH_CLIP, faster_engine, TranscribeSettings(language="xx"))


@pytest.mark.parametrize("engine", ["faster-whisper", "openai-whisper"])
def test_named_model_is_not_downloaded_unless_allowed(
    engine: str, no_network, tmp_path, monkeypatch
) -> None:
    # empty model caches, so the test holds on a machine that has downloaded "small"
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hf"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    with pytest.raises(TranscriptionError, match="--allow-download"):
        load_engine(engine, "small")
    assert no_network == []


def test_bad_engine_or_model_path_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(TranscriptionError, match="unknown engine 'whisperx'"):
        load_engine("whisperx")
    with pytest.raises(TranscriptionError, match="model folder or file not found"):
        load_engine("faster-whisper", str(tmp_path / "nope" / "model"))
    empty = tmp_path / "empty-model"
    empty.mkdir()
    with pytest.raises(TranscriptionError, match="empty-model"):
        load_engine("openai-whisper", empty)


def test_standard_checkpoint_in_whisper_cache_is_used_offline(
    openai_engine, no_network, tmp_path, monkeypatch
) -> None:
    import torch

    from annotators.transcribe.engines.openai import converted_checkpoint
    from annotators.transcribe.models import bundled_model_path

    # a stand-in for a downloaded tiny.en.pt: same format, no alignment heads inside
    checkpoint = torch.load(converted_checkpoint(bundled_model_path()), weights_only=True)
    del checkpoint["alignment_heads"]
    (tmp_path / "whisper").mkdir()
    torch.save(checkpoint, tmp_path / "whisper" / "tiny.en.pt")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    engine = load_engine("openai-whisper", "tiny.en", cpu_threads=OPENAI_THREADS)
    assert engine.model_name == "tiny.en" and no_network == []
    # openai-whisper's own alignment heads for tiny.en were applied
    assert engine.model.alignment_heads.to_dense().sum() > 0
