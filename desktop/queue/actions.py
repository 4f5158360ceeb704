"""Clip ▸ Transcribe on workers and View ▸ Transcription queue.

They take the workspace and a parent widget (never the main window): queuing runs on the
workspace's writer thread, the queue window reads on its own thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from .panel import QueuePanel

if TYPE_CHECKING:
    from annotators.queue import EnqueueReport

    from ..workspace import Workspace

NEEDS_SERVER = (
    "Transcribing on workers needs a team project on a PostgreSQL server "
    "(storyframe init PROJECT --database postgresql://host/dbname); this project is a "
    "single file. Use Clip ▸ Transcribe all clips instead."
)


class QueueDialog(QDialog):
    """A window around the :class:`QueuePanel`; it stops reading when closed."""

    def __init__(self, panel: QueuePanel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Transcription queue")
        self.panel = panel
        layout = QVBoxLayout(self)
        layout.addWidget(panel)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.resize(640, 420)
        self.finished.connect(lambda _result: panel.stop())


def show_queue(
    ws: Workspace, parent: QWidget, show_error: Callable[[str], None]
) -> QueueDialog | None:
    """Open the queue window of the workspace's server project (one at a time)."""
    project = ws.project
    if project is None:
        return None
    if project.server is None:
        show_error(NEEDS_SERVER)
        return None
    for existing in parent.findChildren(QueueDialog):
        if existing.isVisible() and existing.panel.project is project:
            existing.raise_()
            return existing
        existing.deleteLater()  # closed, or another project's
    dialog = QueueDialog(QueuePanel(project), parent)
    dialog.panel.transcripts_stored.connect(lambda: ws.data_changed.emit("transcripts"))
    ws.project_changed.connect(dialog.close)  # it shows the queue of the project it opened on
    dialog.panel.start()
    dialog.show()
    return dialog


def transcribe_on_workers(
    ws: Workspace,
    parent: QWidget,
    show_error: Callable[[str], None],
    show_message: Callable[[str], None],
) -> None:
    """Queue every clip without a transcript for the workers, then show the queue."""
    from annotators.queue import enqueue_clips

    project = ws.project
    if project is None:
        return
    if project.server is None:
        show_error(NEEDS_SERVER)
        return

    def queued(report: EnqueueReport) -> None:
        show_message(
            f"Queued {len(report.job_ids)} clips for the workers ({report.already_queued} were "
            f"already queued, {report.already_done} already had a transcript)."
        )
        show_queue(ws, parent, show_error)

    ws.run(lambda: enqueue_clips(project), "queue", queued)
