"""Clip library: every video with duration, transcript state and my annotation count.

Filter by typing (file name), sort by clicking a column. Selecting a row shows that clip.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLineEdit,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import func
from sqlmodel import select

from annotators.export.timecode import timecode
from annotators.store.models import Annotation, Transcript, Video

from ..workspace import Workspace

COLUMNS = ("Clip", "Length", "Text", "Mine")
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class ClipRow:
    """What the library shows about one video."""

    video: Video
    transcript: str  # "", "ok" or "no_speech"
    mine: int
    missing: Path | None = None  # where the file should be, when it is not there


def load_rows(workspace: Workspace) -> list[ClipRow]:
    """Library rows of the open project, for the current coder (one query per table)."""
    project, coder = workspace.project, workspace.coder
    if project is None or coder is None:
        return []
    with project.session() as session:
        videos = list(session.exec(select(Video).order_by(Video.id)))
        states = dict(
            session.exec(
                select(Transcript.video_id, Transcript.status).where(Transcript.is_current)
            ).all()
        )
        counts = dict(
            session.exec(
                select(Annotation.video_id, func.count(Annotation.id))
                .where(Annotation.coder_id == coder.id)
                .group_by(Annotation.video_id)
            ).all()
        )
    missing = {v.id: project.video_path(v) for v in project.missing_videos()}
    return [
        ClipRow(v, states.get(v.id, ""), counts.get(v.id, 0), missing.get(v.id)) for v in videos
    ]


TRANSCRIPT_TEXT = {"": "–", "ok": "yes", "no_speech": "silent"}
MISSING_COLOUR = QColor("#d9822b")  # warning orange, readable on light and dark rows


class LibraryModel(QAbstractTableModel):
    """Table model over :class:`ClipRow` values; ``Qt.UserRole`` gives a column's sort key."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[ClipRow] = []

    def set_rows(self, rows: list[ClipRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                row.video.file_name,
                timecode(row.video.duration_s)[3:-2],  # mm:ss.s
                TRANSCRIPT_TEXT.get(row.transcript, row.transcript),
                str(row.mine),
            )[column]
        if role == Qt.ItemDataRole.UserRole:
            return (row.video.file_name.lower(), row.video.duration_s, row.transcript, row.mine)[
                column
            ]
        if row.missing is not None and column == 0:
            missing = self._missing_data(row.missing, role)
            if missing is not None:
                return missing
        if role == Qt.ItemDataRole.ToolTipRole and column in (2, 3):
            return (
                "Transcript: yes, silent (no speech found) or – (not transcribed)",
                "Annotations you made in this clip",
            )[column - 2]
        if role == Qt.ItemDataRole.ToolTipRole:
            v = row.video
            return f"{v.path}\n{v.width}×{v.height}, {v.frame_count} frames, {v.fps:.2f} fps"
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (1, 3):
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    @staticmethod
    def _missing_data(path: Path, role: int) -> Any:
        """How the clip column marks a video whose file is missing (None: as usual)."""
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(MISSING_COLOUR)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"file missing: {path}"
        if role == Qt.ItemDataRole.DecorationRole:
            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        return None


class LibraryPanel(QWidget):
    """Filter box over a sortable table of clips; keeps the current clip selected."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self._syncing = False  # True while showing the current clip: not a user's choice
        self.model = LibraryModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(0)
        self.filter = QLineEdit(placeholderText="Filter clips…", clearButtonEnabled=True)
        self.filter.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = self._make_table()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter)
        layout.addWidget(self.table)
        self.setMinimumWidth(300)
        workspace.project_changed.connect(self.refresh)
        workspace.data_changed.connect(self._on_data_changed)
        workspace.clip_changed.connect(self._show_current)

    def _make_table(self) -> QTableView:
        table = QTableView(self)
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.setAlternatingRowColors(True)
        table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # keep the distinguishing file ends
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        table.selectionModel().currentRowChanged.connect(self._on_row)
        return table

    def refresh(self) -> None:
        """Reload the rows from the database."""
        self.model.set_rows(load_rows(self.workspace))
        self._show_current(self.workspace.clip)

    def _on_data_changed(self, kind: str) -> None:
        if kind in ("videos", "annotations", "transcripts"):
            self.refresh()

    def visible_clips(self) -> list[Video]:
        """Clips in the order shown (filtered and sorted): PageUp/PageDown follow this order."""
        return [
            self.model.rows[self.proxy.mapToSource(self.proxy.index(r, 0)).row()].video
            for r in range(self.proxy.rowCount())
        ]

    def _on_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and not self._syncing:
            self.workspace.set_clip(self.model.rows[self.proxy.mapToSource(current).row()].video)

    def _show_current(self, video: Video | None) -> None:
        """Select the row of ``video`` without re-emitting a clip change."""
        for r in range(self.proxy.rowCount()):
            source = self.proxy.mapToSource(self.proxy.index(r, 0))
            if video is not None and self.model.rows[source.row()].video.id == video.id:
                # not blockSignals(): the view repaints the selection from those signals, so
                # blocking them left the old row highlighted after PageUp/PageDown
                self._syncing = True
                try:
                    self.table.selectRow(r)
                    self.table.scrollTo(self.proxy.index(r, 0))
                finally:
                    self._syncing = False
                return
