"""Clip-level variables: one value per clip and coder, alpha at the variable's level."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from annotators.store.models import Code

from .bootstrap import Resampler
from .data import StudyData, code_level
from .measures import fill_from_matrix
from .result import Disagreement, Result


def _number_label(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def encoding(code: Code, level: str | None, stored: list[str]) -> tuple[
    Callable[[str], float], Callable[[float], str]
]:  # fmt: skip
    """``(to_number, label)`` for ``code``'s stored values at ``level``.

    Listed values (nominal, ordinal, clip presence) become their position in codebook order
    (for ordinal codes the scale order, low to high) unless the level is interval or ratio,
    which need the values themselves as numbers. Raises ``ValueError`` naming a value that is
    not a number when one is needed.
    """
    options = [(str(o["value"]), str(o["label"])) for o in code.options or []]
    numeric = code.value_type == "number" or level in ("interval", "ratio")
    if numeric:
        for value in stored:
            try:
                float(value)
            except ValueError as error:
                raise ValueError(
                    f"level {level} needs numbers, but '{code.key}' has the value {value!r}"
                ) from error
        return float, _number_label
    order = [value for value, _label in options]
    order += sorted(set(stored) - set(order))  # values no longer listed (codebook edits)
    labels = dict(options)
    index = {value: float(i) for i, value in enumerate(order)}
    return index.__getitem__, lambda v: labels.get(order[int(v)], order[int(v)])


def clip_result(data: StudyData, code: Code, *, boot: Resampler) -> tuple[
    Result, list[Disagreement]
]:  # fmt: skip
    """Alpha (method ``clip``) of one clip-level variable over the clips coded."""
    level = code_level(code)
    names, units = data.coder_names(), data.units()
    result = Result(code.key, code.label, "clip", level, n_coders=len(names))
    stored = data.values.get(code.id, {})
    if not stored:
        result.reason = "nobody gave a value for this variable on the clips compared"
        return result, []
    try:
        to_number, label = encoding(code, level, list(stored.values()))
    except ValueError as error:
        result.reason = str(error)
        return result, []
    matrix = np.full((len(names), len(units)), np.nan)
    column = {video: j for j, video in enumerate(units)}
    row = {coder.id: i for i, coder in enumerate(data.coders)}
    for (video, coder), value in stored.items():
        matrix[row[coder], column[video]] = to_number(value)
    fill_from_matrix(result, matrix, names, label, boot=boot)
    return result, _disagreements(data, code, units, matrix, label)


def _disagreements(
    data: StudyData, code: Code, units: list[int], matrix: np.ndarray, label: Callable
) -> list[Disagreement]:
    found = []
    for j in np.flatnonzero(_differs(matrix)):
        video = data.videos[units[j]]
        values = {
            coder.name: (None if np.isnan(matrix[i, j]) else label(matrix[i, j]))
            for i, coder in enumerate(data.coders)
            if units[j] in data.coded[coder.id]
        }
        found.append(Disagreement(video.id, video.file_name, code.key, "clip", None, values))
    return found


def _differs(matrix: np.ndarray) -> np.ndarray:
    """Units where at least two coders gave values and not all of them the same."""
    present = ~np.isnan(matrix)
    low = np.where(present, matrix, np.inf).min(axis=0)
    high = np.where(present, matrix, -np.inf).max(axis=0)
    return (present.sum(axis=0) >= 2) & (low != high)
