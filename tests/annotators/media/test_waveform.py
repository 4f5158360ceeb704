"""The audio strip's data: a peak envelope and Silero VAD speech spans from the real track."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from annotators.errors import MediaError
from annotators.media.waveform import AudioSummary, audio_summary, envelope

SPEECH = Path(__file__).resolve().parents[2] / "data" / "speech.mp4"


def test_speech_is_found_where_the_narrator_speaks() -> None:
    summary = audio_summary(SPEECH)
    assert summary.duration == pytest.approx(15.04, abs=0.05)
    spoken = sum(end - start for start, end in summary.speech)
    assert 8 < spoken < summary.duration  # three sentences with pauses between them
    assert all(0 <= a < b <= summary.duration + 0.2 for a, b in summary.speech)
    assert 0.2 < summary.peaks.max() <= 1.0


def test_a_pure_tone_is_loud_but_no_speech(clip) -> None:
    summary = audio_summary(clip("audio"))
    assert summary.speech == ()
    assert np.median(summary.peaks) == pytest.approx(0.3, abs=0.05)  # the fixture's amplitude


def test_a_clip_without_audio_says_so(clip) -> None:
    with pytest.raises(MediaError, match="no audio track"):
        audio_summary(clip("cfr"))


def test_envelope_keeps_each_buckets_peak() -> None:
    samples = np.zeros(16000, dtype=np.float32)
    samples[1234] = -0.9  # one click in bucket 7 (160 samples per bucket at 100/s)
    peaks = envelope(samples, 16000, 100)
    assert len(peaks) == 100 and peaks[7] == pytest.approx(0.9) and peaks.sum() == peaks[7]


def test_columns_take_the_loudest_bucket_of_each_column() -> None:
    summary = AudioSummary(np.arange(100, dtype=np.float32) / 100, 100.0, ())
    assert summary.columns(0.0, 1.0, 4).tolist() == pytest.approx([0.24, 0.49, 0.74, 0.99])
    assert summary.columns(2.0, 3.0, 2).tolist() == [0.0, 0.0]  # past the end: silence
    # zoomed in beyond one bucket per column: no gaps between columns
    assert summary.columns(0.5, 0.52, 8).min() >= 0.5
