"""Recording intervals: visible whatever tab is open, never ended by a text field, never lost.

Issue 11 defects 3 and 4, issue 10 item 6: Enter in the Frame box ended every open interval and
Esc dropped them; recording state showed only in the Codebook tab; an interval open when the
app was killed disappeared.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from sqlmodel import select

from annotators.store.models import Annotation, OpenInterval

from .helpers import press, settled

Key = Qt.Key


def stored_open(window) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    with window.workspace.project.session() as session:
        return [(r.code_id, r.start_frame) for r in session.exec(select(OpenInterval))]


def go_to(qtbot, window, frame: int) -> None:  # type: ignore[no-untyped-def]
    window.playback.seek(frame)
    qtbot.waitUntil(settled(window, frame), timeout=5000)


def test_an_open_interval_is_stored_at_once_and_shown_as_a_growing_bar_and_banner(
    qtbot, loaded
) -> None:
    window = loaded
    go_to(qtbot, window, 10)
    press(qtbot, window, Key.Key_1)
    testimony = window.coding.pending[0].code_id
    qtbot.waitUntil(lambda: stored_open(window) == [(testimony, 10)], timeout=5000)
    assert window.player.recording.isVisible()
    assert "Personal testimony" in window.player.recording.text()
    assert "from frame 10" in window.player.recording.text()
    timeline = window.timeline.timeline
    assert timeline.pending == [(testimony, 10)]
    widths = []
    for frame in (15, 30):
        go_to(qtbot, window, frame)
        widths.append(timeline.pending_rect(testimony, 10).width())
    assert widths[1] > widths[0] > 0  # the bar grows with the playhead
    press(qtbot, window, Key.Key_1)
    qtbot.waitUntil(lambda: stored_open(window) == [], timeout=5000)
    assert not window.player.recording.isVisible()
    with window.workspace.project.session() as session:
        row = session.exec(select(Annotation)).one()
    assert (row.start_frame, row.end_frame) == (10, 30)


def test_enter_and_esc_in_the_frame_box_never_end_or_drop_intervals(qtbot, loaded) -> None:
    window = loaded
    go_to(qtbot, window, 5)
    press(qtbot, window, Key.Key_1)
    press(qtbot, window, Key.Key_6)
    field = window.player.frame_field
    for keys, final_key in (("20", Key.Key_Return), ("25", Key.Key_Enter), ("", Key.Key_Escape)):
        qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
        assert field.hasFocus()
        field.selectAll()
        if keys:
            qtbot.keyClicks(field, keys)
        qtbot.keyClick(field, final_key)
        assert len(window.coding.pending) == 2, f"{final_key} in the Frame box ended intervals"
        assert window.player.view.hasFocus()  # the keyboard is back on the picture
    qtbot.waitUntil(settled(window, 25), timeout=5000)
    qtbot.waitUntil(lambda: len(stored_open(window)) == 2, timeout=5000)
    # on the picture, Enter still ends them all at the playhead
    press(qtbot, window, Key.Key_Return)
    qtbot.waitUntil(lambda: stored_open(window) == [], timeout=5000)
    with window.workspace.project.session() as session:
        spans = sorted((r.start_frame, r.end_frame) for r in session.exec(select(Annotation)))
    assert spans == [(5, 25), (5, 25)]


def test_switching_clips_keeps_the_open_interval_of_the_first(qtbot, loaded) -> None:
    window = loaded
    first, second = window.library.visible_clips()[:2]
    go_to(qtbot, window, 8)
    press(qtbot, window, Key.Key_3)
    code_id = window.coding.pending[0].code_id
    window.workspace.set_clip(second)
    qtbot.waitUntil(lambda: window.playback.frame_count == second.frame_count, timeout=5000)
    assert window.coding.pending == [] and not window.player.recording.isVisible()
    window.workspace.set_clip(first)
    qtbot.waitUntil(lambda: [p.code_id for p in window.coding.pending] == [code_id])
    qtbot.waitUntil(lambda: window.timeline.timeline.pending == [(code_id, 8)], timeout=5000)
    assert window.player.recording.isVisible()


CHILD = """
import sys, time
from pathlib import Path
from annotators.settings import Settings
from desktop.app import make_application
app = make_application([])
from desktop.main_window import MainWindow
from sqlmodel import select
from annotators.store.models import OpenInterval
window = MainWindow(Settings(Path(sys.argv[2])))
window.show()
window.open_project(Path(sys.argv[1]))
def wait(condition):
    while not condition():
        app.processEvents()
        time.sleep(0.01)
wait(lambda: window.player.view.frame_index == 0)
window.playback.seek(17)
wait(lambda: window.player.view.frame_index == 17)
window.coding.apply_code(window.coding.by_shortcut["2"])
def stored():
    with window.workspace.project.session() as session:
        return session.exec(select(OpenInterval)).first() is not None
wait(stored)
print("recording", flush=True)
time.sleep(60)
"""


def test_an_interval_open_when_the_app_is_killed_is_offered_back(qtbot, loaded, settings) -> None:
    window = loaded
    project, clip = window.workspace.project.path, window.workspace.clip
    window.close()  # the killed app has the project to itself, as a coder would
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(project), str(settings.path)],
                             stdout=subprocess.PIPE, text=True, env=env)  # fmt: skip
    try:
        assert child.stdout.readline().strip() == "recording"  # type: ignore[union-attr]
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    from desktop.main_window import MainWindow

    again = MainWindow(settings)
    qtbot.addWidget(again)
    again.show()
    messages: list[str] = []
    again.statusBar().messageChanged.connect(messages.append)
    assert again.open_project(Path(project))
    again.workspace.set_clip(clip)
    qtbot.waitUntil(lambda: [p.start_frame for p in again.coding.pending] == [17])
    assert any("left open last time" in message for message in messages), messages
    assert again.player.recording.isVisible()
    qtbot.waitUntil(lambda: again.player.view.frame_index == 0, timeout=10000)
    go_to(qtbot, again, 30)
    press(qtbot, again, Key.Key_2)  # ends it, as if the app had never stopped
    qtbot.waitUntil(lambda: stored_open(again) == [], timeout=5000)
    with again.workspace.project.session() as session:
        row = session.exec(select(Annotation)).one()
    assert (row.start_frame, row.end_frame) == (17, 30)
    again.close()


def test_restart_resumes_at_the_last_clip_and_frame(qtbot, loaded, settings) -> None:
    window = loaded
    project = window.workspace.project.path
    third = window.library.visible_clips()[2]
    window.workspace.set_clip(third)
    qtbot.waitUntil(lambda: window.playback.frame_count == third.frame_count, timeout=5000)
    go_to(qtbot, window, 33)
    window.close()
    from desktop.main_window import MainWindow

    again = MainWindow(settings)
    qtbot.addWidget(again)
    again.show()
    assert again.open_project(Path(project))
    qtbot.waitUntil(settled(again, 33), timeout=10000)
    assert again.workspace.clip.id == third.id
    assert again.player.frame_field.text() == "33" and again.timeline.timeline.playhead == 33
    assert (
        again.player.title.text().startswith(third.file_name)
        and "3 / 3" in again.player.title.text()
    )
    again.close()
