"""Fill a :class:`Result` from a coders x units matrix: alpha, interval, kappa, marginals.

Shared by every method that ends in a reliability matrix (clip variables, presence, count,
frames). ``blocks`` groups units for the bootstrap: frames are resampled by clip, because the
frames of one clip are not independent draws.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .alpha import alpha_from_counts, unit_coincidences, value_counts
from .bootstrap import bootstrap_alpha
from .kappa import kappa, percent_agreement_counts
from .result import Coincidences, Result

Label = Callable[[float], str]


def binary_counts(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`value_counts` for 0/1/NaN data without sorting (frames are many)."""
    present = (~np.isnan(data)).sum(axis=0).astype(float)
    ones = np.nansum(data, axis=0)
    return np.array([0.0, 1.0]), np.column_stack([present - ones, ones])


def fill_from_matrix(
    result: Result,
    data: np.ndarray,
    coder_names: list[str],
    label: Label,
    *,
    draws: int,
    rng: np.random.Generator,
    blocks: np.ndarray | None = None,
    binary: bool = False,
) -> None:
    """Compute every figure of ``result`` from ``data`` (coders x units, NaN = no value).

    ``result.level`` ``None`` means exact agreement only (text): no alpha, with the reason.
    """
    values, counts = binary_counts(data) if binary else value_counts(data)
    result.percent_agreement = percent_agreement_counts(counts)
    result.kappa, result.kappa_method = kappa(data)
    result.marginals = _marginals(data, coder_names, label)
    pairable = counts.sum(axis=1) >= 2
    result.n_units = int(pairable.sum())
    result.n_pairable = int(counts[pairable].sum())
    if result.level is None:
        result.reason = "text variable: exact agreement only (no alpha)"
        return
    alpha = alpha_from_counts(values, counts, result.level)
    result.alpha, result.d_o, result.d_e, result.reason = (
        alpha.alpha, alpha.d_o, alpha.d_e, alpha.reason
    )  # fmt: skip
    result.coincidences = Coincidences(tuple(label(v) for v in alpha.values), alpha.coincidence)
    if alpha.alpha is None or draws <= 0:
        return
    used = counts[pairable][:, np.isin(values, alpha.values)]
    unit_o = unit_coincidences(used)
    if blocks is not None:
        unit_o = _sum_blocks(unit_o, blocks[pairable])
    interval = bootstrap_alpha(unit_o, alpha.values, result.level, draws, rng)
    result.ci_low, result.ci_high = interval.low, interval.high
    result.extra["boot_defined"] = interval.defined


def _sum_blocks(unit_o: np.ndarray, blocks: np.ndarray) -> np.ndarray:
    """Per-block sums of per-unit coincidences (blocks need not be sorted)."""
    order = np.argsort(blocks, kind="stable")
    ordered = blocks[order]
    heads = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    return np.add.reduceat(unit_o[order], heads, axis=0) if heads.size else unit_o[:0]


def _marginals(data: np.ndarray, names: list[str], label: Label) -> dict[str, dict[str, int]]:
    """How often each coder used each value (over the units they gave a value for)."""
    marginals = {}
    for name, row in zip(names, data, strict=True):
        values, counts = np.unique(row[~np.isnan(row)], return_counts=True)
        marginals[name] = {label(v): int(c) for v, c in zip(values, counts, strict=True)}
    return marginals
