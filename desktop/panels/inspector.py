"""Inspector: the selected annotation's code, span, value and note, edited in place.

Edits are saved as soon as they are made (value on change, note shortly after typing stops),
each as one undoable operation. "Loop" plays the selected span over and over.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotators.export.timecode import timecode
from annotators.store.models import Annotation, Code

from ..coding import CodingController
from ..playback import Playback
from ..queries import active_codes, annotation
from ..value_widgets import ValueEditor, editor_for, text_editor
from ..workspace import Workspace


def span_text(row: Annotation) -> str:
    """``frame 12 (00:00:00.480)`` or ``frames 12-40 (00:00:00.480-00:00:01.600)``."""
    if row.end_frame is None:
        return f"frame {row.start_frame}  ({timecode(row.start_s)})"
    return (
        f"frames {row.start_frame}–{row.end_frame}  ({timecode(row.start_s)} – "
        f"{timecode(row.end_s)})"
    )


class InspectorPanel(QWidget):
    """Form over the workspace's selected annotation."""

    def __init__(
        self,
        workspace: Workspace,
        playback: Playback,
        coding: CodingController,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace, self.playback, self.coding = workspace, playback, coding
        self.row: Annotation | None = None
        self.codes: dict[int, Code] = {}
        self.code_label = QLabel(wordWrap=True)
        self.span_label = QLabel(textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse)
        self.value_holder = QVBoxLayout()
        self.value_editor: ValueEditor | None = None
        self.note = text_editor(self._save_note, lines=4)
        self.loop = QCheckBox("Loop while playing")
        self.loop.toggled.connect(self._apply_loop)
        self.empty = QLabel("Select an annotation on the timeline.")
        self.empty.setObjectName("placeholder")
        self.form = QWidget()
        self._layout()
        workspace.project_changed.connect(self._reload_codes)
        workspace.data_changed.connect(self._on_data_changed)
        workspace.selection_changed.connect(lambda _id: self.refresh())
        self.refresh()

    def _layout(self) -> None:
        form = QFormLayout(self.form)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Code", self.code_label)
        form.addRow("Span", self.span_label)
        form.addRow("Value", self.value_holder)
        form.addRow("Note", self.note.widget)
        buttons = QHBoxLayout()
        for text, slot in (
            ("Start = playhead", lambda: self._set_edge("start")),
            ("End = playhead", lambda: self._set_edge("end")),
            ("Delete", self.coding.delete_selected),
        ):
            button = QPushButton(text)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        form.addRow(buttons)
        form.addRow(self.loop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.empty)
        layout.addWidget(self.form)
        layout.addStretch(1)

    def _reload_codes(self) -> None:
        project = self.workspace.project
        self.codes = {c.id: c for c in active_codes(project)} if project else {}
        self.refresh()

    def _on_data_changed(self, kind: str) -> None:
        if kind == "codebook":
            self._reload_codes()
        elif kind == "annotations":
            self.refresh()

    def refresh(self) -> None:
        """Show the selected annotation as it is in the database now."""
        ws = self.workspace
        ready = ws.project is not None and ws.selection is not None and ws.coder is not None
        row = annotation(ws.project, ws.selection, ws.coder.id) if ready else None
        changed_code = row is None or self.row is None or row.code_id != self.row.code_id
        self.row = row
        self.empty.setVisible(row is None)
        self.form.setVisible(row is not None)
        if row is None:
            self.loop.setChecked(False)
            return
        code = self.codes.get(row.code_id)
        self.code_label.setText(f"<b>{code.label}</b>" if code else f"code {row.code_id}")
        self.span_label.setText(span_text(row))
        if changed_code:
            self._rebuild_value_editor(code)
        if self.value_editor is not None:
            self.value_editor.set(row.value)
        if not self.note.widget.hasFocus():
            self.note.set(row.note or None)
        self._apply_loop(self.loop.isChecked())

    def _rebuild_value_editor(self, code: Code | None) -> None:
        while self.value_holder.count():
            widget = self.value_holder.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.value_editor = editor_for(code, self._save_value) if code else None
        widget = self.value_editor.widget if self.value_editor else QLabel("(presence only)")
        self.value_holder.addWidget(widget)

    def _save_value(self, value: str | None) -> None:
        if self.row is not None and value != self.row.value:
            self.coding.update_annotation(self.row.id, self.row.version, value=value)

    def _save_note(self, note: str | None) -> None:
        if self.row is not None and (note or "") != (self.row.note or ""):
            self.coding.update_annotation(self.row.id, self.row.version, note=note or "")

    def _set_edge(self, edge: str) -> None:
        row = self.row
        if row is None or row.end_frame is None:
            return
        frame = self.playback.current
        start, end = (frame, row.end_frame) if edge == "start" else (row.start_frame, frame)
        self.coding.update_annotation(
            row.id, row.version, start_frame=min(start, end), end_frame=max(start, end)
        )

    def _apply_loop(self, on: bool) -> None:
        row = self.row
        if on and row is not None and row.end_frame is not None:
            self.playback.set_loop((row.start_frame, row.end_frame))
        else:
            self.playback.set_loop(None)
