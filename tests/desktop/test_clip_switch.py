"""Switching clips: the timeline never paints one clip's bars over another clip's frame table,
and the library, the clip title above the picture and PageUp/PageDown agree on the clip.

Issue 11, defects 1 and 2: switching from a 150-frame clip to a longer one painted the longer
clip's bars with the shorter frame table (IndexError in paintEvent); PageDown loaded the next
clip while the library kept highlighting the old one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotators.coding import Coding
from tests.media_fixtures import make_clip

from .conftest import import_and_wait
from .helpers import press, settled

Key = Qt.Key


@pytest.fixture(scope="module")
def lengths_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 40-frame clip and a 150-frame clip (both 25 fps)."""
    folder = tmp_path_factory.mktemp("lengths")
    make_clip(folder / "long_clip.mp4", seconds=6.0, fps=25, audio=True, keyint=25)
    make_clip(folder / "short_clip.mp4", seconds=1.6, fps=25, keyint=10)
    return folder


@pytest.fixture
def two_clips(qtbot, window, lengths_dir: Path):  # type: ignore[no-untyped-def]
    """The window with both clips; the long one has bars up to its last frame."""
    import_and_wait(qtbot, window, [lengths_dir])
    qtbot.waitUntil(lambda: len(window.library.visible_clips()) == 2, timeout=10000)
    long_clip, short_clip = window.library.visible_clips()
    project, coder = window.workspace.project, window.workspace.coder
    coding = Coding.for_project(project)
    codes = {code.key: code.id for code in window.coding.codes.values()}
    coding.add_annotation(long_clip.id, codes["personal_testimony"], coder.id, 100, 149)
    coding.add_annotation(long_clip.id, codes["cta_donate"], coder.id, 145)
    window.workspace.data_changed.emit("annotations")
    return window, long_clip, short_clip


def _paint_now(window) -> None:  # type: ignore[no-untyped-def]
    """Paint the timeline synchronously, as Qt may at any moment of a switch."""
    window.timeline.timeline.repaint()
    window.grab()


def test_switching_to_a_longer_clip_never_paints_with_the_old_frame_table(qtbot, two_clips) -> None:
    window, long_clip, short_clip = two_clips
    timeline = window.timeline.timeline
    for _ in range(3):
        window.workspace.set_clip(short_clip)
        _paint_now(window)  # the short clip is not decoded yet: the long one's bars are gone
        assert timeline.bars == [] or timeline.timestamps.size == short_clip.frame_count
        qtbot.waitUntil(lambda: window.playback.frame_count == short_clip.frame_count, timeout=5000)
        _paint_now(window)
        window.workspace.set_clip(long_clip)  # decode still pending
        _paint_now(window)
        assert all(bar.start_frame < timeline.timestamps.size for bar in timeline.bars)
        qtbot.waitUntil(lambda: len(timeline.bars) == 2, timeout=5000)
        assert timeline.timestamps.size == long_clip.frame_count == 150
        _paint_now(window)


def test_switching_clips_while_playing_keeps_the_timeline_in_step(qtbot, two_clips) -> None:
    window, long_clip, short_clip = two_clips
    timeline = window.timeline.timeline
    window.workspace.set_clip(long_clip)
    qtbot.waitUntil(lambda: len(timeline.bars) == 2, timeout=5000)
    window.playback.seek(120)
    qtbot.waitUntil(settled(window, 120), timeout=5000)
    for target in (short_clip, long_clip, short_clip):
        window.playback.play(1)
        qtbot.waitUntil(lambda: window.player.view.frame_index not in (None, 0), timeout=5000)
        window.workspace.set_clip(target)  # switch while playing
        _paint_now(window)
        qtbot.waitUntil(lambda t=target: window.playback.frame_count == t.frame_count)
        qtbot.waitUntil(lambda: window.player.view.frame_index == 0, timeout=5000)
        assert timeline.playhead < timeline.timestamps.size
        _paint_now(window)
    assert timeline.bars == []  # the short clip has none of the long clip's bars


def test_page_down_moves_the_library_selection_and_the_title(qtbot, two_clips) -> None:
    window, long_clip, short_clip = two_clips
    window.workspace.set_clip(long_clip)
    qtbot.waitUntil(lambda: window.playback.frame_count == 150, timeout=5000)
    assert window.player.title.text().startswith("long_clip.mp4")
    assert "1 / 2" in window.player.title.text()
    # the table repaints its highlight from selectionChanged: with it blocked (the bug) the
    # old row stayed highlighted on screen
    with qtbot.waitSignal(window.library.table.selectionModel().selectionChanged, timeout=2000):
        press(qtbot, window, Key.Key_PageDown)
    assert window.workspace.clip.id == short_clip.id
    selected = window.library.table.selectionModel().selectedRows()
    assert [window.library.table.model().data(index) for index in selected] == ["short_clip.mp4"]
    assert "short_clip.mp4" in window.player.title.text()
    assert "2 / 2" in window.player.title.text()
    with qtbot.waitSignal(window.library.table.selectionModel().selectionChanged, timeout=2000):
        press(qtbot, window, Key.Key_PageUp)
    selected = window.library.table.selectionModel().selectedRows()
    assert [window.library.table.model().data(index) for index in selected] == ["long_clip.mp4"]
    assert "1 / 2" in window.player.title.text()
