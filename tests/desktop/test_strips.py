"""Instant scrubbing and the media strips: the exact frame's preview while the full frame
decodes, the filmstrip and sound strip above the timeline, clicking them to seek."""

from __future__ import annotations

import threading
from pathlib import Path

import cv2
import numpy as np
from PySide6.QtCore import QPoint, Qt

from annotators.media import open_video
from annotators.media.waveform import AudioSummary
from desktop import frames
from desktop.frames import FrameLoader
from tests.media_fixtures import read_barcode

from .conftest import import_and_wait
from .helpers import image_to_rgb, press, settled, shown_barcode

Key = Qt.Key


def previews_complete(strips):  # type: ignore[no-untyped-def]
    return lambda: strips.progress[1] > 0 and strips.progress[0] == strips.progress[1]


def test_a_seek_shows_the_exact_preview_first_then_the_full_frame(
    qtbot, clip_dir: Path, monkeypatch
) -> None:
    monkeypatch.setattr(frames, "PREVIEW_GRACE_MS", 0)
    loader = FrameLoader()
    progress: list[tuple[int, int]] = []
    loader.previews_progress.connect(lambda built, total: progress.append((built, total)))
    loader.open(clip_dir / "b_story.mp4")
    loader.request(0)  # previews build once the first frame is on screen
    qtbot.waitUntil(lambda: progress[-1:] == [(60, 60)], timeout=10000)
    shown: list[tuple[str, int, int, bool]] = []
    for kind, signal in (("preview", loader.preview_ready), ("full", loader.frame_ready)):
        signal.connect(
            lambda i, image, kind=kind: shown.append((kind, i, read_barcode(image_to_rgb(image))))
        )
    gate = threading.Event()
    loader._executor.submit(gate.wait)  # the decoder is busy, as on a long seek
    loader.request(40)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=5000)
    assert shown == [("preview", 40, 40)]
    gate.set()
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=5000)
    assert shown[1] == ("full", 40, 40)
    loader._peek(40)  # a late preview of a frame already shown in full is dropped
    qtbot.wait(100)
    assert len(shown) == 2
    loader.close()


def test_the_strips_show_thumbnails_of_the_clip_and_where_people_speak(
    qtbot, window, speech_clip: Path
) -> None:
    import_and_wait(qtbot, window, [speech_clip])
    strips = window.timeline.strips
    qtbot.waitUntil(previews_complete(strips), timeout=15000)
    qtbot.waitUntil(lambda: isinstance(strips.audio, AudioSummary), timeout=15000)
    assert len(strips.audio.speech) >= 2  # the narrator's sentences, with pauses between
    slots = strips.slot_frames()
    qtbot.waitUntil(lambda: all(frame in strips.thumbs for _, frame in slots), timeout=5000)
    assert len(slots) > 10
    with open_video(speech_clip) as video:
        for _, frame in slots[::5]:
            thumb = image_to_rgb(strips.thumbs[frame])
            assert thumb.shape[0] == 40 and abs(thumb.shape[1] - 40 * 160 / 284) <= 1
            expected = cv2.resize(
                video.frame(frame), thumb.shape[1::-1], interpolation=cv2.INTER_AREA
            )
            assert np.abs(expected.astype(int) - thumb.astype(int)).mean() < 8


def test_clicking_and_dragging_on_the_strips_seeks_there(qtbot, loaded) -> None:
    window = loaded
    strips = window.timeline.strips
    timeline = window.timeline.timeline
    x = round(timeline.x_of_frame(31)) + 1
    qtbot.mouseClick(strips, Qt.MouseButton.LeftButton, pos=QPoint(x, 20))
    target = timeline.frame_at_x(x)
    assert 29 <= target <= 33
    qtbot.waitUntil(settled(window, target), timeout=5000)
    assert shown_barcode(window) == target


def test_switching_clips_while_playing_and_building_keeps_the_strips_on_the_new_clip(
    qtbot, loaded
) -> None:
    window = loaded
    strips = window.timeline.strips
    press(qtbot, window, Key.Key_Space)
    for key in (Key.Key_PageDown, Key.Key_PageDown, Key.Key_PageUp):
        press(qtbot, window, key)
        qtbot.wait(30)  # switch again while the previous clip's previews still build
    assert window.workspace.clip.file_name == "b_story.mp4"
    qtbot.waitUntil(lambda: window.playback.frame_count == 60, timeout=5000)
    qtbot.waitUntil(previews_complete(strips), timeout=10000)
    press(qtbot, window, Key.Key_Space)
    assert strips.progress == (60, 60)
    assert strips.audio == "no audio track"  # b_story has none
    qtbot.waitUntil(lambda: len(strips.thumbs) >= 10, timeout=5000)
    assert max(strips.thumbs) < 60
    press(qtbot, window, Key.Key_End)
    qtbot.waitUntil(settled(window, 59), timeout=5000)
    assert shown_barcode(window) == 59


def test_a_clip_seen_before_fills_its_filmstrip_from_the_cache_on_disk(qtbot, loaded) -> None:
    window = loaded
    strips = window.timeline.strips
    qtbot.waitUntil(previews_complete(strips), timeout=10000)
    press(qtbot, window, Key.Key_PageDown)
    qtbot.waitUntil(lambda: window.playback.frame_count == 60, timeout=5000)
    press(qtbot, window, Key.Key_PageUp)  # back to a_story: its previews are on disk
    qtbot.waitUntil(lambda: window.playback.frame_count == 50, timeout=5000)
    qtbot.waitUntil(previews_complete(strips), timeout=5000)
    slots = strips.slot_frames()
    qtbot.waitUntil(lambda: all(f in strips.thumbs for _, f in strips.slot_frames()), timeout=5000)
    assert len(slots) > 10
