"""Alpha, kappa and percent agreement against published values and the krippendorff package."""

from __future__ import annotations

import krippendorff  # GPL-3: a test-time cross-check only, never imported by annotators/
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotators.reliability.alpha import (
    LEVELS,
    alpha_from_coincidences,
    alpha_from_counts,
    krippendorff_alpha,
    unit_coincidences,
    value_counts,
)
from annotators.reliability.bootstrap import Resampler, bootstrap_alpha
from annotators.reliability.kappa import (
    _fleiss_counts,
    binary_kappa,
    cohen_kappa,
    fleiss_kappa,
    percent_agreement,
    percent_agreement_counts,
)

N = np.nan
# Krippendorff (2011) "Computing Krippendorff's alpha-reliability", example C:
# 4 coders x 12 units with missing values.
EXAMPLE_C = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
        [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
    ]
)
PUBLISHED_C = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}


@pytest.mark.parametrize("level", LEVELS)
def test_krippendorff_2011_example_c(level: str) -> None:
    result = krippendorff_alpha(EXAMPLE_C, level)
    assert round(result.alpha, 3) == PUBLISHED_C[level]
    # unit 12 has one value only: not pairable; 40 pairable values in 11 units
    assert (result.n_units, result.n_pairable) == (11, 40)


def test_example_c_nominal_disagreements_and_coincidences() -> None:
    result = krippendorff_alpha(EXAMPLE_C, "nominal")
    # Krippendorff (2011): n = 40, marginals n_c = 9, 13, 10, 5, 3 for values 1..5
    assert result.coincidence.sum(axis=1).tolist() == pytest.approx([9, 13, 10, 5, 3])
    assert result.coincidence[0, 0] == pytest.approx(7.0)
    assert result.coincidence[1, 1] == pytest.approx(10.0)
    assert result.coincidence[0, 1] == pytest.approx(4 / 3)
    assert 1 - result.d_o / result.d_e == pytest.approx(result.alpha)


def reliability_matrices() -> st.SearchStrategy[np.ndarray]:
    cells = st.one_of(st.none(), st.integers(0, 4))
    return (
        st.integers(2, 5)
        .flatmap(
            lambda coders: st.integers(1, 12).flatmap(
                lambda units: st.lists(
                    st.lists(cells, min_size=units, max_size=units),
                    min_size=coders,
                    max_size=coders,
                )
            )
        )
        .map(lambda rows: np.array([[N if v is None else v for v in r] for r in rows], float))
    )


@settings(max_examples=150, deadline=None)
@given(data=reliability_matrices(), level=st.sampled_from(LEVELS))
def test_matches_krippendorff_package(data: np.ndarray, level: str) -> None:
    ours = krippendorff_alpha(data, level)
    if ours.alpha is None:
        # undefined: no pairable values or no variation among them
        assert ours.reason
        return
    theirs = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    assert ours.alpha == pytest.approx(theirs, abs=1e-9)


def test_undefined_alpha_is_none_with_reason() -> None:
    same = np.array([[1, 1, 1], [1, 1, 1]], float)
    result = krippendorff_alpha(same, "nominal")
    assert result.alpha is None and "same" in result.reason
    lonely = np.array([[1, N], [N, 2]], float)
    result = krippendorff_alpha(lonely, "interval")
    assert result.alpha is None and "pairable" in result.reason
    assert result.n_pairable == 0


def test_unknown_level_is_refused() -> None:
    with pytest.raises(ValueError, match="level"):
        krippendorff_alpha(EXAMPLE_C, "cardinal")


def _cohen_example() -> tuple[np.ndarray, np.ndarray]:
    # Cohen (1960: 45): 200 items, 3 categories; p_o = .70, p_e = .41, kappa = .492
    cells = {(1, 1): 88, (1, 2): 14, (1, 3): 18, (2, 1): 10, (2, 2): 40, (2, 3): 10,
             (3, 1): 2, (3, 2): 6, (3, 3): 12}  # fmt: skip
    first = [a for (a, _b), n in cells.items() for _ in range(n)]
    second = [b for (_a, b), n in cells.items() for _ in range(n)]
    return np.array(first, float), np.array(second, float)


def test_cohen_1960_kappa() -> None:
    first, second = _cohen_example()
    assert round(cohen_kappa(first, second), 3) == 0.492
    assert percent_agreement(np.vstack([first, second])) == pytest.approx(0.70)


# Fleiss (1971: 379): 30 patients, 6 psychiatrists, 5 diagnoses; kappa = .430
FLEISS = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]  # fmt: skip


def test_fleiss_1971_kappa() -> None:
    data = np.array(FLEISS, float).T
    assert round(fleiss_kappa(data), 3) == 0.430
    # Fleiss' P-bar (mean agreement over patients) is .5556
    assert percent_agreement(data) == pytest.approx(0.5556, abs=1e-4)


def test_kappa_undefined_when_one_value_throughout() -> None:
    assert cohen_kappa(np.ones(5), np.ones(5)) is None
    assert fleiss_kappa(np.ones((3, 4))) is None


