"""Project > Import from... and the ELAN / REFI-QDA export entries (core: annotators.exchange).

An import runs in three steps, none on the UI thread: the file is read in the export bar (a
worker thread, cancellable), the plan is checked with a dry run on the writer thread, then a
preview lists what will be added and what could not be mapped; only after the user accepts
does the writer thread store it (one transaction).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from annotators.jobs import Job, Progress

from .exporting import export_folder, start_export

if TYPE_CHECKING:
    from annotators.exchange import ImportPlan, ImportResult

    from .main_window import MainWindow

EXPORTS = {  # format -> (menu text, file dialog filter; None: a folder, one file per clip)
    "eaf": ("ELAN, one .eaf per clip…", None),
    "qdpx": ("REFI-QDA project (.qdpx: MAXQDA, NVivo, ATLAS.ti)…", "REFI-QDA project (*.qdpx)"),
    "qdc": ("REFI-QDA codebook (.qdc)…", "REFI-QDA codebook (*.qdc)"),
    "boris-tsv": ("BORIS tabular events, one .tsv per clip and coder…", None),
    "boris-aggregated": ("BORIS aggregated events (.tsv)…", "BORIS aggregated events (*.tsv)"),
    "sav": ("SPSS (.sav, wide table + long table)…", "SPSS data (*.sav)"),
    "dta": ("Stata (.dta, wide table + long table)…", "Stata data (*.dta)"),
    "textgrid": ("Praat TextGrid, one per clip…", None),
}
SUFFIXES = {"boris-aggregated": ".tsv"}  # file suffix when it is not ".<format>"
# What the preview shows before "and N more" (the detailed text has them all).
SHOWN_LINES = 12


def import_filter() -> str:
    """The file dialog filter of every importable format."""
    from annotators.exchange import import_formats

    formats = import_formats()
    patterns = " ".join(f"*{ext}" for fmt in formats for ext in fmt.extensions)
    each = ";;".join(
        f"{fmt.title} ({' '.join('*' + e for e in fmt.extensions)})" for fmt in formats
    )
    return f"All supported ({patterns});;{each};;All files (*)"


def import_from(window: MainWindow) -> None:
    """Ask for a file of another tool, then preview and import it."""
    project = window.workspace.project
    if project is None:
        return
    start = export_folder(window.settings, project.root)
    path, _ = QFileDialog.getOpenFileName(window, "Import from", str(start), import_filter())
    if path:
        preview_import(window, Path(path))


def _read_job(path: Path) -> Job[ImportPlan]:
    from annotators.exchange import read_file

    yield Progress(0, 1, f"reading {path.name}")
    plan = read_file(path)
    yield Progress(1, 1, "read")
    return plan


def preview_import(
    window: MainWindow, path: Path, confirm: Callable[[QWidget, ImportResult], bool] | None = None
) -> None:
    """Read ``path``, dry-run it, show the preview, and import when ``confirm`` says so."""
    project = window.workspace.project
    if project is None:
        return
    if window.export_bar.busy:
        window.show_error("An export or import is running; wait for it or cancel it first.")
        return
    from annotators.exchange import apply_plan

    ask = confirm or ask_to_import

    def previewed(plan: ImportPlan, result: ImportResult) -> None:
        if ask(window, result):
            window.workspace.run(lambda: apply_plan(project, plan), "annotations", imported)

    def imported(result: ImportResult) -> None:
        for kind in ("codebook", "clip_values", "transcripts"):
            window.workspace.data_changed.emit(kind)
        window.statusBar().showMessage(result.summary()[0], 15000)

    def read(plan: ImportPlan | None) -> None:
        if plan is not None:  # None: cancelled
            window.workspace.run(
                lambda: apply_plan(project, plan, dry_run=True),
                "preview",
                lambda result: previewed(plan, result),
            )

    window.export_bar.start(_read_job(path), "Import", read)


def ask_to_import(parent: QWidget, result: ImportResult) -> bool:
    """The preview: what will be added and what could not be mapped; True to import."""
    lines = result.summary()
    shown = lines[:SHOWN_LINES] + ([f"… and {len(lines) - SHOWN_LINES} more lines"]
                                   if len(lines) > SHOWN_LINES else [])  # fmt: skip
    box = QMessageBox(parent)
    box.setWindowTitle(f"Import {result.source.name}")
    box.setText("\n".join(shown))
    box.setDetailedText("\n".join(lines))
    box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Ok).setText("Import")
    return box.exec() == QMessageBox.StandardButton.Ok


def export_exchange(window: MainWindow, fmt: str) -> None:
    """Ask where to write ``fmt`` (a folder for ELAN), then export in the export bar."""
    project = window.workspace.project
    if project is None:
        return
    title, dialog_filter = EXPORTS[fmt]
    folder = export_folder(window.settings, project.root)
    if dialog_filter is None:
        chosen = QFileDialog.getExistingDirectory(window, title.rstrip("…"), str(folder))
    else:
        suggested = folder / f"{project.path.stem}{SUFFIXES.get(fmt, '.' + fmt)}"
        chosen, _ = QFileDialog.getSaveFileName(
            window, title.rstrip("…"), str(suggested), dialog_filter
        )
    if chosen:
        window.settings.set(
            "last_export_folder", str(Path(chosen).parent if dialog_filter else chosen)
        )
        export_exchange_to(window, fmt, Path(chosen))


def export_exchange_to(window: MainWindow, fmt: str, out: Path) -> None:
    """Write ``fmt`` of the whole project to ``out``; report it in the status bar."""

    def done(result) -> None:  # type: ignore[no-untyped-def]
        where = result.files[0] if len(result.files) == 1 else out
        window.statusBar().showMessage(
            f"Exported {result.annotations} annotations to {where} ({fmt})", 10000
        )

    start_export(window, fmt, out, done)
