"""Live view: another process's change shows in the open window within a second, on a
SQLite file and on a server project, without disturbing what the coder is doing."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemDelegate

from annotators.coding import Coding, media_times
from annotators.project import Project

from .conftest import import_and_wait
from .test_coding import annotations, code
from .test_transcript import speech_window, transcribed  # noqa: F401 - fixtures

# What a second coder's app does in another process: add a point event, print when it committed.
OTHER_PROCESS = """
import sys, time
from annotators.coding import Coding, media_times
from annotators.project import Project
from annotators.store.models import Code
from sqlmodel import select
path, video_id, coder, frame = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
with Project.open(path) as project:
    with project.session() as session:
        code_id = session.exec(select(Code).where(Code.key == "cta_donate")).one().id
    coding = Coding(project.session, media_times(project))
    coder_id = project.coder(coder).id
    coding.add_annotation(video_id, code_id, coder_id, frame, None)
    print(time.time(), flush=True)
"""


@pytest.fixture
def live_window(qtbot, settings, tmp_path: Path, database, clip_dir) -> Iterator:  # type: ignore[no-untyped-def]
    """The window on a project of either backend, three clips imported, the first shown."""
    from desktop.app import make_application
    from desktop.main_window import MainWindow

    Project.create(tmp_path / "study.storyframe", database=database).close()
    make_application([])
    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.show()
    assert win.open_project(tmp_path / "study.storyframe")
    import_and_wait(qtbot, win, [clip_dir])
    qtbot.waitUntil(lambda: len(win.library.visible_clips()) == 3, timeout=10000)
    qtbot.waitUntil(lambda: win.player.view.frame_index == 0, timeout=10000)
    yield win
    win.close()


def _other_process(window, video_id: int, coder: str, frame: int) -> subprocess.Popen:  # type: ignore[no-untyped-def]
    path = str(window.workspace.project.path)
    return subprocess.Popen(
        [sys.executable, "-c", OTHER_PROCESS, path, str(video_id), coder, str(frame)],
        stdout=subprocess.PIPE,
        text=True,
    )


def _bars(window) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    return [(bar.start_frame, bar.code_id) for bar in window.timeline.timeline.bars]


def test_another_process_adds_an_annotation_and_the_window_shows_it(qtbot, live_window) -> None:  # type: ignore[no-untyped-def]
    window = live_window
    clip = window.workspace.clip.id
    child = _other_process(window, clip, "Ana", 7)  # Ana's second machine, same clip
    qtbot.waitUntil(lambda: _bars(window) != [], timeout=15000)
    shown_at = time.time()
    committed_at = float(child.communicate(timeout=10)[0].split()[-1])
    latency = shown_at - committed_at
    backend = "postgresql" if window.workspace.project.server else "sqlite"
    print(f"\nlive view latency ({backend}): {latency * 1000:.0f} ms from commit to timeline")
    assert latency < 1.0
    assert _bars(window) == [(7, code(window, "cta_donate").id)]
    qtbot.waitUntil(lambda: window.annotations.model.total == 1, timeout=2000)


def test_a_change_in_another_clip_refreshes_only_the_library_counts(qtbot, live_window) -> None:  # type: ignore[no-untyped-def]
    window = live_window
    current, other = window.workspace.clip, window.library.visible_clips()[1]
    kinds: list[str] = []
    window.workspace.data_changed.connect(kinds.append)
    child = _other_process(window, other.id, "Ana", 3)
    child.communicate(timeout=15)
    qtbot.waitUntil(lambda: "counts" in kinds, timeout=3000)
    assert "annotations" not in kinds  # the shown clip's timeline and table are not re-read
    assert window.workspace.clip.id == current.id
    qtbot.waitUntil(lambda: (window.library.model.counts or {}).get(other.id) == 1, timeout=3000)


def test_playback_and_selection_go_on_while_someone_else_codes(qtbot, live_window) -> None:  # type: ignore[no-untyped-def]
    window = live_window
    clip, donate = window.workspace.clip.id, code(window, "cta_donate").id
    other = Project.open(window.workspace.project.path)  # another app, another connection
    try:
        theirs = Coding(other.session, media_times(other))
        mine = theirs.add_annotation(clip, donate, window.workspace.coder.id, 2)  # my 2nd window
        qtbot.waitUntil(lambda: len(_bars(window)) == 1, timeout=3000)
        window.workspace.select(mine.id)
        window.playback.play()
        theirs.add_annotation(clip, donate, other.coder("Bo").id, 5)
        qtbot.waitUntil(lambda: window.annotations.model.total == 2, timeout=3000)
    finally:
        other.close()
    assert window.playback.playing
    assert window.workspace.selection == mine.id
    assert window.inspector.row is not None and window.inspector.row.id == mine.id
    window.playback.pause()


def test_my_own_edit_is_reloaded_once_not_twice(qtbot, live_window) -> None:  # type: ignore[no-untyped-def]
    window = live_window
    kinds: list[str] = []
    refreshed: list[object] = []
    window.workspace.data_changed.connect(kinds.append)
    window.workspace.live.refreshed.connect(refreshed.append)
    window.coding.apply_code(code(window, "cta_donate"))
    qtbot.waitUntil(lambda: len(_bars(window)) == 1, timeout=3000)
    qtbot.wait(800)  # longer than the live view needs to report a change
    assert kinds.count("annotations") == 1
    assert refreshed == []


def test_a_note_being_typed_in_the_table_is_not_swept_away(qtbot, live_window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication, QLineEdit

    window = live_window
    clip, donate = window.workspace.clip.id, code(window, "cta_donate").id
    other = Project.open(window.workspace.project.path)
    try:
        theirs = Coding(other.session, media_times(other))
        theirs.add_annotation(clip, donate, window.workspace.coder.id, 2)
        qtbot.waitUntil(lambda: window.annotations.model.total == 1, timeout=3000)
        table = window.annotations.table
        window.annotations.show()
        table.setFocus()
        note = next(c for c in range(table.model().columnCount()) if
                    table.model().headerData(c, Qt.Orientation.Horizontal) == "Note")  # fmt: skip
        table.edit(table.model().index(0, note))
        qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit), timeout=3000)
        editor = QApplication.focusWidget()
        editor.setText("half a thought")
        theirs.add_annotation(clip, donate, other.coder("Bo").id, 5)  # while I type
        qtbot.wait(800)
        assert window.annotations.model.total == 1  # held back: my editor is still open
        assert editor.text() == "half a thought" and editor.isVisible()
        table.commitData(editor)
        table.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        table.setFocus()
        qtbot.waitUntil(lambda: window.annotations.model.total == 2, timeout=3000)
    finally:
        other.close()
    assert any(a.note == "half a thought" for a in annotations(window))


def test_a_word_corrected_and_a_clip_value_set_elsewhere_show(qtbot, speech_window) -> None:  # type: ignore[no-untyped-def] # noqa: F811 - the fixture
    from annotators.coding.corrections import correct_word

    from .test_transcript import words

    window = speech_window
    qtbot.waitUntil(lambda: len(words(window)) > 20, timeout=5000)
    name = next(w for w in words(window) if "sarah" in w.text.lower())
    clip, me = window.workspace.clip.id, window.workspace.coder.id
    other = Project.open(window.workspace.project.path)  # my other window
    try:
        coding = Coding(other.session, media_times(other))
        correct_word(coding, name.id, me, "Sara")
        coding.set_clip_value(clip, code(window, "primary_cause").id, me, "health")
        panel = window.transcript
        qtbot.waitUntil(lambda: "Sara " in panel.document().toPlainText(), timeout=1500)
        qtbot.waitUntil(
            lambda: window.clip_vars.values.get(code(window, "primary_cause").id) == "health",
            timeout=1500,
        )
    finally:
        other.close()


def test_in_blind_mode_another_coders_work_is_not_named(qtbot, live_window) -> None:  # type: ignore[no-untyped-def]
    window = live_window
    window.actions_by_name["blind"].setChecked(True)
    qtbot.waitUntil(lambda: window.actions_by_name["blind"].isChecked(), timeout=5000)
    qtbot.wait(300)
    window.statusBar().clearMessage()
    refreshed: list[dict] = []  # type: ignore[type-arg]
    window.workspace.live.refreshed.connect(refreshed.append)
    child = _other_process(window, window.workspace.clip.id, "Ben", 5)
    child.communicate(timeout=15)
    qtbot.waitUntil(lambda: bool(refreshed), timeout=5000)
    assert window.statusBar().currentMessage() == "Updated from the project"
    assert _bars(window) == []  # Ben's point event stays hidden from this coder
