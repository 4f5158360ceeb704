"""The timeline fed from the database: tracks from the codebook, bars from my annotations."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QVBoxLayout, QWidget

from annotators.store.models import Code

from .panels.codebook import code_html
from .playback import Playback
from .queries import active_codes, clip_annotations
from .strips import MediaStrips
from .timeline import Bar, Timeline, Track
from .workspace import Workspace

FALLBACK_COLORS = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#eeca3b", "#b279a2")


def tracks_of(codes: list[Code]) -> list[Track]:
    """One track per time-anchored code, in codebook order."""
    timed = [code for code in codes if code.kind in ("point", "interval")]
    return [
        Track(
            code.id,
            code.label,
            code.color or FALLBACK_COLORS[i % len(FALLBACK_COLORS)],
            code.shortcut,
            code_html(code),
        )
        for i, code in enumerate(timed)
    ]


class TimelinePanel(QWidget):
    """Keeps the :class:`Timeline` in step with the workspace and the playhead."""

    def __init__(self, workspace: Workspace, playback: Playback, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.playback = playback
        self.timeline = Timeline(self)
        self.suggested: list[Bar] = []  # hollow bars, set by desktop.suggest
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.timeline)
        layout.addStretch(1)
        self.timeline.seek_requested.connect(self._seek)
        self.timeline.selected.connect(workspace.select)
        playback.position_changed.connect(self.timeline.set_playhead)
        playback.loaded.connect(self._on_loaded)
        workspace.project_changed.connect(self.reload_tracks)
        workspace.clip_changed.connect(self._on_clip_changed)
        workspace.selection_changed.connect(self.timeline.set_selection)
        workspace.data_changed.connect(self._on_data_changed)
        # made after the connections above: on a new clip, the timeline's axis is set first
        self.strips = MediaStrips(playback, self.timeline, self)
        self.strips.seek_requested.connect(self._seek)
        layout.insertWidget(0, self.strips)

    def _seek(self, frame: int) -> None:
        self.playback.pause()
        self.playback.seek(frame)

    def _on_clip_changed(self, _video: object) -> None:
        # the previous clip's frame table must not be used for the new clip's bars: show
        # none until the new table arrives (``_on_loaded``)
        self.timeline.set_clip(np.zeros(0))

    def _on_loaded(self, _frame_count: int) -> None:
        self.timeline.set_clip(self.playback.timestamps)
        self.reload_bars()

    def _on_data_changed(self, kind: str) -> None:
        if kind == "codebook":
            self.reload_tracks()
        if kind in ("annotations", "codebook"):
            self.reload_bars()

    def reload_tracks(self) -> None:
        """Rebuild the tracks from the active codebook."""
        project = self.workspace.project
        self.timeline.set_tracks(tracks_of(active_codes(project)) if project else [])

    def show_suggested(self, bars: list[Bar]) -> None:
        """Draw ``bars`` (pending suggestions, hollow) beside my annotations."""
        self.suggested = bars
        self.reload_bars()

    def reload_bars(self) -> None:
        """Rebuild the bars from my annotations of the current clip (suggestions that wait
        for my decision are drawn from :attr:`suggested`; rejected ones are not drawn)."""
        ws = self.workspace
        if ws.project is None or ws.clip is None or ws.coder is None:
            self.timeline.set_bars([])
            return
        rows = clip_annotations(ws.project, ws.clip.id, ws.coder.id)
        bars = [
            Bar(a.id, a.code_id, a.start_frame, a.end_frame, version=a.version)
            for a in rows
            if a.source != "suggested"
        ]
        self.timeline.set_bars(bars + self.suggested)
        self.timeline.set_selection(ws.selection)
