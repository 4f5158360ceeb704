"""Unitizing alpha: Krippendorff's worked examples and a slow brute-force of the definition."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotators.reliability.bootstrap import Resampler
from annotators.reliability.unitizing import (
    Continuum,
    _clip_stats,
    _cross_factors,
    _flatten,
    drawn_alpha,
    segments,
    unitizing_alpha,
)


def _span(begin: int, length: int, origin: int = 0) -> tuple[int, int]:
    """Krippendorff's (begin, length) as Storyframe's inclusive frames."""
    return begin - origin, begin - origin + length - 1


def test_krippendorff_2004_example() -> None:
    # Krippendorff (2004), Content Analysis 2nd ed., p. 254: continuum 150..450, two observers;
    # category c: uD_o = .0144, uD_e = .0532, u-alpha = .7286; category k: identical units.
    first = [_span(225, 70, 150), _span(370, 30, 150)]
    second = [_span(220, 80, 150), _span(355, 20, 150), _span(400, 20, 150)]
    c = Continuum(300, [first, second])
    result = unitizing_alpha([c])
    assert result.d_o == pytest.approx(0.0144, abs=5e-5)
    assert result.d_e == pytest.approx(0.0532, abs=5e-5)
    assert round(result.alpha, 4) == 0.7286
    k = Continuum(300, [[_span(180, 60, 150), _span(300, 50, 150)]] * 2)
    same = unitizing_alpha([k])
    assert same.d_o == 0.0 and same.d_e == pytest.approx(0.0490, abs=5e-5)
    assert same.alpha == 1.0


# Krippendorff (1995: 57), "On the reliability of unitizing continuous data": 24 frames, pairs of
# coders A-D; the published observed disagreements (his expected ones use the 1995 formula).
EXAMPLE_1995 = {
    "A": ([(2, 8), (14, 6)], [(4, 4), (15, 2)], 0.03125),
    "B": ([(0, 18)], [(0, 2), (2, 1), (3, 1), (4, 1), (5, 1), (6, 3), (9, 1)], 2.26736),
    "C": ([(2, 6), (10, 2), (14, 4), (20, 2)],
          [(0, 2), (4, 4), (10, 4), (16, 2), (20, 2)], 0.02777),
    "D": ([(0, 2), (2, 8), (10, 4), (14, 6), (20, 4)],
          [(0, 4), (4, 4), (8, 7), (15, 2), (17, 7)], 0.38715),
}  # fmt: skip


@pytest.mark.parametrize("pair", sorted(EXAMPLE_1995))
def test_krippendorff_1995_observed_disagreement(pair: str) -> None:
    first, second, published = EXAMPLE_1995[pair]
    clip = Continuum(24, [[_span(*u) for u in first], [_span(*u) for u in second]])
    assert unitizing_alpha([clip]).d_o == pytest.approx(published, abs=1e-5)


# ---- brute force: the definition, loop by loop, on frame sets -------------------------------


def _units(intervals: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Half-open units after merging intervals that share a frame (plain loop)."""
    units: list[list[int]] = []
    for start, end in sorted((max(s, 0), min(e, length - 1)) for s, e in intervals):
        if start > end:
            continue
        if units and start <= units[-1][1] - 1:
            units[-1][1] = max(units[-1][1], end + 1)
        else:
            units.append([start, end + 1])
    return [(b, e) for b, e in units]


def _segments(intervals: list[tuple[int, int]], length: int) -> list[tuple[int, int, bool]]:
    units = _units(intervals, length)
    marked = {frame for b, e in units for frame in range(b, e)}
    gaps, run = [], None
    for frame in range(length + 1):
        if frame < length and frame not in marked:
            run = frame if run is None else run
        elif run is not None:
            gaps.append((run, frame))
            run = None
    return [(b, e, True) for b, e in units] + [(b, e, False) for b, e in gaps]


def _delta2(g: tuple[int, int, bool], h: tuple[int, int, bool]) -> int:
    frames_g, frames_h = set(range(g[0], g[1])), set(range(h[0], h[1]))
    if g[2] and h[2] and frames_g & frames_h:
        return (g[0] - h[0]) ** 2 + (g[1] - h[1]) ** 2
    if g[2] and not h[2] and frames_g <= frames_h:
        return len(frames_g) ** 2
    if h[2] and not g[2] and frames_h <= frames_g:
        return len(frames_h) ** 2
    return 0


