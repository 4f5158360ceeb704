"""Krippendorff's unitizing alpha (u-alpha) for one code on the frame continuum of clips.

Definition (Krippendorff 2004, *Content Analysis*, 2nd ed., sec. 12.4; 3rd ed. 2013): each of
``m`` coders cuts the continuum of length ``L`` into segments, the units they marked and the
unmarked gaps between them. For two segments ``g`` (coder i) and ``h`` (coder j),

- both units and overlapping: ``delta2 = (b_g - b_h)**2 + (e_g - e_h)**2`` (begins, ends);
- a unit lying wholly inside the other coder's gap: ``delta2 = l**2`` (its length);
- otherwise 0.

``D_o = sum over ordered coder pairs i != j and segment pairs of delta2 / (m (m-1) L**2)`` and,
with ``N`` the number of units of all coders and ``gaps`` those of all coders,

``D_e = (2/L) * sum_g [ (N-1) (2 l_g**3 - 3 l_g**2 + l_g) / 3
        + l_g**2 * sum_{gap h: l_h >= l_g} (l_h - l_g + 1) ] / (m L (m L - 1) - sum_g l_g (l_g-1))``

and ``alpha = 1 - D_o / D_e``. Worked example: Krippendorff (2004: 254), reproduced in the tests.

Storyframe specifics (documented in the report's meta):

- an interval covers frames ``start..end`` inclusive, so it is the segment ``[start, end + 1)``;
- a coder's overlapping intervals of the same code are merged into one unit (a continuum is a
  partition); touching intervals stay two units;
- several clips form one continuum in which every clip boundary is also a segment boundary
  (no gap runs from one clip into the next); ``L`` is the total number of frames;
- only clips that every compared coder coded take part (u-alpha has no missing-data form).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .bootstrap import Interval, Resampler, percentile_interval, weighted_sums


@dataclass(frozen=True)
class Continuum:
    """One clip: ``length`` frames (0..length-1) and, per coder, intervals as inclusive
    ``(start_frame, end_frame)`` pairs relative to the clip start."""

    length: int
    intervals: Sequence[Sequence[tuple[int, int]]]


@dataclass(frozen=True)
class Unitizing:
    """u-alpha of one code: ``n_clips`` clips, ``n_marked`` units of all coders together."""

    alpha: float | None
    d_o: float | None
    d_e: float | None
    n_clips: int
    n_coders: int
    n_marked: int
    length: int
    reason: str | None
    interval: Interval | None = None


@dataclass(frozen=True)
class _Segments:
    """Merged units (half-open) and gap lengths of every clip and coder, flat arrays."""

    clip: np.ndarray
    coder: np.ndarray
    begin: np.ndarray
    end: np.ndarray
    gap_clip: np.ndarray
    gap_length: np.ndarray
    lengths: np.ndarray  # frames per clip


def _flatten(clips: Sequence[Continuum]) -> tuple[np.ndarray, ...]:
    """``(lengths, clip, coder, start, end)`` arrays of :class:`Continuum` objects."""
    rows = [
        (c, i, s, e)
        for c, clip in enumerate(clips)
        for i, intervals in enumerate(clip.intervals)
        for s, e in intervals
    ]
    array = np.array(rows, dtype=np.int64).reshape(-1, 4)
    lengths = np.array([clip.length for clip in clips], dtype=np.int64)
    return (lengths, *array.T)


def _half_open(lengths: np.ndarray, clip: np.ndarray, coder: np.ndarray, start: np.ndarray,
               end: np.ndarray) -> tuple[np.ndarray, ...]:  # fmt: skip
    """Inclusive frame intervals clamped to their clip, as half-open ``[start, end + 1)``."""
    start = np.clip(start, 0, lengths[clip])
    end = np.clip(end + 1, 0, lengths[clip])
    keep = end > start
    return clip[keep], coder[keep], start[keep], end[keep]


def segments(lengths: np.ndarray, clip: np.ndarray, coder: np.ndarray, start: np.ndarray,
             end: np.ndarray, coders: int) -> _Segments:  # fmt: skip
    """Merge each coder's overlapping intervals and find the gaps, all clips at once
    (intervals inclusive, ``clip`` indexes ``lengths``)."""
    clip, coder, start, end = _half_open(lengths, clip, coder, start, end)
    group = clip * coders + coder
    order = np.lexsort((start, group))
    group, start, end = group[order], start[order], end[order]
    # offsetting each group keeps a running maximum from leaking across groups
    span = int(lengths.max(initial=0)) + 1
    start_off, end_off = start + group * span, end + group * span
    running = np.maximum.accumulate(end_off) if end_off.size else end_off
    new = np.ones(start.size, dtype=bool)
    new[1:] = start_off[1:] >= running[:-1]
    heads = np.flatnonzero(new)
    begin = start[heads]
    merged_end = np.maximum.reduceat(end_off, heads) - group[heads] * span if heads.size else end
    ugroup = group[heads]
    gap_clip, gap_length = _gaps(ugroup, begin, merged_end, lengths, coders)
    return _Segments(
        clip=ugroup // coders,
        coder=ugroup % coders,
        begin=begin,
        end=merged_end,
        gap_clip=gap_clip,
        gap_length=gap_length,
        lengths=lengths,
    )


def _gaps(
    group: np.ndarray, begin: np.ndarray, end: np.ndarray, lengths: np.ndarray, coders: int
) -> tuple[np.ndarray, np.ndarray]:
    """Clip index and length of every non-empty gap (units sorted by group and begin)."""
    first = np.ones(group.size, dtype=bool)
    first[1:] = group[1:] != group[:-1]
    previous_end = np.where(first, 0, np.roll(end, 1))
    before = begin - previous_end
    last = np.ones(group.size, dtype=bool)
    last[:-1] = group[1:] != group[:-1]
    trailing = lengths[group[last] // coders] - end[last]
    all_groups = np.arange(lengths.size * coders)
    empty = np.setdiff1d(all_groups, group)
    clips = np.concatenate([group // coders, group[last] // coders, empty // coders])
    sizes = np.concatenate([before, trailing, lengths[empty // coders]])
    keep = sizes > 0
    return clips[keep], sizes[keep]


def _clip_sum(clip: np.ndarray, weights: np.ndarray, n_clips: int) -> np.ndarray:
    """Per-clip sums of ``weights`` (always float, also when nothing is summed)."""
    return np.bincount(clip, weights=weights.astype(float), minlength=n_clips).astype(float)


def _pair_sums(seg: _Segments, first: int, second: int, n_clips: int) -> np.ndarray:
    """Per clip, the sum of delta2 over all segment pairs of coders ``first`` and ``second``."""
    a = np.flatnonzero(seg.coder == first)
    b = np.flatnonzero(seg.coder == second)
    a, b = a[np.argsort(seg.clip[a], kind="stable")], b[np.argsort(seg.clip[b], kind="stable")]
    count_b = np.bincount(seg.clip[b], minlength=n_clips)
    start_b = np.cumsum(count_b) - count_b
    repeat = count_b[seg.clip[a]]
    ia = np.repeat(np.arange(a.size), repeat)
    within = np.arange(ia.size) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    ib = start_b[seg.clip[a]][ia] + within
    ua, ub = a[ia], b[ib]
    overlap = (seg.begin[ua] < seg.end[ub]) & (seg.begin[ub] < seg.end[ua])
    ua, ub = ua[overlap], ub[overlap]
    both = (seg.begin[ua] - seg.begin[ub]) ** 2 + (seg.end[ua] - seg.end[ub]) ** 2
    sums = _clip_sum(seg.clip[ua], both, n_clips)
    for units, partners in ((a, ua), (b, ub)):
        alone = units[~np.isin(units, partners)]
        length = (seg.end[alone] - seg.begin[alone]).astype(float)
        sums += _clip_sum(seg.clip[alone], length**2, n_clips)
    return sums


def _clip_stats(seg: _Segments, coders: int) -> dict[str, np.ndarray]:
    """Per-clip sums that D_o and D_e are made of (so a bootstrap can reweight clips)."""
    n_clips = seg.lengths.size
    observed = np.zeros(n_clips)
    for i in range(coders):
        for j in range(i + 1, coders):
            observed += 2.0 * _pair_sums(seg, i, j, n_clips)
    length = (seg.end - seg.begin).astype(float)
    cubic = (2 * length**3 - 3 * length**2 + length) / 3.0
    return {
        "observed": observed,
        "frames": seg.lengths.astype(float),
        "units": np.bincount(seg.clip, minlength=n_clips).astype(float),
        "cubic": _clip_sum(seg.clip, cubic, n_clips),
        "square": _clip_sum(seg.clip, length * (length - 1), n_clips),
    }


def _cross_factors(seg: _Segments) -> tuple[np.ndarray, np.ndarray]:
    """The expected-disagreement term ``sum_g l_g**2 sum_{gap h: l_h >= l_g} (l_h - l_g + 1)``
    split by clip as ``(weight, placements)`` over the distinct unit lengths ``l``:
    ``weight[c, l]`` sums ``l**2`` over clip c's units of length l, ``placements[c, l]`` counts
    the positions a unit of length l has inside clip c's gaps. The term over any multiset of
    clips (a bootstrap draw) is then ``(w @ weight) . (w @ placements)``."""
    n_clips = seg.lengths.size
    length = seg.end - seg.begin
    distinct, unit_k = np.unique(length, return_inverse=True)
    k = distinct.size
    weight = np.zeros((n_clips, k))
    np.add.at(weight, (seg.clip, unit_k), length.astype(float) ** 2)
    # a gap of length h serves every unit length <= h: index of the first length above h
    reach = np.searchsorted(distinct, seg.gap_length, side="right")
    count = np.zeros((n_clips, k + 1))
    total = np.zeros((n_clips, k + 1))
    np.add.at(count, (seg.gap_clip, reach), 1.0)
    np.add.at(total, (seg.gap_clip, reach), seg.gap_length + 1.0)
    # gaps with reach > k serve length index k: reverse cumulative sums, exclusive of k
    count_above = np.cumsum(count[:, ::-1], axis=1)[:, ::-1][:, 1:]
    total_above = np.cumsum(total[:, ::-1], axis=1)[:, ::-1][:, 1:]
    placements = total_above - distinct[None, :] * count_above
    return weight, placements


def _alpha_of(stats: dict[str, np.ndarray], cross: np.ndarray, coders: int) -> np.ndarray:
    """u-alpha for (batched) totals; NaN where undefined."""
    frames = stats["frames"]
    d_o = stats["observed"] / (coders * (coders - 1) * frames**2)
    denominator = coders * frames * (coders * frames - 1) - stats["square"]
    numerator = (stats["units"] - 1) * stats["cubic"] + cross
    with np.errstate(divide="ignore", invalid="ignore"):
        d_e = (2.0 / frames) * numerator / denominator
        alpha = 1.0 - d_o / d_e
    return np.where(d_e > 0, alpha, np.nan), d_o, d_e


def unitizing_alpha(clips: Sequence[Continuum], *, boot: Resampler | None = None) -> Unitizing:
    """u-alpha of one code over ``clips`` (each with the same number of coders).

    With ``boot``, a bootstrap interval from resampling clips.
    """
    coders = len(clips[0].intervals) if clips else 0
    if any(len(clip.intervals) != coders for clip in clips):
        raise ValueError("every clip needs the intervals of the same coders")
    return unitizing_alpha_arrays(*_flatten(clips), coders=coders, boot=boot)


def unitizing_alpha_arrays(
    lengths: np.ndarray, clip: np.ndarray, coder: np.ndarray, start: np.ndarray,
    end: np.ndarray, *, coders: int, boot: Resampler | None = None,
) -> Unitizing:  # fmt: skip
    """:func:`unitizing_alpha` from columns: clip ``lengths`` and, per interval, its clip index,
    coder index (``0..coders-1``) and inclusive start and end frame."""
    n_clips = int(lengths.size)
    if coders < 2 or not n_clips:
        reason = "fewer than two coders" if n_clips else "no clip was coded by every coder"
        return Unitizing(None, None, None, n_clips, coders, 0, 0, reason)
    seg = segments(lengths, clip, coder, start, end, coders)
    stats = _clip_stats(seg, coders)
    totals = {key: value.sum() for key, value in stats.items()}
    cross = _cross_factors(seg)
    alpha, d_o, d_e = _alpha_of(totals, cross[0].sum(axis=0) @ cross[1].sum(axis=0), coders)
    marked, length = int(seg.begin.size), int(totals["frames"])
    reason = None
    if marked == 0:
        reason = "no coder marked this code in these clips"
    elif not d_e > 0:
        reason = "no expected disagreement (the marks leave no room for chance placement)"
    interval = None
    if boot is not None and boot.draws > 0 and reason is None:
        interval = percentile_interval(
            drawn_alpha(stats, cross, coders, boot.weights(n_clips)), boot.draws
        )
    return Unitizing(
        alpha=None if reason else float(alpha),
        d_o=float(d_o),
        d_e=float(d_e) if np.isfinite(d_e) else None,
        n_clips=n_clips,
        n_coders=coders,
        n_marked=marked,
        length=length,
        reason=reason,
        interval=interval,
    )


def drawn_alpha(
    stats: dict[str, np.ndarray],
    cross: tuple[np.ndarray, np.ndarray],
    coders: int,
    weights: np.ndarray,
) -> np.ndarray:
    """u-alpha of each resample: ``weights`` (draws x clips) say how often each clip is in it."""
    totals = {key: weighted_sums(weights, value) for key, value in stats.items()}
    drawn_cross = np.einsum(
        "dk,dk->d", weighted_sums(weights, cross[0]), weighted_sums(weights, cross[1])
    )
    alpha, _d_o, _d_e = _alpha_of(totals, drawn_cross, coders)
    return alpha
