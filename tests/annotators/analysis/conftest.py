"""One OCR reader for the session (loading the models takes a moment) and the test clips."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotators.analysis.ocr import TextReader
from tests.analysis_fixtures import WHITE, YELLOW, Overlay, make_overlay_clip

# 5 s at 30 fps, 360x640; a cut at frame 60; two overlays with known first and last frames
OVERLAYS = [
    Overlay("#climatejustice", 10, 80, 30, 200, WHITE, 0.9),
    Overlay("link in bio", 45, 130, 40, 500, YELLOW, 0.9),
]
CUTS = [60]


@pytest.fixture(scope="session")
def reader() -> TextReader:
    return TextReader()


@pytest.fixture(scope="session")
def text_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ocr") / "text_clip.mp4"
    return make_overlay_clip(path, frames=150, overlays=OVERLAYS, cuts=CUTS)
