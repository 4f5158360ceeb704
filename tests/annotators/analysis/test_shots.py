"""Shot-cut detection finds generated hard cuts at the right frame, CFR and VFR."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotators.analysis import shots
from annotators.errors import MediaError
from tests.annotators.analysis.cut_clips import make_cut_clip

CUTS = [17, 40, 58, 81]


@pytest.mark.parametrize("vfr", [False, True])
def test_cuts_found_at_their_first_frame(tmp_path: Path, vfr: bool) -> None:
    clip = tmp_path / "cuts.mp4"
    times = make_cut_clip(clip, CUTS, seconds=4.0, vfr=vfr)
    found = shots.detect_cuts_in_file(clip)
    assert [c.frame for c in found] == CUTS
    # the time is the frame's own presentation time (on VFR, not frame / fps)
    assert [c.time_s for c in found] == pytest.approx([times[f] for f in CUTS], abs=1e-6)


def test_vfr_cut_times_are_not_frame_over_fps(tmp_path: Path) -> None:
    clip = tmp_path / "vfr.mp4"
    times = make_cut_clip(clip, CUTS, seconds=4.0, vfr=True)
    found = shots.detect_cuts_in_file(clip)
    average = (len(times) - 1) / times[-1]
    # the generated VFR spacing moves these frames well away from index / average rate
    assert any(abs(c.time_s - c.frame / average) > 0.02 for c in found)


def test_no_cut_in_one_moving_shot(tmp_path: Path) -> None:
    clip = tmp_path / "one.mp4"
    make_cut_clip(clip, [], seconds=2.0)
    assert shots.detect_cuts_in_file(clip) == []


def test_provenance_is_recorded() -> None:
    assert shots.ENGINE == "pyscenedetect"
    assert shots.engine_version().startswith("0.")
    assert shots.settings()["threshold"] == shots.THRESHOLD


def test_missing_file_is_a_media_error(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="missing"):
        shots.detect_cuts_in_file(tmp_path / "gone.mp4")
