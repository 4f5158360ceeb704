"""Latest wins: one background read at a time for a view that moves on quickly.

Moving from clip to clip must never queue up reads on the UI thread or behind each other, so a
new request cancels the pending one and its result, if it still arrives, is dropped (as the
player's seek requests, GUIDE section 5).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from annotators.jobs import Job

from ..workers import JobRunner


class LatestJob(QObject):
    """Runs the latest requested job in a worker thread.

    ``failed(str)`` carries the message of a :class:`~annotators.errors.StoryframeError` from
    the latest job (earlier jobs' messages are dropped with their results).
    """

    failed = Signal(str)

    def __init__(self, title: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self._runner: JobRunner | None = None

    @property
    def busy(self) -> bool:
        """True while the latest job runs."""
        return self._runner is not None

    def start(self, job: Job, on_result: Callable[[Any], None]) -> None:
        """Run ``job``; ``on_result(value)`` runs on the UI thread unless a newer job started."""
        self.cancel()
        runner = JobRunner(job, self.title, self)
        runner.finished.connect(lambda value: self._deliver(runner, on_result, value))
        runner.failed.connect(lambda message: self._deliver(runner, self.failed.emit, message))
        self._runner = runner
        runner.start()

    def cancel(self, wait_s: float = 0.0) -> None:
        """Drop the pending job (its result is ignored); with ``wait_s``, wait that long for
        its thread to stop (before the project closes)."""
        if self._runner is not None:
            self._runner.cancel()
            if wait_s:
                self._runner.join(wait_s)
            self._runner = None

    def _deliver(self, runner: JobRunner, callback: Callable[[Any], None], value: Any) -> None:
        if runner is self._runner:
            self._runner = None
            callback(value)
