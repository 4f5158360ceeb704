"""Codebook panel: the code tree with shortcut keys; definition and rules on hover and below.

Double-clicking a time-anchored code does what its shortcut key does.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotators.store.models import Code

from ..coding import CodingController
from ..queries import active_codes
from ..workspace import Workspace

HINT = "<i>Select a code to read its definition, rules and examples.</i>"
KIND_TEXT = {"point": "point", "interval": "interval", "clip": "clip", "category": ""}


def code_html(code: Code) -> str:
    """Definition, rules, examples and values of ``code`` as rich text."""
    parts = [f"<b>{escape(code.label)}</b> <small>({escape(code.key)}, {code.kind})</small>"]
    for title, text in (
        ("Definition", code.definition),
        ("Include", code.include),
        ("Exclude", code.exclude),
    ):
        if text:
            parts.append(f"<p><b>{title}:</b> {escape(text)}</p>")
    if code.options:
        values = ", ".join(escape(str(o.get("label", o.get("value")))) for o in code.options)
        parts.append(f"<p><b>Values:</b> {values}</p>")
    if code.examples:
        items = "".join(f"<li>{escape(e)}</li>" for e in code.examples)
        parts.append(f"<p><b>Examples:</b></p><ul>{items}</ul>")
    return "".join(parts)


def swatch(color: str) -> QIcon:
    """A small square of the code's colour (the same colour as its timeline track)."""
    pixmap = QPixmap(10, 10)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class CodebookPanel(QWidget):
    """Tree of the active codebook plus a details pane for the highlighted code."""

    def __init__(
        self, workspace: Workspace, coding: CodingController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.coding = coding
        self.codes: dict[int, Code] = {}
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Code", "Key", "Kind"])
        self.tree.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.details = QTextBrowser()
        self.details.setOpenLinks(False)
        self.status = QLabel(wordWrap=True)
        self.status.setObjectName("codingStatus")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tree)
        split.addWidget(self.details)
        split.setSizes([420, 160])
        self.details.setHtml(HINT)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.status)
        layout.addWidget(split)
        self.tree.currentItemChanged.connect(self._on_current)
        self.tree.itemDoubleClicked.connect(self._on_double_click)
        workspace.project_changed.connect(self.reload)
        workspace.data_changed.connect(lambda kind: kind == "codebook" and self.reload())
        coding.pending_changed.connect(self._show_pending)
        self._show_pending()

    def reload(self) -> None:
        """Rebuild the tree from the active codebook."""
        self.tree.clear()
        project = self.workspace.project
        codes = active_codes(project) if project else []
        self.codes = {code.id: code for code in codes}
        items: dict[int, QTreeWidgetItem] = {}
        for code in codes:
            parent = items.get(code.parent_id) if code.parent_id else None
            item = QTreeWidgetItem([code.label, code.shortcut or "", KIND_TEXT.get(code.kind, "")])
            item.setData(0, Qt.ItemDataRole.UserRole, code.id)
            item.setToolTip(0, code_html(code))
            if code.color:
                item.setIcon(0, swatch(code.color))
            if code.kind == "category":
                font = item.font(0)
                font.setBold(True)
                item.setFont(0, font)
            (parent.addChild(item) if parent else self.tree.addTopLevelItem(item))
            items[code.id] = item
        self.tree.expandAll()

    def _code_of(self, item: QTreeWidgetItem | None) -> Code | None:
        return None if item is None else self.codes.get(item.data(0, Qt.ItemDataRole.UserRole))

    def _on_current(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        code = self._code_of(item)
        self.details.setHtml(code_html(code) if code else HINT)

    def _on_double_click(self, item: QTreeWidgetItem, _column: int) -> None:
        code = self._code_of(item)
        if code is not None and code.kind in ("point", "interval"):
            self.coding.apply_code(code)

    def _show_pending(self) -> None:
        pending = self.coding.pending
        if not pending:
            self.status.setText("Press a code's key to code at the current frame.")
            return

        def described(interval) -> str:  # type: ignore[no-untyped-def]
            code = self.codes.get(interval.code_id)
            label = escape(code.label if code else "interval")
            return f"“{label}” from frame {interval.start_frame}"

        recording = ", ".join(described(interval) for interval in pending)
        self.status.setText(
            f"<b>Recording</b> {recording}: press a code's key again to end it, Enter to end "
            f"{'all' if len(pending) > 1 else 'it'}, Esc to cancel."
        )