def test_bootstrap_is_reproducible_and_brackets_alpha() -> None:
    values, counts = value_counts(EXAMPLE_C)
    unit_o = unit_coincidences(counts)
    first = bootstrap_alpha(unit_o, values, "interval", Resampler(7, 500))
    again = bootstrap_alpha(unit_o, values, "interval", Resampler(7, 500))
    assert first == again
    assert first.low < 0.849 < first.high and first.draws == 500


@st.composite
def weighted_units(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """Distinct count rows (m - k, k) of 0/1 data and how many units share each."""
    raters = draw(st.integers(2, 4))
    rows = draw(st.lists(st.tuples(st.integers(0, raters), st.integers(0, raters)),
                         min_size=1, max_size=6))  # fmt: skip
    counts = np.array([[m - min(k, m), min(k, m)] for m, k in rows], float)
    weights = np.array(draw(st.lists(st.integers(1, 5), min_size=len(rows), max_size=len(rows))))
    return counts, weights.astype(float)


@settings(max_examples=100, deadline=None)
@given(units=weighted_units())
def test_weighted_rows_equal_repeated_units(units: tuple[np.ndarray, np.ndarray]) -> None:
    counts, weights = units
    repeated = np.repeat(counts, weights.astype(int), axis=0)
    values = np.array([0.0, 1.0])
    ours = alpha_from_counts(values, counts, "nominal", weights)
    plain = alpha_from_counts(values, repeated, "nominal")
    assert (ours.n_units, ours.n_pairable, ours.reason) == (
        plain.n_units, plain.n_pairable, plain.reason
    )  # fmt: skip
    if plain.alpha is not None:
        assert ours.alpha == pytest.approx(plain.alpha)
    if (agreement := percent_agreement_counts(repeated)) is not None:
        assert percent_agreement_counts(counts, weights) == pytest.approx(agreement)
    raters = int(counts.sum(axis=1).max())
    if (fleiss := _fleiss_counts(repeated, raters)) is not None:
        assert _fleiss_counts(counts, raters, weights) == pytest.approx(fleiss)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans(), st.booleans(), st.booleans()),
                min_size=1, max_size=30))  # fmt: skip
def test_binary_kappa_equals_cohen(frames: list[tuple[bool, bool, bool, bool]]) -> None:
    marked = np.array([[f[0] for f in frames], [f[1] for f in frames]])
    coded = np.array([[f[2] for f in frames], [f[3] for f in frames]])
    data = np.where(coded, marked.astype(float), np.nan)
    ours, method = binary_kappa(marked & coded, coded, np.zeros((0, 2)), np.zeros(0))
    assert method == "cohen"
    theirs = cohen_kappa(data[0], data[1])
    if theirs is None:
        assert ours is None
    else:
        assert ours == pytest.approx(theirs)


def test_a_bootstrap_draw_is_alpha_of_the_resampled_units() -> None:
    boot = Resampler(11, 5)
    values, counts = value_counts(EXAMPLE_C)
    weights = boot.weights(EXAMPLE_C.shape[1])
    for row in weights:
        picked = np.repeat(np.arange(EXAMPLE_C.shape[1]), row.astype(int))
        resampled = krippendorff_alpha(EXAMPLE_C[:, picked], "ordinal")
        o = (unit_coincidences(counts) * row[:, None, None]).sum(axis=0)
        ours = alpha_from_coincidences(o[None], values, "ordinal")[0]
        assert ours == pytest.approx(resampled.alpha) if resampled.alpha is not None else True


# Hayes & Krippendorff (2007: 84), "Answering the call for a standard reliability measure for
# coding data": 40 units (rows here), 5 observers, missing values; ordinal alpha .7598.
HAYES_2007 = [
    [1, 1, 2, N, 2], [1, 1, 0, 1, N], [2, 3, 3, 3, N], [N, 0, 0, N, 0], [0, 0, 0, N, 0],
    [0, 0, 0, N, 0], [1, 0, 2, N, 1], [1, N, 2, 0, N], [2, 2, 2, N, 2], [2, 1, 1, 1, N],
    [N, 1, 0, 0, N], [0, 0, 0, 0, N], [1, 2, 2, 2, N], [3, 3, 2, 2, 3], [1, 1, 1, N, 1],
    [1, 1, 1, N, 1], [2, 1, 2, N, 2], [1, 2, 3, 3, N], [1, 1, 0, 1, N], [0, 0, 0, N, 0],
    [0, 0, 1, 1, N], [0, 0, N, 0, 0], [2, 3, 3, 3, N], [0, 0, 0, 0, N], [1, 2, N, 2, 2],
    [0, 1, 1, 1, N], [0, 0, 0, 1, 0], [1, 2, 1, 2, N], [1, 1, 2, 2, N], [1, 1, 2, N, 2],
    [1, 1, 0, N, 0], [2, 1, 2, 1, N], [2, 2, N, 2, 2], [3, 2, 2, 2, N], [2, 2, 2, N, 2],
    [2, 2, 3, N, 2], [2, 2, 2, N, 2], [2, 2, N, 1, 2], [2, 2, 2, 2, N], [1, 1, 1, N, 1],
]  # fmt: skip


def test_hayes_krippendorff_2007_five_observers_with_missing_values() -> None:
    result = krippendorff_alpha(np.array(HAYES_2007, float).T, "ordinal")
    assert round(result.alpha, 4) == 0.7598
    assert result.n_units == 40
