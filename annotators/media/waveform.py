"""What a timeline draws of a clip's sound: a peak envelope and where people speak.

The envelope is the largest absolute sample in each bucket of ``1 / buckets_per_second``
seconds (so a click or a word onset is never averaged away); speech comes from Silero VAD,
the detector faster-whisper ships and transcription uses, so the strip agrees with what the
transcriber will hear.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .audio import WHISPER_SAMPLE_RATE, load_audio

BUCKETS_PER_SECOND = 100
# a short pause splits speech on the strip: coders look for turns, not sentences
MIN_PAUSE_MS = 300


@dataclass(frozen=True)
class AudioSummary:
    """``peaks[k]`` in [0, 1] is the loudest sample of seconds ``[k / rate, (k + 1) / rate)``;
    ``speech`` lists (start, end) seconds of speech in time order."""

    peaks: np.ndarray
    rate: float
    speech: tuple[tuple[float, float], ...]

    @property
    def duration(self) -> float:
        return len(self.peaks) / self.rate

    def columns(self, start_s: float, end_s: float, count: int) -> np.ndarray:
        """The envelope of ``[start_s, end_s)`` at ``count`` columns (the max of each)."""
        edges = np.floor(np.linspace(start_s, end_s, count + 1) * self.rate).astype(np.int64)
        starts = np.clip(edges[:-1], 0, len(self.peaks))
        # a column narrower than a bucket still shows the bucket it falls in
        ends = np.clip(np.maximum(edges[1:], edges[:-1] + 1), 0, len(self.peaks))
        out = np.zeros(count, dtype=np.float32)
        for k in np.flatnonzero(ends > starts):
            out[k] = self.peaks[starts[k] : ends[k]].max()
        return out


def envelope(samples: np.ndarray, sample_rate: int, buckets_per_second: int) -> np.ndarray:
    """Peak of ``|samples|`` per bucket, clipped to [0, 1]."""
    size = max(1, sample_rate // buckets_per_second)
    count = -(-len(samples) // size)
    padded = np.zeros(count * size, dtype=np.float32)
    padded[: len(samples)] = np.abs(samples)
    return np.minimum(padded.reshape(count, size).max(axis=1), 1.0)


def speech_spans(samples: np.ndarray, sample_rate: int = WHISPER_SAMPLE_RATE) -> list:
    """(start, end) seconds where Silero VAD hears speech in 16 kHz mono ``samples``."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps  # loads onnxruntime

    options = VadOptions(min_silence_duration_ms=MIN_PAUSE_MS, speech_pad_ms=100)
    found = get_speech_timestamps(samples, options, sampling_rate=sample_rate)
    return [(span["start"] / sample_rate, span["end"] / sample_rate) for span in found]


def audio_summary(
    path: str | Path, *, buckets_per_second: int = BUCKETS_PER_SECOND, speech: bool = True
) -> AudioSummary:
    """Decode the audio track of ``path`` and summarise it (about 1 s per minute of audio).

    Raises :class:`~annotators.errors.MediaError` naming the file when it has no audio track
    or the track cannot be decoded (see :func:`~annotators.media.load_audio`).
    """
    samples = load_audio(path)
    peaks = envelope(samples, WHISPER_SAMPLE_RATE, buckets_per_second)
    spans = speech_spans(samples) if speech and len(samples) else []
    return AudioSummary(peaks, float(buckets_per_second), tuple(spans))
