"""Spoken language: detect it from a clip's speech, and notice an English model's wrong guess.

Detection runs the multilingual model's language head on the clip's speech after Silero VAD
(so a music intro does not decide it). A study usually knows which languages its sample
holds; given ``candidates``, the most probable of those wins, which keeps a robotic or noisy
voice from being read as a language nobody in the sample speaks.

An English-only model transcribes any speech as English. Its own confidence gives it away:
on non-English speech the mean word probability and segment log-probability fall far below
their values on English speech (measured figures in ``docs/multilingual.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .result import TranscriptResult

# Below either figure an English-only transcript is flagged as probably another language.
# Measured with tiny.en: English speech 0.95 / -0.19; Spanish, German, French and Portuguese
# speech 0.26-0.60 / -0.98 to -1.58.
MIN_ENGLISH_WORD_PROBABILITY = 0.75
MIN_ENGLISH_LOGPROB = -0.7


@dataclass(frozen=True)
class LanguageGuess:
    """A detected language with its probability and the runners-up (code, probability)."""

    language: str
    probability: float
    ranked: tuple[tuple[str, float], ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready record stored in the transcript's provenance."""
        return {
            "language": self.language,
            "probability": round(self.probability, 4),
            "top": [[code, round(p, 4)] for code, p in self.ranked[:5]],
        }


def pick_language(
    probabilities: Sequence[tuple[str, float]], candidates: Sequence[str] | None = None
) -> LanguageGuess:
    """The most probable language, among ``candidates`` when given (and any is scored)."""
    ranked = tuple(sorted(((c, float(p)) for c, p in probabilities), key=lambda x: -x[1]))
    allowed = [item for item in ranked if not candidates or item[0] in candidates]
    language, probability = (allowed or ranked)[0]
    return LanguageGuess(language, probability, ranked)


def english_mismatch(result: TranscriptResult) -> str | None:
    """Why an English-only model's ``result`` is probably not English speech, or None."""
    words = [w.probability for w in result.words if w.probability is not None]
    logprobs = [s.avg_logprob for s in result.segments if s.avg_logprob is not None]
    if not words or not logprobs:
        return None
    word_p, logprob = float(np.mean(words)), float(np.mean(logprobs))
    if word_p >= MIN_ENGLISH_WORD_PROBABILITY and logprob >= MIN_ENGLISH_LOGPROB:
        return None
    return (
        f"probably not English: the English-only model was unsure of its words (mean word "
        f"probability {word_p:.2f}, log-probability {logprob:.2f}); transcribe again with the "
        "multilingual model"
    )
