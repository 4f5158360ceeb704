"""Where to cut a clip so that its parts can be transcribed side by side, one per CPU core.

Each part is transcribed with the whole sequential Whisper algorithm (temperature fallback,
no-speech and hallucination guards, its own VAD pass), so cutting changes nothing but where
one 30 s decoding window ends and the next begins. Cuts fall in the middle of a pause that
Silero VAD finds, so no word is split.
"""

from __future__ import annotations

import numpy as np
from faster_whisper.vad import VadOptions, get_speech_timestamps

from annotators.media.audio import WHISPER_SAMPLE_RATE

# Shorter parts give the model too little context, and each part costs an encoder pass.
MIN_PART_S = 10.0
# A breath between sentences or clauses; the pause itself is not padded into speech.
MIN_PAUSE_MS = 150


def cut_points(audio: np.ndarray, parts: int, vad_threshold: float = 0.5) -> list[int]:
    """Sample offsets at which to cut ``audio`` into at most ``parts`` parts.

    Part ``k`` should end near ``k/parts`` of the audio: the cut is made in the middle of the
    longest pause (at least :data:`MIN_PAUSE_MS` without speech) within a quarter of a part's
    length of that point, so parts stay at least half the even length. Where no pause is that
    near, the cut is skipped and a part is longer. Audio shorter than two :data:`MIN_PART_S`
    parts is never cut. Returns sorted offsets.
    """
    parts = min(parts, int(len(audio) / WHISPER_SAMPLE_RATE // MIN_PART_S))
    span = len(audio) / max(parts, 1)
    windows = [(int((k - 0.25) * span), int((k + 0.25) * span)) for k in range(1, parts)]
    cuts = (_pause_middle(audio, low, high, vad_threshold) for low, high in windows)
    return [cut for cut in cuts if cut is not None]


def _pause_middle(audio: np.ndarray, low: int, high: int, vad_threshold: float) -> int | None:
    """The middle of the longest pause in ``audio[low:high]``, or None if there is none."""
    # Only the window is analysed: Silero reads audio frame by frame, so this is its cost.
    options = VadOptions(
        threshold=vad_threshold, min_silence_duration_ms=MIN_PAUSE_MS, speech_pad_ms=0
    )
    speech = get_speech_timestamps(audio[low:high], options, sampling_rate=WHISPER_SAMPLE_RATE)
    # the stretches without speech, those at the window's edges included
    edges = [low, *(low + s[key] for s in speech for key in ("start", "end")), high]
    shortest = MIN_PAUSE_MS * WHISPER_SAMPLE_RATE // 1000
    pauses = [(a, b) for a, b in zip(edges[::2], edges[1::2], strict=True) if b - a >= shortest]
    if not pauses:
        return None
    start, end = max(pauses, key=lambda pause: pause[1] - pause[0])
    return (start + end) // 2
