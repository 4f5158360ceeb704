"""Percent agreement, Cohen's kappa (two coders) and Fleiss' kappa (several coders).

All three treat values as categories (exact equality), whatever the level of measurement:
they are reported beside alpha because readers expect them, not as a replacement.
Input is the same coders x units matrix as :func:`~.alpha.krippendorff_alpha` (``NaN`` = no
value). ``None`` means the figure is undefined for these data.
"""

from __future__ import annotations

import numpy as np

from .alpha import value_counts


def percent_agreement(data: np.ndarray) -> float | None:
    """Mean over pairable units of the share of coder pairs that gave the same value."""
    _values, counts = value_counts(data)
    return percent_agreement_counts(counts)


def percent_agreement_counts(counts: np.ndarray, weights: np.ndarray | None = None) -> float | None:
    """:func:`percent_agreement` from per-unit value counts (units x values); a row with
    weight ``w`` stands for ``w`` identical units."""
    m = counts.sum(axis=1)
    pairable = m >= 2
    if not pairable.any():
        return None
    counts, m = counts[pairable], m[pairable]
    weights = np.ones(m.size) if weights is None else weights[pairable]
    agreeing = (counts * (counts - 1.0)).sum(axis=1)
    return float(np.average(agreeing / (m * (m - 1.0)), weights=weights))


def _chance_corrected(observed: float, expected: float) -> float | None:
    # expected agreement 1: both coders (or all) used one and the same value throughout
    if expected >= 1.0 - 1e-12:
        return None
    return (observed - expected) / (1.0 - expected)


def _cohen_table(first: np.ndarray, second: np.ndarray, values: np.ndarray) -> float | None:
    both = ~np.isnan(first) & ~np.isnan(second)
    if not both.any():
        return None
    size = values.size
    ia = np.searchsorted(values, first[both])
    ib = np.searchsorted(values, second[both])
    table = np.bincount(ia * size + ib, minlength=size * size).reshape(size, size) / both.sum()
    return _chance_corrected(float(np.trace(table)), float(table.sum(axis=1) @ table.sum(axis=0)))


def cohen_kappa(first: np.ndarray, second: np.ndarray) -> float | None:
    """Cohen's (1960) kappa of two coders' values over the units both coded.

    ``kappa = (p_o - p_e) / (1 - p_e)`` with ``p_e`` from each coder's own marginals;
    undefined when ``p_e == 1`` (both coders used one and the same value throughout).
    """
    first, second = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    values = np.unique(np.concatenate([first, second]))
    return _cohen_table(first, second, values[~np.isnan(values)])


def _fleiss_counts(
    counts: np.ndarray, raters: int, weights: np.ndarray | None = None
) -> float | None:
    weights = np.ones(counts.shape[0]) if weights is None else weights
    full = counts.sum(axis=1) == raters
    complete, weights = counts[full], weights[full]
    if raters < 2 or not complete.size:
        return None
    p_unit = ((complete**2).sum(axis=1) - raters) / (raters * (raters - 1.0))
    totals = (complete * weights[:, None]).sum(axis=0)
    shares = totals / totals.sum()
    return _chance_corrected(float(np.average(p_unit, weights=weights)), float((shares**2).sum()))


def fleiss_kappa(data: np.ndarray) -> float | None:
    """Fleiss' (1971) kappa over the units every coder coded (it needs equal rater counts).

    Undefined with fewer than two coders, no complete unit, or a single value used throughout.
    """
    data = np.asarray(data, dtype=float)
    _values, counts = value_counts(data)
    return _fleiss_counts(counts, data.shape[0])


def kappa_from_counts(
    data: np.ndarray, values: np.ndarray, counts: np.ndarray
) -> tuple[float | None, str]:
    """Cohen's kappa for two coders, Fleiss' for more: ``(value, "cohen"|"fleiss")``, from the
    data matrix and its :func:`~.alpha.value_counts` (so large matrices are counted once)."""
    if data.shape[0] == 2:
        return _cohen_table(data[0], data[1], values), "cohen"
    return _fleiss_counts(counts, data.shape[0]), "fleiss"


def binary_kappa(
    marked: np.ndarray, coded: np.ndarray, counts: np.ndarray, weights: np.ndarray
) -> tuple[float | None, str]:
    """Kappa of 0/1 data given as ``marked`` (coders x units, 0/1) where ``coded`` (coders x
    units, bool), with the weighted ``(m - k, k)`` count rows of the same units (Fleiss)."""
    raters = marked.shape[0]
    if raters != 2:
        return _fleiss_counts(counts, raters, weights), "fleiss"
    both = coded[0] & coded[1]
    if not both.any():
        return None, "cohen"
    first, second = marked[0][both], marked[1][both]
    observed = float(np.mean(first == second))
    p1, p2 = float(first.mean()), float(second.mean())
    return _chance_corrected(observed, p1 * p2 + (1 - p1) * (1 - p2)), "cohen"


def kappa(data: np.ndarray) -> tuple[float | None, str]:
    """Cohen's kappa for two coders, Fleiss' kappa for more: ``(value, "cohen"|"fleiss")``."""
    data = np.asarray(data, dtype=float)
    values, counts = value_counts(data)
    return kappa_from_counts(data, values, counts)
