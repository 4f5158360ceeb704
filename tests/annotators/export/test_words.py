"""Which transcript words an annotation covers."""

from __future__ import annotations

import pytest

from annotators.export.words import TimedWord, WordTimeline

WORDS = [(0.0, 0.5, " I"), (0.5, 1.0, " lost"), (1.2, 1.6, " my"), (1.6, 2.2, " mum")]


def timeline(words: list[tuple[float, float, str]]) -> WordTimeline:
    return WordTimeline([TimedWord(s, e, t, None, 1) for s, e, t in words])


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0.0, 2.2, "I lost my mum"),
        (0.5, 1.0, "lost"),  # touching neighbours do not overlap
        (1.0, 1.2, ""),  # a pause
        (0.9, 1.3, "lost my"),
        (1.3, None, "my"),  # a point event: the word being spoken
        (1.6, None, "mum"),  # a word starts exactly there
        (1.1, None, ""),  # in a pause
        (3.0, 4.0, ""),
    ],
)
def test_spoken_words(start: float, end: float | None, expected: str) -> None:
    assert timeline(WORDS).spoken(start, end) == expected
    # a transcript whose words overlap takes the scanning path and agrees
    overlapping = [*WORDS, (0.1, 0.2, "")]
    assert timeline(overlapping).spoken(start, end) == expected
