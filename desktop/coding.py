"""Coding from the keyboard: shortcut keys, open intervals, and every edit as an undoable op.

The core :class:`annotators.coding.Coding` does the work (validation, frame times, commit,
undo history); this controller decides *what* a key press means and sends the operation to the
workspace's single writer thread. It never writes to the database itself.

- a point code's key creates a point event at the current frame;
- an interval code's key opens an interval at the current frame; the same key again closes it
  at the current frame, also while playing. Intervals of different codes may be open at once
  (narrative elements overlap); Enter closes all of them, Esc drops all of them;
- an open interval is stored the moment it starts (:mod:`annotators.coding.open_intervals`):
  switching clips keeps it, and after a crash the clip shows it again, still open;
- Delete removes the selected annotation; Ctrl+Z / Ctrl+Shift+Z undo and redo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from annotators.codebook import normalize_shortcut
from annotators.coding import (
    Coding,
    cancel_interval,
    close_interval,
    media_times,
    open_interval,
    open_intervals,
)
from annotators.coding.corrections import correct_word
from annotators.errors import CodingError
from annotators.live.conflicts import edit_refused, history_refused
from annotators.store.models import Annotation, Code, Video

from .playback import Playback
from .queries import active_codes
from .timeline import Timeline
from .workspace import Workspace

ANNOTATIONS = Annotation.__table__


@dataclass(frozen=True)
class Pending:
    """An open interval being coded: which code, from which frame."""

    code_id: int
    start_frame: int


class CodingController(QObject):
    """Turns key presses and panel edits into :class:`Coding` operations.

    ``pending`` lists the open intervals in the order they were opened; ``pending_changed()``
    fires when one opens or closes; ``history_changed()`` after
    every operation, undo or redo, so the Edit menu can name what Undo and Redo would do.
    """

    pending_changed = Signal()
    history_changed = Signal()
    message = Signal(str)  # something worth a line in the status bar

    def __init__(
        self, workspace: Workspace, playback: Playback, timeline: Timeline, parent=None
    ) -> None:
        super().__init__(parent)
        self.workspace, self.playback, self.timeline = workspace, playback, timeline
        self.coding: Coding | None = None
        self.by_shortcut: dict[str, Code] = {}
        self.codes: dict[int, Code] = {}
        self.pending: list[Pending] = []
        # annotation id -> {version a view showed: version after our own later edits}; only
        # touched on the writer thread
        self._own_versions: dict[int, dict[int | None, int]] = {}
        self._clip_name: str | None = None  # the clip on screen, named when leaving it
        self.undo_label: str | None = None
        self.redo_label: str | None = None
        timeline.edge_moved.connect(self._on_edge_moved)
        workspace.error.connect(lambda _message: self._update_labels())
        workspace.conflict.connect(lambda _conflict: self._update_labels())
        workspace.project_changed.connect(self._on_project)
        workspace.clip_changed.connect(self._on_clip)
        # the timeline drops open intervals with the old frame table: show them again
        playback.loaded.connect(lambda _count: self._set_pending(self.pending))
        workspace.data_changed.connect(lambda kind: kind == "codebook" and self._load_codes())

    # -- set-up -------------------------------------------------------------------------
    def _on_project(self) -> None:
        project = self.workspace.project
        self._set_pending([])  # the previous project's stay stored in it
        self._clip_name = None
        self.coding = Coding(project.session, self._times_resolver(project)) if project else None
        self._load_codes()
        self._update_labels()
        coder = self.workspace.coder
        if project is not None and coder is not None:
            self.workspace.run(
                lambda: open_intervals(project.session, coder_id=coder.id), "", self._report_kept
            )

    def _report_kept(self, rows: list) -> None:  # type: ignore[type-arg]
        """Say once, at start, that intervals left open last time are still there."""
        if rows:
            clips = len({row.video_id for row in rows})
            self.message.emit(
                f"{len(rows)} interval{'s' * (len(rows) != 1)} left open last time "
                f"{'are' if len(rows) != 1 else 'is'} kept, still open, on "
                f"{clips} clip{'s' * (clips != 1)}: open the clip to end or cancel "
                f"{'them' if len(rows) != 1 else 'it'}."
            )

    def _on_clip(self, video: Video | None) -> None:
        """Show the new clip's stored open intervals (the old clip's stay stored)."""
        left, self._clip_name = self._clip_name, video.file_name if video is not None else None
        if self.pending and left is not None:
            # PageDown in the middle of an interval: it stays open on that clip, unseen here
            many = len(self.pending) != 1
            labels = ", ".join(self._label(interval.code_id) for interval in self.pending)
            self.message.emit(
                f"Still open on {left}: {labels}. {'They stay' if many else 'It stays'} open "
                f"there; go back to end {'them' if many else 'it'}."
            )
        self._set_pending([])
        project, coder = self.workspace.project, self.workspace.coder
        if video is None or project is None or coder is None:
            return

        def restore(rows: list) -> None:  # type: ignore[type-arg]
            if self.workspace.clip is not None and self.workspace.clip.id == video.id and rows:
                self._set_pending([Pending(row.code_id, row.start_frame) for row in rows])
                many = len(rows) != 1
                self.message.emit(
                    f"{len(rows)} interval{'s' * many} started earlier on this clip "
                    f"{'are' if many else 'is'} still open: press the code's key to end "
                    f"{'them' if many else 'it'} here, Esc to cancel."
                )

        # through the writer thread: after any open/close of this clip still queued
        self.workspace.run(
            lambda: open_intervals(project.session, coder_id=coder.id, video_id=video.id),
            "",
            restore,
        )

    def _label(self, code_id: int) -> str:
        code = self.codes.get(code_id)
        return f"“{code.label}”" if code is not None else "an interval"

    def _times_resolver(self, project) -> Callable[[Video], Any]:  # type: ignore[no-untyped-def]
        """Frame times of the clip on screen come from the player; others from their files."""
        from_files = media_times(project)

        def resolve(video: Video) -> Any:
            clip = self.workspace.clip
            if clip is not None and clip.id == video.id and self.playback.frame_count:
                return self.playback.timestamps
            return from_files(video)

        return resolve

    def _load_codes(self) -> None:
        project = self.workspace.project
        codes = active_codes(project) if project else []
        self.codes = {code.id: code for code in codes}
        self.by_shortcut = {
            normalize_shortcut(code.shortcut): code
            for code in codes
            if code.shortcut and code.kind in ("point", "interval")
        }

    # -- keys ---------------------------------------------------------------------------
    def on_shortcut(self, text: str) -> bool:
        """Handle a key press spelled like a codebook shortcut; False when no code uses it."""
        code = self.by_shortcut.get(text)
        if code is None:
            return False
        self.apply_code(code)
        return True

    def apply_code(self, code: Code) -> None:
        """What pressing ``code``'s key does at the current frame."""
        if not self._ready():
            return
        frame = self.playback.current
        open_for_code = [interval for interval in self.pending if interval.code_id == code.id]
        if code.kind == "point":
            self._add(code.id, frame, None)
        elif open_for_code:
            self._close(open_for_code)
        else:
            self._set_pending([*self.pending, Pending(code.id, frame)])
            self._on_interval(lambda c, v, who: open_interval(c, v, code.id, who, frame))

    def end_interval(self) -> None:
        """Close every open interval at the current frame (either direction)."""
        self._close(self.pending)

    def cancel_interval(self) -> None:
        """Drop the open intervals without coding them."""
        dropping = self.pending
        if dropping:
            self._set_pending([])
        for interval in dropping:
            code_id = interval.code_id
            self._on_interval(lambda c, v, who, k=code_id: cancel_interval(c, v, k, who))

    def _close(self, closing: list[Pending]) -> None:
        """Code ``closing`` (open intervals) up to the current frame."""
        if not closing or not self._ready():
            return
        self._set_pending([interval for interval in self.pending if interval not in closing])
        end = self.playback.current
        for interval in closing:
            code_id = interval.code_id
            self._on_interval(
                lambda c, v, who, k=code_id: close_interval(c, v, k, who, end),
                "annotations",
                lambda row: self.workspace.select(row.id),
            )

    def _on_interval(self, operation, kind: str = "open_intervals", on_done=None) -> None:  # type: ignore[no-untyped-def]
        """Run ``operation(coding, video_id, coder_id)`` on the writer thread for this clip."""
        ws, coding = self.workspace, self.coding
        if coding is None or ws.clip is None or ws.coder is None:
            return
        video_id, coder_id = ws.clip.id, ws.coder.id
        self._run(lambda: operation(coding, video_id, coder_id), kind, on_done)

    def _set_pending(self, pending: list[Pending]) -> None:
        self.pending = pending
        self.timeline.set_pending(
            [(interval.code_id, interval.start_frame) for interval in pending]
        )
        self.pending_changed.emit()

    def _ready(self) -> bool:
        ws = self.workspace
        # frame_count is 0 while no clip's frames are loaded (e.g. its file is missing)
        loaded = self.playback.frame_count > 0
        return self.coding is not None and ws.clip is not None and ws.coder is not None and loaded

    # -- operations ---------------------------------------------------------------------
    def _run(self, operation: Callable[[], Any], kind: str, on_done=None) -> None:  # type: ignore[no-untyped-def]
        def done(result: Any) -> None:
            self._update_labels()
            if on_done is not None:
                on_done(result)

        self.workspace.run(operation, kind, done)

    def _add(self, code_id: int, start: int, end: int | None) -> None:
        ws, coding = self.workspace, self.coding
        video_id, coder_id = ws.clip.id, ws.coder.id  # type: ignore[union-attr]
        self._run(
            lambda: coding.add_annotation(video_id, code_id, coder_id, start, end),  # type: ignore[union-attr]
            "annotations",
            lambda row: ws.select(row.id),
        )

    def create_span(self, code: Code, start_s: float, end_s: float) -> None:
        """Code the frames from ``start_s`` to ``end_s`` (e.g. selected transcript words)."""
        if not self._ready():
            return
        start, end = self.playback.frame_at(start_s), self.playback.frame_at(end_s)
        self._add(code.id, start, end if code.kind == "interval" or end > start else None)

    def _on_edge_moved(self, annotation_id: int, start: int, end: int) -> None:
        """A dragged edge: the edit names the version of the bar the coder dragged."""
        drawn = (b.version for b in self.timeline.bars if b.annotation_id == annotation_id)
        version = next(drawn, None)
        self.update_annotation(annotation_id, version, start_frame=start, end_frame=end)

    def update_annotation(
        self, annotation_id: int, expected_version: int | None = None, **fields: Any
    ) -> None:
        """Change fields (``start_frame``, ``end_frame``, ``value``, ``note``) of an annotation.

        ``expected_version`` is the row version the user saw: when someone else (another
        window, a script) changed the row since, the edit is refused and the error says so,
        instead of overwriting their change. Our own edits still queued on the writer thread
        are not someone else's: :attr:`_own_versions` carries a shown version forward past
        them.
        """
        coding = self.coding
        if coding is None:
            return

        def update() -> Any:
            chain = self._own_versions.setdefault(annotation_id, {})
            expected = chain.get(expected_version, expected_version)
            try:
                row = coding.update_annotation(annotation_id, expected_version=expected, **fields)
            except CodingError as error:
                refused = edit_refused(
                    coding.history.session_factory, ANNOTATIONS, annotation_id, fields,
                    expected, error,
                )  # fmt: skip
                raise refused from error
            for shown, reached in list(chain.items()):
                if reached == expected:
                    chain[shown] = row.version
            if expected is not None:
                chain[expected] = row.version
            return row

        self._run(update, "annotations")

    def delete_selected(self) -> None:
        """Delete the selected annotation."""
        coding, selected = self.coding, self.workspace.selection
        if coding is None or selected is None:
            return
        self.workspace.select(None)
        self._run(lambda: coding.delete_annotation(selected), "annotations")

    def set_clip_value(self, code_id: int, value: str | None) -> None:
        """Set my value of a clip-level variable for the current clip."""
        ws, coding = self.workspace, self.coding
        if not self._ready():
            return
        video_id, coder_id = ws.clip.id, ws.coder.id  # type: ignore[union-attr]
        self._run(
            lambda: coding.set_clip_value(video_id, code_id, coder_id, value),  # type: ignore[union-attr]
            "clip_values",
        )

    def correct_word(self, word_id: int, text: str | None) -> None:
        """Store my correction of a transcript word (None restores the machine word)."""
        coding, coder = self.coding, self.workspace.coder
        if coding is None or coder is None:
            return
        self._run(lambda: correct_word(coding, word_id, coder.id, text), "corrections")

    # -- undo / redo --------------------------------------------------------------------
    def undo(self) -> None:
        """Revert the last coding operation."""
        if self.coding is not None and self.undo_label is not None:
            self._history("undo")

    def redo(self) -> None:
        """Re-apply the last undone operation."""
        if self.coding is not None and self.redo_label is not None:
            self._history("redo")

    def _history(self, verb: str) -> None:
        coding = self.coding
        assert coding is not None

        def step() -> str:
            action = coding.history.next_action(verb)
            try:
                return getattr(coding, verb)()
            except CodingError as error:
                factory = coding.history.session_factory
                raise history_refused(factory, action, verb, error) from error

        self._run(step, "annotations", lambda _label: self._after_history())

    def _after_history(self) -> None:
        # undo may have touched clip values or corrections too: let those views re-read
        for kind in ("clip_values", "corrections"):
            self.workspace.data_changed.emit(kind)

    def _update_labels(self) -> None:
        history = self.coding.history if self.coding is not None else None
        self.undo_label = history.undo_label if history else None
        self.redo_label = history.redo_label if history else None
        self.history_changed.emit()
