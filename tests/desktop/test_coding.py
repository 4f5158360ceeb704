"""Coding with the keyboard: point and interval codes, undo/redo, inspector, clip variables."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from sqlmodel import select

from annotators.store.models import Annotation, ClipValue, Code

from .helpers import press, settled

Key = Qt.Key


def annotations(window) -> list[Annotation]:  # type: ignore[no-untyped-def]
    with window.workspace.project.session() as session:
        return list(session.exec(select(Annotation).order_by(Annotation.id)))


def code(window, key: str) -> Code:  # type: ignore[no-untyped-def]
    with window.workspace.project.session() as session:
        return session.exec(select(Code).where(Code.key == key)).one()


def go_to(qtbot, window, frame: int) -> None:  # type: ignore[no-untyped-def]
    window.playback.seek(frame)
    qtbot.waitUntil(settled(window, frame), timeout=5000)


def idle(window):  # type: ignore[no-untyped-def]
    return lambda: not window.workspace.ops.busy


def test_point_key_creates_an_event_at_the_current_frame(qtbot, loaded) -> None:
    window = loaded
    donate = code(window, "cta_donate")
    go_to(qtbot, window, 12)
    press(qtbot, window, Key.Key_D)
    qtbot.waitUntil(lambda: len(annotations(window)) == 1, timeout=5000)
    row = annotations(window)[0]
    assert (row.code_id, row.start_frame, row.end_frame) == (donate.id, 12, None)
    assert row.start_s == window.playback.time_of(12) == 0.48
    assert row.video_id == window.workspace.clip.id
    assert row.coder_id == window.workspace.coder.id
    qtbot.waitUntil(lambda: window.workspace.selection == row.id, timeout=5000)
    assert [bar.annotation_id for bar in window.timeline.timeline.bars] == [row.id]


def test_interval_key_starts_and_the_same_key_or_enter_ends_it(qtbot, loaded) -> None:
    window = loaded
    testimony = code(window, "personal_testimony")
    go_to(qtbot, window, 5)
    press(qtbot, window, Key.Key_1)
    assert [interval.code_id for interval in window.coding.pending] == [testimony.id]
    assert annotations(window) == []  # nothing is written until the interval ends
    for _ in range(10):
        press(qtbot, window, Key.Key_Right)
    qtbot.waitUntil(settled(window, 15), timeout=5000)
    press(qtbot, window, Key.Key_1)
    qtbot.waitUntil(lambda: len(annotations(window)) == 1, timeout=5000)
    first = annotations(window)[0]
    assert (first.code_id, first.start_frame, first.end_frame) == (testimony.id, 5, 15)
    assert (first.start_s, first.end_s) == (0.2, 0.6)
    # Enter ends an interval too, and an interval coded backwards is stored in order
    go_to(qtbot, window, 30)
    press(qtbot, window, Key.Key_1)
    go_to(qtbot, window, 20)
    press(qtbot, window, Key.Key_Return)
    qtbot.waitUntil(lambda: len(annotations(window)) == 2, timeout=5000)
    second = annotations(window)[1]
    assert (second.start_frame, second.end_frame) == (20, 30)
    # Esc drops an open interval without writing anything
    press(qtbot, window, Key.Key_1)
    press(qtbot, window, Key.Key_Escape)
    assert window.coding.pending == []
    qtbot.waitUntil(idle(window), timeout=5000)
    assert len(annotations(window)) == 2


def test_intervals_of_different_codes_overlap(qtbot, loaded) -> None:
    window = loaded
    testimony, appeal = code(window, "personal_testimony"), code(window, "emotional_appeal")
    go_to(qtbot, window, 5)
    press(qtbot, window, Key.Key_1)  # testimony starts
    go_to(qtbot, window, 10)
    press(qtbot, window, Key.Key_6)  # an emotional appeal starts inside it
    assert [i.code_id for i in window.coding.pending] == [testimony.id, appeal.id]
    assert "Emotional appeal" in window.codebook.status.text()
    go_to(qtbot, window, 20)
    press(qtbot, window, Key.Key_6)  # the appeal ends; the testimony goes on
    assert [i.code_id for i in window.coding.pending] == [testimony.id]
    go_to(qtbot, window, 25)
    press(qtbot, window, Key.Key_6)  # a second appeal
    go_to(qtbot, window, 30)
    press(qtbot, window, Key.Key_Return)  # Enter ends both
    assert window.coding.pending == []
    qtbot.waitUntil(lambda: len(annotations(window)) == 3, timeout=5000)
    coded = sorted((a.code_id, a.start_frame, a.end_frame) for a in annotations(window))
    assert coded == sorted([(appeal.id, 10, 20), (testimony.id, 5, 30), (appeal.id, 25, 30)])


def test_interval_can_be_closed_while_playing(qtbot, loaded) -> None:
    window = loaded
    press(qtbot, window, Key.Key_2)
    (interval,) = window.coding.pending
    start = interval.start_frame
    press(qtbot, window, Key.Key_Space)
    qtbot.waitUntil(lambda: window.playback.current >= start + 6, timeout=5000)
    press(qtbot, window, Key.Key_2)
    qtbot.waitUntil(lambda: len(annotations(window)) == 1, timeout=5000)
    press(qtbot, window, Key.Key_Space)
    row = annotations(window)[0]
    assert row.start_frame == start and row.end_frame >= start + 6


def test_undo_and_redo_name_the_action_and_restore_the_database(qtbot, loaded) -> None:
    window = loaded
    undo, redo = window.actions_by_name["undo"], window.actions_by_name["redo"]
    assert not undo.isEnabled()
    go_to(qtbot, window, 7)
    press(qtbot, window, Key.Key_S)
    qtbot.waitUntil(lambda: undo.isEnabled(), timeout=5000)
    assert "Share" in undo.text() and "frame 7" in undo.text()
    created = annotations(window)
    undo.trigger()
    qtbot.waitUntil(lambda: annotations(window) == [] and redo.isEnabled(), timeout=5000)
    assert "Share" in redo.text()
    qtbot.waitUntil(lambda: window.timeline.timeline.bars == [], timeout=5000)
    redo.trigger()
    qtbot.waitUntil(lambda: len(annotations(window)) == 1, timeout=5000)
    assert annotations(window)[0].model_dump() == created[0].model_dump()
    # Delete removes the selected annotation, and undo brings it back
    window.workspace.select(created[0].id)
    press(qtbot, window, Key.Key_Delete)
    qtbot.waitUntil(lambda: annotations(window) == [], timeout=5000)
    qtbot.waitUntil(lambda: "Delete" in undo.text(), timeout=5000)
    undo.trigger()
    qtbot.waitUntil(lambda: len(annotations(window)) == 1, timeout=5000)


def test_inspector_edits_note_and_value_of_the_selected_annotation(qtbot, loaded) -> None:
    window = loaded
    go_to(qtbot, window, 3)
    press(qtbot, window, Key.Key_6)  # emotional appeal: interval with a nominal value
    go_to(qtbot, window, 9)
    press(qtbot, window, Key.Key_6)
    qtbot.waitUntil(lambda: len(annotations(window)) == 1, timeout=5000)
    row = annotations(window)[0]
    qtbot.waitUntil(lambda: window.inspector.row is not None, timeout=5000)
    note = window.inspector.note.widget
    note.setFocus()
    qtbot.keyClicks(note, "mother's illness, voice breaks")
    expected = "mother's illness, voice breaks"
    qtbot.waitUntil(lambda: annotations(window)[0].note == expected, timeout=15000)
    combo = window.inspector.value_editor.widget
    combo.setCurrentIndex(combo.findText("Hope"))
    qtbot.waitUntil(lambda: annotations(window)[0].value is not None, timeout=15000)
    assert annotations(window)[0].value == combo.currentData()
    assert annotations(window)[0].id == row.id


def test_dragging_an_edge_on_the_timeline_moves_it_to_a_frame(qtbot, loaded) -> None:
    window = loaded
    go_to(qtbot, window, 10)
    press(qtbot, window, Key.Key_3)
    go_to(qtbot, window, 20)
    press(qtbot, window, Key.Key_3)
    qtbot.waitUntil(lambda: len(window.timeline.timeline.bars) == 1, timeout=5000)
    timeline = window.timeline.timeline
    bar = timeline.bars[0]
    qtbot.waitUntil(lambda: timeline.selection == bar.annotation_id, timeout=5000)
    rect = timeline.bar_rect(bar)
    target_x = timeline.x_of_frame(30) + 1
    y = int(rect.center().y())
    left = Qt.MouseButton.LeftButton
    qtbot.mousePress(timeline, left, pos=QPoint(int(rect.right()), y))
    qtbot.mouseMove(timeline, pos=QPoint(int(target_x), y))
    qtbot.mouseRelease(timeline, left, pos=QPoint(int(target_x), y))
    qtbot.waitUntil(lambda: annotations(window)[0].end_frame == 30, timeout=5000)
    assert annotations(window)[0].start_frame == 10
    assert annotations(window)[0].end_s == window.playback.time_of(30)


def test_clip_variables_form_saves_my_value_for_this_clip(qtbot, loaded) -> None:
    window = loaded
    cause = code(window, "primary_cause")
    editor = window.clip_vars.editors[cause.id]
    editor.widget.setCurrentIndex(editor.widget.findText("Health"))
    with window.workspace.project.session() as session:
        query = select(ClipValue).where(ClipValue.code_id == cause.id)
        qtbot.waitUntil(lambda: session.exec(query).first() is not None, timeout=5000)
    with window.workspace.project.session() as session:
        row = session.exec(select(ClipValue).where(ClipValue.code_id == cause.id)).one()
    assert row.video_id == window.workspace.clip.id and row.value == editor.widget.currentData()
