"""Small dialogs of the review view: a consensus value, a consensus annotation."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotators.store.models import Code

from ..value_widgets import editor_for


def shown_value(widget: QWidget) -> str | None:
    """The value a value editor shows now (None for none)."""
    if isinstance(widget, QComboBox):
        return widget.currentData()
    text = widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()
    return text.strip() or None


class ValueDialog(QDialog):
    """Ask for a value of ``code`` with the editor the coding screens use."""

    def __init__(self, code: Code, current: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Consensus: {code.label}")
        self.editor = editor_for(code, lambda _value: None)
        self.form = QFormLayout(self)
        if self.editor is not None:
            self.editor.set(current)
            self.form.addRow(code.label, self.editor.widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)  # fmt: skip
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.form.addRow(buttons)

    def value(self) -> str | None:
        """The value entered."""
        return None if self.editor is None else shown_value(self.editor.widget)


class AnnotationDialog(QDialog):
    """Ask for a consensus annotation's code, frames and value (prefilled)."""

    def __init__(
        self,
        codes: list[Code],
        start: int,
        end: int | None,
        frame_count: int,
        *,
        fixed_code: bool = False,
        value: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Consensus annotation")
        self.codes = codes
        self.code = QComboBox(enabled=not fixed_code)
        for code in codes:
            self.code.addItem(code.label, code.id)
        last = max(frame_count - 1, 0)
        self.start = QSpinBox(minimum=0, maximum=last, value=start)
        self.end = QSpinBox(minimum=0, maximum=last, value=end if end is not None else start)
        self._initial_value = value
        self.value_editor = None  # the coding screens' editor for the chosen code's values
        self.form = form = QFormLayout(self)
        form.addRow("Code", self.code)
        form.addRow("Start frame", self.start)
        form.addRow("End frame", self.end)
        self.no_value = QLabel("(this code takes no value)")
        self.value_box = QWidget()
        box = QVBoxLayout(self.value_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.no_value)
        form.addRow("Value", self.value_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)  # fmt: skip
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.code.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def selected_code(self) -> Code:
        """The code chosen."""
        return self.codes[max(self.code.currentIndex(), 0)]

    def _kind_changed(self) -> None:
        code = self.selected_code()
        self.end.setEnabled(code.kind == "interval")
        if self.value_editor is not None:  # the previous code's editor goes at once
            self.value_box.layout().removeWidget(self.value_editor.widget)
            self.value_editor.widget.setParent(None)
            self.value_editor.widget.deleteLater()
        self.value_editor = editor_for(code, lambda _value: None)
        self.no_value.setVisible(self.value_editor is None)
        if self.value_editor is not None:
            self.value_editor.set(self._initial_value)
            self.value_box.layout().addWidget(self.value_editor.widget)

    def fields(self) -> dict:
        """``start_frame``, ``end_frame`` (None for a point code) and ``value``."""
        interval = self.selected_code().kind == "interval"
        low, high = sorted((self.start.value(), self.end.value()))
        return {
            "start_frame": low if interval else self.start.value(),
            "end_frame": high if interval else None,
            "value": None if self.value_editor is None else shown_value(self.value_editor.widget),
        }
