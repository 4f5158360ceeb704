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


def percent_agreement_counts(counts: np.ndarray) -> float | None:
    """:func:`percent_agreement` from per-unit value counts (units x values)."""
    m = counts.sum(axis=1)
    pairable = m >= 2
    if not pairable.any():
        return None
    counts, m = counts[pairable], m[pairable]
    agreeing = (counts * (counts - 1.0)).sum(axis=1)
    return float(np.mean(agreeing / (m * (m - 1.0))))


def cohen_kappa(first: np.ndarray, second: np.ndarray) -> float | None:
    """Cohen's (1960) kappa of two coders' values over the units both coded.

    ``kappa = (p_o - p_e) / (1 - p_e)`` with ``p_e`` from each coder's own marginals;
    undefined when ``p_e == 1`` (both coders used one and the same value throughout).
    """
    first, second = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    both = ~np.isnan(first) & ~np.isnan(second)
    if not both.any():
        return None
    a, b = first[both], second[both]
    values, index = np.unique(np.concatenate([a, b]), return_inverse=True)
    ia, ib = index[: a.size], index[a.size :]
    table = np.zeros((values.size, values.size))
    np.add.at(table, (ia, ib), 1.0)
    table /= table.sum()
    p_o = float(np.trace(table))
    p_e = float(table.sum(axis=1) @ table.sum(axis=0))
    if p_e >= 1.0 - 1e-12:
        return None
    return (p_o - p_e) / (1.0 - p_e)


def fleiss_kappa(data: np.ndarray) -> float | None:
    """Fleiss' (1971) kappa over the units every coder coded (it needs equal rater counts).

    Undefined with fewer than two coders, no complete unit, or a single value used throughout.
    """
    data = np.asarray(data, dtype=float)
    raters = data.shape[0]
    complete = ~np.isnan(data).any(axis=0)
    if raters < 2 or not complete.any():
        return None
    _values, counts = value_counts(data[:, complete])
    p_unit = ((counts**2).sum(axis=1) - raters) / (raters * (raters - 1.0))
    p_bar = float(p_unit.mean())
    shares = counts.sum(axis=0) / counts.sum()
    p_e = float((shares**2).sum())
    if p_e >= 1.0 - 1e-12:
        return None
    return (p_bar - p_e) / (1.0 - p_e)


def kappa(data: np.ndarray) -> tuple[float | None, str]:
    """Cohen's kappa for two coders, Fleiss' kappa for more: ``(value, "cohen"|"fleiss")``."""
    data = np.asarray(data, dtype=float)
    if data.shape[0] == 2:
        return cohen_kappa(data[0], data[1]), "cohen"
    return fleiss_kappa(data), "fleiss"
