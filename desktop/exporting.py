"""Export menu: ask for a file, run the core export job in the export bar, report where it went.

The export bar shows progress and a Cancel button; a cancelled table export leaves no file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog, QInputDialog

from annotators.settings import Settings

from .study_actions import blind_export_coders

if TYPE_CHECKING:
    from .main_window import MainWindow


def export_folder(settings: Settings, project_root: Path) -> Path:
    """Where an export dialog starts: the last export's folder, else beside the project file,
    unless that is a hidden folder (the default project lives in the user data folder), then
    the user's Documents (or home) folder."""
    last = Path(settings.get("last_export_folder"))
    if settings.get("last_export_folder") and last.is_dir():
        return last
    if not any(part.startswith(".") for part in project_root.parts):
        return project_root
    documents = Path.home() / "Documents"
    return documents if documents.is_dir() else Path.home()


def _remember(window: MainWindow, chosen: Path) -> None:
    window.settings.set("last_export_folder", str(chosen if chosen.is_dir() else chosen.parent))


def start_export(
    window: MainWindow,
    fmt: str,
    out: Path,
    on_done: Callable[[Any], None],
    videos: list[str] | None = None,
) -> None:
    """Export the open project in ``fmt`` to ``out`` (only ``videos`` if given) in the export
    bar, once every edit queued before has been committed."""
    project = window.workspace.project
    if project is None:
        return
    from annotators.export import ExportFilter, export_job  # loaded when first used

    def start(_: object) -> None:
        if window.export_bar.busy:
            window.show_error("An export is running; wait for it or cancel it first.")
            return
        # blind mode: a coder's exports hold only the work they may see (desktop.study_actions)
        coders = blind_export_coders(window.workspace)
        flt = ExportFilter(videos=videos or (), coders=coders) if videos or coders else None
        window.export_bar.start(export_job(project, fmt, out, flt), "Export", on_done)

    # The writer thread runs edits in order: an empty operation after them marks "all saved".
    window.workspace.run(lambda: None, "export", start)


def export_table_to(window: MainWindow, fmt: str, path: Path) -> None:
    """Write the ``fmt`` table of the whole project to ``path``."""
    start_export(
        window,
        fmt,
        path,
        lambda result: window.statusBar().showMessage(
            f"Exported {result.rows} rows to {result.path} (data dictionary: "
            f"{result.dictionary.name})",
            10000,
        ),
    )


def export_table(window: MainWindow, fmt: str) -> None:
    """Ask for the CSV file name, then export."""
    project = window.workspace.project
    if project is None:
        return
    folder = export_folder(window.settings, project.root)
    suggested = folder / f"{project.path.stem}-{fmt}.csv"
    path, _ = QFileDialog.getSaveFileName(
        window, f"Export {fmt}", str(suggested), "CSV files (*.csv)"
    )
    if path:
        _remember(window, Path(path))
        export_table_to(window, fmt, Path(path))


def export_transcript(window: MainWindow) -> None:
    """Save the current clip's transcript as SRT, VTT, TXT or JSON (by the file suffix)."""
    ws = window.workspace
    if ws.project is None or ws.clip is None:
        return
    project, clip = ws.project, ws.clip
    folder = export_folder(window.settings, project.root)
    suggested = folder / f"{Path(clip.file_name).stem}.srt"
    path, _ = QFileDialog.getSaveFileName(
        window,
        "Export transcript",
        str(suggested),
        "Subtitles (*.srt);;WebVTT (*.vtt);;Text (*.txt);;JSON (*.json)",
    )
    if not path:
        return
    _remember(window, Path(path))
    target = Path(path)
    fmt = target.suffix.lstrip(".").lower() or "srt"
    if not target.suffix:
        target = target.with_suffix(f".{fmt}")

    start_export(
        window,
        fmt,
        target,
        lambda _r: window.statusBar().showMessage(f"Saved {target}", 10000),
        videos=[clip.file_name],
    )


def export_all_transcripts_to(window: MainWindow, folder: Path, fmt: str) -> None:
    """Write every transcribed clip's transcript into ``folder``, one ``fmt`` file per clip."""

    def done(result) -> None:  # type: ignore[no-untyped-def]
        saved, missing = len(result.files), len(result.untranscribed)
        text = f"Saved {saved} transcript{'s' * (saved != 1)} to {folder}"
        if missing:
            text += f"; {missing} clip{'s' * (missing != 1)} without a transcript yet"
        window.statusBar().showMessage(text, 10000)

    start_export(window, fmt, folder, done)


def export_all_transcripts(window: MainWindow) -> None:
    """Ask for a format and a folder, then export every transcript."""
    if window.workspace.project is None:
        return
    fmt, ok = QInputDialog.getItem(
        window, "Export all transcripts", "Format:", ["srt", "vtt", "txt", "json"], 0, False
    )
    if not ok:
        return
    start = export_folder(window.settings, window.workspace.project.root)
    folder = QFileDialog.getExistingDirectory(
        window, "Export all transcripts into folder", str(start)
    )
    if folder:
        _remember(window, Path(folder))
        export_all_transcripts_to(window, Path(folder), fmt)
