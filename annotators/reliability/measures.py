"""Fill a :class:`Result` from a coders x units matrix: alpha, interval, kappa, marginals.

Shared by every method that ends in a reliability matrix (clip variables, presence, count,
frames). ``blocks`` groups units for the bootstrap: frames are resampled by clip, because the
frames of one clip are not independent draws.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .alpha import alpha_from_counts, unit_coincidences, value_counts
from .bootstrap import Resampler, bootstrap_alpha
from .kappa import kappa_from_counts, percent_agreement_counts
from .result import Coincidences, Result

Label = Callable[[float], str]


def fill_from_matrix(
    result: Result,
    data: np.ndarray,
    coder_names: list[str],
    label: Label,
    *,
    boot: Resampler,
) -> None:
    """Compute every figure of ``result`` from ``data`` (coders x units, NaN = no value).

    ``result.level`` ``None`` means exact agreement only (text): no alpha, with the reason.
    """
    values, counts = value_counts(data)
    result.kappa, result.kappa_method = kappa_from_counts(data, values, counts)
    result.marginals = _marginals(data, values, coder_names, label)
    fill_from_counts(result, values, counts, label, boot=boot)


def fill_from_counts(
    result: Result,
    values: np.ndarray,
    counts: np.ndarray,
    label: Label,
    *,
    boot: Resampler,
    weights: np.ndarray | None = None,
    blocks: np.ndarray | None = None,
) -> None:
    """Agreement, alpha and interval from per-unit value ``counts`` (units x values).

    A row with weight ``w`` stands for ``w`` identical units; ``blocks`` names the bootstrap
    unit each row belongs to (default: every row its own).
    """
    weights = np.ones(counts.shape[0]) if weights is None else weights
    result.percent_agreement = percent_agreement_counts(counts, weights)
    pairable = counts.sum(axis=1) >= 2
    result.n_units = int(round(weights[pairable].sum()))
    result.n_pairable = int(round((counts[pairable].sum(axis=1) * weights[pairable]).sum()))
    if result.level is None:
        result.reason = "text variable: exact agreement only (no alpha)"
        return
    alpha = alpha_from_counts(values, counts, result.level, weights)
    result.alpha, result.d_o, result.d_e, result.reason = (
        alpha.alpha, alpha.d_o, alpha.d_e, alpha.reason
    )  # fmt: skip
    result.coincidences = Coincidences(tuple(label(v) for v in alpha.values), alpha.coincidence)
    if alpha.alpha is None or boot.draws <= 0:
        return
    used = counts[pairable][:, np.isin(values, alpha.values)]
    unit_o = unit_coincidences(used) * weights[pairable][:, None, None]
    if blocks is not None:
        unit_o = _sum_blocks(unit_o, blocks[pairable])
    interval = bootstrap_alpha(unit_o, alpha.values, result.level, boot)
    result.ci_low, result.ci_high = interval.low, interval.high
    result.extra["boot_defined"] = interval.defined


def _sum_blocks(unit_o: np.ndarray, blocks: np.ndarray) -> np.ndarray:
    """Per-block sums of per-unit coincidences (blocks need not be sorted)."""
    if blocks.size and np.any(blocks[1:] < blocks[:-1]):
        order = np.argsort(blocks, kind="stable")
        unit_o, blocks = unit_o[order], blocks[order]
    heads = np.flatnonzero(np.r_[True, blocks[1:] != blocks[:-1]])
    return np.add.reduceat(unit_o, heads, axis=0) if blocks.size else unit_o[:0]


def _marginals(
    data: np.ndarray, values: np.ndarray, names: list[str], label: Label
) -> dict[str, dict[str, int]]:
    """How often each coder used each value (over the units they gave a value for)."""
    marginals = {}
    for name, row in zip(names, data, strict=True):
        index = np.searchsorted(values, row[~np.isnan(row)])
        counts = np.bincount(index, minlength=values.size)
        marginals[name] = {label(v): int(c) for v, c in zip(values, counts, strict=True) if c}
    return marginals
