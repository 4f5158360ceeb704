"""The state the panels share: open project, coder, current clip, selection, and one op runner.

Panels never call each other. They read from the project and listen to this object's signals:
``project_changed()``, ``clip_changed(object)`` (a :class:`~annotators.store.models.Video` or
None), ``selection_changed(object)`` (annotation id or None) and ``data_changed(str)`` (emitted
after every committed operation or finished job, with what changed: ``"annotations"``,
``"clip_values"``, ``"transcripts"``, ``"videos"``, ``"codebook"``; ``"counts"`` when only
another clip's annotations changed, by someone else: :mod:`desktop.live`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from annotators.project import Project
from annotators.store.models import Coder, Video

from .live import LiveUpdates
from .workers import OpRunner


class Workspace(QObject):
    """Holds the open project and routes every mutation through one :class:`OpRunner`."""

    project_changed = Signal()
    clip_changed = Signal(object)
    selection_changed = Signal(object)
    data_changed = Signal(str)
    error = Signal(str)
    conflict = Signal(object)  # an edit refused over someone else's change (annotators.live)
    #: a one-line confirmation for the status bar ("clip.mp4: marked done")
    notice = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.coder: Coder | None = None
        self.clip: Video | None = None
        self.selection: int | None = None
        self.ops = OpRunner(self)
        self.ops.changed.connect(self.data_changed)
        self.ops.failed.connect(self.error)
        self.ops.conflicted.connect(self.conflict)
        # other coders' and processes' commits re-emitted as data_changed (desktop.live)
        self.live = LiveUpdates(self)

    def set_project(self, project: Project, coder_name: str) -> None:
        """Make ``project`` current (closing the previous one) with ``coder_name`` as coder."""
        self.ops.wait_idle()
        self.live.stop()
        if self.project is not None:
            self.project.close()
        self.project = project
        self.live.start(project)
        self.coder = project.coder(coder_name)
        self.clip, self.selection = None, None
        self.project_changed.emit()
        if self.clip is None:  # else a project_changed slot already showed a clip: not stale None
            self.clip_changed.emit(None)

    def set_clip(self, video: Video | None) -> None:
        """Show ``video`` (None for no clip)."""
        if video is not None and self.clip is not None and video.id == self.clip.id:
            return
        self.clip, self.selection = video, None
        self.clip_changed.emit(video)
        self.selection_changed.emit(None)

    def reload_clip(self, video: Video) -> None:
        """Show ``video`` again from its updated row (its file was relinked), even if current."""
        self.clip = None
        self.set_clip(video)

    def select(self, annotation_id: int | None) -> None:
        """Select an annotation (None to clear)."""
        if annotation_id != self.selection:
            self.selection = annotation_id
            self.selection_changed.emit(annotation_id)

    def run(
        self, operation: Callable[[], Any], kind: str, on_done: Callable[[Any], None] | None = None
    ) -> None:
        """Run a mutation on the writer thread; ``data_changed(kind)`` follows when it commits.

        The live view is told of the commit on the writer thread, before the views reload,
        so this process's own change is not reported back to it as someone else's.
        """
        live = self.live

        def operation_then_absorb() -> Any:
            result = operation()
            live.absorb(kind)
            return result

        self.ops.run(operation_then_absorb, kind, on_done)

    def close(self) -> None:
        """Finish pending writes and close the project."""
        self.ops.shutdown()
        self.live.stop()
        if self.project is not None:
            self.project.close()
            self.project = None
