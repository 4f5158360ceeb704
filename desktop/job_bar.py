"""Status-bar widget that runs one long job at a time with progress and a Cancel button."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from annotators.jobs import Job, Progress

from .workers import JobRunner, ProcessJobRunner

R = TypeVar("R", JobRunner, ProcessJobRunner)


class JobBar(QWidget):
    """Shows the running job's message and progress; hidden while idle.

    ``job_finished(str, object)`` carries the job's title and result, ``job_failed(str)`` the
    message of a :class:`~annotators.errors.StoryframeError`.
    """

    job_finished = Signal(str, object)
    job_failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner: JobRunner | ProcessJobRunner | None = None
        self.label = QLabel()
        self.bar = QProgressBar(maximumWidth=220, textVisible=True)
        self.cancel_button = QPushButton("Cancel", clicked=self.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.label, self.bar, self.cancel_button):
            layout.addWidget(widget)
        self.hide()

    @property
    def busy(self) -> bool:
        """True while a job runs."""
        return self.runner is not None

    def start(
        self, job: Job, title: str, on_done: Callable[[Any], None] | None = None
    ) -> JobRunner:
        """Run ``job`` in a worker thread; ``on_done(result)`` runs on the UI thread at the end."""
        if self.runner is not None:
            job.close()
        return self._attach(JobRunner(job, title, self), on_done)

    def start_in_process(
        self,
        target: str,
        kwargs: dict[str, Any],
        title: str,
        on_done: Callable[[Any], None] | None = None,
    ) -> ProcessJobRunner:
        """Run the job factory ``target`` (``"module:function"``) in a child process."""
        return self._attach(ProcessJobRunner(target, kwargs, title, self), on_done)

    def _attach(self, runner: R, on_done: Callable[[Any], None] | None) -> R:
        """Show ``runner``'s progress and start it (one job at a time)."""
        if self.runner is not None:
            raise RuntimeError(f"{self.runner.title} is still running")
        title = runner.title
        runner.progress.connect(self._on_progress)
        runner.finished.connect(lambda result: self._end(title, result, on_done))
        runner.cancelled.connect(lambda: self._end(title, None, None, "cancelled"))
        runner.failed.connect(self._on_failed)
        self.runner = runner
        self.label.setText(f"{title}…")
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        self.show()
        runner.start()
        return runner

    def cancel(self) -> None:
        """Ask the running job to stop after its current step."""
        if self.runner is not None:
            self.runner.cancel()
            self.cancel_button.setEnabled(False)
            self.label.setText(f"{self.runner.title}: cancelling…")

    def _on_progress(self, progress: Progress) -> None:
        if progress.total:
            self.bar.setRange(0, 1000)
            self.bar.setValue(round(1000 * progress.done / progress.total))
            # whole items done (a batch reports fractions of the item under way)
            self.bar.setFormat(f"{int(progress.done)} / {progress.total:g}")
        if progress.message and self.runner is not None:
            self.label.setText(f"{self.runner.title}: {progress.message}")

    def _on_failed(self, message: str) -> None:
        self.runner = None
        self.hide()
        self.job_failed.emit(message)

    def _end(
        self, title: str, result: Any, on_done: Callable[[Any], None] | None, status: str = ""
    ) -> None:
        self.runner = None
        self.hide()
        if on_done is not None:
            on_done(result)
        self.job_finished.emit(f"{title} {status}".strip(), result)
