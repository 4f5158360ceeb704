"""Clip library: every video with duration, transcript state, my annotation count, done mark.

Filter by typing (file name), sort by clicking a column. Selecting a row shows that clip.
"My clips" shows only the clips assigned to me; the Done column marks the ones I submitted
(✓) and the ones assigned to me still to do (○). Right-click a clip to mark it done or reopen it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import select

from annotators.export.timecode import timecode
from annotators.store.models import Transcript, Video
from annotators.study import my_clips

from ..queries import annotation_counts
from ..study_actions import set_done
from ..workspace import Workspace

COLUMNS = ("Clip", "Length", "Text", "Mine", "Done")
DONE_TEXT = {None: "", False: "○", True: "✓"}
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class ClipRow:
    """What the library shows about one video."""

    video: Video
    transcript: str  # "", "ok" or "no_speech"
    mine: int
    missing: Path | None = None  # where the file should be, when it is not there
    done: bool | None = None  # None: not assigned to me; else whether I marked it done


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
    counts = annotation_counts(project, coder.id, viewer_id=coder.id)
    done: dict[int, bool] = {}
    for clip in my_clips(project, coder.name):  # a clip of several rounds: done when all are
        done[clip.video.id] = done.get(clip.video.id, True) and clip.done
    missing = {v.id: project.video_path(v) for v in project.missing_videos()}
    return [
        ClipRow(v, states.get(v.id, ""), counts.get(v.id, 0), missing.get(v.id), done.get(v.id))
        for v in videos
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
                DONE_TEXT[row.done],
            )[column]
        if role == Qt.ItemDataRole.UserRole:
            done_key = -1 if row.done is None else int(row.done)
            return (
                row.video.file_name.lower(), row.video.duration_s, row.transcript, row.mine,
                done_key,
            )[column]  # fmt: skip
        if row.missing is not None and column == 0:
            missing = self._missing_data(row.missing, role)
            if missing is not None:
                return missing
        if role == Qt.ItemDataRole.ToolTipRole and column in (2, 3, 4):
            return (
                "Transcript: yes, silent (no speech found) or – (not transcribed)",
                "Annotations you made in this clip",
                "✓ you marked this clip done, ○ assigned to you, still to do",
            )[column - 2]
        if role == Qt.ItemDataRole.ToolTipRole:
            v = row.video
            return f"{v.path}\n{v.width}×{v.height}, {v.frame_count} frames, {v.fps:.2f} fps"
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (1, 3, 4):
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


class ClipFilter(QSortFilterProxyModel):
    """File-name filter (the proxy's own), plus "only the clips assigned to me"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.only_mine = False

    def set_only_mine(self, only_mine: bool) -> None:
        self.only_mine = only_mine
        self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        if self.only_mine and model.rows[source_row].done is None:  # type: ignore[attr-defined]
            return False
        return super().filterAcceptsRow(source_row, source_parent)


class LibraryPanel(QWidget):
    """Filter box over a sortable table of clips; keeps the current clip selected."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.model = LibraryModel()
        self.proxy = ClipFilter(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(0)
        self.filter = QLineEdit(placeholderText="Filter clips…", clearButtonEnabled=True)
        self.filter.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.only_mine = QCheckBox("My clips")
        self.only_mine.setToolTip("Show only the clips assigned to you")
        self.only_mine.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.only_mine.toggled.connect(self.proxy.set_only_mine)
        self.table = self._make_table()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.only_mine)
        layout.addLayout(top)
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
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._context_menu)
        return table

    def row_at(self, index: QModelIndex) -> ClipRow:
        return self.model.rows[self.proxy.mapToSource(index).row()]

    def _context_menu(self, point: QPoint) -> None:
        index = self.table.indexAt(point)
        if not index.isValid():
            return
        row = self.row_at(index)
        menu = QMenu(self)
        action = menu.addAction("Reopen" if row.done else "Mark done")
        action.setEnabled(row.done is not None)
        if row.done is None:
            action.setToolTip("This clip is not assigned to you")
        action.triggered.connect(lambda: set_done(self.workspace, row.video, not row.done))
        menu.exec(self.table.viewport().mapToGlobal(point))

    def refresh(self) -> None:
        """Reload the rows from the database."""
        self.model.set_rows(load_rows(self.workspace))
        # done marks and "My clips" mean something only to a coder with assigned clips
        assigned = any(row.done is not None for row in self.model.rows)
        self.table.setColumnHidden(COLUMNS.index("Done"), not assigned)
        self.only_mine.setVisible(assigned)
        if not assigned:
            self.only_mine.setChecked(False)
        self._show_current(self.workspace.clip)

    def _on_data_changed(self, kind: str) -> None:
        if kind in ("videos", "annotations", "transcripts", "assignments"):
            self.refresh()

    def done_state(self, video: Video | None) -> bool | None:
        """My done mark of ``video``: None when it is not assigned to me."""
        for row in self.model.rows:
            if video is not None and row.video.id == video.id:
                return row.done
        return None

    def visible_clips(self) -> list[Video]:
        """Clips in the order shown (filtered and sorted): PageUp/PageDown follow this order."""
        return [
            self.model.rows[self.proxy.mapToSource(self.proxy.index(r, 0)).row()].video
            for r in range(self.proxy.rowCount())
        ]

    def _on_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.workspace.set_clip(self.model.rows[self.proxy.mapToSource(current).row()].video)

    def _show_current(self, video: Video | None) -> None:
        """Select the row of ``video`` without re-emitting a clip change."""
        for r in range(self.proxy.rowCount()):
            source = self.proxy.mapToSource(self.proxy.index(r, 0))
            if video is not None and self.model.rows[source.row()].video.id == video.id:
                self.table.selectionModel().blockSignals(True)
                self.table.selectRow(r)
                self.table.selectionModel().blockSignals(False)
                return
