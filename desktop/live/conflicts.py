"""A non-modal notice over the player when an edit or undo was refused because someone else
changed the row: their value beside yours, whose row and when, and the views re-read it."""

from __future__ import annotations

from datetime import UTC
from html import escape as _escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from annotators.live.conflicts import Conflict

if TYPE_CHECKING:
    from ..workspace import Workspace

NAMES = {"start_frame": "start", "end_frame": "end", "code_id": "code", "value": "value",
         "note": "note", "source": "source"}  # fmt: skip


def conflict_html(conflict: Conflict) -> str:
    """The notice's text: what was refused, each field theirs / yours, whose and when."""
    noun = conflict.table.replace("clipvalue", "clip value")
    title = f"Not saved: someone else changed this {noun} ({noun} {conflict.row_id})"
    if conflict.deleted:
        title = f"Not saved: someone else deleted this {noun} ({noun} {conflict.row_id})"
    rows = "".join(
        f"<tr><td>{escape(NAMES.get(f.name, f.name))}</td><td><b>{escape(_shown(f.theirs))}"
        f"</b></td><td>{escape(_shown(f.yours))}</td></tr>"
        for f in conflict.fields
    )
    table = (
        "<table cellspacing='0' cellpadding='2'><tr><th align='left'></th>"
        f"<th align='left'>now (theirs)</th><th align='left'>yours</th></tr>{rows}</table>"
        if rows and not conflict.deleted
        else ""
    )
    who = f"{escape(conflict.owner)}'s row" if conflict.owner else "the row"
    when = (
        f", last changed {conflict.changed_at.replace(tzinfo=UTC).astimezone():%H:%M:%S}"
        if conflict.changed_at is not None
        else ""
    )
    return (
        f"<b>{escape(title)}</b>{table}<small>{who}{when}, in another window or on another "
        "machine. The view now shows it as it is; make your change again if it still holds.</small>"
    )


def escape(text: str) -> str:
    """``text`` safe in rich text (quotes kept: the label shows text, not attributes)."""
    return _escape(text, quote=False)


def _shown(value: Any) -> str:
    return "(empty)" if value is None or value == "" else str(value)


class ConflictNotice(QFrame):
    """Shown on ``workspace.conflict``; stays until closed or the next refused edit."""

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.setObjectName("conflict_notice")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.message = QLabel(wordWrap=True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QPushButton("Close", clicked=self.hide)
        close.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the player
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(row)
        self.hide()
        workspace.conflict.connect(self.show_conflict)
        workspace.project_changed.connect(self.hide)

    def show_conflict(self, conflict: Conflict) -> None:
        """Say what changed and re-read the views of that kind (they show the current row)."""
        self.conflict = conflict
        self.message.setText(conflict_html(conflict))
        self.show()
        self.workspace.data_changed.emit(conflict.kind)
