"""The one engine interface every transcription engine implements."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np

from annotators.transcribe.result import TranscriptResult
from annotators.transcribe.settings import TranscribeSettings

# Called with the seconds of audio transcribed so far (see Engine.transcribe).
ProgressCallback = Callable[[float], None]


class Engine(Protocol):
    """A loaded Whisper model that turns 16 kHz mono float32 audio into a transcript.

    Loading is the expensive part, so a batch loads one engine and calls
    :meth:`transcribe` for every clip.
    """

    name: str
    version: str
    model_name: str
    is_multilingual: bool
    # How many transcriptions may run at once from separate threads to use every core.
    workers: int

    def transcribe(
        self,
        audio: np.ndarray,
        settings: TranscribeSettings,
        on_progress: ProgressCallback | None = None,
    ) -> TranscriptResult:
        """Transcribe ``audio`` (16 kHz mono float32) with ``settings``; no network access.

        ``on_progress(seconds)``, when given, is called from worker threads as the audio is
        transcribed, with how many seconds of it are done (engines that cannot tell call it
        only at the end).
        """
        ...

    def language_probabilities(
        self, audio: np.ndarray, settings: TranscribeSettings
    ) -> list[tuple[str, float]]:
        """(language code, probability) of the speech in ``audio`` (multilingual models)."""
        ...
