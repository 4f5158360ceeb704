"""load_audio: PyAV decoding to 16 kHz mono float32, and clear errors for files without audio."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from annotators.errors import MediaError
from annotators.media.audio import load_audio
from tests.media_fixtures import make_clip, make_not_a_video, make_truncated

from .clips import SPEECH_CLIP


def test_speech_fixture_decodes_to_16k_mono_float32() -> None:
    samples = load_audio(SPEECH_CLIP)
    assert samples.dtype == np.float32 and samples.ndim == 1
    # 15.02 s of audio (AAC adds at most a frame of priming/padding)
    assert abs(len(samples) / 16000 - 15.02) < 0.1
    assert 0.05 < np.abs(samples).max() <= 1.0


def test_other_sample_rates_are_resampled(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "tone.mp4", seconds=2.0, audio=True)
    assert abs(len(load_audio(clip, sample_rate=8000)) / 8000 - 2.0) < 0.1
    assert abs(len(load_audio(clip)) / 16000 - 2.0) < 0.1


def test_video_without_audio_track_is_refused_by_name(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "silent.mp4", seconds=1.0, audio=False)
    with pytest.raises(MediaError, match=r"silent\.mp4.*no audio track"):
        load_audio(clip)


@pytest.mark.parametrize("bad", ["missing.mp4", "notes.mp4"])
def test_unreadable_files_raise_media_error(tmp_path: Path, bad: str) -> None:
    path = tmp_path / bad
    if bad == "notes.mp4":
        make_not_a_video(path)
    with pytest.raises(MediaError, match=bad.replace(".", r"\.")):
        load_audio(path)


def test_truncated_file_gives_its_readable_audio_or_a_clear_error(tmp_path: Path) -> None:
    clip = make_truncated(tmp_path / "cut.mp4", keep=0.5, seconds=2.0, audio=True)
    try:
        samples = load_audio(clip)
    except MediaError as error:
        assert "cut.mp4" in str(error)
    else:
        assert len(samples) < 2.0 * 16000
