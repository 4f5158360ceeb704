"""Clip library: every video with duration, transcript state, my annotation count, done mark.

Filter by typing (file name), sort by clicking a column. Selecting a row shows that clip.
For a coder with assigned clips, "My clips" shows only those, and the Done column marks the
ones they submitted (✓) and the ones still to do (○); right-click a clip to mark it done or
reopen it. Counts are the coder's own (see the blind-mode note in :mod:`desktop.queries`).

Rows come from :func:`annotators.browse.library_rows` on a worker thread (latest wins), and
the files are checked on disk by a second worker afterwards, so neither a project of thousands
of clips nor a slow disk ever stalls the UI. Sorting and filtering happen in the model on plain
Python lists (a few milliseconds for 5,000 clips), not in a ``QSortFilterProxyModel``, whose
per-comparison calls into Python would take far longer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
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

from annotators.browse import ClipRow, library_rows, missing_files
from annotators.export.timecode import timecode
from annotators.project import Project
from annotators.store.models import Video
from annotators.study import my_clips

from ..queries import LatestReader, annotation_counts
from ..study_actions import set_done
from ..workspace import Workspace

COLUMNS = ("Clip", "Length", "Text", "Mine", "Done")
DONE = COLUMNS.index("Done")
DONE_TEXT = {None: "", False: "○", True: "✓"}
# widest text each fixed column shows (measuring 5,000 rows' contents would stall the UI);
# a column is as wide as this or its header, whichever is wider, plus PADDING: every pixel
# more goes to the clip names, which are what a coder reads (at 1366x768 they were cut to
# "cli…mp4" when the fixed columns took generous samples)
SAMPLE_TEXT = ("", "00:00.0", "silent", "999", "✓")
PADDING = 12
Index = QModelIndex | QPersistentModelIndex

__all__ = ["ClipRow", "LibraryModel", "LibraryPanel"]


def done_marks(project: Project, coder: str) -> dict[int, bool]:
    """My done mark per assigned video id (a clip of several rounds is done when all are)."""
    marks: dict[int, bool] = {}
    for clip in my_clips(project, coder):
        marks[clip.video.id] = marks.get(clip.video.id, True) and clip.done
    return marks


TRANSCRIPT_TEXT = {"": "–", "ok": "yes", "no_speech": "silent"}


def transcript_text(row: ClipRow) -> str:
    """The Text column: the transcript's language (``es``), ``silent``, or ``–`` when the clip
    is not transcribed (``– fr`` when a coder set its language, to be transcribed in)."""
    if row.transcript == "ok" and row.language:
        return row.language
    if not row.transcript and row.video.language:
        return f"– {row.video.language}"
    return TRANSCRIPT_TEXT.get(row.transcript, row.transcript)


MISSING_COLOUR = QColor("#d9822b")  # warning orange, readable on light and dark rows


class LibraryModel(QAbstractTableModel):
    """Table model over :class:`ClipRow` values that sorts and filters itself.

    ``rows`` holds every clip in import order; the view shows ``rows[i] for i in shown``.
    """

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[ClipRow] = []
        self.shown: list[int] = []
        self.done: dict[int, bool] = {}  # my done marks by video id (assigned clips only)
        self.only_mine = False
        # kept apart from the rows: they arrive later, and replacing 5,000 rows costs time
        self.counts: dict[int, int] | None = None  # my annotations by video id, once counted
        self.missing: dict[int, Path] = {}  # where missing files should be, by video id
        self._filter = ""
        self._sort: tuple[int, bool] = (0, False)  # column, descending
        self._position: dict[int, int] = {}  # video id -> shown row

    def set_rows(self, rows: list[ClipRow]) -> None:
        """Show ``rows`` (sorted and filtered as before)."""
        self.beginResetModel()
        self.rows = rows
        self._arrange()
        self.endResetModel()

    def set_filter(self, text: str) -> None:
        """Show only clips whose file name contains ``text`` (case-insensitive)."""
        self.beginResetModel()
        self._filter = text.strip().lower()
        self._arrange()
        self.endResetModel()

    def set_done(self, done: dict[int, bool]) -> None:
        """Show fresh done marks (``done`` by video id; absent: not assigned to me)."""
        self.beginResetModel()
        self.done = done
        self._arrange()
        self.endResetModel()

    def set_only_mine(self, only_mine: bool) -> None:
        """Show only the clips assigned to me."""
        self.beginResetModel()
        self.only_mine = only_mine
        self._arrange()
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        # the view's selection and current row are persistent indexes: they must follow their
        # clips to the new rows, or the highlight lands on another clip than the one on screen
        kept = self.persistentIndexList()
        ids = [self.rows[self.shown[index.row()]].video.id for index in kept]
        self._sort = (column, order == Qt.SortOrder.DescendingOrder)
        self._arrange()
        moved = [self._moved(index, video_id) for index, video_id in zip(kept, ids, strict=True)]
        self.changePersistentIndexList(kept, moved)
        self.layoutChanged.emit()

    def _moved(self, index: QModelIndex, video_id: int) -> QModelIndex:
        row = self._position.get(video_id)
        return QModelIndex() if row is None else self.index(row, index.column())

    def set_counts(self, counts: dict[int, int]) -> None:
        """Show fresh annotation counts (``counts`` by video id; absent means 0)."""
        self.counts = counts
        if self._sort[0] == 3:  # sorted by count: the order may change
            order = Qt.SortOrder.DescendingOrder if self._sort[1] else Qt.SortOrder.AscendingOrder
            self.sort(3, order)
        elif self.shown:
            self.dataChanged.emit(self.index(0, 3), self.index(len(self.shown) - 1, 3))

    def set_missing(self, missing: dict[int, Path]) -> None:
        """Mark the clips whose file is missing (``missing`` by video id), unmark the others."""
        self.missing = missing
        if self.shown:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.shown) - 1, 0))

    def mine(self, video_id: int) -> int | None:
        """My annotation count of a video, None until counted."""
        return None if self.counts is None else self.counts.get(video_id, 0)

    def _sort_key(self, column: int):  # type: ignore[no-untyped-def]
        """The key a column sorts by (uncounted sorts first)."""
        counts = self.counts or {}
        return (
            lambda row: row.video.file_name.lower(),
            lambda row: row.video.duration_s,
            transcript_text,
            lambda row: counts.get(row.video.id, 0 if self.counts is not None else -1),
            lambda row: int(self.done.get(row.video.id, -1)),
        )[column]

    def _arrange(self) -> None:
        text, rows = self._filter, self.rows
        mine = self.done if self.only_mine else None
        keep = [
            i
            for i, row in enumerate(rows)
            if text in row.video.file_name.lower() and (mine is None or row.video.id in mine)
        ]
        column, descending = self._sort
        key = self._sort_key(column)
        # ties keep import order, also when descending
        self.shown = sorted(keep, key=lambda i: key(rows[i]), reverse=descending)
        self._position = {rows[i].video.id: r for r, i in enumerate(self.shown)}

    def row(self, shown_row: int) -> ClipRow:
        """The clip on row ``shown_row`` of the view."""
        return self.rows[self.shown[shown_row]]

    def position(self, video_id: int) -> int | None:
        """The view row of a video, None when filtered out or unknown."""
        return self._position.get(video_id)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self.shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return "✓" if section == DONE else COLUMNS[section]  # narrow: clip names need room
        if role == Qt.ItemDataRole.ToolTipRole and section == DONE:
            return "Done: ✓ you marked the clip done, ○ assigned to you, still to do"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row(index.row())
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                row.video.file_name,
                timecode(row.video.duration_s)[3:-2],  # mm:ss.s
                transcript_text(row),
                _count_text(self.mine(row.video.id)),
                DONE_TEXT[self.done.get(row.video.id)],
            )[column]
        if role == Qt.ItemDataRole.UserRole:
            return self._sort_key(column)(row)
        where = self.missing.get(row.video.id) if column == 0 else None
        if where is not None:
            missing = self._missing_data(where, role)
            if missing is not None:
                return missing
        if role == Qt.ItemDataRole.ToolTipRole and column in (2, 3, DONE):
            return (
                "Transcript: its language (en, es, …), silent (no speech found) or – (not "
                "transcribed; – fr: to be transcribed in the language set for it)",
                "Annotations you made in this clip",
                "✓ you marked this clip done, ○ assigned to you, still to do",
            )[column - 2]
        if role == Qt.ItemDataRole.ToolTipRole:
            v = row.video
            return f"{v.path}\n{v.width}×{v.height}, {v.frame_count} frames, {v.fps:.2f} fps"
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (1, 3, DONE):
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    _warning_icon = None  # made once: the style's icon lookup is slow for thousands of rows

    @classmethod
    def _missing_data(cls, path: Path, role: int) -> Any:
        """How the clip column marks a video whose file is missing (None: as usual)."""
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(MISSING_COLOUR)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"file missing: {path}"
        if role == Qt.ItemDataRole.DecorationRole:
            if cls._warning_icon is None:
                style = QApplication.style()
                cls._warning_icon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            return cls._warning_icon
        return None


def _count_text(count: int | None) -> str:
    return "…" if count is None else str(count)


class LibraryPanel(QWidget):
    """Filter box over a sortable table of clips; keeps the current clip selected.

    ``loaded()`` fires each time fresh rows are shown (the window picks the clip to show when
    the first rows of a newly opened project arrive).
    """

    loaded = Signal()
    order_changed = Signal()  # sorted or filtered: the clips' places in the list moved

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.model = LibraryModel()
        self.reader = LatestReader("library", self)
        self.files = LatestReader("library-files", self)
        self.marks = LatestReader("library-done", self)
        self.counter = LatestReader("library-counts", self)
        self._check_files = False
        self._syncing = False  # True while showing the current clip: not a user's choice
        self.filter = QLineEdit(placeholderText="Filter clips…", clearButtonEnabled=True)
        self.filter.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.filter.textChanged.connect(self._on_filter)
        self.only_mine = QCheckBox("My clips")
        self.only_mine.setToolTip("Show only the clips assigned to you")
        self.only_mine.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.only_mine.toggled.connect(self._on_only_mine)
        self.table = self._make_table()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.only_mine)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self._show_assigned(False)
        self.setMinimumWidth(300)
        workspace.project_changed.connect(self._on_project)
        workspace.data_changed.connect(self._on_data_changed)
        workspace.clip_changed.connect(self._show_current)

    def _make_table(self) -> QTableView:
        table = QTableView(self)
        table.setModel(self.model)
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
        metrics, heading = table.fontMetrics(), header.fontMetrics()
        for column in range(1, len(COLUMNS)):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal, 0))
            width = max(metrics.horizontalAdvance(SAMPLE_TEXT[column]),
                        heading.horizontalAdvance(title))  # fmt: skip
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width + PADDING)
        table.selectionModel().currentRowChanged.connect(self._on_row)
        self.model.layoutChanged.connect(self.order_changed)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._context_menu)
        return table

    def _context_menu(self, point: QPoint) -> None:
        index = self.table.indexAt(point)
        if not index.isValid():
            return
        video = self.model.row(index.row()).video
        done = self.model.done.get(video.id)
        menu = QMenu(self)
        action = menu.addAction("Reopen" if done else "Mark done\tCtrl+Shift+D")
        action.setEnabled(done is not None)
        action.triggered.connect(lambda: set_done(self.workspace, video, not done))
        menu.exec(self.table.viewport().mapToGlobal(point))

    def done_state(self, video: Video | None) -> bool | None:
        """My done mark of ``video``: None when it is not assigned to me."""
        return None if video is None else self.model.done.get(video.id)

    def _show_assigned(self, assigned: bool) -> None:
        """Done marks and "My clips" mean something only to a coder with assigned clips."""
        self.table.setColumnHidden(DONE, not assigned)
        self.only_mine.setVisible(assigned)
        if not assigned:
            self.only_mine.setChecked(False)

    def _got_done(self, done: dict[int, bool]) -> None:
        self.model.set_done(done)
        self._show_assigned(bool(done))
        self._show_current(self.workspace.clip, scroll_to=False)

    def _refresh_done(self) -> None:
        project, coder = self.workspace.project, self.workspace.coder
        if project is None or coder is None:
            return
        name = coder.name
        self.marks.request(lambda: done_marks(project, name), self._got_done)

    def _on_only_mine(self, only_mine: bool) -> None:
        self.model.set_only_mine(only_mine)
        self._show_current(self.workspace.clip)
        self.order_changed.emit()

    def _on_project(self) -> None:
        self.files.cancel()  # the previous project's files and counts must not mark these
        self.counter.cancel()
        self.model.counts, self.model.missing = None, {}
        self.model.set_rows([])
        self.refresh(check_files=True)

    def refresh(self, check_files: bool = True) -> None:
        """Reload the rows from the database in the background (then check files if asked)."""
        project, coder = self.workspace.project, self.workspace.coder
        if project is None or coder is None:
            self.model.set_rows([])
            return
        # a newer request replaces a pending one: it must also do the file check that one asked
        self._check_files = self._check_files or check_files
        # the clips first (quick), then the counts (a grouped query over every annotation)
        self.reader.request(lambda: library_rows(project, None), self._got_rows)
        self._refresh_done()

    def _got_rows(self, rows: list[ClipRow]) -> None:
        check_files, self._check_files = self._check_files, False
        # the model keeps its counts and missing marks until they are read again
        scroll = self.table.verticalScrollBar().value()
        self.model.set_rows(rows)
        self.table.verticalScrollBar().setValue(scroll)
        self._show_current(self.workspace.clip, scroll_to=False)
        project = self.workspace.project
        self._refresh_counts()
        if check_files and project is not None:
            videos = [row.video for row in rows]
            self.files.request(lambda: missing_files(project, videos), self.model.set_missing)
        self.loaded.emit()

    def _on_data_changed(self, kind: str) -> None:
        if kind in ("annotations", "counts"):  # counts: another clip's, changed by someone else
            self._refresh_counts()  # the clips and their files are as they were
        elif kind in ("videos", "transcripts"):
            self.refresh(check_files=kind == "videos")
        elif kind == "assignments":
            self._refresh_done()

    def _refresh_counts(self) -> None:
        project, coder = self.workspace.project, self.workspace.coder
        if project is None or coder is None:
            return
        coder_id = coder.id
        self.counter.request(
            lambda: annotation_counts(project, coder_id, viewer_id=coder_id), self.model.set_counts
        )

    def _on_filter(self, text: str) -> None:
        self.model.set_filter(text)
        self._show_current(self.workspace.clip)
        self.order_changed.emit()

    @property
    def idle(self) -> bool:
        """True when the rows, counts, done marks and file checks asked for have arrived."""
        return self.reader.idle and self.files.idle and self.counter.idle and self.marks.idle

    def visible_clips(self) -> list[Video]:
        """Clips in the order shown (filtered and sorted): PageUp/PageDown follow this order."""
        return [self.model.rows[i].video for i in self.model.shown]

    def _on_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and not self._syncing:
            self.workspace.set_clip(self.model.row(current.row()).video)

    def _show_current(self, video: Video | None, scroll_to: bool = True) -> None:
        """Select the row of ``video`` without re-emitting a clip change."""
        row = None if video is None else self.model.position(video.id)
        if row is None:
            return
        # not blockSignals(): the view repaints the selection from those signals, so blocking
        # them left the old row highlighted after PageUp/PageDown (h-d1's finding)
        self._syncing = True
        try:
            self.table.selectRow(row)
        finally:
            self._syncing = False
        if scroll_to:
            self.table.scrollTo(self.model.index(row, 0))
