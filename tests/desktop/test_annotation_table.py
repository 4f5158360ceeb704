"""The annotation table: list, sort, filter, seek, edit in place, delete, next / previous."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlmodel import select

from annotators.store.models import Annotation, Code

from .helpers import press, settled

Key = Qt.Key


def code_id(window, key: str) -> int:  # type: ignore[no-untyped-def]
    with window.workspace.project.session() as session:
        return session.exec(select(Code).where(Code.key == key)).one().id


def stored(window) -> dict[int, Annotation]:  # type: ignore[no-untyped-def]
    with window.workspace.project.session() as session:
        return {row.id: row for row in session.exec(select(Annotation))}


def coded(qtbot, window, rows: list[tuple]) -> None:  # type: ignore[no-untyped-def]
    """Store ``(clip file name, code key, start, end[, value])`` annotations of mine, as an
    import would (one coding operation on the writer thread); wait until the table shows them."""
    clips = {clip.file_name: clip.id for clip in window.library.visible_clips()}
    coder = window.workspace.coder.id
    batch = [
        {"video_id": clips[clip], "code_id": code_id(window, key), "coder_id": coder,
         "start_frame": start, "end_frame": end, "source": "manual", "value": value[0]}
        for clip, key, start, end, *value in [(*row, None) for row in rows]
    ]  # fmt: skip
    coding = window.coding.coding
    window.workspace.run(lambda: coding.bulk_create_annotations(batch), "annotations")
    qtbot.waitUntil(lambda: not window.workspace.ops.busy and window.annotations.idle)


def shown(panel, column: int) -> list[str]:  # type: ignore[no-untyped-def]
    model = panel.model
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def wait_rows(qtbot, panel, count: int) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: panel.idle and panel.model.rowCount() == count, timeout=5000)


def test_table_lists_sorts_and_filters_this_clip_or_the_project(qtbot, loaded) -> None:
    window, panel = loaded, loaded.annotations
    first = window.workspace.clip.file_name
    assert first == "a_story.mp4"
    coded(qtbot, window, [(first, "cta_donate", 30, None), (first, "personal_testimony", 5, 20),
                          ("b_story.mp4", "cta_share", 7, None)])  # fmt: skip
    wait_rows(qtbot, panel, 2)
    assert shown(panel, 1) == ["Personal testimony", "Donate"]  # by start frame
    assert shown(panel, 2) == ["Ana", "Ana"]
    assert shown(panel, 3) == ["5", "30"] and shown(panel, 4) == ["20", ""]
    assert shown(panel, 5) == ["00:00:00.200", "00:00:01.200"]  # 25 fps
    assert shown(panel, 6) == ["00:00:00.800", ""]
    assert panel.count.text() == "2 annotations in this clip"

    panel.table.horizontalHeader().setSortIndicator(1, Qt.SortOrder.AscendingOrder)  # Code
    qtbot.waitUntil(lambda: panel.idle and shown(panel, 1) == ["Donate", "Personal testimony"])

    panel.whole_project.setChecked(True)
    wait_rows(qtbot, panel, 3)
    assert not panel.table.isColumnHidden(0)
    assert sorted(shown(panel, 0)) == ["a_story.mp4", "a_story.mp4", "b_story.mp4"]
    panel.code_filter.setCurrentIndex(panel.code_filter.findText("Share / repost"))
    wait_rows(qtbot, panel, 1)
    assert shown(panel, 0) == ["b_story.mp4"]
    panel.code_filter.setCurrentIndex(0)
    panel.text_filter.setFocus()  # as a click in the box does
    qtbot.keyClicks(panel.text_filter, "testim")
    wait_rows(qtbot, panel, 1)
    assert shown(panel, 1) == ["Personal testimony"]
    assert panel.count.text() == "1 annotation in the project"


def test_click_seeks_even_to_another_clip_and_enter_too(qtbot, loaded) -> None:
    window, panel = loaded, loaded.annotations
    coded(qtbot, window, [("a_story.mp4", "cta_donate", 30, None),
                          ("b_story.mp4", "cta_share", 17, None)])  # fmt: skip
    panel.whole_project.setChecked(True)
    panel.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)  # clip
    qtbot.waitUntil(lambda: panel.idle and shown(panel, 0) == ["b_story.mp4", "a_story.mp4"])
    table = panel.table
    rect = table.visualRect(panel.model.index(0, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.workspace.clip.file_name == "b_story.mp4", timeout=5000)
    qtbot.waitUntil(settled(window, 17), timeout=5000)
    share = next(a for a in stored(window).values() if a.start_frame == 17)
    assert window.workspace.selection == share.id
    assert [bar.annotation_id for bar in window.timeline.timeline.bars] == [share.id]

    window.playback.seek(3)
    qtbot.waitUntil(settled(window, 3), timeout=5000)
    qtbot.keyClick(table, Key.Key_Return)  # Enter seeks to the current row again
    qtbot.waitUntil(settled(window, 17), timeout=5000)
    assert window.coding.pending == []
    qtbot.keyClick(table, Key.Key_Down)  # arrow keys move to the next row, and seek there
    qtbot.waitUntil(lambda: window.workspace.clip.file_name == "a_story.mp4", timeout=5000)
    qtbot.waitUntil(settled(window, 30), timeout=5000)


def test_cells_edit_in_place_and_delete_is_undoable(qtbot, loaded) -> None:
    window, panel = loaded, loaded.annotations
    coded(qtbot, window, [("a_story.mp4", "personal_testimony", 5, 20)])
    wait_rows(qtbot, panel, 1)
    (annotation_id,) = stored(window)
    table = panel.table

    def edit(column: int, text: str) -> None:
        table.setFocus()
        table.setCurrentIndex(panel.model.index(0, column))
        qtbot.keyClick(table, Key.Key_F2)
        editor = table.focusWidget()
        editor.selectAll() if hasattr(editor, "selectAll") else None
        qtbot.keyClicks(editor, text)
        qtbot.keyClick(editor, Key.Key_Return)
        qtbot.waitUntil(lambda: not window.workspace.ops.busy and panel.idle, timeout=5000)

    edit(4, "40")
    edit(8, "shown twice")
    row = stored(window)[annotation_id]
    assert (row.start_frame, row.end_frame, row.note) == (5, 40, "shown twice")
    assert row.end_s == window.playback.time_of(40)  # times follow the frames
    assert shown(panel, 4) == ["40"] and shown(panel, 8) == ["shown twice"]
    assert window.coding.pending == []  # Enter in the editor ended no interval

    errors: list[str] = []
    window.show_error = errors.append  # type: ignore[method-assign]
    window.workspace.error.disconnect()
    window.workspace.error.connect(errors.append)
    edit(3, "45")  # after the end frame: refused by the core, nothing changes
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert "before start frame" in errors[0]
    assert stored(window)[annotation_id].start_frame == 5

    table.setCurrentIndex(panel.model.index(0, 1))
    qtbot.waitUntil(lambda: window.workspace.selection == annotation_id, timeout=5000)
    qtbot.keyClick(table, Key.Key_Delete)
    qtbot.waitUntil(lambda: stored(window) == {} and panel.model.rowCount() == 0, timeout=5000)
    window.actions_by_name["undo"].trigger()
    wait_rows(qtbot, panel, 1)
    assert stored(window)[annotation_id].note == "shown twice"


def test_alt_arrows_jump_to_the_next_and_previous_annotation(qtbot, loaded) -> None:
    window = loaded
    coded(qtbot, window, [("a_story.mp4", "cta_donate", 30, None),
                          ("a_story.mp4", "personal_testimony", 10, 25),
                          ("a_story.mp4", "cta_share", 10, None)])  # fmt: skip
    ids = sorted(stored(window))
    alt = Qt.KeyboardModifier.AltModifier
    window.playback.seek(2)
    qtbot.waitUntil(settled(window, 2), timeout=5000)
    jumps = []
    for _ in range(3):
        press(qtbot, window, Key.Key_Right, alt)
        qtbot.waitUntil(lambda: window.annotations.stepper.idle, timeout=5000)
        jumps.append((window.playback.current, window.workspace.selection))
    # two annotations start at frame 10: both are visited, in the order they were made
    assert jumps == [(10, ids[1]), (10, ids[2]), (30, ids[0])]
    press(qtbot, window, Key.Key_Right, alt)  # the last one: stays
    qtbot.waitUntil(lambda: window.annotations.stepper.idle, timeout=5000)
    assert window.playback.current == 30
    press(qtbot, window, Key.Key_Left, alt)
    qtbot.waitUntil(lambda: window.playback.current == 10, timeout=5000)
    assert window.workspace.selection == ids[2]


def test_value_cells_show_labels_and_edit_with_the_codes_values(qtbot, loaded) -> None:
    from PySide6.QtWidgets import QComboBox

    window, panel = loaded, loaded.annotations
    coded(qtbot, window, [("a_story.mp4", "character_introduction", 2, 9, "self"),
                          ("a_story.mp4", "cta_donate", 12, None)])  # fmt: skip
    wait_rows(qtbot, panel, 2)
    assert shown(panel, 7) == ["Self", ""]  # the option's label, as the inspector shows it
    model = panel.model
    assert not model.flags(model.index(1, 7)) & Qt.ItemFlag.ItemIsEditable  # presence only
    table = panel.table
    table.setFocus()
    table.setCurrentIndex(model.index(0, 7))
    qtbot.keyClick(table, Key.Key_F2)
    editor = table.findChild(QComboBox)
    assert editor is not None and editor.currentData() == "self"
    editor.hidePopup()
    editor.setCurrentIndex(editor.findData("family_member"))
    editor.activated.emit(editor.currentIndex())  # what picking an entry does
    qtbot.waitUntil(lambda: not window.workspace.ops.busy and panel.idle, timeout=5000)
    assert [a.value for a in stored(window).values() if a.end_frame == 9] == ["family_member"]
    assert shown(panel, 7) == ["Family member", ""]
