"""The value cell's editor: the code's drop-down of values when it has them (as the inspector)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from ..value_widgets import listed_editor
from .model import VALUE_COLUMN, AnnotationTableModel

Index = QModelIndex | QPersistentModelIndex


class ValueDelegate(QStyledItemDelegate):
    """Edits the value column with the code's listed values; other cells as usual."""

    def __init__(self, model: AnnotationTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table_model = model

    def createEditor(  # noqa: N802 - Qt API
        self, parent: QWidget, option: QStyleOptionViewItem, index: Index
    ) -> QWidget:
        code = self.table_model.code_at(index.row())
        if index.column() != VALUE_COLUMN or code is None or not code.options:
            return super().createEditor(parent, option, index)
        combo = listed_editor(code, lambda _value: None).widget
        combo.setParent(parent)
        combo.activated.connect(lambda _index: self._picked(combo))  # a pick is the edit
        return combo

    def _picked(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo)

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802 - Qt API
        if isinstance(editor, QComboBox):
            stored = index.data(Qt.ItemDataRole.EditRole) or None
            editor.setCurrentIndex(max(editor.findData(stored), 0))
            editor.showPopup()  # one click less: the values are what the coder came for
            return
        super().setEditorData(editor, index)

    def setModelData(  # noqa: N802 - Qt API
        self, editor: QWidget, model: QAbstractItemModel, index: Index
    ) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData() or "", Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)
