"""Study actions of the app: done marks, blind mode, packing and merging coder files.

The core (:mod:`annotators.study`) does the work. Writes go through ``Workspace.run`` on the
one writer thread; packing (a read of the project that copies and compacts it) runs in the
job bar with its progress. These functions take what they need (workspace, a parent widget,
a job bar) rather than the main window.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget
from sqlmodel import select

from annotators.jobs import Job, Progress
from annotators.store.models import Coder, Video
from annotators.study import (
    CONSENSUS_CODER,
    MergeReport,
    PackReport,
    mark_done,
    merge,
    pack,
    reopen,
    set_blind_mode,
)
from annotators.study.pack import PACKED_FOR_KEY

from .job_bar import JobBar
from .workspace import Workspace

PROJECT_FILTER = "Storyframe projects (*.storyframe)"
# what a merge can change: every view that shows coded work re-reads
MERGED_KINDS = ("annotations", "clip_values", "assignments")


def set_done(workspace: Workspace, video: Video, done: bool) -> None:
    """Mark ``video`` done (or reopen it) for the current coder, on the writer thread."""
    project, coder = workspace.project, workspace.coder
    if project is None or coder is None:
        return
    action = mark_done if done else reopen
    said = f"{video.file_name}: marked done" if done else f"{video.file_name}: open again"
    workspace.run(
        lambda: action(project, coder.name, video.id),
        "assignments",
        lambda _result: workspace.notice.emit(said),
    )


def toggle_current_done(workspace: Workspace, done_state: Callable[[Video], bool | None]) -> None:
    """Mark the clip on screen done, or reopen it when it is done (Clip menu, Ctrl+Shift+D).

    ``done_state(video)`` is the library's view of my done mark (None: not assigned to me);
    the core refuses a clip that is not assigned, with a message.
    """
    video = workspace.clip
    if video is not None:
        set_done(workspace, video, not done_state(video))


def set_blind(workspace: Workspace, on: bool) -> None:
    """Switch the project's blind mode; every coding screen re-reads."""
    project = workspace.project
    if project is None:
        return

    def work() -> None:
        with project.session() as session:
            set_blind_mode(session, on)
            session.commit()

    workspace.run(work, "blind", lambda _: [workspace.data_changed.emit(k) for k in MERGED_KINDS])


def _pack_job(project: Any, coder: str, path: Path) -> Job[PackReport]:
    yield Progress(0, 1, f"writing {path.name}")
    report = pack(project, coder, path)
    yield Progress(1, 1, "done")
    return report


def pack_coder_file(
    workspace: Workspace, parent: QWidget, job_bar: JobBar, show: Callable[[str], None]
) -> None:
    """Ask for a coder and a file name, then write that coder's file in the job bar."""
    project = workspace.project
    if project is None:
        return
    with project.session() as session:
        names = list(session.exec(select(Coder.name).order_by(Coder.name)))
    names = [name for name in names if name != CONSENSUS_CODER]
    if not names:
        show("This project has no coders yet: draw a sample or assign clips first.")
        return
    coder, ok = QInputDialog.getItem(parent, "Pack coder file", "Coder:", names, 0, False)
    if not ok or not coder:
        return
    suggested = str(project.root / f"{coder}.storyframe")
    path, _ = QFileDialog.getSaveFileName(parent, "Pack coder file", suggested, PROJECT_FILTER)
    if not path:
        return

    def start(_: object) -> None:
        if job_bar.busy:
            show("Another task is running; wait for it or cancel it first.")
            return
        job_bar.start(_pack_job(project, coder, Path(path)), "Pack coder file", _packed(show))

    workspace.run(lambda: None, "pack", start)  # after every queued edit is committed


def _packed(show: Callable[[str], None]) -> Callable[[PackReport | None], None]:
    def done(report: PackReport | None) -> None:
        if report is not None:
            show(
                f"Wrote {report.path} for {report.coder}: {len(report.videos)} clips, "
                f"{report.annotations} annotations and {report.clip_values} clip values."
            )

    return done


def merge_coder_files(workspace: Workspace, parent: QWidget) -> None:
    """Ask for coder files and merge each on the writer thread, then show what happened."""
    project = workspace.project
    if project is None:
        return
    paths, _ = QFileDialog.getOpenFileNames(
        parent, "Merge coder files", str(project.root), PROJECT_FILTER
    )
    for path in paths:
        workspace.run(
            lambda p=Path(path): merge(project, p), "merge", lambda r: _merged(workspace, parent, r)
        )


def merge_text(report: MergeReport) -> str:
    """What a merge did, for a dialog: the summary, then what needs attention."""
    lines = [report.summary()]
    if report.unmatched_videos:
        lines.append(
            f"Clips not in this project ({report.skipped} rows left out): "
            + ", ".join(report.unmatched_videos[:20])
        )
    lines += [f"Conflict: {conflict}" for conflict in report.conflicts[:20]]
    if len(report.conflicts) > 20:
        lines.append(f"... and {len(report.conflicts) - 20} more conflicts")
    return "\n".join(lines)


def _merged(workspace: Workspace, parent: QWidget, report: MergeReport) -> None:
    for kind in MERGED_KINDS:
        workspace.data_changed.emit(kind)
    box = QMessageBox(QMessageBox.Icon.Information, "Merge coder file", merge_text(report),
                      parent=parent)  # fmt: skip
    box.setModal(False)
    box.show()


def bind_blind_action(action: QAction, workspace: Workspace) -> None:
    """Keep the checkable Blind mode ``action`` in step with the open project's setting."""
    from .queries import blind

    def refresh(_kind: str = "blind") -> None:
        if _kind != "blind":
            return
        project = workspace.project
        action.blockSignals(True)
        action.setChecked(project is not None and blind(project))
        action.blockSignals(False)
        action.setEnabled(project is not None)

    action.setCheckable(True)
    action.toggled.connect(lambda on: set_blind(workspace, on))
    workspace.project_changed.connect(refresh)
    workspace.data_changed.connect(refresh)
    refresh()


def bind_packed_coder(workspace: Workspace, show: Callable[[str], None]) -> None:
    """In a coder file, code as the coder it was packed for, whatever name the settings hold.

    A coder file holds one coder's clips and work (:func:`annotators.study.pack`); coding in
    it under another name would put the work in a layer nobody merges as theirs and show no
    assigned clips.
    """

    def check() -> None:
        project, coder = workspace.project, workspace.coder
        if project is None or coder is None:
            return
        packed_for = project.get_meta(PACKED_FOR_KEY)
        if packed_for and packed_for != coder.name:
            workspace.coder = project.coder(packed_for)
            show(f"This is {packed_for}'s coder file: coding as {packed_for}.")
            workspace.project_changed.emit()  # every view re-reads for that coder

    workspace.project_changed.connect(check)


def blind_export_coders(workspace: Workspace) -> list[str]:
    """The coders an export from the app may hold: in blind mode only me, else all (``[]``)."""
    from .queries import visible_coders

    project, coder = workspace.project, workspace.coder
    if project is None or coder is None or visible_coders(project, coder.id) is None:
        return []
    return [coder.name]
