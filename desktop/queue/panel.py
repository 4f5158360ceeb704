"""The queue panel: counts per state, the machines at work, and the clips that failed with
their errors. Read every :data:`REFRESH_MS` on a worker thread (a slow or unreachable server
never stalls the UI thread); a tick while a read is still under way is skipped."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from annotators.project import Project
    from annotators.queue import QueueStatus

REFRESH_MS = 2000
STATES = ("waiting", "running", "done", "failed")
COLUMNS = ("Clip", "State", "Machine", "Tries", "Error")


class StatusPoller(QObject):
    """Reads the queue on its own thread; ``read`` delivers a :class:`QueueStatus`, and
    ``unreachable`` a sentence, on the UI thread."""

    read = Signal(object)
    unreachable = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="queue-status")
        self._busy = False

    def poll(self, project: Project) -> bool:
        """Start a read unless one is under way; return whether one started."""
        if self._busy:
            return False
        self._busy = True
        self._executor.submit(self._read, project)
        return True

    def _read(self, project: Project) -> None:
        # loaded on first use, on this thread: procrastinate and psycopg cost ~0.12 s of the
        # app's start-up, and only team projects have a queue
        from annotators.queue import queue_status

        try:
            status = queue_status(project)
        except DBAPIError as error:  # the server is restarting or out of reach
            self.unreachable.emit(f"Cannot read the queue: {str(error.orig).splitlines()[0]}")
            return
        finally:
            self._busy = False
        self.read.emit(status)  # queued to the UI thread: this object lives there

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


class QueuePanel(QWidget):
    """Shows one server project's queue, refreshed while the panel is visible.

    ``transcripts_stored`` is emitted when more clips are done than at the previous read
    (workers on other machines stored transcripts: the views showing them can reload).
    """

    transcripts_stored = Signal()

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.poller = StatusPoller(self)
        self.poller.read.connect(self.show_status)
        self.poller.unreachable.connect(self._show_unreachable)
        self._counts = {state: QLabel("–") for state in STATES}
        self._machines = QLabel("No worker is transcribing.")
        self._note = QLabel("Reading the queue…")
        self.table = QTableWidget(0, len(COLUMNS))
        self._build()
        self._done: int | None = None
        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        title = QLabel(f"<b>Transcription queue</b> of {self.project.path.name}")
        layout.addWidget(title)
        grid = QGridLayout()
        for column, state in enumerate(STATES):
            caption = QLabel(state.capitalize())
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            count = self._counts[state]
            count.setAlignment(Qt.AlignmentFlag.AlignCenter)
            count.setStyleSheet("font-size: 20pt; font-weight: bold;")
            count.setObjectName(f"queue-count-{state}")
            grid.addWidget(count, 0, column)
            grid.addWidget(caption, 1, column)
        layout.addLayout(grid)
        self._machines.setWordWrap(True)
        layout.addWidget(self._machines)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        hint = QLabel(
            f"Workers: run <code>storyframe worker {self.project.path.name}</code> on each "
            "machine that reaches the database and the media."
        )
        hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self._note.setStyleSheet("color: gray;")
        layout.addWidget(self._note)

    def start(self) -> None:
        """Read now, then every :data:`REFRESH_MS`."""
        self.refresh()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self.poller.shutdown()

    def refresh(self) -> None:
        self.poller.poll(self.project)

    def show_status(self, status: QueueStatus) -> None:
        """Show ``status`` (on the UI thread)."""
        for state in STATES:
            self._counts[state].setText(str(status.count(state)))
        machines = status.machines()
        self._machines.setText(
            "Transcribing now on: "
            + ", ".join(f"{name} ({count} clip{'s' * (count != 1)})" for name, count in
                        sorted(machines.items()))
            if machines else "No worker is transcribing."
        )  # fmt: skip
        shown = [job for job in status.jobs if job.status in ("running", "failed")]
        self.table.setRowCount(len(shown))
        for row, job in enumerate(shown):
            error = job.message if job.status == "failed" else ""
            cells = (job.file_name, job.status, job.machine, str(job.tries), error)
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(row, column, item)
        self._note.setText(f"Updated {datetime.now():%H:%M:%S}; refreshed every 2 s.")
        done = status.count("done")
        if self._done is not None and done > self._done:
            self.transcripts_stored.emit()
        self._done = done

    def _show_unreachable(self, message: str) -> None:
        self._note.setText(message)
