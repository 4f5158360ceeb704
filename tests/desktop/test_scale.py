"""A big project stays responsive: no event-loop stall over 100 ms while filtering the library
or switching clips (1,000 clips, 50,000 annotations; ``bench_scale.py`` does 5,000 / 1,000,000)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scale_project import GapProbe, make_scale_project

CLIPS, ANNOTATIONS = 1000, 50_000
MAX_GAP_MS = 100


@pytest.fixture
def big(qtbot, window, clip_dir: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The window on a generated project of 1,000 clips (3 real) and 50,000 annotations."""
    real = sorted(clip_dir.glob("*.mp4"))
    path = tmp_path / "big" / "big.storyframe"
    make_scale_project(path, CLIPS, ANNOTATIONS, real, coders=("Ana", "Ben", "Cy"))
    probe = GapProbe().start()
    assert window.open_project(path)
    library = window.library
    qtbot.waitUntil(lambda: len(library.model.shown) == CLIPS and library.idle, timeout=20000)
    probe.stop()
    return window


def test_filtering_and_switching_clips_never_stall_the_ui(qtbot, big) -> None:
    window, library = big, big.library
    missing = [row for row in library.model.rows if row.missing is not None]
    assert len(missing) == CLIPS - 3  # every file was checked, off the UI thread
    assert sum(row.mine for row in library.model.rows) > ANNOTATIONS // 4  # mine, counted

    probe = GapProbe().start()
    library.filter.setFocus()
    qtbot.keyClicks(library.filter, "clip_004", delay=30)
    assert [c.file_name for c in library.visible_clips()][:2] == [
        "clip_00400.mp4", "clip_00401.mp4"
    ]  # fmt: skip
    qtbot.keyClicks(library.filter, "2")
    assert len(library.visible_clips()) == 10  # clip_00420 .. clip_00429
    library.filter.clear()
    assert len(library.visible_clips()) == CLIPS
    filtering = probe.stop()

    real = [c for c in library.visible_clips() if c.file_name.endswith("_story.mp4")]
    probe.start()
    for step in range(12):
        if step % 3 == 2:
            window.workspace.set_clip(real[step % len(real)])
        else:
            window.move_clip(1)
        qtbot.wait(120)
        assert library.table.currentIndex().row() == library.model.position(
            window.workspace.clip.id
        )  # the library follows
    qtbot.waitUntil(lambda: window.annotations.idle and library.idle)
    switching = probe.stop()
    assert filtering <= MAX_GAP_MS, f"filtering stalled the UI for {filtering:.0f} ms"
    assert switching <= MAX_GAP_MS, f"switching clips stalled the UI for {switching:.0f} ms"
    assert window.annotations.model.total > 0  # the table shows the current clip's rows
