"""Praat TextGrid export, read back with praatio and compared with a TextGrid Praat wrote."""

from __future__ import annotations

from pathlib import Path

import pytest
from praatio import textgrid

from annotators.errors import ExportError
from annotators.exchange import export_job
from annotators.export import ExportFilter
from annotators.jobs import run_job

from .conftest import FORMATS, Coded, times25

MARY = FORMATS / "subs" / "praatio_mary.TextGrid"


def _export(coded: Coded, out: Path, **filters: list[str]):  # noqa: ANN202
    return run_job(export_job(coded.project, "textgrid", out, ExportFilter(**filters), times25))


def test_one_tier_per_code_read_back_by_praatio(coded: Coded, tmp_path: Path) -> None:
    out = tmp_path / "a.TextGrid"
    result = _export(coded, out, videos=["a.mp4"], coders=["alice"])
    grid = textgrid.openTextgrid(str(out), includeEmptyIntervals=False)
    assert (grid.minTimestamp, grid.maxTimestamp) == (0.0, 10.0)  # the whole 10 s clip
    assert grid.tierNames == ("testimony", "emotion", "donate")
    testimony = grid.getTier("testimony")
    # frames 12-50 at 25 fps: from 0.48 s until frame 50 stops being shown (2.04 s)
    assert [tuple(e) for e in testimony.entries] == [(0.48, 2.04, "Personal testimony")]
    emotion = [(e.start, e.end, e.label) for e in grid.getTier("emotion").entries]
    assert emotion == [(4.0, 6.04, "Sadness"), (8.0, 8.44, "Hope")]
    donate = grid.getTier("donate")
    assert isinstance(donate, textgrid.PointTier)
    assert [tuple(p) for p in donate.entries] == [(1.2, "Donate")]
    assert result.annotations == 4 and result.notes


def test_file_has_the_structure_of_a_praat_textgrid(coded: Coded, tmp_path: Path) -> None:
    out = tmp_path / "a.TextGrid"
    _export(coded, out, videos=["a.mp4"], coders=["alice"])
    ours = out.read_text(encoding="utf-8").splitlines()
    mary = MARY.read_text(encoding="utf-8").splitlines()
    assert ours[:3] == mary[:3]  # File type = "ooTextFile", Object class = "TextGrid", ""
    assert ours[5] == mary[5] == "<exists>"
    assert '"IntervalTier"' in ours and '"TextTier"' in ours
    # both parse to the same kinds of object with praatio
    assert {type(textgrid.openTextgrid(str(p), False).getTier(n)).__name__
            for p in (out, MARY) for n in textgrid.openTextgrid(str(p), False).tierNames} == {
        "IntervalTier", "PointTier"
    }  # fmt: skip


def test_several_coders_get_their_own_tiers_and_overlaps_extra_ones(
    coded: Coded, tmp_path: Path
) -> None:
    result = _export(coded, tmp_path / "grids")
    assert sorted(p.name for p in result.files) == ["a.TextGrid", "b.TextGrid"]
    grid = textgrid.openTextgrid(str(tmp_path / "grids" / "a.TextGrid"), False)
    assert "donate@alice" in grid.tierNames and 'donate@bob, "the second"' in grid.tierNames


def test_overlapping_annotations_of_one_code_go_to_extra_tiers(
    coded: Coded, tmp_path: Path
) -> None:
    from annotators.store.models import Annotation

    with coded.project.session() as session:
        session.add(
            Annotation(video_id=coded.videos["a.mp4"], code_id=coded.codes["testimony"],
                       coder_id=coded.coders["alice"], start_frame=20, end_frame=30,
                       start_s=0.8, end_s=1.2)
        )  # fmt: skip
        session.commit()
    out = tmp_path / "a.TextGrid"
    _export(coded, out, videos=["a.mp4"], coders=["alice"])
    grid = textgrid.openTextgrid(str(out), False)
    assert grid.tierNames[:2] == ("testimony", "testimony_2")
    assert [e.start for e in grid.getTier("testimony_2").entries] == [0.8]


def test_a_single_file_for_several_clips_is_refused(coded: Coded, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="2 videos selected"):
        _export(coded, tmp_path / "all.TextGrid")
    assert not (tmp_path / "all.TextGrid").exists()


def test_times_come_from_the_frame_table(coded: Coded, tmp_path: Path) -> None:
    """Variable frame rate: frame i at 0.03 * i s for i < 40, then 0.05 s apart. The stored
    start times are the table's; the end is when the last frame stops being shown."""

    def vfr(frame: int) -> float:
        return 0.03 * frame if frame < 40 else 1.2 + 0.05 * (frame - 40)

    out = tmp_path / "a.TextGrid"
    flt = ExportFilter(videos=["a.mp4"], coders=["alice"])
    run_job(export_job(coded.project, "textgrid", out, flt, lambda video: vfr))
    testimony = textgrid.openTextgrid(str(out), False).getTier("testimony")
    # frames 12-50: starts at its stored 0.48 s; frame 50 ends when frame 51 starts (1.75 s)
    assert [(e.start, e.end) for e in testimony.entries] == [(0.48, pytest.approx(1.75))]
