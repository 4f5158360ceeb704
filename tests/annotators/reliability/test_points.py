"""Point-event matching: optimal one-to-one pairs within the tolerance."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from annotators.reliability.points import match_count, match_points


def test_optimal_matching_beats_greedy() -> None:
    # greedy nearest-first pairs 0.6 with 0.4 and then nothing else fits; optimal finds two
    assert match_count([0.0, 0.6], [0.4, 1.0], 0.5) == 2


def test_tolerance_is_inclusive_and_one_to_one() -> None:
    assert match_count([1.0], [1.5], 0.5) == 1
    assert match_count([1.0], [1.51], 0.5) == 0
    assert match_count([1.0, 1.1], [1.05], 0.5) == 1


def test_counts_and_f1_over_clips_and_pairs() -> None:
    result = match_points([[[0.0, 2.0], [0.1]], [[], [], [4.0]]], tolerance_s=0.5)
    # clip 1: one match of 3 events; clip 2, pairs (0,2) and (1,2): event 4.0 unmatched twice
    assert (result.matched, result.unmatched, result.events) == (1, 3, 5)
    assert result.f1 == 2 / 5
    assert match_points([[[], []]]).f1 is None


def brute_max_matches(a: list[float], b: list[float], tolerance: float) -> int:
    if len(a) > len(b):
        a, b = b, a
    best = 0
    for chosen in itertools.permutations(range(len(b)), len(a)):
        best = max(best, sum(abs(a[i] - b[j]) <= tolerance + 1e-9 for i, j in enumerate(chosen)))
    return best


times = st.lists(st.integers(0, 40).map(lambda t: t / 10), max_size=5)


@settings(max_examples=150, deadline=None)
@given(a=times, b=times)
def test_matches_as_many_as_any_pairing(a: list[float], b: list[float]) -> None:
    assert match_count(a, b, 0.5) == brute_max_matches(a, b, 0.5)
