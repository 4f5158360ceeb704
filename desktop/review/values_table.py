"""Each coder's clip-level values side by side, with the consensus column last.

Rows are the clip variables, the disputed ones first and shaded; columns are the coders (by
name) and the consensus layer. The table keeps the reviewer's place when it is refilled after
each decision. The values get the room they need first; the variable names (the row headers)
take what is left and are elided beyond that, with the full name in their tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QResizeEvent
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from annotators.codebook.values import value_label
from annotators.store.models import ClipValue, Code, Coder

from .review_data import ClipReview

DISPUTED = QColor("#fde2c4")
CONSENSUS_HEADER = "Consensus"
MIN_LABEL_WIDTH = 100  # the variable names never shrink below this
CELL_PADDING = 16


class ValuesTable(QTableWidget):
    """``codes[row]`` and ``layers[column]`` say what a cell shows (the consensus column's
    layer is None until the first adjudication)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 0, parent)
        self.review: ClipReview | None = None
        self.codes: list[Code] = []
        self.layers: list[Coder | None] = []
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.verticalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)

    def show_review(self, review: ClipReview | None, disputed: set[str]) -> None:
        """Fill from ``review``; ``disputed`` are the keys of the variables coders differ on."""
        was = (self.currentRow(), self.currentColumn())
        self.clear()
        self.review = review
        if review is None:
            self.codes, self.layers = [], []
            self.setRowCount(0)
            self.setColumnCount(0)
            return
        self.codes = sorted(review.clip_codes, key=lambda code: code.key not in disputed)
        self.layers = [*review.coders, review.consensus]
        self.setColumnCount(len(self.layers))
        self.setHorizontalHeaderLabels([c.name for c in review.coders] + [CONSENSUS_HEADER])
        self.setRowCount(len(self.codes))
        for row, code in enumerate(self.codes):
            label = QTableWidgetItem(code.label)
            label.setToolTip(code.label)
            self.setVerticalHeaderItem(row, label)
            for column, coder in enumerate(self.layers):
                self.setItem(row, column, self._cell(code, coder, code.key in disputed))
        self._fit()
        if 0 <= was[0] < len(self.codes) and was[1] < len(self.layers):
            self.setCurrentCell(*was)  # keep the reviewer's place after each decision

    def _fit(self) -> None:
        """Give every column the width of its widest value; the row headers get the rest."""
        header = self.verticalHeader()
        if not self.layers:
            header.setMinimumWidth(0)
            header.setMaximumWidth(16777215)
            return
        metrics = self.fontMetrics()
        items = [self.item(r, c) for r in range(self.rowCount()) for c in range(self.columnCount())]
        items += [self.horizontalHeaderItem(c) for c in range(self.columnCount())]
        texts = [item.text() for item in items if item is not None]  # None while filling
        need = max((metrics.horizontalAdvance(text) for text in texts), default=0) + CELL_PADDING
        labels = max((metrics.horizontalAdvance(code.label) for code in self.codes), default=0)
        room = self.width() - 2 * self.frameWidth() - len(self.layers) * need
        width = max(MIN_LABEL_WIDTH, min(labels + CELL_PADDING, room))
        header.setFixedWidth(width)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit()

    def _cell(self, code: Code, coder: Coder | None, disputed: bool) -> QTableWidgetItem:
        stored = self.review.value(coder.id, code.id) if coder is not None else None
        cell = QTableWidgetItem(value_label(code, stored.value) if stored is not None else "—")
        cell.setToolTip(cell.text())
        if disputed:
            cell.setBackground(QBrush(DISPUTED))
            cell.setForeground(QBrush(QColor("#1a1a1a")))
        return cell

    def value_at(self, row: int, column: int) -> ClipValue | None:
        """The stored value a cell shows (None for none)."""
        if self.review is None or not (
            0 <= row < len(self.codes) and 0 <= column < len(self.layers)
        ):
            return None
        coder = self.layers[column]
        return self.review.value(coder.id, self.codes[row].id) if coder is not None else None

    def on_consensus_column(self, column: int | None = None) -> bool:
        """True when ``column`` (default: the current one) is the consensus column."""
        column = self.currentColumn() if column is None else column
        return bool(self.layers) and column == len(self.layers) - 1

    def current_code(self) -> Code | None:
        """The variable of the current row."""
        row = self.currentRow()
        return self.codes[row] if 0 <= row < len(self.codes) else None

    def select_code(self, key: str) -> None:
        """Put the current cell on the row of the variable ``key`` (first coder's column)."""
        keys = [code.key for code in self.codes]
        if key in keys:
            self.setCurrentCell(keys.index(key), 0)
