"""Suggestions and shot cuts of the clip on screen, and the keys that walk through them.

Reads go through :mod:`annotators.analysis.views` (no SQL here); accepting and rejecting run
the core's :func:`annotators.analysis.suggest.accept` / ``reject`` on the workspace's writer
thread, and the views refresh from ``data_changed`` like after any other edit. Only the
current coder's suggestions are shown (and, in blind mode, nobody else's could be).
"""

from __future__ import annotations

import bisect

from PySide6.QtCore import QObject, Signal

from annotators.analysis.suggest import accept, reject
from annotators.analysis.views import SuggestionItem, clip_cut_frames, pending_for_clip

from ..playback import Playback
from ..timeline import Bar
from ..timeline_panel import TimelinePanel
from ..workspace import Workspace

REFRESH_KINDS = ("annotations", "analysis", "transcripts", "codebook")
ORIGIN_VERBS = {
    "speech": "heard",
    "screen": "seen on screen",
    "caption": "in the caption",
    "metadata": "in the metadata",
}


def clock(seconds: float) -> str:
    """``00:12.4``: minutes and seconds to a tenth, as the status line shows a moment."""
    minutes, rest = divmod(max(seconds, 0.0), 60)
    return f"{int(minutes):02d}:{rest:04.1f}"


def describe(position: int, total: int, item: SuggestionItem) -> str:
    """The status line of suggestion ``position`` of ``total``: "suggestion 3 of 12:
    'donate' heard at 00:12.4 (rule donate) → Donate"."""
    verb = ORIGIN_VERBS.get(item.origin, f"in the {item.origin}")
    return (
        f"suggestion {position} of {total}: '{item.matched_text}' {verb} at "
        f"{clock(item.start_s)} (rule {item.rule}) → {item.code_label}"
    )


class SuggestionController(QObject):
    """Keeps the timeline's hollow bars and cut marks in step; runs the suggestion keys.

    ``status(str)`` says which suggestion is current (or what happened), for the status line.
    """

    status = Signal(str)

    def __init__(
        self,
        workspace: Workspace,
        playback: Playback,
        panel: TimelinePanel,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace, self.playback, self.panel = workspace, playback, panel
        self.pending: list[SuggestionItem] = []
        self.cuts: list[int] = []
        self.current: int | None = None  # annotation id of the suggestion last stepped to
        playback.loaded.connect(lambda _count: self.reload())  # after the timeline's axis
        workspace.clip_changed.connect(lambda _video: self._forget())
        workspace.project_changed.connect(self._forget)
        workspace.data_changed.connect(lambda kind: kind in REFRESH_KINDS and self.reload())

    # -- data ---------------------------------------------------------------------------
    def _forget(self) -> None:
        self.pending, self.cuts, self.current = [], [], None

    def reload(self) -> None:
        """Read the clip's pending suggestions (mine) and its cuts; redraw them."""
        ws = self.workspace
        if ws.project is None or ws.clip is None or ws.coder is None:
            self._forget()
        elif self.playback.frame_count:  # else the clip's frame table is still loading
            self.pending = pending_for_clip(ws.project, ws.clip.id, ws.coder.id)
            self.cuts = clip_cut_frames(ws.project, ws.clip.id)
        self.panel.timeline.set_cuts(self.cuts)
        self.panel.show_suggested(
            [Bar(s.annotation_id, s.code_id, s.start_frame, s.end_frame, True)
             for s in self.pending]
        )  # fmt: skip

    def selected_suggestion(self) -> SuggestionItem | None:
        """The pending suggestion that is selected, else the one last stepped to."""
        for wanted in (self.workspace.selection, self.current):
            found = next((s for s in self.pending if s.annotation_id == wanted), None)
            if found is not None:
                return found
        return None

    def owns_selection(self) -> bool:
        """True when the selected annotation is a pending suggestion (Delete rejects it, so
        its origin is kept and it is not suggested again)."""
        return any(s.annotation_id == self.workspace.selection for s in self.pending)

    # -- keys ---------------------------------------------------------------------------
    def step(self, direction: int) -> None:
        """Seek to and select the next (``1``) or previous (``-1``) pending suggestion from
        the current one (or the playhead), wrapping round at the clip's ends."""
        if not self.pending:
            self.status.emit("No suggestions waiting on this clip.")
            return
        here = self.selected_suggestion()
        index = self.pending.index(here) if here is not None else None
        if index is None:
            frames = [s.start_frame for s in self.pending]
            if direction > 0:
                index = bisect.bisect_left(frames, self.playback.current)
            else:
                index = bisect.bisect_left(frames, self.playback.current) - 1
        else:
            index += direction
        self.show(index % len(self.pending))

    def show(self, index: int) -> None:
        """Seek to and select pending suggestion number ``index`` (0-based)."""
        item = self.pending[index]
        self.current = item.annotation_id
        self.playback.pause()
        self.playback.seek(item.start_frame)
        self.workspace.select(item.annotation_id)
        self.status.emit(describe(index + 1, len(self.pending), item))

    def decide(self, accepted: bool) -> None:
        """Accept (it becomes my own annotation) or reject (kept as rejected, not suggested
        again) the selected suggestion, on the writer thread; then step to the next one."""
        item = self.selected_suggestion()
        ws = self.workspace
        if item is None or ws.project is None or ws.coder is None:
            self.status.emit("Select a suggestion first (Alt+PgDown: next suggestion).")
            return
        project, coder_id, uid = ws.project, ws.coder.id, item.annotation_uid
        index = self.pending.index(item)
        decision = accept if accepted else reject
        said = "accepted: now your annotation" if accepted else "rejected"

        def done(_result: object) -> None:
            self.current = None
            if ws.clip is None or ws.clip.id != item_clip:
                return  # the coder moved on to another clip meanwhile
            self.reload()  # before data_changed: the next one is picked from the fresh list
            said_line = f"'{item.matched_text}' ({item.code_label}) {said}."
            if not self.pending:
                ws.select(item.annotation_id if accepted else None)
                self.status.emit(f"{said_line} No more suggestions on this clip.")
                return
            at = min(index, len(self.pending) - 1)
            self.show(at)
            self.status.emit(
                f"{said_line} Now {describe(at + 1, len(self.pending), self.pending[at])}"
            )

        item_clip = ws.clip.id if ws.clip is not None else None
        ws.run(lambda: decision(project, uid, coder_id), "annotations", done)

    def step_cut(self, direction: int) -> None:
        """Seek to the next (``1``) or previous (``-1``) shot cut from the playhead."""
        if not self.cuts:
            self.status.emit("No shot cuts known for this clip (Clip ▸ Analyse this clip).")
            return
        here = self.playback.current
        if direction > 0:
            index = bisect.bisect_right(self.cuts, here)
        else:
            index = bisect.bisect_left(self.cuts, here) - 1
        if not 0 <= index < len(self.cuts):
            self.status.emit("No further cut in this direction.")
            return
        self.playback.pause()
        self.playback.seek(self.cuts[index])
        self.status.emit(f"cut {index + 1} of {len(self.cuts)} at frame {self.cuts[index]}")

    def handlers(self) -> dict[str, object]:
        """Key action name -> what it does (see :data:`desktop.keys.ALT_NAVIGATION`)."""
        return {
            "next_suggestion": lambda: self.step(1),
            "previous_suggestion": lambda: self.step(-1),
            "accept_suggestion": lambda: self.decide(True),
            "reject_suggestion": lambda: self.decide(False),
            "next_cut": lambda: self.step_cut(1),
            "previous_cut": lambda: self.step_cut(-1),
        }
