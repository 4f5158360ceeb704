"""Clip-level variables of the current clip for me, as a form (drop-downs, scales, text)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from annotators.store.models import Code

from ..coding import CodingController
from ..queries import active_codes, clip_values
from ..value_widgets import ValueEditor, editor_for
from ..workspace import Workspace
from .codebook import code_html


class ClipVariablesPanel(QWidget):
    """One editor per ``clip`` code of the active codebook; each change is saved at once."""

    def __init__(
        self, workspace: Workspace, coding: CodingController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.workspace, self.coding = workspace, coding
        self.editors: dict[int, ValueEditor] = {}
        self.values: dict[int, str | None] = {}
        self.body = QWidget()
        column = QVBoxLayout(self.body)
        self.form = QFormLayout()
        column.addLayout(self.form)
        column.addStretch(1)  # rows stay together at the top instead of spreading out
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(self.body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        workspace.project_changed.connect(self.rebuild)
        workspace.clip_changed.connect(lambda _video: self.refresh())
        workspace.data_changed.connect(self._on_data_changed)

    def _on_data_changed(self, kind: str) -> None:
        if kind == "codebook":
            self.rebuild()
        elif kind == "clip_values":
            self.refresh()

    def rebuild(self) -> None:
        """One row per clip-level variable of the active codebook."""
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors.clear()
        project = self.workspace.project
        for code in active_codes(project) if project else []:
            if code.kind != "clip":
                continue
            editor = editor_for(code, lambda value, c=code: self._save(c, value))
            if editor is None:
                continue
            label = QLabel(code.label, wordWrap=True)
            # definition, include/exclude rules, values and examples, without leaving the tab
            label.setToolTip(code_html(code))
            editor.widget.setToolTip(code_html(code))
            self.form.addRow(label, editor.widget)
            self.editors[code.id] = editor
        self.refresh()

    def refresh(self) -> None:
        """Show my stored values for the current clip (editors disabled with no clip)."""
        ws = self.workspace
        has_clip = ws.project is not None and ws.clip is not None and ws.coder is not None
        self.values = clip_values(ws.project, ws.clip.id, ws.coder.id) if has_clip else {}
        for code_id, editor in self.editors.items():
            editor.set(self.values.get(code_id))
            editor.widget.setEnabled(has_clip)

    def _save(self, code: Code, value: str | None) -> None:
        if self.workspace.clip is not None and value != self.values.get(code.id):
            self.values[code.id] = value
            self.coding.set_clip_value(code.id, value)
