"""Editors for code values (annotation values in the inspector, clip-level variables).

One factory picks the editor from the code's value type; every editor reports a new value
through one callback, so the panels do not care which kind of widget they hold.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from annotators.store.models import Code

NO_VALUE = "—"
TEXT_SAVE_DELAY_MS = 700  # typed text is saved this long after the last key press


class ValueEditor:
    """Wraps one widget: ``set(stored)`` shows a stored value; edits call ``on_change(value)``."""

    def __init__(self, widget: QWidget, setter: Callable[[str | None], None]) -> None:
        self.widget = widget
        self._setter = setter

    def set(self, stored: str | None) -> None:
        """Show ``stored`` without reporting it as an edit."""
        self.widget.blockSignals(True)
        self._setter(stored)
        self.widget.blockSignals(False)


def listed_editor(code: Code, on_change: Callable[[str | None], None]) -> ValueEditor:
    """A drop-down of the code's options (first entry: no value)."""
    combo = QComboBox()
    combo.addItem(NO_VALUE, None)
    for option in code.options:
        combo.addItem(str(option.get("label", option["value"])), str(option["value"]))
    combo.currentIndexChanged.connect(lambda _i: on_change(combo.currentData()))
    return ValueEditor(combo, lambda stored: combo.setCurrentIndex(max(combo.findData(stored), 0)))


def number_editor(on_change: Callable[[str | None], None]) -> ValueEditor:
    """A one-line number field, saved when editing finishes."""
    field = QLineEdit(placeholderText="number")
    field.setValidator(QDoubleValidator())
    field.editingFinished.connect(lambda: on_change(field.text().strip() or None))
    return ValueEditor(field, lambda stored: field.setText(stored or ""))


def text_editor(on_change: Callable[[str | None], None], lines: int = 3) -> ValueEditor:
    """A multi-line text field saved shortly after typing stops and when it loses focus."""
    field = QPlainTextEdit()
    field.setFixedHeight(field.fontMetrics().lineSpacing() * lines + 12)
    timer = QTimer(field, singleShot=True, interval=TEXT_SAVE_DELAY_MS)
    timer.timeout.connect(lambda: on_change(field.toPlainText().strip() or None))
    field.textChanged.connect(timer.start)
    return ValueEditor(field, lambda stored: field.setPlainText(stored or ""))


def editor_for(code: Code, on_change: Callable[[str | None], None]) -> ValueEditor | None:
    """The editor for ``code``'s value type; None for time-anchored presence codes."""
    if code.value_type in ("nominal", "ordinal") or (
        code.value_type == "presence" and code.kind == "clip"
    ):
        return listed_editor(code, on_change)
    if code.value_type == "number":
        return number_editor(on_change)
    if code.value_type == "text":
        return text_editor(on_change)
    return None
