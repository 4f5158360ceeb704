"""Choosing the model per clip by its spoken language.

With the multilingual model installed, the default engine is a :class:`LanguageRouter`: each
clip's language is detected from its speech (or taken from the clip's or project's setting);
English clips go to the fast English model, every other language to the multilingual one.
Each transcript records which model made it, the language and how it was decided.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from .engines.base import Engine, ProgressCallback
from .language import LanguageGuess, english_mismatch, pick_language
from .result import Provenance, TranscriptResult
from .settings import TranscribeSettings


@dataclass
class LanguageRouter:
    """An engine that sends English clips to ``english`` and others to the multilingual model.

    ``load_multilingual`` is called once, on the first clip that needs it (or to detect a
    language), so an all-English batch never loads the larger model.
    """

    english: Engine
    load_multilingual: Callable[[], Engine]
    _multilingual: Engine | None = field(default=None, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    is_multilingual = True

    @property
    def name(self) -> str:
        return self.english.name

    @property
    def version(self) -> str:
        return self.english.version

    @property
    def workers(self) -> int:
        return self.english.workers

    @property
    def model_name(self) -> str:
        return "auto (English model for English clips, multilingual model for the others)"

    @property
    def multilingual(self) -> Engine:
        with self._lock:  # batch threads may ask at once; load only once
            if self._multilingual is None:
                self._multilingual = self.load_multilingual()
            return self._multilingual

    def language_probabilities(
        self, audio: np.ndarray, settings: TranscribeSettings
    ) -> list[tuple[str, float]]:
        return self.multilingual.language_probabilities(audio, settings)

    def transcribe(
        self,
        audio: np.ndarray,
        settings: TranscribeSettings,
        on_progress: ProgressCallback | None = None,
    ) -> TranscriptResult:
        guess = None
        language = settings.language
        if language is None:
            guess = pick_language(self.language_probabilities(audio, settings), settings.languages)
            language = guess.language
        settings = replace(settings, language=language)
        if language == "en" and settings.task == "transcribe":
            result = self.english.transcribe(audio, settings, on_progress)
            if guess is None:  # told it is English: still say when the speech is not
                result = flag_wrong_language(self.english, result)
        else:
            result = self.multilingual.transcribe(audio, settings, on_progress)
        return with_language_record(result, guess)


def with_language_record(result: TranscriptResult, guess: LanguageGuess | None) -> TranscriptResult:
    """``result`` with how its language was decided added to its provenance settings."""
    record: dict[str, object] = {"language_source": "given" if guess is None else "detected"}
    if guess is not None:
        record["language_detection"] = guess.to_dict()
    return _with_settings(result, record)


def flag_wrong_language(engine: Engine, result: TranscriptResult) -> TranscriptResult:
    """Mark an English-only model's transcript that is probably of non-English speech."""
    if engine.is_multilingual:
        return result
    warning = english_mismatch(result)
    return result if warning is None else _with_settings(result, {"language_warning": warning})


def _with_settings(result: TranscriptResult, extra: dict[str, object]) -> TranscriptResult:
    source: Provenance = result.provenance
    return replace(result, provenance=replace(source, settings=source.settings | extra))
