"""The review view: one clip's work by every coder side by side, and the reviewer's consensus.

The clips to review are listed with the most disagreements first (Next disputed clip walks
them). For the current clip it shows the disagreements first (click one to seek the player there),
each coder's clip values in columns beside the consensus column (disputed variables on top),
one timeline track per coder for each code with the consensus track under them, and the
provenance of every consensus row. The reviewer takes a coder's value or annotation (Take,
Ctrl+Return), edits a consensus row, or enters a new one; each decision runs on the
workspace's writer thread through :mod:`desktop.review.adjudicate`. Blind mode does not
apply here: this view is for the lead.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from annotators.store.models import Annotation, ClipValue, Code

from ..playback import Playback
from ..workspace import Workspace
from . import adjudicate
from .dialogs import AnnotationDialog, ValueDialog
from .disagreements import Disagreement, by_clip, clips_to_review, disagreement_job
from .latest import LatestJob
from .review_data import ClipReview, clip_review_job, coder_names
from .review_timeline import ReviewTimeline, review_rows
from .texts import disagreement_text, provenance_text, settled_text
from .values_table import ValuesTable

# data_changed kinds after which the coders may agree differently
CHANGES_CODERS_WORK = ("annotations", "clip_values", "codebook", "videos")


class ReviewPanel(QWidget):
    """The lead's review of the workspace's current clip (see the module docstring)."""

    def __init__(self, workspace: Workspace, playback: Playback, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace, self.playback = workspace, playback
        self.review: ClipReview | None = None
        self.disagreements: list[Disagreement] = []
        self.picked: ClipValue | Annotation | None = None
        self.finder = LatestJob("Disagreements", self)  # the whole project's, by clip
        self.loader = LatestJob("Review", self)  # the current clip's work, every coder
        self.found_by_clip: dict[int, list[Disagreement]] | None = None  # None: searching
        self.finder_message = ""  # why there are none (the core's refusal)
        self._build()
        self._connect()

    # -- composition --------------------------------------------------------------------
    def _build(self) -> None:
        self.title = QLabel(wordWrap=True)
        self.clip_choice = QComboBox(minimumContentsLength=24)
        self.clip_choice.setToolTip("Clips with disagreements, the most disputed first")
        self.next_button = QPushButton("Next disputed clip", clicked=self.next_disputed_clip)
        self.disagreement_list = QListWidget()
        self.disagreement_list.setWordWrap(True)
        self.disagreement_list.setAlternatingRowColors(True)
        self.values = ValuesTable()
        self.timeline = ReviewTimeline()
        timeline_scroll = QScrollArea(widgetResizable=True)
        timeline_scroll.setWidget(self.timeline)
        timeline_scroll.setMinimumHeight(90)
        self.provenance = QListWidget()
        self.note = QLineEdit(placeholderText="note for the next decision (why)")
        self.take_button = QPushButton("Take (Ctrl+Return)", clicked=self.take, enabled=False)
        self.edit_button = QPushButton("Edit consensus…", clicked=self.edit, enabled=False)
        self.new_button = QPushButton("New consensus annotation…", clicked=self.new_annotation)
        self.drop_button = QPushButton("Remove", clicked=self.drop, enabled=False)
        self.drop_button.setToolTip("Remove the selected row from the consensus layer")
        self.provenance.setWordWrap(True)
        self.provenance.setAlternatingRowColors(True)
        top = QSplitter()
        top.addWidget(self._column(QLabel("<b>Disagreements</b>"), self.disagreement_list))
        top.addWidget(self._column(QLabel("<b>Clip variables</b>"), self.values))
        top.addWidget(self._column(QLabel("<b>Consensus provenance</b>"), self.provenance))
        top.setStretchFactor(1, 2)
        top.setSizes([270, 700, 300])
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(timeline_scroll)
        split.setSizes([200, 160])
        actions = QHBoxLayout()
        for widget in (self.note, self.take_button, self.edit_button, self.new_button,
                       self.drop_button):  # fmt: skip
            actions.addWidget(widget, 1 if widget is self.note else 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 0)
        heading = QHBoxLayout()
        heading.addWidget(self.title, 1)
        heading.addWidget(QLabel("Clips to review:"))
        heading.addWidget(self.clip_choice)
        heading.addWidget(self.next_button)
        layout.addLayout(heading)
        layout.addWidget(split, 1)
        layout.addLayout(actions)

    @staticmethod
    def _column(*widgets: QWidget) -> QWidget:
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            column.addWidget(widget, 1 if isinstance(widget, QListWidget | QTableWidget) else 0)
        return holder

    def _connect(self) -> None:
        ws = self.workspace
        ws.clip_changed.connect(lambda _video: self.refresh())
        ws.project_changed.connect(lambda: self.refresh(find=True))
        self.clip_choice.activated.connect(self._clip_chosen)
        ws.data_changed.connect(self._on_data_changed)
        self.playback.position_changed.connect(self.timeline.set_playhead)
        self.playback.loaded.connect(lambda _n: self._clip_loaded())
        self.timeline.seek_requested.connect(self.seek)
        self.timeline.selected.connect(self._bar_picked)
        self.values.currentCellChanged.connect(
            lambda row, column, *_: self._cell_picked(row, column)
        )
        self.values.cellDoubleClicked.connect(lambda row, column: self._cell_double_clicked(column))
        self.disagreement_list.itemClicked.connect(self._disagreement_clicked)
        self.finder.failed.connect(self._finder_failed)
        self.loader.failed.connect(self.workspace.error)

    def _on_data_changed(self, kind: str) -> None:
        if self.isVisible() and kind in CHANGES_CODERS_WORK + ("consensus",):
            self.refresh(find=kind in CHANGES_CODERS_WORK)  # consensus: the coders agree as before

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def] # noqa: N802 - Qt API
        super().showEvent(event)
        self.refresh(find=True)

    # -- reading ------------------------------------------------------------------------
    def refresh(self, find: bool = False) -> None:
        """Re-read the clip's work; with ``find``, search the project's disagreements again."""
        ws = self.workspace
        if not self.isVisible() or ws.project is None:
            return
        if find:
            self._find_all()
        if ws.clip is None:
            self.loader.cancel()
            self.review, self.picked = None, None
            self.title.setText("Review: no clip")
            self._show_values()
            return
        self.loader.start(clip_review_job(ws.project, ws.clip.id), self._show_review)

    def _show_review(self, review: ClipReview) -> None:
        """Show a clip's work once the worker read it (if that clip is still the current one)."""
        ws = self.workspace
        if ws.clip is None or review.video_id != ws.clip.id:
            return
        self.review = review
        names = ", ".join(c.name for c in review.coders) or "nobody yet"
        self.title.setText(f"<b>Review: {ws.clip.file_name}</b> — coded by {names}; "
                           f"reviewer {ws.coder.name if ws.coder else '?'}")  # fmt: skip
        self._show_clip_disagreements()
        self._show_values()
        self._show_timeline()
        self._show_provenance()
        self._show_clip_choice()
        self._update_buttons()

    def _find_all(self) -> None:
        """Search every clip's disagreements among the coders (in a worker)."""
        coders = coder_names(self.workspace.project)
        self.found_by_clip, self.finder_message = None, ""
        if len(coders) < 2:
            self.found_by_clip = {}
            self.finder.cancel()
            self.finder_message = "Fewer than two coders have coded anything yet."
            return
        job = disagreement_job(self.workspace.project, coders)
        self.finder.start(job, lambda report: self._found(by_clip(report)))

    def _found(self, found: dict[int, list[Disagreement]]) -> None:
        self.found_by_clip = found
        if self.review is not None:
            self._show_clip_disagreements()
            self._show_values()
            self._show_clip_choice()

    def _finder_failed(self, message: str) -> None:
        self.found_by_clip, self.finder_message = {}, message
        if self.review is not None:
            self._show_clip_disagreements()

    def _show_clip_disagreements(self) -> None:
        """Take this clip's disagreements from the project's and list them."""
        review = self.review
        found = self.found_by_clip
        self.disagreements = [] if found is None else found.get(review.video_id, [])
        self._show_disagreements()
        if found is None:
            self.disagreement_list.clear()
            self.disagreement_list.addItem("Looking for disagreements…")
        elif self.finder_message or len(review.coders) < 2:
            self.disagreement_list.clear()
            self.disagreement_list.addItem(
                self.finder_message or "Fewer than two coders coded this clip."
            )

    def _show_disagreements(self) -> None:
        """List the disagreements (times from the player's frame table, once it is loaded)."""
        self.disagreement_list.clear()
        labels = {code.key: code.label for code in self.review.codes}
        settled = {id(item): settled_text(item, self.review) for item in self.disagreements}
        # the ones still to settle first; settled ones stay listed, greyed, with the decision
        for item in sorted(self.disagreements, key=lambda d: settled[id(d)] is not None):
            text = disagreement_text(item, labels, self._time_of)
            decision = settled[id(item)]
            entry = QListWidgetItem(text if decision is None else f"✓ {text} — {decision}")
            if decision is not None:
                entry.setForeground(self.palette().color(QPalette.ColorRole.PlaceholderText))
                entry.setToolTip("Settled in the consensus layer")
            entry.setData(Qt.ItemDataRole.UserRole, item)
            self.disagreement_list.addItem(entry)
        if not self.disagreements:
            self.disagreement_list.addItem("No disagreements: the coders agree on this clip.")
        self.timeline.set_marks([d.frame for d in self.disagreements if d.frame is not None])

    def _show_clip_choice(self) -> None:
        """The clips with disagreements, most first, the current one selected."""
        rows = clips_to_review(self.found_by_clip or {})
        self.clip_choice.blockSignals(True)
        self.clip_choice.clear()
        for video_id, file_name, count in rows:
            self.clip_choice.addItem(f"{file_name}  ({count})", video_id)
        current = self.clip_choice.findData(self.review.video_id if self.review else None)
        if current < 0 and rows:
            self.clip_choice.insertItem(0, "— a clip without disagreements —", None)
            current = 0
        self.clip_choice.setCurrentIndex(current)
        self.clip_choice.setEnabled(bool(rows))
        self.next_button.setEnabled(bool(rows))
        self.clip_choice.blockSignals(False)

    def _clip_chosen(self, index: int) -> None:
        video_id = self.clip_choice.itemData(index)
        if video_id is not None and self.workspace.project is not None:
            self.workspace.set_clip(self.workspace.project.video(video_id))

    def next_disputed_clip(self) -> None:
        """Go to the next clip in the list of clips with disagreements (wrapping round)."""
        ids = [row[0] for row in clips_to_review(self.found_by_clip or {})]
        if not ids:
            return
        current = self.review.video_id if self.review else None
        following = (ids.index(current) + 1) % len(ids) if current in ids else 0
        self.workspace.set_clip(self.workspace.project.video(ids[following]))

    def _time_of(self, frame: int) -> float | None:
        """The time of ``frame`` of the clip under review; None until the player has it."""
        clip = self.workspace.clip
        loaded = clip is not None and self.playback.frame_count == clip.frame_count
        return self.playback.time_of(frame) if loaded and 0 <= frame < clip.frame_count else None

    # -- showing ------------------------------------------------------------------------
    def _show_values(self) -> None:
        disputed = {d.code_key for d in self.disagreements if d.frame is None}
        self.values.show_review(self.review, disputed)

    def _show_timeline(self) -> None:
        review, clip = self.review, self.workspace.clip
        if clip is None or self.playback.frame_count != clip.frame_count:
            # the player still has the previous clip: draw on no frame table until it loads
            self.timeline.set_clip(np.zeros(0))
        rows = review_rows(review.timed_codes, review.layers(),
                           review.consensus.id if review.consensus else None)  # fmt: skip
        self.timeline.show_rows(rows, review.annotations)

    def _show_provenance(self) -> None:
        self.provenance.clear()
        review = self.review
        records = review.provenance
        labels = {code.key: code.label for code in review.codes}
        frames = {a.uid: a.start_frame for a in review.annotations}
        for record in records:
            self.provenance.addItem(provenance_text(record, labels, frames))
        if not records:
            self.provenance.addItem("No consensus yet: take a coder's value or annotation.")

    def _clip_loaded(self) -> None:
        self.timeline.set_clip(self.playback.timestamps)
        if self.review is not None:
            self._show_timeline()
            if self.disagreements:
                self._show_disagreements()

    # -- picking ------------------------------------------------------------------------
    def _cell_picked(self, row: int, column: int) -> None:
        if self.review is not None and row >= 0 and column >= 0:
            self.picked = self.values.value_at(row, column)
            self._update_buttons()

    def pick_annotation(self, annotation_id: int) -> None:
        """Select an annotation of any layer, as a click on its bar does."""
        self.timeline.set_selection(annotation_id)
        self._bar_picked(annotation_id)

    def _bar_picked(self, annotation_id: int | None) -> None:
        self.picked = self.timeline.by_annotation.get(annotation_id) if annotation_id else None
        self._update_buttons()

    def _is_consensus(self, row: ClipValue | Annotation | None) -> bool:
        consensus = self.review.consensus if self.review else None
        return row is not None and consensus is not None and row.coder_id == consensus.id

    def _update_buttons(self) -> None:
        self.take_button.setEnabled(self.picked is not None and not self._is_consensus(self.picked))
        consensus_cell = self.values.on_consensus_column()
        self.edit_button.setEnabled(self._is_consensus(self.picked) or consensus_cell)
        self.drop_button.setEnabled(self._is_consensus(self.picked))

    def _disagreement_clicked(self, entry: QListWidgetItem) -> None:
        item = entry.data(Qt.ItemDataRole.UserRole)
        if not isinstance(item, Disagreement):
            return
        if item.frame is not None:
            self.seek(item.frame)
            return
        self.values.select_code(item.code_key)

    def seek(self, frame: int) -> None:
        """Show ``frame`` in the player (paused)."""
        self.playback.pause()
        self.playback.seek(frame)

    # -- deciding -----------------------------------------------------------------------
    def _reviewer(self) -> str | None:
        return self.workspace.coder.name if self.workspace.coder is not None else None

    def _note(self) -> str | None:
        """The reviewer's note, None when none was typed (an edit then keeps the old note)."""
        return self.note.text().strip() or None

    def _decide(self, operation: Any) -> None:
        self.note.clear()
        self.workspace.run(operation, "consensus")

    def take(self) -> None:
        """Copy the picked coder row into the consensus layer, with the note."""
        row, reviewer = self.picked, self._reviewer()
        if row is None or reviewer is None or self._is_consensus(row):
            return
        project = self.workspace.project
        self._decide(adjudicate.take(project, reviewer, row.uid, self.note.text().strip()))

    def edit(self) -> None:
        """Edit the picked consensus annotation, or the consensus value of the picked variable."""
        if self.review is None or self._reviewer() is None:
            return
        if isinstance(self.picked, Annotation) and self._is_consensus(self.picked):
            self._edit_annotation(self.picked)
        elif self.values.current_code() is not None:
            self._edit_value(self.values.current_code())

    def _cell_double_clicked(self, column: int) -> None:
        if self.values.on_consensus_column(column):
            self.edit()
        else:
            self.take()

    def _edit_value(self, code: Code) -> None:
        consensus = self.review.consensus
        current = self.review.value(consensus.id, code.id) if consensus else None
        dialog = ValueDialog(code, current.value if current else None, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        project, reviewer, note = self.workspace.project, self._reviewer(), self.note.text().strip()
        if current is not None:
            operation = adjudicate.edit(project, reviewer, current.uid, value=dialog.value(),
                                        note=self._note())  # fmt: skip
        else:
            operation = adjudicate.set_value(project, reviewer, self.review.video_id, code.id,
                                             dialog.value(), note)  # fmt: skip
        self._decide(operation)

    def _edit_annotation(self, row: Annotation) -> None:
        code = next(c for c in self.review.codes if c.id == row.code_id)
        dialog = AnnotationDialog([code], row.start_frame, row.end_frame,
                                  self.playback.frame_count, fixed_code=True, value=row.value,
                                  parent=self)  # fmt: skip
        if dialog.exec() == QDialog.DialogCode.Accepted:
            changes = {**dialog.fields(), "note": self._note()}
            self._decide(adjudicate.edit(self.workspace.project, self._reviewer(), row.uid,
                                         **changes))  # fmt: skip

    def drop(self) -> None:
        """Remove the picked consensus row (and its provenance)."""
        if self._is_consensus(self.picked):
            self._decide(adjudicate.drop(self.workspace.project, self.picked.uid))
            self.picked = None

    def new_annotation(self) -> None:
        """Enter a consensus annotation nobody coded (code, frames from the playhead)."""
        if self.review is None or self._reviewer() is None:
            return
        codes = [c for c in self.review.codes if c.kind in ("point", "interval")]
        if isinstance(self.picked, Annotation):  # start with the picked bar's code
            codes.sort(key=lambda c: c.id != self.picked.code_id)
        here = self.playback.current
        dialog = AnnotationDialog(codes, here, here, self.playback.frame_count, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        fields = dialog.fields()
        self._decide(adjudicate.add_annotation(
            self.workspace.project, self._reviewer(), self.review.video_id,
            dialog.selected_code().id, fields["start_frame"], fields["end_frame"],
            value=fields["value"], note=self.note.text().strip(),
        ))  # fmt: skip
