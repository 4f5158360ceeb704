"""The annotation table panel: filters over a paged, sortable, editable table of annotations.

- "Whole project" switches between the current clip's annotations and every annotation;
  the code box and the text box filter (in SQL, on a worker thread, latest wins);
- clicking a row, moving to it with the arrow keys or pressing Enter shows its clip at the
  annotation's start frame and selects it (so Delete removes it, undoably, as on the timeline);
- start / end frame, value and note edit in place (double-click or F2) as coding operations
  on the writer thread; the table re-reads when the workspace reports the change.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotators.browse import (
    COLUMNS,
    AnnotationQuery,
    AnnotationRow,
    annotation_page,
    count_annotations,
    neighbour_annotation,
)

from ..coding import CodingController
from ..playback import Playback
from ..queries import LatestReader, active_codes, visible_coders
from ..workspace import Workspace
from .delegate import ValueDelegate
from .model import HEADERS, PAGE_SIZE, AnnotationTableModel

# initial column widths from sample texts (users can resize; measuring rows would stall the UI)
SAMPLES = ("clip_00000.mp4", "Problem statement", "Coder", "99999", "99999", "00:00:00.000",
           "00:00:00.000", "family_member", "a short note here", "imported")  # fmt: skip
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class AnnotationTable(QTableView):
    """The table view; Enter (not being edited) activates the current row.

    :meth:`claims_key` tells :class:`desktop.keys.KeyRouter` to leave Enter to this table
    instead of ending the open intervals.
    """

    def claims_key(self, event: QKeyEvent) -> bool:
        """True for the keys this table handles itself."""
        editing = self.state() == QAbstractItemView.State.EditingState
        return event.key() in ENTER_KEYS and not editing

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if self.claims_key(event) and self.currentIndex().isValid():
            self.activated.emit(self.currentIndex())
            return
        super().keyPressEvent(event)


class AnnotationTablePanel(QWidget):
    """Every annotation of the current clip (or of the project), for browsing and fixing."""

    def __init__(
        self,
        workspace: Workspace,
        playback: Playback,
        coding: CodingController,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace, self.playback, self.coding = workspace, playback, coding
        self.model = AnnotationTableModel(self._edit, self)
        self.reader = LatestReader("annotations", self)
        self.stepper = LatestReader("annotation-step", self)
        self._sort = AnnotationQuery()
        self._pending_seek: tuple[int, int, int] | None = None  # video id, frame, annotation id
        self._jumped: tuple[int, int] | None = None  # annotation id, frame of the last jump
        self._syncing = False  # True while showing the workspace's selection: not a user's move
        self._build()
        workspace.project_changed.connect(self._on_project)
        workspace.clip_changed.connect(self._on_clip)
        workspace.data_changed.connect(self._on_data_changed)
        workspace.selection_changed.connect(self._show_selection)
        playback.loaded.connect(lambda _count: self._on_loaded())

    # -- layout -------------------------------------------------------------------------
    def _build(self) -> None:
        self.whole_project = QCheckBox("Whole project")
        self.whole_project.setToolTip("Show every clip's annotations, not only this clip's")
        self.whole_project.toggled.connect(lambda _on: self.refresh())
        self.code_filter = QComboBox()
        self.code_filter.setToolTip("Show one code only")
        self.code_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.text_filter = QLineEdit(placeholderText="Filter…", clearButtonEnabled=True)
        self.text_filter.setToolTip("Text in the clip name, code, coder, value, note or source")
        self.text_filter.textChanged.connect(lambda _text: self.refresh())
        self.count = QLabel()
        self.table = self._make_table()
        scope = QHBoxLayout()  # two rows: the dock is often narrow (beside the codebook)
        scope.addWidget(self.whole_project)
        scope.addWidget(self.code_filter, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(scope)
        layout.addWidget(self.text_filter)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)

    def _make_table(self) -> AnnotationTable:
        table = AnnotationTable(self)
        table.setModel(self.model)
        table.setItemDelegate(ValueDelegate(self.model, table))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.setSortIndicator(3, Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(self._on_sort)
        metrics = table.fontMetrics()
        for column, sample in enumerate(SAMPLES):
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 14)
        header.setStretchLastSection(True)
        table.setColumnHidden(0, True)  # the clip is shown only for the whole project
        table.selectionModel().currentRowChanged.connect(lambda index, _old: self._activate(index))
        table.clicked.connect(self._activate)
        table.activated.connect(self._activate)
        return table

    # -- reading ------------------------------------------------------------------------
    def query(self) -> AnnotationQuery | None:
        """What the filters ask for (None: nothing to show, e.g. no clip)."""
        ws = self.workspace
        project_wide = self.whole_project.isChecked()
        if ws.project is None or (not project_wide and ws.clip is None):
            return None
        return AnnotationQuery(
            video_id=None if project_wide else ws.clip.id,  # type: ignore[union-attr]
            code_id=self.code_filter.currentData(),
            # blind mode: only my own rows (desktop.queries)
            coder_ids=visible_coders(ws.project, ws.coder.id) if ws.coder else frozenset(),
            text=self.text_filter.text(),
            sort=self._sort.sort,
            descending=self._sort.descending,
        )

    def refresh(self) -> None:
        """Re-read the count and the rows on screen in the background."""
        query, project = self.query(), self.workspace.project
        self.table.setColumnHidden(0, not self.whole_project.isChecked())
        if query is None or project is None:
            self.reader.cancel()
            self._apply(None, (0, {}))
            return
        first = self.table.rowAt(0) if self.model.total else -1
        pages = sorted({0, max(first, 0) // PAGE_SIZE})

        def read() -> tuple[int, dict[int, list[AnnotationRow]]]:
            total = count_annotations(project, query)
            return total, {p: annotation_page(project, query, p * PAGE_SIZE, PAGE_SIZE)
                           for p in pages if p * PAGE_SIZE < max(total, 1)}  # fmt: skip

        self.reader.request(read, lambda result: self._apply(query, result))

    def _apply(
        self, query: AnnotationQuery | None, result: tuple[int, dict[int, list[AnnotationRow]]]
    ) -> None:
        total, pages = result
        project = self.workspace.project
        scroll = self.table.verticalScrollBar().value()

        def read(page: int) -> list[AnnotationRow]:
            return annotation_page(project, query, page * PAGE_SIZE, PAGE_SIZE)  # type: ignore[arg-type]

        self.model.reset(query or AnnotationQuery(), total, pages, read)
        self.table.verticalScrollBar().setValue(scroll)
        self._show_selection(self.workspace.selection)
        scope = "in the project" if self.whole_project.isChecked() else "in this clip"
        noun = "annotation" if total == 1 else "annotations"
        self.count.setText(f"{total:,} {noun} {scope}" if query is not None else "No clip")

    @property
    def idle(self) -> bool:
        """True once the latest rows asked for are shown (tests, benchmarks)."""
        return self.reader.idle

    def _reload_codes(self) -> None:
        project = self.workspace.project
        current = self.code_filter.currentData()
        self.code_filter.blockSignals(True)
        self.code_filter.clear()
        self.code_filter.addItem("All codes", None)
        codes = active_codes(project) if project is not None else []
        self.model.codes = {code.id: code for code in codes}
        for code in codes:
            if code.kind in ("point", "interval"):
                self.code_filter.addItem(code.label, code.id)
        found = self.code_filter.findData(current)
        self.code_filter.setCurrentIndex(max(found, 0))
        self.code_filter.blockSignals(False)

    def _on_project(self) -> None:
        self._pending_seek = self._jumped = None
        self._reload_codes()
        self.refresh()

    def _on_clip(self, _video: object) -> None:
        if not self.whole_project.isChecked():
            self.refresh()

    def _on_data_changed(self, kind: str) -> None:
        if kind == "codebook":
            self._reload_codes()
        # counts: only another clip's rows changed (someone else's edit), shown project-wide
        whole = kind == "counts" and self.whole_project.isChecked()
        if kind in ("annotations", "codebook", "videos") or whole:
            self.refresh()

    def _on_sort(self, column: int, order: Qt.SortOrder) -> None:
        self._sort = AnnotationQuery(
            sort=COLUMNS[column], descending=order == Qt.SortOrder.DescendingOrder
        )
        self.refresh()

    # -- acting on rows -----------------------------------------------------------------
    def _activate(self, index: QModelIndex) -> None:
        if self._syncing:
            return
        row = self.model.row_at(index.row()) if index.isValid() else None
        if row is not None:
            self.go_to(row)

    def go_to(self, row: AnnotationRow) -> None:
        """Show ``row``'s clip at its start frame and select it (once its frames are known)."""
        ws = self.workspace
        if ws.project is None:
            return
        self.playback.pause()
        self._pending_seek = (row.video_id, row.start_frame, row.id)
        if ws.clip is None or ws.clip.id != row.video_id:
            ws.set_clip(ws.project.video(row.video_id))  # one row by key: instant
        self._seek_pending()

    def _on_loaded(self) -> None:
        # after the player has announced frame 0 of the new clip, not before
        QTimer.singleShot(0, self._seek_pending)

    def _seek_pending(self) -> None:
        pending, clip = self._pending_seek, self.workspace.clip
        if pending is None or clip is None or clip.id != pending[0]:
            return
        if not self.playback.frame_count:
            return  # the clip's frames are still loading: ``loaded`` calls again
        self._pending_seek = None
        _video_id, frame, annotation_id = pending
        self.playback.seek(frame)
        self._jumped = (annotation_id, frame)
        self.workspace.select(annotation_id)

    def _show_selection(self, annotation_id: int | None) -> None:
        """Highlight the selected annotation's row (when loaded) without seeking again."""
        if annotation_id is None:
            return
        row = self.model.find(annotation_id)
        if row is None or row == self.table.currentIndex().row():
            return
        # not blockSignals() (the view would keep painting the old row): a flag instead
        self._syncing = True
        try:
            column = max(self.table.currentIndex().column(), 1)
            self.table.setCurrentIndex(self.model.index(row, column))
            self.table.selectRow(row)
        finally:
            self._syncing = False
        self.table.scrollTo(self.model.index(row, 1))

    def _edit(self, annotation_id: int, field: str, value: Any) -> None:
        index = self.model.find(annotation_id)
        shown = self.model.row_at(index) if index is not None else None
        version = None if shown is None else shown.version  # refused if changed elsewhere
        self.coding.update_annotation(annotation_id, version, **{field: value})

    def step(self, direction: int) -> None:
        """Jump to my next (1) or previous (-1) annotation of this clip from the playhead."""
        ws = self.workspace
        if ws.project is None or ws.clip is None or ws.coder is None:
            return
        project, video_id, coder_id = ws.project, ws.clip.id, ws.coder.id
        frame = self.playback.current
        jumped = self._jumped
        current = jumped[0] if jumped and jumped == (ws.selection, frame) else None
        self.stepper.request(
            lambda: neighbour_annotation(project, video_id, coder_id, frame, direction, current),
            lambda row: self._stepped(row, video_id),
        )

    def _stepped(self, row: AnnotationRow | None, video_id: int) -> None:
        clip = self.workspace.clip
        if row is not None and clip is not None and clip.id == video_id:  # still that clip
            self.go_to(row)


__all__ = ["HEADERS", "AnnotationTable", "AnnotationTablePanel"]
