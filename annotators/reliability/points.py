"""Point events: one-to-one matching of two coders' onsets within a tolerance.

For each clip and pair of coders, events are paired so that as many as possible are matched
within ``tolerance_s`` and, among those pairings, the summed time difference is smallest (an
assignment problem, solved by :func:`scipy.optimize.linear_sum_assignment`). A greedy
nearest-first pairing can miss matches, e.g. ``[0.0, 0.6]`` against ``[0.4, 1.0]`` at 0.5 s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment


@dataclass(frozen=True)
class Matching:
    """Matched pairs and unmatched events summed over clips and coder pairs."""

    matched: int
    unmatched: int
    events: int  # all events of the compared coders, counted once per coder pair

    @property
    def f1(self) -> float | None:
        """``2 matched / (events of both coders)``; ``None`` when nobody marked anything."""
        return 2.0 * self.matched / self.events if self.events else None


def match_pairs(
    first: Sequence[float], second: Sequence[float], tolerance_s: float
) -> list[tuple[int, int]]:
    """Index pairs ``(i, j)`` of a largest one-to-one matching within ``tolerance_s``."""
    a, b = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    if a.size == 0 or b.size == 0:
        return []
    gap = np.abs(a[:, None] - b[None, :])
    within = gap <= tolerance_s + 1e-9
    # a match is worth more than all time savings together, so the optimum maximises matches
    cost = np.where(within, gap / (tolerance_s + 1.0), float(a.size + b.size + 1))
    rows, cols = linear_sum_assignment(cost)
    return [(int(i), int(j)) for i, j in zip(rows, cols, strict=True) if within[i, j]]


def match_count(first: Sequence[float], second: Sequence[float], tolerance_s: float) -> int:
    """How many one-to-one pairs of events of two coders lie within ``tolerance_s``."""
    return len(match_pairs(first, second, tolerance_s))


def match_points(clips: Sequence[Sequence[Sequence[float]]], tolerance_s: float = 0.5) -> Matching:
    """Matching over ``clips``, each a list of per-coder onset times (seconds)."""
    matched = events = 0
    for coders in clips:
        for i in range(len(coders)):
            for j in range(i + 1, len(coders)):
                matched += match_count(coders[i], coders[j], tolerance_s)
                events += len(coders[i]) + len(coders[j])
    return Matching(matched=matched, unmatched=events - 2 * matched, events=events)
