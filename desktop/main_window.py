"""The main window: composes the panels, the menus and the keyboard router. No business logic.

Layout: clip library on the left; player in the middle with the timeline under it; transcript
beside the player; codebook, clip variables and the inspector on the right.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QInputDialog,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from annotators.errors import StoryframeError
from annotators.settings import Settings
from annotators.store.models import Video

from . import menus, transcribing
from .annotations import AnnotationTablePanel
from .coding import CodingController
from .job_bar import JobBar
from .keys import KeyRouter
from .live.conflicts import ConflictNotice
from .live.updates import refreshed_text
from .panels.clip_vars import ClipVariablesPanel
from .panels.codebook import CodebookPanel
from .panels.inspector import InspectorPanel
from .panels.library import LibraryPanel
from .panels.player import PlayerPanel
from .panels.transcript import TranscriptPanel
from .playback import Playback
from .projects import open_or_create, startup_project_path
from .relink import MissingClipNotice
from .review import ReviewPanel, stop_study_jobs
from .suggest import running as analysis_running
from .suggest.controller import SuggestionController
from .suggest.onscreen import OnscreenFeed, OnscreenList, OnscreenStrip
from .timeline_panel import TimelinePanel
from .workspace import Workspace


def _scrolled(widget: QWidget) -> QScrollArea:
    """``widget`` in a frameless scroll area that fits its width to the dock."""
    scroll = QScrollArea(widgetResizable=True)
    scroll.setWidget(widget)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setMinimumWidth(260)
    return scroll


class MainWindow(QMainWindow):
    """Storyframe's window. ``start()`` opens the start-up project once the window is shown."""

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        self._closed = False
        self._resume_frame: int | None = None  # frame to show once the resumed clip loads
        self._choose_clip = False  # a project opened: show a clip when the library has loaded
        self.setWindowTitle("Storyframe")
        self.setAcceptDrops(True)
        self.workspace = Workspace(self)
        self.playback = Playback(self)
        self.library = LibraryPanel(self.workspace)
        self.player = PlayerPanel(self.playback)
        self.missing = MissingClipNotice(self.workspace)
        self.player.add_notice(self.missing)
        self.conflicts = ConflictNotice(self.workspace)  # an edit refused over someone else's
        self.player.add_notice(self.conflicts)
        self.workspace.live.refreshed.connect(self._on_live_refresh)
        self.timeline = TimelinePanel(self.workspace, self.playback)
        self.coding = CodingController(self.workspace, self.playback, self.timeline.timeline)
        self.suggestions = SuggestionController(self.workspace, self.playback, self.timeline)
        self.onscreen_strip = OnscreenStrip(self.timeline.timeline)
        self.timeline.layout().insertWidget(1, self.onscreen_strip)  # under the sound strip
        self.onscreen = OnscreenList()
        self._onscreen_feed = OnscreenFeed(
            self.workspace, self.playback, self.onscreen_strip, self.onscreen
        )
        self.transcript = TranscriptPanel(self.workspace, self.playback, self.coding)
        self.codebook = CodebookPanel(self.workspace, self.coding)
        self.clip_vars = ClipVariablesPanel(self.workspace, self.coding)
        self.inspector = InspectorPanel(self.workspace, self.playback, self.coding)
        self.annotations = AnnotationTablePanel(self.workspace, self.playback, self.coding)
        self.review = ReviewPanel(self.workspace, self.playback)  # Study ▸ Review view
        self.job_bar = JobBar()  # import, relink search, transcription
        self.export_bar = JobBar()  # exports run beside those
        self._compose()
        self.actions_by_name = menus.build(self)
        self.keys = KeyRouter(self, self.on_action, self._on_code_key, self.player.view)
        self._connect()

    # -- composition --------------------------------------------------------------------
    def _compose(self) -> None:
        centre = QSplitter(Qt.Orientation.Horizontal)
        centre.addWidget(self.player)
        beside = QSplitter(Qt.Orientation.Vertical)  # the transcript over the on-screen text
        beside.addWidget(self.transcript)
        beside.addWidget(self.onscreen)
        beside.setStretchFactor(0, 4)
        beside.setStretchFactor(1, 1)
        centre.addWidget(beside)
        centre.setStretchFactor(0, 3)
        centre.setStretchFactor(1, 2)
        centre.setSizes([500, 380])
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(self.timeline)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        main = QSplitter(Qt.Orientation.Vertical)
        main.addWidget(centre)
        main.addWidget(scroll)
        main.addWidget(self.review)
        self.review.hide()
        self._coding_only = [scroll]  # hidden in the review view (with the coding docks)
        main.setStretchFactor(0, 3)
        main.setStretchFactor(1, 1)
        main.setSizes([560, 380])
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.addWidget(main)
        self.setCentralWidget(holder)
        clips = self._dock("Clips", self.library, Qt.DockWidgetArea.LeftDockWidgetArea)
        codebook = self._dock("Codebook", self.codebook, Qt.DockWidgetArea.RightDockWidgetArea)
        clip_vars = self._dock(
            "Clip variables", self.clip_vars, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.tabifyDockWidget(codebook, clip_vars)
        annotations = self._dock(
            "Annotations", self.annotations, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.tabifyDockWidget(clip_vars, annotations)
        codebook.raise_()
        # in a scroll area: what the inspector shows (a long note, a wide value editor) must
        # not widen the right dock and shrink the picture (its size is the coder's choice)
        inspector = self._dock(
            "Inspector", _scrolled(self.inspector), Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.resizeDocks([clips, codebook], [300, 340], Qt.Orientation.Horizontal)
        self.resizeDocks([codebook, inspector], [520, 300], Qt.Orientation.Vertical)
        self._coding_only += [codebook, clip_vars, annotations, inspector]
        self.statusBar().addPermanentWidget(self.export_bar)
        self.statusBar().addPermanentWidget(self.job_bar)
        self._fit_to_screen()

    def _fit_to_screen(self) -> None:
        """Start at a comfortable size, but never larger than the screen (laptops: 1366x768)."""
        available = self.screen().availableGeometry()
        self.resize(min(1560, available.width()), min(960, available.height()))

    def set_review_mode(self, on: bool) -> None:
        """Show the lead's review of every coder's work instead of my coding panels."""
        for widget in self._coding_only:
            widget.setVisible(not on)
        self.review.setVisible(on)
        split = self.review.parentWidget()  # player above, then the coding timeline or review
        height = max(split.height(), 400)
        split.setSizes(
            [height * 2 // 5, 0, height * 3 // 5] if on else [height * 3 // 5, height * 2 // 5, 0]
        )

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{title}")
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(area, dock)
        return dock

    def _connect(self) -> None:
        ws = self.workspace
        ws.clip_changed.connect(self._show_clip)
        self.library.loaded.connect(self._on_library_loaded)
        self.library.order_changed.connect(self._show_clip_title)  # "3 / 8" follows the sort
        self.coding.pending_changed.connect(self._show_recording)
        self.coding.message.connect(lambda text: self.statusBar().showMessage(text, 10000))
        ws.error.connect(self.show_error)
        ws.project_changed.connect(self._on_project_changed)
        self.playback.error.connect(self.show_error)
        self.playback.loaded.connect(self._on_loaded)
        self.playback.notice.connect(lambda text: self.statusBar().showMessage(text, 15000))
        self.workspace.notice.connect(lambda text: self.statusBar().showMessage(text, 10000))
        self.playback.playing_changed.connect(lambda playing: playing or self.remember_position())
        self.job_bar.job_failed.connect(self.show_error)
        self.job_bar.job_finished.connect(self._on_job_finished)
        self.export_bar.job_failed.connect(self.show_error)
        self.export_bar.job_finished.connect(self._on_export_finished)
        self.missing.reported.connect(self._on_relink_report)
        self.missing.search_requested.connect(self.find_missing)
        self.transcript.set_low_confidence(self.settings.get("low_confidence"))
        self.transcript.threshold_changed.connect(
            lambda value: self.settings.set("low_confidence", float(value))
        )
        self.transcript.transcribe_requested.connect(
            lambda: transcribing.transcribe(self, current_only=True)
        )
        self.transcript.search.textChanged.connect(self.onscreen.filter)
        self.transcript.search.returnPressed.connect(  # no word matches: the on-screen text
            lambda: self.transcript.matches or self.onscreen.first_match()
        )
        self.suggestions.status.connect(lambda text: self.statusBar().showMessage(text, 20000))
        self.job_bar.job_finished.connect(
            lambda title, _result: (
                title.startswith("Transcribe")
                and analysis_running.after_transcription(self, title == "Transcribe clip")
            )
        )

    # -- projects -----------------------------------------------------------------------
    def start(self, project: Path | None = None) -> None:
        """Open ``project`` (default: the last or default project); ask the coder's name
        the first time."""
        path = project or startup_project_path(self.settings)
        QTimer.singleShot(0, lambda: self.open_project(path))

    def coder_name(self) -> str | None:
        """The remembered coder name, asked once (None when the user cancels)."""
        name = self.settings.get("coder_name").strip()
        while not name:
            name, ok = QInputDialog.getText(
                self, "Your coder name", "Your name or initials, recorded with each annotation:"
            )
            if not ok:
                return None
            name = name.strip()
        self.settings.set("coder_name", name)
        return name

    def open_project(self, path: Path) -> bool:
        """Open (or create) the project at ``path`` and show it; False when it failed."""
        name = self.coder_name()
        if name is None:
            return False
        try:
            project = open_or_create(Path(path))
        except StoryframeError as error:
            self.show_error(str(error))
            return False
        self.settings.add_recent_project(project.path)
        stop_study_jobs(self)  # they read the project being closed
        self.workspace.set_project(project, name)
        return True

    def _on_project_changed(self) -> None:
        self.player.view.setFocus()
        project = self.workspace.project
        if project is not None:
            self.setWindowTitle(f"{project.path.stem} – Storyframe")
            menus.refresh_recent(self)
            self._choose_clip = True  # once the library has loaded (in the background)

    def _on_library_loaded(self) -> None:
        self._show_clip_title()  # the clip's place in the library may have changed
        clips = self.library.visible_clips()
        if self._choose_clip and clips:
            self._choose_clip = False
            if self.workspace.clip is None:
                self.workspace.set_clip(self._resume_clip(clips))

    def _resume_clip(self, clips: list[Video]) -> Video:
        """The clip coding stopped on last time in this project (else the first); its frame
        is shown once the clip is loaded."""
        saved = self.settings.get("last_positions").get(str(self.workspace.project.path), {})
        by_id = {clip.id: clip for clip in clips}
        clip = by_id.get(saved.get("video_id")) if isinstance(saved, dict) else None
        if clip is None:
            return clips[0]
        frame = saved.get("frame")
        self._resume_frame = frame if isinstance(frame, int) and frame > 0 else None
        return clip

    def _on_loaded(self, frame_count: int) -> None:
        frame, self._resume_frame = self._resume_frame, None
        if frame is not None:
            # after every ``loaded`` slot and the "frame 0" report that follows it
            QTimer.singleShot(0, lambda: self.playback.seek(min(frame, frame_count - 1)))

    def remember_position(self, frame: int | None = None) -> None:
        """Store the current clip and ``frame`` (default: the one on screen) of this project,
        restored at the next start."""
        project, clip = self.workspace.project, self.workspace.clip
        if project is None or clip is None:
            return
        positions = self.settings.get("last_positions")
        frame = self.playback.current if frame is None else frame
        positions[str(project.path)] = {"video_id": clip.id, "frame": frame}
        self.settings.set("last_positions", positions)

    def _on_job_finished(self, title: str, _result: object) -> None:
        self.statusBar().showMessage(f"{title}: done", 5000)
        if title.endswith("cancelled"):
            # a cancelled job keeps what it committed: let every view re-read
            for kind in ("videos", "transcripts"):
                self.workspace.data_changed.emit(kind)

    def _on_export_finished(self, title: str, _result: object) -> None:
        # a finished export reports where it wrote (see desktop.exporting)
        if title.endswith("cancelled"):
            self.statusBar().showMessage(f"{title}: nothing was written", 5000)

    def import_paths(self, paths: list[Path]) -> None:
        """Import files/folders into the open project in the background."""
        project = self.workspace.project
        if project is None or not paths:
            return
        if self.job_bar.busy:
            self.show_error("Another task is running; wait for it or cancel it first.")
            return
        job = self.workspace.live.absorbing(project.import_media(paths), "videos")  # no echo
        self.job_bar.start(job, "Import", self._imported)

    def find_missing(self, folder: Path) -> None:
        """Search ``folder`` for the project's missing videos in the background."""
        project = self.workspace.project
        if project is None:
            return
        if self.job_bar.busy:
            self.show_error("Another task is running; wait for it or cancel it first.")
            return
        job = self.workspace.live.absorbing(project.relink_search(folder), "videos")
        self.job_bar.start(job, "Find missing videos", self.missing.found)

    def _imported(self, report: object) -> None:
        self.workspace.data_changed.emit("videos")
        failed = getattr(report, "failed", [])
        imported = getattr(report, "imported", [])
        if self.workspace.clip is None and imported:
            self.workspace.set_clip(imported[0])
        if failed:
            lines = "\n".join(f"• {item.path.name}: {item.reason}" for item in failed[:20])
            QMessageBox.warning(self, "Some files were not imported", lines)

    # -- clip ---------------------------------------------------------------------------
    def _show_clip(self, video: Video | None) -> None:
        self._show_clip_title()
        if video is not None:
            self.remember_position(self._resume_frame or 0)  # the new clip opens there
        project = self.workspace.project
        path = None if video is None or project is None else project.video_path(video)
        if video is None or path is None or not path.is_file():
            # a missing file is explained by self.missing, above the (empty) picture
            self.playback.unload()
            self.player.clear()
            return
        self.playback.open(path, video.has_audio)

    def _show_clip_title(self) -> None:
        """Name the current clip above the picture with its place in the library's order."""
        clip = self.workspace.clip
        if clip is None:
            self.player.show_clip_title(None)
            return
        ids = [video.id for video in self.library.visible_clips()]
        position = ids.index(clip.id) + 1 if clip.id in ids else 0
        self.player.show_clip_title(clip.file_name, position, len(ids))

    def _show_recording(self) -> None:
        """The banner under the picture lists the intervals being recorded."""
        colors = {track.code_id: track.color for track in self.timeline.timeline.tracks}
        intervals = []
        for interval in self.coding.pending:
            code = self.coding.codes.get(interval.code_id)
            label = code.label if code is not None else "interval"
            intervals.append((label, colors.get(interval.code_id, "#888"), interval.start_frame))
        self.player.show_recording(intervals)

    def _on_relink_report(self, text: str) -> None:
        self.statusBar().showMessage(text, 10000)
        QMessageBox.information(self, "Find missing videos", text)

    def move_clip(self, step: int) -> None:
        """PageUp/PageDown: the previous/next clip in the library's order."""
        clips = self.library.visible_clips()
        if not clips:
            return
        ids = [clip.id for clip in clips]
        current = self.workspace.clip
        position = ids.index(current.id) if current is not None and current.id in ids else -step
        self.workspace.set_clip(clips[min(max(position + step, 0), len(clips) - 1)])

    # -- keys ---------------------------------------------------------------------------
    def on_action(self, name: str) -> bool:
        """Run the navigation or coding action ``name`` (from :mod:`desktop.keys`)."""
        pb = self.playback
        handlers = {
            "toggle_play": pb.toggle,
            "step_back": lambda: pb.step(-1),
            "step_forward": lambda: pb.step(1),
            "second_back": lambda: pb.step_seconds(-1.0),
            "second_forward": lambda: pb.step_seconds(1.0),
            "shuttle_back": lambda: pb.shuttle(-1),
            "pause": pb.pause,
            "shuttle_forward": lambda: pb.shuttle(1),
            "slower": pb.slower,
            "faster": pb.faster,
            "clip_start": lambda: pb.seek(0),
            "clip_end": lambda: pb.seek(pb.frame_count - 1),
            "previous_clip": lambda: self.move_clip(-1),
            "next_clip": lambda: self.move_clip(1),
            "end_interval": self.coding.end_interval,
            "cancel_interval": self.coding.cancel_interval,
            "delete_selection": lambda: (
                self.suggestions.decide(False)  # a suggestion is rejected, never just deleted
                if self.suggestions.owns_selection()
                else self.coding.delete_selected()
            ),
            "next_annotation": lambda: self.annotations.step(1),
            "previous_annotation": lambda: self.annotations.step(-1),
        }
        handler = handlers.get(name) or self.suggestions.handlers().get(name)
        if handler is None:
            return False
        handler()
        return True

    def _on_code_key(self, text: str) -> bool:
        """A codebook key codes into my layer, except in the review view (my layer is hidden
        there, so a key press would write where nobody sees it)."""
        return not self.review.isVisible() and self.coding.on_shortcut(text)

    def _on_live_refresh(self, kinds: dict) -> None:  # type: ignore[type-arg]
        """Say why views moved, unless the status bar already says something (a job's end)."""
        if not self.statusBar().currentMessage():
            blind = self.actions_by_name["blind"].isChecked()
            self.statusBar().showMessage(refreshed_text(kinds, blind), 8000)

    def show_error(self, message: str) -> None:
        """Tell the user what went wrong (non-blocking for job errors)."""
        self.statusBar().showMessage(message, 10000)
        QMessageBox.warning(self, "Storyframe", message)

    # -- drag and drop ------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        event.acceptProposedAction()
        self.import_paths(paths)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if self._closed:
            return
        self._closed = True
        self.remember_position()
        for bar in (self.export_bar, self.job_bar):
            if bar.runner is not None:
                bar.cancel()
                bar.runner.join(30)
        stop_study_jobs(self)
        self.keys.detach()
        self.playback.close()
        self.workspace.close()
        super().closeEvent(event)