def brute_force(clips: list[Continuum]) -> tuple[float, float]:
    m = len(clips[0].intervals)
    total = sum(clip.length for clip in clips)
    observed = 0
    units, gaps = [], []
    for clip in clips:
        per_coder = [_segments(list(iv), clip.length) for iv in clip.intervals]
        for i in range(m):
            for j in range(m):
                if i != j:
                    observed += sum(_delta2(g, h) for g in per_coder[i] for h in per_coder[j])
            units += [e - b for b, e, w in per_coder[i] if w]
            gaps += [e - b for b, e, w in per_coder[i] if not w]
    d_o = observed / (m * (m - 1) * total**2)
    expected = 0
    for length in units:
        for _other in range(len(units) - 1):  # each other unit, at every overlapping shift
            expected += sum(k * k for k in range(-(length - 1), length))
        for gap in gaps:  # every placement of the unit inside a gap it fits in
            expected += sum(length**2 for _pos in range(gap - length + 1))
    squares = sum(u * (u - 1) for u in units)
    d_e = (2 / total) * expected / (m * total * (m * total - 1) - squares)
    return d_o, d_e


@st.composite
def studies(draw: st.DrawFn) -> list[Continuum]:
    coders = draw(st.integers(2, 3))
    clips = []
    for _ in range(draw(st.integers(1, 3))):
        length = draw(st.integers(1, 14))
        frame = st.integers(-1, length)
        intervals = [
            [tuple(sorted(draw(st.tuples(frame, frame)))) for _ in range(draw(st.integers(0, 4)))]
            for _ in range(coders)
        ]
        clips.append(Continuum(length, intervals))
    return clips


@settings(max_examples=200, deadline=None)
@given(clips=studies())
def test_matches_brute_force(clips: list[Continuum]) -> None:
    result = unitizing_alpha(clips)
    d_o, d_e = brute_force(clips)
    assert result.d_o == pytest.approx(d_o, abs=1e-12)
    if result.n_marked == 0:
        assert result.alpha is None and "no coder marked" in result.reason
        return
    assert result.d_e == pytest.approx(d_e, rel=1e-9, abs=1e-12)
    if d_e > 0:
        assert result.alpha == pytest.approx(1 - d_o / d_e, rel=1e-9, abs=1e-9)
    else:
        assert result.alpha is None


def test_overlapping_marks_of_one_coder_merge_but_touching_ones_do_not() -> None:
    merged = unitizing_alpha([Continuum(20, [[(2, 6), (5, 9)], [(2, 9)]])])
    assert merged.d_o == 0.0 and merged.n_marked == 2
    touching = unitizing_alpha([Continuum(20, [[(2, 5), (6, 9)], [(2, 9)]])])
    assert touching.d_o > 0 and touching.n_marked == 3


def test_gaps_do_not_run_across_clip_boundaries() -> None:
    # coder 0 marks the start of clip 1 only: its gaps are frames 2..9 and all of clip 2, not
    # one gap 2..19 as in a single 20-frame continuum
    clips = [Continuum(10, [[(0, 1)], [(0, 2)]]), Continuum(10, [[], [(5, 6)]])]
    joined = Continuum(20, [[(0, 1)], [(0, 2), (15, 16)]])
    split, single = unitizing_alpha(clips), unitizing_alpha([joined])
    assert split.d_o == pytest.approx(single.d_o)
    assert split.d_e != pytest.approx(single.d_e)
    assert split.d_e == pytest.approx(brute_force(clips)[1])


def test_bootstrap_interval_is_seeded() -> None:
    clips = [Continuum(30, [[(i, i + 5)], [(i + 1, i + 6)]]) for i in range(0, 20, 2)]
    first = unitizing_alpha(clips, boot=Resampler(3, 400))
    again = unitizing_alpha(clips, boot=Resampler(3, 400))
    assert first.interval == again.interval
    assert first.interval.low <= first.alpha <= first.interval.high


def test_fewer_than_two_coders_is_undefined() -> None:
    result = unitizing_alpha([Continuum(10, [[(1, 3)]])])
    assert result.alpha is None and "two coders" in result.reason


@settings(max_examples=60, deadline=None)
@given(clips=studies(), seed=st.integers(0, 1000))
def test_a_bootstrap_draw_is_u_alpha_of_the_resampled_clips(
    clips: list[Continuum], seed: int
) -> None:
    coders = len(clips[0].intervals)
    seg = segments(*_flatten(clips), coders)
    weights = Resampler(seed, 3).weights(len(clips))
    drawn = drawn_alpha(_clip_stats(seg, coders), _cross_factors(seg), coders, weights)
    for row, alpha in zip(weights, drawn, strict=True):
        picked = [clip for clip, n in zip(clips, row.astype(int), strict=True) for _ in range(n)]
        direct = unitizing_alpha(picked)
        if direct.alpha is None:
            assert np.isnan(alpha) or direct.n_marked == 0
        else:
            assert alpha == pytest.approx(direct.alpha, rel=1e-9, abs=1e-12)
