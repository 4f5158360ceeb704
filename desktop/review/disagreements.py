"""Where the coders disagree, from the reliability core, clip by clip.

The review view asks :func:`annotators.reliability.reliability_job` once for the whole project
(every coder, no bootstrap) in a worker and keeps ``report.disagreements`` by clip, so moving
from clip to clip costs nothing and the clips with the most disagreements can be listed first.
A newer request supersedes a pending one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from annotators.project import Project

from ..workers import JobRunner


@dataclass(frozen=True)
class Disagreement:
    """One place the coders differ: a clip, a code (by key), a frame (None for a clip
    variable) and each coder's value there (by coder name)."""

    video_id: int
    file_name: str
    code_key: str
    frame: int | None
    values: dict[str, str | None]


def by_clip(report: Any) -> dict[int, list[Disagreement]]:
    """The report's disagreements by video id; in each clip, clip variables first, then by
    frame."""
    found: dict[int, list[Disagreement]] = {}
    for d in report.disagreements:
        item = Disagreement(d.video_id, d.video_file_name, d.code_key, d.frame, dict(d.values))
        found.setdefault(d.video_id, []).append(item)
    for items in found.values():
        items.sort(key=lambda d: (d.frame is not None, d.frame or 0, d.code_key))
    return found


def clips_to_review(found: dict[int, list[Disagreement]]) -> list[tuple[int, str, int]]:
    """(video id, file name, number of disagreements), the most disputed clips first."""
    rows = [(video_id, items[0].file_name, len(items)) for video_id, items in found.items()]
    return sorted(rows, key=lambda row: (-row[2], row[1]))


class DisagreementFinder(QObject):
    """Computes the project's disagreements off the UI thread.

    ``found(dict)`` carries them by video id (see :func:`by_clip`), ``failed(str)`` the
    message when the core refused (e.g. coders who share no coded clip).
    """

    found = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner: JobRunner | None = None

    @property
    def busy(self) -> bool:
        """True while a search runs."""
        return self._runner is not None

    def request(self, project: Project, coders: list[str]) -> None:
        """Find where ``coders`` disagree, clip by clip (supersedes a pending request)."""
        from annotators.reliability import reliability_job  # loaded when first used

        self.cancel()
        runner = JobRunner(reliability_job(project, coders=coders, boot=0), "Disagreements", self)
        runner.finished.connect(lambda report: self._deliver(runner, by_clip(report)))
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

    def _deliver(self, runner: JobRunner, found: dict[int, list[Disagreement]]) -> None:
        if runner is self._runner:
            self._runner = None
            self.found.emit(found)

    def _fail(self, runner: JobRunner, message: str) -> None:
        if runner is self._runner:
            self._runner = None
            self.failed.emit(message)
