"""Clip ▸ Analyse: run the core's analysis (shot cuts, on-screen text, suggestions) of one
clip or of every clip in a child process, with progress and Cancel in the job bar.

OCR and shot detection run native code that holds the GIL for long stretches; in a child
process it cannot stall the UI thread (as for transcription, :mod:`desktop.transcribing`).
Each clip is committed as it finishes, so Cancel keeps the clips already analysed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..main_window import MainWindow

AFTER_TRANSCRIPTION = "analyse_after_transcription"


def analyse(window: MainWindow, current_only: bool, *, force: bool | None = None) -> bool:
    """Start analysing the current clip (again) or every clip not analysed yet; False when
    there is nothing to do or another job runs (the user is told)."""
    ws = window.workspace
    if ws.project is None or (current_only and ws.clip is None):
        return False
    if window.job_bar.busy:
        window.show_error("Another task is running; wait for it or cancel it first.")
        return False
    kwargs = {
        "project_path": str(ws.project.path),
        "video_ids": [ws.clip.id] if current_only else None,  # type: ignore[union-attr]
        "force": current_only if force is None else force,
        "coder": ws.coder.name if ws.coder is not None else None,
    }
    title = "Analyse clip" if current_only else "Analyse all"
    window.job_bar.start_in_process(
        "desktop.child_jobs:analyze_job", kwargs, title, lambda report: _done(window, report)
    )
    return True


def after_transcription(window: MainWindow, current_only: bool) -> None:
    """With the setting on, analyse what was just transcribed (suggestions read the words)."""
    if window.settings.get(AFTER_TRANSCRIPTION):
        analyse(window, current_only, force=current_only)


def _done(window: MainWindow, summary: dict) -> None:
    """Refresh the views; list the clips that could not be analysed."""
    window.workspace.data_changed.emit("analysis")
    window.workspace.data_changed.emit("annotations")  # new suggestions
    window.statusBar().showMessage(
        f"Analysed {summary['analysed']} clip(s); {summary['suggested']} new suggestion(s) "
        "(Alt+PgDown: next suggestion).",
        15000,
    )
    if summary["failed"]:
        lines = "\n".join(f"• {name}: {reason}" for name, reason in summary["failed"][:20])
        window.show_error(f"Some clips could not be analysed:\n{lines}")
