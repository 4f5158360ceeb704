"""Two writers on one annotation: the app never overwrites a change it did not show, and
says what changed (theirs beside yours, whose row and when) in a non-modal notice, then shows
the row as it is now."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from annotators.coding import Coding, media_times

from .test_coding import Key, annotations, go_to, press


def _one_interval(qtbot, window):  # type: ignore[no-untyped-def]
    go_to(qtbot, window, 3)
    press(qtbot, window, Key.Key_6)  # emotional appeal: an interval
    go_to(qtbot, window, 9)
    press(qtbot, window, Key.Key_6)
    qtbot.waitUntil(lambda: len(annotations(window)) == 1, timeout=5000)
    qtbot.waitUntil(lambda: window.inspector.row is not None, timeout=5000)
    return annotations(window)[0]


def _other_writer(window) -> Coding:  # type: ignore[no-untyped-def]
    return Coding(window.workspace.project.session, media_times(window.workspace.project))


def _notice(qtbot, window) -> str:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(window.conflicts.isVisible, timeout=5000)
    return window.conflicts.message.text()


def _no_dialog(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    dialogs: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: dialogs.append(text))
    return dialogs


def test_an_edit_over_someone_elses_change_shows_theirs_mine(qtbot, loaded, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = loaded
    dialogs = _no_dialog(monkeypatch)
    row = _one_interval(qtbot, window)
    _other_writer(window).update_annotation(row.id, note="from the other window")  # unseen
    window.inspector._save_note("typed here")
    text = _notice(qtbot, window)
    assert "someone else changed this annotation" in text
    assert "<b>from the other window</b>" in text and "typed here" in text  # theirs, yours
    assert "Ana's row" in text and "last changed" in text
    assert dialogs == []  # non-modal: no dialog stops the coder
    assert annotations(window)[0].note == "from the other window"
    # the views were re-read: the inspector shows their note and the current version
    qtbot.waitUntil(lambda: window.inspector.row.version == annotations(window)[0].version)
    assert window.inspector.row.note == "from the other window"


def test_quick_successive_edits_of_my_own_do_not_conflict(qtbot, loaded, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = loaded
    dialogs = _no_dialog(monkeypatch)
    row = _one_interval(qtbot, window)
    shown = window.inspector.row.version
    for note in ("first", "second", "third"):  # queued before any refresh
        window.coding.update_annotation(row.id, shown, note=note)
    qtbot.waitUntil(lambda: annotations(window)[0].note == "third", timeout=5000)
    assert dialogs == [] and not window.conflicts.isVisible()


def test_dragging_an_edge_someone_else_moved_is_refused(qtbot, loaded, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = loaded
    _no_dialog(monkeypatch)
    row = _one_interval(qtbot, window)
    qtbot.waitUntil(lambda: len(window.timeline.timeline.bars) == 1, timeout=5000)
    _other_writer(window).update_annotation(row.id, end_frame=12)  # the bar still ends at 9
    window.timeline.timeline.edge_moved.emit(row.id, 3, 15)  # what a drag of the end emits
    text = _notice(qtbot, window)
    assert "<td>end</td><td><b>12</b></td><td>15</td>" in text
    assert annotations(window)[0].end_frame == 12
    qtbot.waitUntil(lambda: window.timeline.timeline.bars[0].end_frame == 12, timeout=3000)


def test_a_table_edit_over_someone_elses_change_is_refused(qtbot, loaded, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = loaded
    _no_dialog(monkeypatch)
    row = _one_interval(qtbot, window)
    panel = window.annotations
    qtbot.waitUntil(lambda: panel.model.find(row.id) is not None, timeout=5000)
    _other_writer(window).update_annotation(row.id, note="from the other window")
    panel._edit(row.id, "note", "typed in the table")
    assert "typed in the table" in _notice(qtbot, window)
    assert annotations(window)[0].note == "from the other window"


def test_an_undo_over_someone_elses_change_shows_what_changed(qtbot, loaded, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = loaded
    dialogs = _no_dialog(monkeypatch)
    row = _one_interval(qtbot, window)
    window.inspector._save_note("mine")
    qtbot.waitUntil(lambda: annotations(window)[0].note == "mine", timeout=5000)
    _other_writer(window).update_annotation(row.id, note="theirs")
    window.coding.undo()  # would put back the empty note over their "theirs"
    text = _notice(qtbot, window)
    assert "<td>note</td><td><b>theirs</b></td><td>(empty)</td>" in text
    assert dialogs == [] and annotations(window)[0].note == "theirs"


def test_an_edit_of_a_row_someone_else_deleted_says_so(qtbot, loaded, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = loaded
    _no_dialog(monkeypatch)
    row = _one_interval(qtbot, window)
    _other_writer(window).delete_annotation(row.id)
    window.inspector._save_note("too late")
    assert "someone else deleted this annotation" in _notice(qtbot, window)
    qtbot.waitUntil(lambda: window.inspector.row is None, timeout=3000)
