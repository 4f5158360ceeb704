"""Krippendorff's alpha from a coincidence matrix, for the four levels of measurement.

Follows Krippendorff (2011) "Computing Krippendorff's alpha-reliability": the data are a
reliability matrix (coders x units, ``NaN`` where a coder gave no value); a unit with fewer
than two values is not pairable and contributes nothing. From the values of each unit,

- ``o[c, k] = sum_u (number of c-k pairs in unit u) / (m_u - 1)`` (the coincidence matrix),
- ``D_o = sum o[c, k] delta2[c, k] / n``, ``D_e = sum n_c n_k delta2[c, k] / (n (n - 1))``,
- ``alpha = 1 - D_o / D_e``.

An alpha that the data do not define (no pairable values, or every pairable value the same,
so ``D_e == 0``) is returned as ``None`` with the reason, never as 0 or 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from annotators.codebook.spec import LEVELS


@dataclass(frozen=True)
class Alpha:
    """Alpha and the figures it comes from (KALPHA-style reporting).

    ``values`` is the sorted domain of values that occur in pairable units; ``coincidence`` is
    the ``o`` matrix over it; ``n_pairable`` is ``n``, the number of pairable values.
    """

    alpha: float | None
    d_o: float | None
    d_e: float | None
    n_units: int
    n_pairable: int
    values: np.ndarray
    coincidence: np.ndarray
    reason: str | None = None


def value_counts(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(values, counts)`` of a coders x units matrix: the sorted distinct values and, per
    unit, how many coders gave each value (units x values)."""
    data = np.asarray(data, dtype=float)
    present = ~np.isnan(data)
    values, index = np.unique(data[present], return_inverse=True)
    counts = np.zeros((data.shape[1], values.size), dtype=float)
    units = np.broadcast_to(np.arange(data.shape[1]), data.shape)[present]
    np.add.at(counts, (units, index), 1.0)
    return values, counts


def unit_coincidences(counts: np.ndarray) -> np.ndarray:
    """Each unit's contribution to the coincidence matrix (units x values x values).

    Units with fewer than two values contribute zeros (they are not pairable).
    """
    m = counts.sum(axis=1)
    scale = np.divide(1.0, m - 1.0, out=np.zeros_like(m), where=m >= 2)
    pairs = counts[:, :, None] * counts[:, None, :]
    idx = np.arange(counts.shape[1])
    pairs[:, idx, idx] -= counts
    return pairs * scale[:, None, None]


def coincidences(counts: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """The coincidence matrix ``o`` (values x values) of per-unit value ``counts``; a row
    with weight ``w`` stands for ``w`` identical units."""
    m = counts.sum(axis=1)
    scale = np.divide(1.0, m - 1.0, out=np.zeros_like(m), where=m >= 2)
    if weights is not None:
        scale = scale * weights
    weighted = counts * scale[:, None]
    return weighted.T @ counts - np.diag(weighted.sum(axis=0))


def distances(values: np.ndarray, marginals: np.ndarray, level: str) -> np.ndarray:
    """Squared difference ``delta2`` between every two values (the last two axes).

    ``marginals`` (``n_c``, possibly batched: ``(..., values)``) matter only for ordinal data,
    whose distance counts the values that lie between two ranks.
    """
    if level == "nominal":
        return 1.0 - np.eye(values.size)
    if level == "ordinal":
        mid = np.cumsum(marginals, axis=-1) - marginals / 2.0
        return (mid[..., :, None] - mid[..., None, :]) ** 2
    if level == "interval":
        return (values[:, None] - values[None, :]) ** 2
    if level == "ratio":
        total = values[:, None] + values[None, :]
        diff = values[:, None] - values[None, :]
        return np.divide(diff, total, out=np.zeros_like(diff), where=total != 0) ** 2
    raise ValueError(f"unknown level of measurement {level!r} (one of {', '.join(LEVELS)})")


def disagreements(
    o: np.ndarray, values: np.ndarray, level: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(d_o, d_e, n)`` of coincidence matrices ``o`` (``(..., V, V)``, batched or not)."""
    marginals = o.sum(axis=-1)
    n = marginals.sum(axis=-1)
    delta2 = distances(values, marginals, level)
    observed = (o * delta2).sum(axis=(-2, -1))
    expected = (marginals[..., :, None] * marginals[..., None, :] * delta2).sum(axis=(-2, -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        d_o = observed / n
        d_e = expected / (n * (n - 1.0))
    return d_o, d_e, n


def alpha_from_coincidences(o: np.ndarray, values: np.ndarray, level: str) -> np.ndarray:
    """Alpha of (batched) coincidence matrices; ``NaN`` where alpha is undefined."""
    d_o, d_e, _n = disagreements(o, values, level)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = 1.0 - d_o / d_e
    return np.where(d_e > 0, result, np.nan)


def undefined_reason(n_pairable: float, n_values: int) -> str | None:
    """Why alpha is undefined for data with ``n_pairable`` values over ``n_values`` distinct
    values in pairable units, or ``None`` when it is defined."""
    if n_pairable < 2:
        return "no unit has values from two coders (nothing is pairable)"
    if n_values < 2:
        return "every pairable value is the same (no variation, so no expected disagreement)"
    return None


def krippendorff_alpha(data: np.ndarray, level: str = "nominal") -> Alpha:
    """Krippendorff's alpha of a coders x units ``data`` matrix (``NaN`` = no value).

    Values must be numbers; nominal data may use any numeric codes (only equality matters),
    ordinal data numbers whose order is the scale order.
    """
    values, counts = value_counts(data)
    return alpha_from_counts(values, counts, level)


def alpha_from_counts(
    values: np.ndarray, counts: np.ndarray, level: str, weights: np.ndarray | None = None
) -> Alpha:
    """:func:`krippendorff_alpha` from :func:`value_counts` output (units x values); a row
    with weight ``w`` stands for ``w`` identical units."""
    if level not in LEVELS:
        raise ValueError(f"unknown level of measurement {level!r} (one of {', '.join(LEVELS)})")
    weights = np.ones(counts.shape[0]) if weights is None else weights
    pairable = counts.sum(axis=1) >= 2
    counts, weights = counts[pairable], weights[pairable]
    keep = (counts * weights[:, None]).sum(axis=0) > 0
    values, counts = values[keep], counts[:, keep]
    o = coincidences(counts, weights)
    n = float(o.sum())
    reason = undefined_reason(n, values.size)
    d_o, d_e, _ = disagreements(o, values, level) if n >= 2 else (np.nan, np.nan, n)
    alpha = None if reason else float(1.0 - d_o / d_e)
    return Alpha(
        alpha=alpha,
        d_o=None if n < 2 else float(d_o),
        d_e=None if n < 2 else float(d_e),
        n_units=int(round(weights.sum())),
        n_pairable=int(round(n)),
        values=values,
        coincidence=o,
        reason=reason,
    )
