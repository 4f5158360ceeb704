"""The preview build's child process: the app reads the frames the child stores while it
builds, and opening another clip or closing stops the child at once and leaves no part file
that a later open could trust."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from annotators.media.preview import content_key, default_cache_dir
from desktop import frames
from desktop.frames import FrameLoader
from tests.media_fixtures import make_clip, read_barcode

FRAMES = 600


@pytest.fixture(scope="session")
def long_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20 s at 540x960: its previews take a few seconds to build."""
    path = tmp_path_factory.mktemp("long") / "long_20s.mp4"
    return make_clip(path, seconds=20.0, fps=30, width=540, height=960, keyint=60)


@pytest.fixture(autouse=True)
def every_report(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Every progress report of the child reaches the test (every 10 frames): on a fast
    machine the whole build may take less than the app's report interval."""
    monkeypatch.setattr(frames, "PROGRESS_INTERVAL_S", 0.0)


def building(qtbot, clip: Path) -> tuple[FrameLoader, list[tuple[int, int]]]:  # type: ignore[no-untyped-def]
    """A loader on ``clip`` whose preview child has stored some frames, but not all."""
    loader = FrameLoader()
    progress: list[tuple[int, int]] = []
    loader.previews_progress.connect(lambda built, total: progress.append((built, total)))
    loader.open(clip)
    loader.request(0)  # previews build once the first frame is on screen
    qtbot.waitUntil(lambda: any(0 < b < t for b, t in progress), timeout=30000)
    return loader, progress


def preview_child() -> multiprocessing.Process:
    (child,) = [p for p in multiprocessing.active_children() if p.name == "storyframe-previews"]
    return child


def files_of(clip: Path) -> list[Path]:
    return sorted(default_cache_dir().glob(f"{content_key(clip)}*"))


def test_the_app_reads_previews_while_the_child_stores_them(qtbot, long_clip: Path) -> None:
    loader, progress = building(qtbot, long_clip)
    built, total = next((b, t) for b, t in progress if 0 < b < t)
    assert total == FRAMES
    reader = loader.preview_reader()
    for index in (0, built // 2, built - 1):
        assert read_barcode(reader(index)) == index  # the exact frame, from the child's file
    assert reader(FRAMES - 1) is None  # not stored yet
    assert [p.suffix for p in files_of(long_clip)] == [".part", ".npy"]  # not final yet
    qtbot.waitUntil(lambda: progress[-1] == (FRAMES, FRAMES), timeout=60000)
    # the child renames both files once every frame is stored (after its last report)
    final = lambda: [p.name[-4:] for p in files_of(long_clip)] == ["-480", ".npy"]  # noqa: E731
    qtbot.waitUntil(final, timeout=5000)
    assert read_barcode(reader(FRAMES - 1)) == FRAMES - 1
    loader.close()


def test_opening_another_clip_stops_the_child_and_discards_its_part_files(
    qtbot, long_clip: Path, clip_dir: Path
) -> None:
    for old in files_of(long_clip):
        old.unlink()
    loader, progress = building(qtbot, long_clip)
    child = preview_child()
    loader.open(clip_dir / "b_story.mp4")
    loader.request(0)
    # poll 0.1 s + grace 0.25 s, then terminated; the margin is for a loaded machine
    qtbot.waitUntil(lambda: not child.is_alive(), timeout=2000)
    qtbot.waitUntil(lambda: progress[-1] == (60, 60), timeout=30000)  # the new clip's build
    assert files_of(long_clip) == []  # nothing half-written is left to be trusted later
    loader.close()


def test_closing_while_building_stops_the_child(qtbot, long_clip: Path) -> None:
    for old in files_of(long_clip):
        old.unlink()
    loader, _progress = building(qtbot, long_clip)
    child = preview_child()
    loader.close()
    assert not child.is_alive()
    assert files_of(long_clip) == []
