"""Docks keep their size when the inspector fills or empties (issue 11, defect 6)."""

from __future__ import annotations

from PySide6.QtWidgets import QDockWidget

from annotators.coding import Coding


def dock_widths(window) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {dock.windowTitle(): dock.width() for dock in window.findChildren(QDockWidget)}


def test_selecting_and_clearing_an_annotation_keeps_every_dock_width(qtbot, loaded) -> None:
    window = loaded
    window.resize(1366, 740)
    qtbot.wait(200)
    clip, coder = window.workspace.clip, window.workspace.coder
    codes = {code.key: code.id for code in window.coding.codes.values()}
    coding = Coding.for_project(window.workspace.project)
    note = "a long note that would widen the form " * 6
    appeal = coding.add_annotation(clip.id, codes["emotional_appeal"], coder.id, 3, 30,
                                   value="hope", note=note)  # fmt: skip
    window.workspace.data_changed.emit("annotations")
    qtbot.waitUntil(lambda: len(window.timeline.timeline.bars) == 1, timeout=5000)
    before = dock_widths(window)
    centre = window.player.view.width()
    for selection in (appeal.id, None, appeal.id, None):
        window.workspace.select(selection)
        qtbot.wait(150)
        assert window.inspector.form.isVisible() == (selection is not None)
        assert dock_widths(window) == before
        assert window.player.view.width() == centre
