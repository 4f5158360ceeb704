"""Missing video files: say so where the picture would be, and relink them through the core.

The notice shows itself while the current clip's file is missing. "Locate file…" and
"Search folder…" only ask for a path; :meth:`MissingClipNotice.locate` and
:meth:`MissingClipNotice.search` take it (tests call them directly) and run the core's
``relink`` / ``relink_search`` on the writer thread. A wrong file fails with the core's message
through ``Workspace.error``; a relinked current clip is shown again.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotators.project import RelinkReport
from annotators.store.models import Video

from .menus import VIDEO_FILTER
from .workspace import Workspace


def summary(report: RelinkReport) -> str:
    """One line for the coder: how many missing videos were found and how many are left."""
    found = len(report.relinked)
    text = f"Found {found} missing video{'s' if found != 1 else ''}"
    if report.still_missing:
        return f"{text}; {len(report.still_missing)} still missing."
    return f"{text}; none missing now."


# a server project: where the file is, is this machine's business (annotators.project.media_folders)
TEAM_NOTE = (
    "<br><i>A team project: the folder you choose becomes this machine's media folder; the"
    " other coders' machines keep theirs.</i>"
)


class MissingClipNotice(QFrame):
    """Shown in the player area while the current clip's file is missing; hidden otherwise.

    ``search_requested(Path)`` asks for a folder search (the window runs it as a background
    job with progress and cancel: hashing a large folder takes a while); :meth:`found` takes its
    report, and ``reported(str)`` then carries the report's :func:`summary`.
    """

    reported = Signal(str)
    search_requested = Signal(object)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.message = QLabel(wordWrap=True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.locate_button = QPushButton("Locate file…", clicked=self.ask_file)
        self.search_button = QPushButton("Search folder…", clicked=self.ask_folder)
        buttons = QHBoxLayout()
        buttons.addWidget(self.locate_button)
        buttons.addWidget(self.search_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.hide()
        workspace.clip_changed.connect(self._on_clip)

    def _on_clip(self, _video: Video | None) -> None:
        # read the workspace (the one source of the current clip), not the argument
        project, video = self.workspace.project, self.workspace.clip
        path = None if video is None or project is None else project.video_path(video)
        if path is None or path.is_file():
            self.hide()
            return
        self.message.setText(
            f"<b>The video file of {video.file_name} is missing</b> (moved or deleted):"
            f"<br>{path}<br>Locate the file, or search a folder for it and other missing videos."
            + (TEAM_NOTE if project.server is not None else "")
        )
        self.show()

    # -- asking for a path (modal dialogs) ----------------------------------------------------
    def ask_file(self) -> None:
        """Ask where the current clip's file is now and relink it."""
        video = self.workspace.clip
        if video is None:
            return
        path, _ = QFileDialog.getOpenFileName(
            self, f"Locate {video.file_name}", str(Path.home()), VIDEO_FILTER
        )
        if path:
            self.locate(Path(path))

    def ask_folder(self) -> None:
        """Ask for a folder and search it for every missing video."""
        folder = QFileDialog.getExistingDirectory(self, "Search folder for missing videos")
        if folder:
            self.search(Path(folder))

    # -- relinking ---------------------------------------------------------------------------
    def locate(self, path: Path) -> None:
        """Relink the current clip to ``path`` (the core checks it is the same video)."""
        project, video = self.workspace.project, self.workspace.clip
        if project is None or video is None:
            return
        self.workspace.run(lambda: project.relink(video.id, path), "videos", self._relinked)

    def search(self, folder: Path) -> None:
        """Ask for every missing video to be looked for in ``folder``."""
        self.search_requested.emit(folder)

    def _relinked(self, video: Video) -> None:
        current = self.workspace.clip
        if current is not None and current.id == video.id:
            self.workspace.reload_clip(video)

    def found(self, report: RelinkReport) -> None:
        """Reload the current clip if the search relinked it, and report what was found."""
        self.workspace.data_changed.emit("videos")  # the job committed outside Workspace.run
        for video, _path in report.relinked:
            self._relinked(video)
        self.reported.emit(summary(report))
