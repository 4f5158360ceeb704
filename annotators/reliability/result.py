"""The result of one agreement measure and the disagreements a report lists."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

# the figures every result carries, in the order of the JSON layout (scripts read it)
JSON_FIELDS = (
    "code_key", "method", "level", "alpha", "ci_low", "ci_high", "n_units", "n_coders",
    "n_pairable", "d_o", "d_e", "percent_agreement", "kappa",
)  # fmt: skip
METHODS = ("clip", "presence", "count", "frames", "unitizing", "points")


@dataclass(frozen=True)
class Coincidences:
    """A coincidence matrix with the labels of its values (rows and columns)."""

    labels: tuple[str, ...]
    matrix: np.ndarray


@dataclass
class Result:
    """One measure of one code. ``alpha`` is ``None`` when undefined, with ``reason``.

    ``kappa_method`` is ``cohen`` (two coders) or ``fleiss`` (more); ``marginals`` counts each
    coder's values (by label); ``extra`` holds method-specific figures (point matching: matched,
    unmatched, f1, tolerance_s; frames: slice_s; unitizing: marked units and frames).
    """

    code_key: str
    code_label: str
    method: str
    level: str | None
    n_coders: int
    n_units: int = 0
    n_pairable: int = 0
    alpha: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    d_o: float | None = None
    d_e: float | None = None
    percent_agreement: float | None = None
    kappa: float | None = None
    kappa_method: str | None = None
    reason: str | None = None
    coincidences: Coincidences | None = None
    marginals: dict[str, dict[str, int]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The result in the documented JSON layout (plus ``reason``, method extras)."""
        row = {name: _plain(getattr(self, name)) for name in JSON_FIELDS}
        row["reason"] = self.reason
        row["kappa_method"] = self.kappa_method
        if self.extra:
            row.update({key: _plain(value) for key, value in self.extra.items()})
        return row


@dataclass(frozen=True)
class Disagreement:
    """Coders who compared differently on one clip: ``values`` by coder name (``None``: that
    coder coded the clip but gave no value). ``frame`` is where a time-anchored code first
    differs (``None`` for clip variables)."""

    video_id: int
    video_file_name: str
    code_key: str
    method: str
    frame: int | None
    values: dict[str, str | None]

    def to_json(self) -> dict[str, Any]:
        return {
            "video_id": self.video_id,
            "video_file_name": self.video_file_name,
            "code_key": self.code_key,
            "method": self.method,
            "frame": self.frame,
            "values": dict(self.values),
        }


def _plain(value: Any) -> Any:
    """numpy scalars as Python numbers, NaN as None (JSON has no NaN)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value
