"""Engine-independent transcription results.

Every engine returns a :class:`TranscriptResult`; storage, exports and the desktop app only
ever see these types, never an engine's own objects.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

STATUS_OK = "ok"
STATUS_NO_SPEECH = "no_speech"


@dataclass(frozen=True)
class WordResult:
    """One word with its times (seconds from clip start) and the model's probability."""

    start: float
    end: float
    text: str
    probability: float | None = None


@dataclass(frozen=True)
class SegmentResult:
    """One segment with Whisper's confidence figures and its words."""

    start: float
    end: float
    text: str
    avg_logprob: float | None = None
    no_speech_prob: float | None = None
    compression_ratio: float | None = None
    words: tuple[WordResult, ...] = ()


@dataclass(frozen=True)
class Provenance:
    """What produced a transcript: enough to reproduce it."""

    engine: str
    engine_version: str
    model: str
    language: str | None
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TranscriptResult:
    """A transcript of one audio track.

    ``status`` is ``no_speech`` exactly when there are no segments (music, silence).
    ``processing_s`` is the wall time the engine spent, ``audio_s`` the audio duration.
    """

    segments: tuple[SegmentResult, ...]
    language: str | None
    provenance: Provenance
    audio_s: float
    processing_s: float

    @property
    def status(self) -> str:
        return STATUS_OK if self.segments else STATUS_NO_SPEECH

    @property
    def text(self) -> str:
        """The whole transcript as one line of text."""
        return " ".join(segment.text.strip() for segment in self.segments).strip()

    @property
    def words(self) -> list[WordResult]:
        """All words of all segments, in order."""
        return [word for segment in self.segments for word in segment.words]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the ``--format json`` output)."""
        data = asdict(self)
        data.update(status=self.status, text=self.text)
        return data
