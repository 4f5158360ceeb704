"""Clip ▸ Transcribe: run the core batch job for one clip or all clips in the background."""

from __future__ import annotations

from statistics import median
from typing import TYPE_CHECKING

from sqlmodel import col, select

from annotators.store.models import Transcript, Video

if TYPE_CHECKING:
    from annotators.project import Project

    from .main_window import MainWindow

RECENT_RUNS = 20  # transcripts the time estimate learns from


def expected_seconds(project: Project, video: Video) -> float | None:
    """About how long ``video`` will take, from this project's recent transcription speed
    (processing seconds per second of audio); None before the first transcript."""
    with project.session() as session:
        runs = session.exec(
            select(Transcript.processing_s, Video.duration_s)
            .join(Video, col(Video.id) == Transcript.video_id)
            .where(col(Transcript.processing_s).is_not(None), Video.duration_s > 0)
            .order_by(col(Transcript.id).desc())
            .limit(RECENT_RUNS)
        ).all()
    if not runs:
        return None
    return median(processing / duration for processing, duration in runs) * video.duration_s


def translate(window: MainWindow) -> None:
    """Add an English translation of the current clip as a separate transcript version."""
    ws = window.workspace
    if ws.project is None or ws.clip is None:
        return
    if window.job_bar.busy:
        window.show_error("Another task is running; wait for it or cancel it first.")
        return
    kwargs = {"project_path": str(ws.project.path), "video_ids": [ws.clip.id], "force": True,
              "translate": True}  # fmt: skip
    clip_id = ws.clip.id

    def translated(report: dict) -> None:
        _done(window, report)
        if ws.clip is not None and ws.clip.id == clip_id:
            window.transcript.show_translation()  # what the coder asked to read

    window.job_bar.start_in_process(
        "desktop.child_jobs:transcribe_job", kwargs, "Translate clip", translated
    )


def set_language(window: MainWindow, language: str | None) -> None:
    """Set the current clip's spoken language (None: detect it), on the writer thread."""
    from annotators.transcribe.clip_language import set_clip_language

    ws = window.workspace
    if ws.project is None or ws.clip is None:
        return
    project, clip = ws.project, ws.clip
    clip.language = language  # the menu shows the choice at once; the row follows
    shown = language or "detected from the speech"
    ws.run(
        lambda: set_clip_language(project, [clip.id], language),
        "videos",
        lambda _count: window.statusBar().showMessage(
            f"{clip.file_name}: language {shown}. Transcribe it again (Ctrl+T) to use it; "
            "the current transcript is kept as an older version.",
            10000,
        ),
    )


def transcribe(window: MainWindow, current_only: bool) -> None:
    """Transcribe the current clip (again, if it has a transcript) or every clip without one.

    The job runs in a child process (its native code would stall the UI thread), loads the
    model once and commits each clip's transcript as it finishes, so Cancel keeps the clips
    already done.
    """
    ws = window.workspace
    if ws.project is None or (current_only and ws.clip is None):
        return
    if current_only and not ws.clip.has_audio:  # type: ignore[union-attr]
        text = f"{ws.clip.file_name} has no audio track: there is nothing to transcribe."  # type: ignore[union-attr]
        window.statusBar().showMessage(text, 10000)
        return
    if window.job_bar.busy:
        window.show_error("Another task is running; wait for it or cancel it first.")
        return
    kwargs = {
        "project_path": str(ws.project.path),
        "model": window.settings.get("whisper_model") or None,
        "video_ids": [ws.clip.id] if current_only else None,  # type: ignore[union-attr]
        "force": current_only,
    }
    title = "Transcribe clip" if current_only else "Transcribe all"
    runner = window.job_bar.start_in_process(
        "desktop.child_jobs:transcribe_job", kwargs, title, lambda report: _done(window, report)
    )
    if current_only:
        panel = window.transcript
        panel.start_progress(expected_seconds(ws.project, ws.clip))  # type: ignore[arg-type]
        # one clip: the batch's progress is this clip's, e.g. 0.4 of 1, "a.mp4: 12 of 30 s"
        runner.progress.connect(
            lambda progress: (
                progress.total == 1
                and 0 < progress.done < 1
                and panel.show_done(progress.done, progress.message)
            )
        )
        clip_id = ws.clip.id  # type: ignore[union-attr]

        def finished(*_args: object) -> None:
            panel.stop_progress()
            for signal in (window.job_bar.job_finished, window.job_bar.job_failed):
                signal.disconnect(finished)
            if ws.clip is not None and ws.clip.id == clip_id:
                panel.reload()

        window.job_bar.job_finished.connect(finished)
        window.job_bar.job_failed.connect(finished)


def _done(window: MainWindow, summary: dict) -> None:
    """Refresh the views; list the clips that could not be transcribed."""
    window.workspace.data_changed.emit("transcripts")
    skipped = [f"{name}: {reason}" for name, reason in summary.get("skipped", ())]
    if skipped and len(skipped) <= 3:
        window.statusBar().showMessage("; ".join(skipped), 10000)
    if summary["failed"]:
        lines = "\n".join(f"• {name}: {reason}" for name, reason in summary["failed"][:20])
        window.show_error(f"Some clips could not be transcribed:\n{lines}")
