"""Transcription settings for short clips with background music (GUIDE section 4).

Declared once here; both engines translate them into their own keyword arguments, and the
exact values are stored with every transcript.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class TranscribeSettings:
    """Decoding settings shared by all engines.

    ``language`` None means auto-detect (multilingual models) or English (``.en`` models);
    ``languages`` limits auto-detection to the languages a study's sample holds (None: any).
    ``task`` is ``transcribe`` or ``translate`` (Whisper's translation into English).
    """

    language: str | None = None
    languages: tuple[str, ...] | None = None
    task: str = "transcribe"
    beam_size: int = 5
    word_timestamps: bool = True
    vad_filter: bool = True
    # Music beds make previous-text conditioning loop on hallucinated lyrics.
    condition_on_previous_text: bool = False
    temperature: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    no_speech_threshold: float = 0.6
    compression_ratio_threshold: float = 2.4
    log_prob_threshold: float = -1.0
    # Skip silent stretches longer than this around suspected hallucinations (needs words).
    hallucination_silence_threshold: float | None = 2.0
    # Silero VAD: speech shorter than this is ignored, gaps shorter than this are bridged.
    vad_min_speech_ms: int = 250
    vad_min_silence_ms: int = 500
    vad_threshold: float = 0.5

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values (tuples become lists) for the transcript's provenance."""
        data = asdict(self)
        data["temperature"] = list(self.temperature)
        data["languages"] = None if self.languages is None else list(self.languages)
        return data
