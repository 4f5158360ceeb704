"""Where the coders of one clip disagree, from the reliability core, as a list to click.

The review view asks :func:`annotators.reliability.reliability_job` for the clip (its coders
only, no bootstrap) in a worker and lists ``report.disagreements``; a newer clip supersedes a
pending request, so moving through clips never queues up reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from annotators.project import Project

from ..workers import JobRunner


@dataclass(frozen=True)
class Disagreement:
    """One place the coders differ: a code (by key), a frame (None for a clip variable) and
    each coder's value there (by coder name)."""

    code_key: str
    frame: int | None
    values: dict[str, str | None]


def from_report(report: Any, video_id: int) -> list[Disagreement]:
    """The report's disagreements on ``video_id``, clip variables first, then by frame."""
    found = [
        Disagreement(d.code_key, d.frame, dict(d.values))
        for d in report.disagreements
        if d.video_id == video_id
    ]
    return sorted(found, key=lambda d: (d.frame is not None, d.frame or 0, d.code_key))


class DisagreementFinder(QObject):
    """Computes one clip's disagreements off the UI thread.

    ``found(int, list)`` carries the video id and its :class:`Disagreement` list,
    ``failed(str)`` the message when the core refused (e.g. a clip only one coder coded).
    """

    found = Signal(int, list)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner: JobRunner | None = None

    def request(self, project: Project, video_id: int, file_name: str, coders: list[str]) -> None:
        """Find the disagreements of one clip among ``coders`` (supersedes a pending request)."""
        from annotators.reliability import reliability_job  # loaded when first used

        self.cancel()
        job = reliability_job(project, coders=coders, videos=[file_name], boot=0)
        runner = JobRunner(job, "Disagreements", self)
        runner.finished.connect(
            lambda report: self._deliver(runner, video_id, from_report(report, video_id))
        )
        runner.failed.connect(lambda message: self._fail(runner, message))
        self._runner = runner
        runner.start()

    def cancel(self, wait_s: float = 0.0) -> None:
        """Drop the pending request (its result, if any, is ignored); with ``wait_s``, wait
        that long for its thread to stop (before the project closes)."""
        if self._runner is not None:
            self._runner.cancel()
            if wait_s:
                self._runner.join(wait_s)
            self._runner = None

    def _deliver(self, runner: JobRunner, video_id: int, found: list[Disagreement]) -> None:
        if runner is self._runner:
            self._runner = None
            self.found.emit(video_id, found)

    def _fail(self, runner: JobRunner, message: str) -> None:
        if runner is self._runner:
            self._runner = None
            self.failed.emit(message)
