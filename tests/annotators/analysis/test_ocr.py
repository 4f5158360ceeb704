"""On-screen text: read right, located to the frame, unchanged frames not read again."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotators.analysis.ocr import OcrSettings, TextReader, read_onscreen_text, sample_frames
from annotators.errors import AnalysisError, MediaError
from annotators.jobs import run_job
from tests.analysis_fixtures import WHITE, Overlay, make_overlay_clip, overlay_box

from .conftest import CUTS, OVERLAYS

INTERVAL_FRAMES = 15  # 0.5 s at 30 fps


def test_text_read_and_located(text_clip: Path, reader: TextReader, no_network) -> None:
    result = run_job(read_onscreen_text(text_clip, reader, cuts=CUTS))
    found = {o.text: o for o in result.occurrences}
    assert set(found) == {o.text for o in OVERLAYS}
    for overlay in OVERLAYS:
        occ = found[overlay.text]
        assert abs(occ.start_frame - overlay.start_frame) <= INTERVAL_FRAMES
        assert abs(occ.end_frame - overlay.end_frame) <= INTERVAL_FRAMES
        assert occ.start_s == pytest.approx(occ.start_frame / 30)
        assert occ.confidence > 0.8
        x0, y0, x1, y1 = overlay_box(overlay)
        assert occ.box[0] < x0 + 10 and occ.box[2] > x1 - 10
        assert occ.box[1] < y1 and occ.box[3] > y0
    assert no_network == []


def test_one_occurrence_per_appearance(text_clip: Path, reader: TextReader) -> None:
    # each overlay spans several samples and a cut: still one occurrence each
    result = run_job(read_onscreen_text(text_clip, reader, cuts=CUTS))
    assert len(result.occurrences) == 2


def test_unchanged_frames_not_read_again(text_clip: Path, reader: TextReader) -> None:
    skipping = run_job(read_onscreen_text(text_clip, reader, cuts=CUTS))
    every = TextReader(OcrSettings(skip_unchanged=False))
    full = run_job(read_onscreen_text(text_clip, every, cuts=CUTS))
    assert full.read == full.sampled == skipping.sampled
    # reads only where the picture changed: the first frame, after 10, 45, 60 (cut), 80, 130
    assert skipping.read <= 7 < full.read
    assert [o.text for o in skipping.occurrences] == [o.text for o in full.occurrences]


def test_reappearing_text_is_two_occurrences(tmp_path: Path, reader: TextReader) -> None:
    overlays = [Overlay("Donate now", 5, 30, 40, 300, WHITE, 1.0)]
    overlays.append(Overlay("Donate now", 70, 100, 40, 300, WHITE, 1.0))
    clip = make_overlay_clip(tmp_path / "again.mp4", frames=110, overlays=overlays)
    result = run_job(read_onscreen_text(clip, reader))
    spans = [(o.text, o.start_frame, o.end_frame) for o in result.occurrences]
    assert [s[0] for s in spans] == ["Donate now", "Donate now"]
    assert abs(spans[0][1] - 5) <= 2 and abs(spans[0][2] - 30) <= 2
    assert abs(spans[1][1] - 70) <= 2 and abs(spans[1][2] - 100) <= 2


def test_samples_follow_the_frame_table() -> None:
    times = [i / 30 for i in range(95)]
    import numpy as np

    assert sample_frames(np.array(times), 0.5, [7]) == {0, 7, 15, 30, 45, 60, 75, 90, 94}
    with pytest.raises(AnalysisError, match="interval must be positive"):
        sample_frames(np.array(times), 0.0)


def test_unreadable_clip_is_a_media_error(tmp_path: Path, reader: TextReader) -> None:
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"not a video")
    with pytest.raises(MediaError):
        run_job(read_onscreen_text(bad, reader))


def test_missing_engine_names_the_install_command(monkeypatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # import now fails
    with pytest.raises(AnalysisError, match="pip install --no-deps rapidocr-onnxruntime==1.4.4"):
        TextReader()


def test_text_ending_just_before_a_cut(tmp_path: Path, reader: TextReader) -> None:
    # the text goes at frame 40, the shot changes at 45 (sampled): its end is 40, not 44
    overlays = [Overlay("Sign the petition", 5, 40, 20, 300, WHITE, 0.9)]
    clip = make_overlay_clip(tmp_path / "cut.mp4", frames=60, overlays=overlays, cuts=[45])
    (occ,) = run_job(read_onscreen_text(clip, reader, cuts=[45])).occurrences
    assert (occ.start_frame, occ.end_frame) == (5, 40)


def test_fixed_text_over_moving_picture_is_recognised_once(
    tmp_path: Path, reader: TextReader
) -> None:
    # the camera pans under the overlay: every sampled frame changes, the line does not
    overlays = [Overlay("#savethebees", 10, 130, 30, 300, WHITE, 1.1)]
    clip = make_overlay_clip(tmp_path / "pan.mp4", frames=150, overlays=overlays, moving=True)
    result = run_job(read_onscreen_text(clip, reader))
    assert [o.text for o in result.occurrences] == ["#savethebees"]
    occ = result.occurrences[0]
    assert abs(occ.start_frame - 10) <= 2 and abs(occ.end_frame - 130) <= 2
    assert result.read == result.sampled  # the picture moved: the detector looked every time
    assert result.recognised <= 2 and result.reused >= 7  # the line was read once, then kept


def test_text_changing_in_place_over_moving_picture_is_read_again(
    tmp_path: Path, reader: TextReader
) -> None:
    # same place, same length, no cut, the background pans: the new text is read
    overlays = [Overlay("Day 3 of my trip", 0, 69, 30, 300, WHITE, 1.1)]
    overlays.append(Overlay("Day 4 at the zoo", 70, 149, 30, 300, WHITE, 1.1))
    clip = make_overlay_clip(tmp_path / "day.mp4", frames=150, overlays=overlays, moving=True)
    result = run_job(read_onscreen_text(clip, reader))
    spans = [(o.text, o.start_frame, o.end_frame) for o in result.occurrences]
    assert [s[0] for s in spans] == ["Day 3 of my trip", "Day 4 at the zoo"]
    assert abs(spans[0][2] - 69) <= 2 and abs(spans[1][1] - 70) <= 2


def test_rotated_phone_clip_is_read_in_display_pixels(tmp_path: Path, reader: TextReader) -> None:
    # stored landscape with a 90-degree display matrix, panning: boxes are display pixels
    overlay = Overlay("link in bio", 10, 80, 40, 420, WHITE, 1.1)
    clip = make_overlay_clip(
        tmp_path / "turned.mp4", frames=90, overlays=[overlay], moving=True, rotation=90
    )
    result = run_job(read_onscreen_text(clip, reader))
    assert [o.text for o in result.occurrences] == ["link in bio"]
    occ = result.occurrences[0]
    assert abs(occ.start_frame - 10) <= 2 and abs(occ.end_frame - 80) <= 2
    x0, y0, x1, y1 = overlay_box(overlay)
    assert abs(occ.box[0] - x0) < 12 and abs(occ.box[2] - x1) < 12
    assert occ.box[1] < y1 and occ.box[3] > y0


def test_one_letter_changing_in_place_is_read_again(tmp_path: Path) -> None:
    # "Day 3" becomes "Day 8" on a moving picture: the line's strokes changed, so it is
    # recognised again (the merge then keeps one occurrence: the texts are near-identical)
    overlays = [Overlay("Day 3 of my trip", 0, 69, 30, 300, WHITE, 1.1)]
    overlays.append(Overlay("Day 8 of my trip", 70, 149, 30, 300, WHITE, 1.1))
    clip = make_overlay_clip(tmp_path / "digit.mp4", frames=150, overlays=overlays, moving=True)
    texts: list[str] = []
    reader = _Recording(texts)
    run_job(read_onscreen_text(clip, reader))
    assert "Day 3 of my trip" in texts and "Day 8 of my trip" in texts
    assert len(texts) < 11  # not every sampled frame: unchanged lines kept their reading


class _Recording(TextReader):
    """A real reader that notes every text it recognises."""

    def __init__(self, texts: list[str]) -> None:
        super().__init__()
        self.texts = texts

    def recognise(self, bgr, quads):  # type: ignore[no-untyped-def]
        readings = super().recognise(bgr, quads)
        self.texts += [r.text for r in readings if r is not None]
        return readings
