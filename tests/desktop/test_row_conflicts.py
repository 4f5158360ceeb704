"""Two writers on one annotation: the app never overwrites a change it did not show."""

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


def test_an_edit_over_someone_elses_change_is_refused(qtbot, loaded, monkeypatch) -> None:
    window = loaded
    errors: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: errors.append(text))
    row = _one_interval(qtbot, window)
    other = Coding(window.workspace.project.session, media_times(window.workspace.project))
    other.update_annotation(row.id, note="from the other window")  # the app has not seen it
    window.inspector._save_note("typed here")
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert "changed" in errors[0]
    assert annotations(window)[0].note == "from the other window"


def test_quick_successive_edits_of_my_own_do_not_conflict(qtbot, loaded, monkeypatch) -> None:
    window = loaded
    errors: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: errors.append(text))
    row = _one_interval(qtbot, window)
    shown = window.inspector.row.version
    for note in ("first", "second", "third"):  # queued before any refresh
        window.coding.update_annotation(row.id, shown, note=note)
    qtbot.waitUntil(lambda: annotations(window)[0].note == "third", timeout=5000)
    assert errors == []


def test_dragging_an_edge_someone_else_moved_is_refused(qtbot, loaded, monkeypatch) -> None:
    window = loaded
    errors: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: errors.append(text))
    row = _one_interval(qtbot, window)
    qtbot.waitUntil(lambda: len(window.timeline.timeline.bars) == 1, timeout=5000)
    other = Coding(window.workspace.project.session, media_times(window.workspace.project))
    other.update_annotation(row.id, end_frame=12)  # the bar on screen still ends at 9
    window.timeline.timeline.edge_moved.emit(row.id, 3, 15)  # what a drag of the end emits
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert annotations(window)[0].end_frame == 12


def test_a_table_edit_over_someone_elses_change_is_refused(qtbot, loaded, monkeypatch) -> None:
    window = loaded
    errors: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: errors.append(text))
    row = _one_interval(qtbot, window)
    panel = window.annotations
    qtbot.waitUntil(lambda: panel.model.find(row.id) is not None, timeout=5000)
    other = Coding(window.workspace.project.session, media_times(window.workspace.project))
    other.update_annotation(row.id, note="from the other window")  # the table shows the old row
    panel._edit(row.id, "note", "typed in the table")
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert annotations(window)[0].note == "from the other window"
