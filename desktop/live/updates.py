"""Refresh the views when another coder or process commits (:mod:`annotators.live`).

A daemon thread blocks in the watcher's ``wait``; what it reports reaches the UI thread
through a queued signal and is re-emitted as the workspace's ``data_changed(kind)``, the
same signal every view already reloads from after the app's own edits. So a remote change
refreshes exactly what a local one would, and nothing else:

- a change in a clip other than the one shown only refreshes the library's counts
  (``"counts"``); the current clip's timeline, table and inspector are left alone;
- while an inline editor (a table cell) is open the refresh waits, so the edit is not lost;
  selection, playback and open intervals are state the reloads keep;
- the app's own commits are not reported back (``Workspace.run`` absorbs them).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QApplication

from annotators.errors import StoryframeError
from annotators.jobs import Job
from annotators.live import KINDS, Change, ChangeWatcher, kinds_of, watch

if TYPE_CHECKING:
    from annotators.project import Project

    from ..workspace import Workspace

R = TypeVar("R")
WAIT_S = 0.25  # how long one wait blocks: a stopped watcher's thread ends within it
RETRY_MS = 250  # how soon a refresh held back by an open editor is tried again
# kinds shown per clip: a change in another clip refreshes only the library's counts
PER_CLIP = {"annotations": "counts", "clip_values": None, "corrections": None, "analysis": None}
# kinds whose change means others must be re-read too (blind mode hides other coders' rows)
ALSO = {"blind": ("annotations", "clip_values", "assignments")}


# what the status bar names, per kind refreshed
NOUNS = {"annotations": "annotations", "clip_values": "clip variables",
         "transcripts": "transcripts", "corrections": "transcript corrections", "videos": "clips",
         "assignments": "assignments", "consensus": "consensus", "codebook": "the codebook",
         "analysis": "analyses", "blind": "project settings"}  # fmt: skip


def refreshed_text(kinds: dict[str, set[int | None]], blind: bool = False) -> str:
    """The status bar line after a refresh: what others changed, and in how many clips.

    In ``blind`` mode it names neither: "another coder changed annotations in 1 clip" would
    tell a coder that someone coded the clip they are coding blind."""
    if blind:
        return "Updated from the project"
    names = [NOUNS.get(kind, kind) for kind in kinds]
    clips = {clip for ids in kinds.values() for clip in ids if clip is not None}
    where = f" in {len(clips)} clip{'s' if len(clips) != 1 else ''}" if clips else ""
    return f"Updated: another coder changed {', '.join(names)}{where}"


def tables_of(kind: str) -> list[str]:
    """The watched tables an operation of ``kind`` writes (what the app absorbs after it)."""
    return [table for table, table_kind in KINDS.items() if table_kind == kind]


class LiveUpdates(QObject):
    """Watches the workspace's project while it is open.

    ``refreshed(object)`` follows each applied batch with the kinds it refreshed (a dict
    kind -> clip ids), for the status bar and tests.
    """

    _arrived = Signal(object)
    refreshed = Signal(object)

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self.workspace = workspace
        self.watcher: ChangeWatcher | None = None
        self._generation = 0  # batches from a previous project's thread are dropped
        self._pending: list[Change] = []
        self._arrived.connect(self._on_arrived)

    def start(self, project: Project) -> None:
        """Watch ``project`` (stopping any previous watch)."""
        self.stop()
        try:
            self.watcher = watch(project)
        except StoryframeError as error:  # coding goes on; only others' changes will not show
            self.workspace.error.emit(f"{error}. Other coders' changes show after reopening.")
            return
        generation, watcher = self._generation, self.watcher
        thread = threading.Thread(
            target=self._loop, args=(watcher, generation), name="live-view", daemon=True
        )
        thread.start()

    def stop(self) -> None:
        """Stop watching; the thread ends on its own within :data:`WAIT_S` (never joined
        from the UI thread)."""
        self._generation += 1
        self._pending.clear()
        if self.watcher is not None:
            self.watcher.close()
            self.watcher = None

    def absorb(self, kind: str) -> None:
        """Call on the writer thread right after an own operation of ``kind`` committed."""
        watcher = self.watcher
        if watcher is not None:
            watcher.absorb(tables_of(kind))

    def absorbing(self, job: Job[R], kind: str) -> Job[R]:
        """``job`` (run on a worker thread) that, once done, absorbs what it committed: for
        jobs that write outside ``Workspace.run`` (an import), whose finish reloads ``kind``."""
        result = yield from job
        self.absorb(kind)
        return result

    def _loop(self, watcher: ChangeWatcher, generation: int) -> None:
        while generation == self._generation:
            changes = watcher.wait(WAIT_S)
            if changes and generation == self._generation:
                self._arrived.emit((generation, changes))

    def _on_arrived(self, batch: tuple[int, list[Change]]) -> None:
        generation, changes = batch
        if generation != self._generation:
            return
        self._pending.extend(changes)
        self._flush()

    def _flush(self) -> None:
        if not self._pending or self.workspace.project is None:
            return
        if _editing():
            QTimer.singleShot(RETRY_MS, self._flush)
            return
        kinds = kinds_of(self._pending)
        self._pending.clear()
        clip = self.workspace.clip.id if self.workspace.clip is not None else None
        emitted: list[str] = []
        for kind, clips in kinds.items():
            if kind in PER_CLIP and None not in clips and clip not in clips:
                kind = PER_CLIP[kind]  # only other clips changed
                if kind is None:
                    continue
            for each in (kind, *ALSO.get(kind, ())):
                if each not in emitted:
                    emitted.append(each)
        for kind in emitted:
            self.workspace.data_changed.emit(kind)
        self.refreshed.emit(kinds)


def _editing() -> bool:
    """True while a cell editor of an item view (an inline edit) has the keyboard focus."""
    widget = QApplication.focusWidget()
    while widget is not None:
        if isinstance(widget, QAbstractItemView):
            return QApplication.focusWidget() is not widget  # the view itself is not an editor
        widget = widget.parentWidget()
    return False
