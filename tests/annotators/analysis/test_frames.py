"""Cheap small pictures from decoded frames look like the scaler's (colour and grey)."""

from __future__ import annotations

import av
import numpy as np
import pytest

from annotators.analysis.frames import small_bgr, small_gray
from tests.analysis_fixtures import shot_background


@pytest.fixture(scope="module")
def picture() -> np.ndarray:
    rgb = shot_background(640, 360, seed=3)
    rgb[100:140, 50:300] = (250, 220, 0)  # a yellow bar: hue must survive the shrink
    return rgb


@pytest.mark.parametrize("fmt", ["yuv420p", "yuvj420p", "rgb24"])
def test_small_bgr_matches_the_scaler(picture: np.ndarray, fmt: str) -> None:
    frame = av.VideoFrame.from_ndarray(picture, format="rgb24").reformat(format=fmt)
    mine = small_bgr(frame, (90, 160)).astype(np.int16)
    scaler = frame.reformat(width=90, height=160, format="bgr24", interpolation="AREA")
    assert mine.shape == (160, 90, 3)
    assert np.abs(mine - scaler.to_ndarray().astype(np.int16)).mean() < 6
    # the yellow bar is still yellow (BGR: little blue, much red and green)
    b, g, r = mine[120 * 160 // 640, 40 * 90 // 360 + 5]
    assert b < 80 < 180 < min(g, r)


def test_small_gray_is_the_luma(picture: np.ndarray) -> None:
    frame = av.VideoFrame.from_ndarray(picture, format="rgb24").reformat(format="yuv420p")
    mine = small_gray(frame, (90, 160)).astype(np.int16)
    scaler = frame.reformat(width=90, height=160, format="gray", interpolation="AREA")
    assert mine.shape == (160, 90)
    assert np.abs(mine - scaler.to_ndarray().astype(np.int16)).mean() < 6
