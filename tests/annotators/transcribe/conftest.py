"""Session-wide engines and results: each model is loaded, and each clip transcribed, once."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from annotators.media.audio import load_audio
from annotators.transcribe import Engine, TranscribeSettings, TranscriptResult, load_engine
from annotators.transcribe.models import bundled_model_path

from .clips import SPEECH_CLIP, make_music_clip, write_clip


@pytest.fixture(scope="session")
def storyframe_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A private cache folder for converted checkpoints (the user's cache is never touched)."""
    folder = tmp_path_factory.mktemp("storyframe-cache")
    previous = os.environ.get("STORYFRAME_CACHE_DIR")
    os.environ["STORYFRAME_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("STORYFRAME_CACHE_DIR", None)
    else:
        os.environ["STORYFRAME_CACHE_DIR"] = previous


@pytest.fixture(scope="session")
def faster_engine() -> Engine:
    """The bundled English model alone (the default engine routes by language around it)."""
    return load_engine("faster-whisper", bundled_model_path())


# One torch thread: on a shared CI machine, torch's spinning worker threads make a 2-thread
# run several times slower than a 1-thread run as soon as anything else uses the CPU.
OPENAI_THREADS = 1


@pytest.fixture(scope="session")
def openai_engine(storyframe_cache: Path) -> Engine:
    return load_engine("openai-whisper", bundled_model_path(), cpu_threads=OPENAI_THREADS)


@pytest.fixture(scope="session")
def speech_audio() -> np.ndarray:
    return load_audio(SPEECH_CLIP)


@pytest.fixture(scope="session")
def faster_result(faster_engine: Engine, speech_audio: np.ndarray) -> TranscriptResult:
    return faster_engine.transcribe(speech_audio, TranscribeSettings())


@pytest.fixture(scope="session")
def openai_result(openai_engine: Engine, speech_audio: np.ndarray) -> TranscriptResult:
    return openai_engine.transcribe(speech_audio, TranscribeSettings())


@pytest.fixture(scope="session")
def music_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_music_clip(tmp_path_factory.mktemp("music") / "music.mp4")


@pytest.fixture(scope="session")
def short_speech_clip(tmp_path_factory: pytest.TempPathFactory, speech_audio: np.ndarray) -> Path:
    """The first sentence of the speech fixture (5.2 s), for tests about batches, not accuracy."""
    path = tmp_path_factory.mktemp("short") / "short_speech.mp4"
    write_clip(speech_audio[: int(5.2 * 16000)], path)
    return path
