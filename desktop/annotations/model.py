"""The annotation table's model: a known row count, rows filled in a page at a time.

``rowCount`` is the number of matching annotations (from SQL), so the scroll bar is right at
once; a row whose page has not arrived yet shows "…" and asks the :class:`PageLoader` for it.
Edits are handed to ``on_edit(annotation_id, field, value)``, which runs them as coding
operations; the table shows the stored result when the workspace reports the change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from annotators.browse import AnnotationQuery, AnnotationRow
from annotators.codebook.values import value_label
from annotators.export.timecode import timecode
from annotators.store.models import Code

from .pages import PageLoader

PAGE_SIZE = 500
HEADERS = ("Clip", "Code", "Coder", "Start", "End", "Start time", "End time", "Value", "Note",
           "Source")  # fmt: skip
# one per annotators.browse.COLUMNS entry; the fields a coder may edit in place
VALUE_COLUMN = 7
EDITABLE = {3: "start_frame", 4: "end_frame", VALUE_COLUMN: "value", 8: "note"}
LOADING = "…"
Index = QModelIndex | QPersistentModelIndex
EditHandler = Callable[[int, str, Any], None]


def _cells(row: AnnotationRow) -> tuple[Any, ...]:
    end = "" if row.end_frame is None else row.end_frame
    return (row.clip, row.code, row.coder, row.start_frame, end, timecode(row.start_s),
            timecode(row.end_s), row.value or "", row.note, row.source)  # fmt: skip


def parse_edit(field: str, text: Any) -> Any:
    """The value to store for ``field`` from what was typed; ValueError when it is no frame.

    An empty end frame means a point event; an empty value means none."""
    text = str(text).strip()
    if field in ("start_frame", "end_frame"):
        if field == "end_frame" and not text:
            return None
        return int(text)
    if field == "value":
        return text or None
    return text


class AnnotationTableModel(QAbstractTableModel):
    """Paged rows of one :class:`AnnotationQuery` (set with :meth:`reset`)."""

    def __init__(self, on_edit: EditHandler, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.on_edit = on_edit
        self.query = AnnotationQuery()
        self.total = 0
        self.pages: dict[int, list[AnnotationRow]] = {}
        self.codes: dict[int, Code] = {}  # the codebook's codes by id: value labels, editors
        self.loader = PageLoader(self)
        self.loader.page_loaded.connect(self._on_page)
        self._generation = 0

    def reset(
        self,
        query: AnnotationQuery,
        total: int,
        pages: dict[int, list[AnnotationRow]],
        read: Callable[[int], list[AnnotationRow]],
    ) -> None:
        """Show ``total`` rows of ``query``: ``pages`` are known, ``read(page)`` fetches others."""
        self.beginResetModel()
        self.query, self.total, self.pages = query, total, dict(pages)
        self._generation = self.loader.reset(read)
        self.endResetModel()

    def row_at(self, row: int) -> AnnotationRow | None:
        """The annotation on ``row``, None while its page is loading."""
        page = self.pages.get(row // PAGE_SIZE)
        if page is None:
            if 0 <= row < self.total:
                self.loader.want(row // PAGE_SIZE)
            return None
        offset = row % PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def code_at(self, row: int) -> Code | None:
        """The code of the annotation on ``row`` (None while loading or not in the codebook)."""
        annotation = self.row_at(row)
        return None if annotation is None else self.codes.get(annotation.code_id)

    def find(self, annotation_id: int) -> int | None:
        """The row of a loaded annotation, None when not (yet) loaded."""
        for number, page in self.pages.items():
            for offset, row in enumerate(page):
                if row.id == annotation_id:
                    return number * PAGE_SIZE + offset
        return None

    def _on_page(self, generation: int, page: int, rows: list[AnnotationRow]) -> None:
        if generation != self._generation:
            return
        self.pages[page] = rows
        first, last = page * PAGE_SIZE, min(self.total, (page + 1) * PAGE_SIZE) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(HEADERS) - 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section in EDITABLE:
            return f"{HEADERS[section]}: double-click or F2 to edit"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.column() in EDITABLE and self.row_at(index.row()) is not None:
            code = self.code_at(index.row())
            valued = code is not None and code.value_type != "presence"
            if index.column() != VALUE_COLUMN or valued:  # a presence code has no value
                flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self.row_at(index.row()), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if row is None:
                return LOADING if column == 0 else ""
            value = _cells(row)[column]
            if role == Qt.ItemDataRole.EditRole:
                return value
            code = self.codes.get(row.code_id) if column == VALUE_COLUMN else None
            return value_label(code, row.value) if code is not None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (3, 4, 5, 6):
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ToolTipRole and row is not None and column in (0, 8):
            return (row.clip, row.note)[column // 8] or None
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        row, field = self.row_at(index.row()), EDITABLE.get(index.column())
        if role != Qt.ItemDataRole.EditRole or row is None or field is None:
            return False
        try:
            parsed = parse_edit(field, value)
        except ValueError:
            return False  # not a number: the cell keeps its value
        if parsed == getattr(row, field) or (field == "value" and parsed == row.value):
            return False
        self.on_edit(row.id, field, parsed)
        return True
