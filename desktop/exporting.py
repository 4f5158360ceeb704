"""Export menu: ask for a file, run the core export off the UI thread, report where it went."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QInputDialog

if TYPE_CHECKING:
    from .main_window import MainWindow


def export_table_to(window: MainWindow, fmt: str, path: Path) -> None:
    """Write the ``fmt`` table of the whole project to ``path`` (on the database thread)."""
    project = window.workspace.project
    if project is None:
        return
    from annotators.export import export_long, export_wide  # loaded when first used

    exporter = {"csv-long": export_long, "csv-wide": export_wide}[fmt]

    def work():  # type: ignore[no-untyped-def]
        with project.session() as session:
            return exporter(session, path)

    window.workspace.run(
        work,
        "export",
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
    suggested = project.root / f"{project.path.stem}-{fmt}.csv"
    path, _ = QFileDialog.getSaveFileName(
        window, f"Export {fmt}", str(suggested), "CSV files (*.csv)"
    )
    if path:
        export_table_to(window, fmt, Path(path))


def export_transcript(window: MainWindow) -> None:
    """Save the current clip's transcript as SRT, VTT, TXT or JSON (by the file suffix)."""
    ws = window.workspace
    if ws.project is None or ws.clip is None:
        return
    project, clip = ws.project, ws.clip
    suggested = project.root / f"{Path(clip.file_name).stem}.srt"
    path, _ = QFileDialog.getSaveFileName(
        window,
        "Export transcript",
        str(suggested),
        "Subtitles (*.srt);;WebVTT (*.vtt);;Text (*.txt);;JSON (*.json)",
    )
    if not path:
        return

    target = Path(path)
    fmt = target.suffix.lstrip(".").lower() or "srt"
    if not target.suffix:
        target = target.with_suffix(f".{fmt}")

    from annotators.export import ExportFilter, export_transcripts

    def work():  # type: ignore[no-untyped-def]
        with project.session() as session:
            return export_transcripts(session, target, fmt, ExportFilter(videos=[clip.file_name]))

    ws.run(work, "export", lambda _r: window.statusBar().showMessage(f"Saved {target}", 10000))


def export_all_transcripts_to(window: MainWindow, folder: Path, fmt: str) -> None:
    """Write every transcribed clip's transcript into ``folder``, one ``fmt`` file per clip."""
    project = window.workspace.project
    if project is None:
        return
    from annotators.export import export_transcripts

    def work():  # type: ignore[no-untyped-def]
        with project.session() as session:
            return export_transcripts(session, folder, fmt)

    def done(result) -> None:  # type: ignore[no-untyped-def]
        saved, missing = len(result.files), len(result.untranscribed)
        text = f"Saved {saved} transcript{'s' * (saved != 1)} to {folder}"
        if missing:
            text += f"; {missing} clip{'s' * (missing != 1)} without a transcript yet"
        window.statusBar().showMessage(text, 10000)

    window.workspace.run(work, "export", done)


def export_all_transcripts(window: MainWindow) -> None:
    """Ask for a format and a folder, then export every transcript."""
    if window.workspace.project is None:
        return
    fmt, ok = QInputDialog.getItem(
        window, "Export all transcripts", "Format:", ["srt", "vtt", "txt", "json"], 0, False
    )
    if not ok:
        return
    folder = QFileDialog.getExistingDirectory(window, "Export all transcripts into folder")
    if folder:
        export_all_transcripts_to(window, Path(folder), fmt)
