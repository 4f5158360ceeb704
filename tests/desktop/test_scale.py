"""A big project stays responsive: no event-loop stall over 100 ms while filtering the library,
switching clips or coding (1,000 clips, 50,000 annotations; ``bench_scale.py`` does 5,000 /
1,000,000)."""

from __future__ import annotations

from collections.abc import Callable
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


def measured(phase: Callable[[], None]) -> tuple[float, float]:
    """Largest event-loop gap and most UI-thread CPU in one gap (ms) over ``phase``, best of
    two runs by gap: the machine is shared, and a busy neighbour can delay any tick once;
    a stall of the app's own making shows up in both."""
    runs = []
    for _ in range(2):
        probe = GapProbe().start()
        phase()
        runs.append((probe.stop(), probe.busiest_ms))
        if runs[-1][0] <= MAX_GAP_MS:
            break
    return min(runs)


def test_filtering_and_switching_clips_never_stall_the_ui(qtbot, big) -> None:
    window, library = big, big.library
    assert len(library.model.missing) == CLIPS - 3  # every file was checked, off the UI thread
    assert sum(library.model.counts.values()) > ANNOTATIONS // 4  # mine, counted

    def filtering() -> None:
        library.filter.setFocus()
        qtbot.keyClicks(library.filter, "clip_004", delay=30)
        assert [c.file_name for c in library.visible_clips()][:2] == [
            "clip_00400.mp4", "clip_00401.mp4"
        ]  # fmt: skip
        qtbot.keyClicks(library.filter, "2")
        assert len(library.visible_clips()) == 10  # clip_00420 .. clip_00429
        library.filter.clear()
        assert len(library.visible_clips()) == CLIPS

    real = [c for c in library.visible_clips() if c.file_name.endswith("_story.mp4")]

    def switching() -> None:
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

    def coding() -> None:  # every view re-reads: the library recounts 50,000 annotations
        before = library.model.mine(window.workspace.clip.id)
        window.playback.seek(5)
        qtbot.waitUntil(lambda: window.player.view.frame_index == 5, timeout=5000)
        window.coding.on_shortcut("D")
        qtbot.waitUntil(lambda: not window.workspace.ops.busy and library.idle, timeout=10000)
        qtbot.waitUntil(lambda: window.annotations.idle, timeout=10000)
        assert library.model.mine(window.workspace.clip.id) == before + 1

    phases = (("filtering", filtering), ("switching clips", switching), ("coding", coding))
    for name, phase in phases:
        gap, busy = measured(phase)
        assert gap <= MAX_GAP_MS, f"{name} stalled the UI for {gap:.0f} ms"
        assert busy <= MAX_GAP_MS, f"{name}: the UI thread worked {busy:.0f} ms at a stretch"
    assert window.annotations.model.total > 0  # the table shows the current clip's rows
