"""Bootstrap intervals by resampling units (clips) with replacement.

Every agreement figure here is a function of per-unit sufficient statistics that add up
(coincidence matrices for alpha, disagreement sums for unitizing alpha), so one draw is a
weighted sum: the weights are how often each unit was drawn. All draws are computed at once
as a matrix product. The interval is the 2.5th and 97.5th percentile of the draws where the
figure is defined; the seed and number of draws go into the report.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .alpha import alpha_from_coincidences


@dataclass(frozen=True)
class Interval:
    """A percentile bootstrap interval; ``None`` bounds when too few draws were defined."""

    low: float | None
    high: float | None
    draws: int
    defined: int


def draw_weights(n_units: int, draws: int, rng: np.random.Generator) -> np.ndarray:
    """How often each of ``n_units`` units appears in each of ``draws`` resamples
    (``draws x n_units``; each row sums to ``n_units``)."""
    picks = rng.integers(0, n_units, size=(draws, n_units))
    offsets = np.arange(draws)[:, None] * n_units
    counts = np.bincount((picks + offsets).ravel(), minlength=draws * n_units)
    return counts.reshape(draws, n_units).astype(float)


class Resampler:
    """The bootstrap draws of one report: ``draws`` resamples of ``n`` units, made once per
    ``n`` from ``seed`` and shared by every figure over ``n`` units (the same clips drawn for
    every variable, as when one resamples the data set; reproducible from the seed)."""

    def __init__(self, seed: int, draws: int) -> None:
        self.seed, self.draws = seed, draws
        self._made: dict[int, np.ndarray] = {}

    def weights(self, n_units: int) -> np.ndarray:
        """``draws x n_units`` counts of how often each unit is in each resample."""
        if n_units not in self._made:
            rng = np.random.default_rng([self.seed, n_units])
            self._made[n_units] = draw_weights(n_units, self.draws, rng)
        return self._made[n_units]


def weighted_sums(weights: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``weights @ values`` for each draw (``values``: units, or units x k).

    Narrow products go through einsum's own loops: on a loaded machine a multi-threaded BLAS
    matrix-vector product was found to be a hundred times slower than this.
    """
    if values.ndim == 2 and values.shape[1] > 64:
        return weights @ values
    return np.einsum("dn,n...->d...", weights, values)


def percentile_interval(samples: np.ndarray, draws: int) -> Interval:
    """The 95 % percentile interval of the finite ``samples``."""
    finite = samples[np.isfinite(samples)]
    # fewer than 20 defined draws cannot place a 2.5th percentile meaningfully
    if finite.size < 20:
        return Interval(None, None, draws, int(finite.size))
    low, high = np.percentile(finite, [2.5, 97.5])
    return Interval(float(low), float(high), draws, int(finite.size))


def bootstrap_alpha(
    unit_o: np.ndarray, values: np.ndarray, level: str, boot: Resampler
) -> Interval:
    """Interval of alpha from per-unit coincidence contributions ``unit_o`` (units x V x V)."""
    n_units, draws = unit_o.shape[0], boot.draws
    if draws <= 0 or n_units == 0:
        return Interval(None, None, max(draws, 0), 0)
    weights = boot.weights(n_units)
    size = unit_o.shape[1]
    o = weighted_sums(weights, unit_o.reshape(n_units, size * size)).reshape(draws, size, size)
    return percentile_interval(alpha_from_coincidences(o, values, level), draws)
