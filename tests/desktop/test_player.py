"""Player: frame-exact stepping both ways, seconds, Home/End, go-to, clip switching."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotators.export.timecode import timecode
from annotators.media import open_video

from .helpers import press, settled, shown_barcode

Key = Qt.Key


def test_arrow_keys_step_one_frame_both_ways_showing_the_exact_frame(qtbot, loaded) -> None:
    window = loaded
    for expected in (1, 2, 3, 4, 5, 6):
        press(qtbot, window, Key.Key_Right)
        qtbot.waitUntil(settled(window, expected), timeout=5000)
        assert shown_barcode(window) == expected
    for expected in (5, 4, 3, 2, 1, 0):
        press(qtbot, window, Key.Key_Left)
        qtbot.waitUntil(settled(window, expected), timeout=5000)
        assert shown_barcode(window) == expected
    press(qtbot, window, Key.Key_Left)  # stays on the first frame
    qtbot.waitUntil(settled(window, 0), timeout=5000)


def test_frame_number_and_time_fields_follow_the_playhead(qtbot, loaded) -> None:
    window = loaded
    press(qtbot, window, Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)  # one second
    qtbot.waitUntil(settled(window, 25), timeout=5000)  # clip a is 25 fps
    assert shown_barcode(window) == 25
    assert window.player.frame_field.text() == "25"
    assert window.player.time_field.text() == "00:00:01.000"
    press(qtbot, window, Key.Key_End)
    qtbot.waitUntil(settled(window, 49), timeout=5000)
    assert shown_barcode(window) == 49
    press(qtbot, window, Key.Key_Home)
    qtbot.waitUntil(settled(window, 0), timeout=5000)


def test_typing_a_frame_or_a_time_jumps_there(qtbot, loaded) -> None:
    window = loaded
    field = window.player.frame_field
    field.setFocus()
    field.setText("37")
    qtbot.keyClick(field, Key.Key_Return)
    qtbot.waitUntil(settled(window, 37), timeout=5000)
    assert shown_barcode(window) == 37
    time_field = window.player.time_field
    time_field.setFocus()
    time_field.setText("0:00.5")
    qtbot.keyClick(time_field, Key.Key_Return)
    qtbot.waitUntil(settled(window, 12), timeout=5000)  # 0.48 s is frame 12 at 25 fps
    assert shown_barcode(window) == 12


def test_space_types_in_a_text_field_instead_of_playing(qtbot, loaded) -> None:
    window = loaded
    window.library.filter.setFocus()
    qtbot.keyClicks(window.library.filter, "a s")
    assert window.library.filter.text() == "a s"
    assert not window.playback.playing


def test_variable_frame_rate_clip_steps_on_its_real_frame_times(qtbot, loaded) -> None:
    window = loaded
    vfr = next(c for c in window.library.visible_clips() if c.file_name == "c_vfr.mp4")
    window.workspace.set_clip(vfr)
    qtbot.waitUntil(lambda: window.playback.frame_count == vfr.frame_count, timeout=5000)
    with open_video(window.workspace.project.video_path(vfr)) as video:
        times = video.timestamps.copy()
    for expected in range(1, 8):
        press(qtbot, window, Key.Key_Right)
        qtbot.waitUntil(settled(window, expected), timeout=5000)
        assert shown_barcode(window) == expected
        assert window.player.time_field.text() == timecode(float(times[expected]))


def test_page_down_and_up_move_between_clips(qtbot, loaded) -> None:
    window = loaded
    names = [c.file_name for c in window.library.visible_clips()]
    assert names == ["a_story.mp4", "b_story.mp4", "c_vfr.mp4"]
    press(qtbot, window, Key.Key_PageDown)
    assert window.workspace.clip.file_name == "b_story.mp4"
    qtbot.waitUntil(lambda: window.playback.frame_count == 60, timeout=5000)  # 2 s at 30 fps
    press(qtbot, window, Key.Key_PageUp)
    assert window.workspace.clip.file_name == "a_story.mp4"


def test_playing_advances_and_pausing_stops_on_a_shown_frame(qtbot, loaded) -> None:
    window = loaded
    press(qtbot, window, Key.Key_Space)
    assert window.playback.playing
    qtbot.waitUntil(lambda: window.playback.current >= 8, timeout=5000)
    press(qtbot, window, Key.Key_K)
    assert not window.playback.playing
    stopped = window.playback.current
    qtbot.waitUntil(settled(window, stopped), timeout=5000)
    assert shown_barcode(window) == stopped


def test_speed_keys_change_the_rate_within_quarter_to_four(qtbot, loaded) -> None:
    window = loaded
    for _ in range(10):
        press(qtbot, window, Key.Key_BracketRight)
    assert window.playback.rate == 4.0
    for _ in range(10):
        press(qtbot, window, Key.Key_BracketLeft)
    assert window.playback.rate == 0.25
    assert window.player.rate_label.text() == "0.25×"


def test_j_shuttles_backwards_and_stops_at_the_first_frame(qtbot, loaded) -> None:
    window = loaded
    window.playback.seek(12)
    qtbot.waitUntil(settled(window, 12), timeout=5000)
    press(qtbot, window, Key.Key_J)
    assert window.playback.direction == -1
    qtbot.waitUntil(lambda: not window.playback.playing, timeout=10000)
    qtbot.waitUntil(settled(window, 0), timeout=5000)
    assert shown_barcode(window) == 0


def test_loop_keeps_playback_inside_the_selected_annotation(qtbot, loaded) -> None:
    window = loaded
    window.playback.seek(5)
    qtbot.waitUntil(settled(window, 5), timeout=5000)
    press(qtbot, window, Key.Key_1)
    window.playback.seek(10)
    qtbot.waitUntil(settled(window, 10), timeout=5000)
    press(qtbot, window, Key.Key_1)
    qtbot.waitUntil(lambda: window.inspector.row is not None, timeout=5000)
    window.actions_by_name["loop"].trigger()
    assert window.playback.loop == (5, 10)
    seen: list[int] = []
    window.playback.position_changed.connect(seen.append)
    press(qtbot, window, Key.Key_Space)
    qtbot.waitUntil(lambda: seen.count(5) >= 2, timeout=10000)  # came back to the start
    press(qtbot, window, Key.Key_Space)
    assert all(5 <= frame <= 10 for frame in seen), seen
