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


def percentile_interval(samples: np.ndarray, draws: int) -> Interval:
    """The 95 % percentile interval of the finite ``samples``."""
    finite = samples[np.isfinite(samples)]
    # fewer than 20 defined draws cannot place a 2.5th percentile meaningfully
    if finite.size < 20:
        return Interval(None, None, draws, int(finite.size))
    low, high = np.percentile(finite, [2.5, 97.5])
    return Interval(float(low), float(high), draws, int(finite.size))


def bootstrap_alpha(
    unit_o: np.ndarray, values: np.ndarray, level: str, draws: int, rng: np.random.Generator
) -> Interval:
    """Interval of alpha from per-unit coincidence contributions ``unit_o`` (units x V x V)."""
    n_units = unit_o.shape[0]
    if draws <= 0 or n_units == 0:
        return Interval(None, None, max(draws, 0), 0)
    weights = draw_weights(n_units, draws, rng)
    size = unit_o.shape[1]
    o = (weights @ unit_o.reshape(n_units, size * size)).reshape(draws, size, size)
    return percentile_interval(alpha_from_coincidences(o, values, level), draws)


def make_rng(seed: int, stream: int) -> np.random.Generator:
    """The generator of result number ``stream`` under report ``seed`` (reproducible)."""
    return np.random.default_rng([seed, stream])
