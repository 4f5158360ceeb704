"""Export commands: ``storyframe export`` and ``storyframe annotations import``.

User errors raise :class:`~annotators.errors.StoryframeError`; ``main()`` prints them as one
line and exits 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from annotators.export import (
    FORMATS,
    CsvOptions,
    ExportFilter,
    TableExport,
    export_job,
    import_long_csv,
)
from annotators.export.onscreen import OnscreenTextExport
from annotators.project import Project

from .app import EXIT_PARTIAL, ProjectArg, app, console, err_console, run_with_progress

annotations_app = typer.Typer(help="Annotations: import coded data.", no_args_is_help=True)
app.add_typer(annotations_app, name="annotations")


@app.command("export")
def export_cmd(
    project: ProjectArg,
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"One of: {', '.join(FORMATS)}.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="CSV file, or folder/file for transcripts.")
    ],
    coder: Annotated[list[str] | None, typer.Option(help="Only this coder (repeatable).")] = None,
    videos: Annotated[
        list[str] | None,
        typer.Option(help="Only this video: file name, SHA-256 or id (repeatable)."),
    ] = None,
    category: Annotated[
        list[str] | None, typer.Option(help="Only codes in this category key (repeatable).")
    ] = None,
    bom: Annotated[bool, typer.Option(help="Write UTF-8 with BOM (for Excel).")] = False,
    formula_guard: Annotated[
        bool, typer.Option(help="Prefix text cells a spreadsheet would run with '.")
    ] = True,
) -> None:
    """Export annotations (csv-long, csv-wide), transcripts (srt, vtt, txt, json) or on-screen
    text (onscreen-text)."""
    flt = ExportFilter(coders=coder or (), videos=videos or (), categories=category or ())
    options = CsvOptions(bom=bom, formula_guard=formula_guard)
    with Project.open(project) as opened:
        result = run_with_progress(export_job(opened, fmt, output, flt, options), "exporting")
    if isinstance(result, OnscreenTextExport):
        console.print(f"wrote {result.rows} rows to {result.path}", markup=False, soft_wrap=True)
        if result.not_analysed:
            names = ", ".join(result.not_analysed)
            err_console.print(f"no on-screen text yet (skipped): {names}", soft_wrap=True)
        return
    if isinstance(result, TableExport):
        console.print(f"wrote {result.rows} rows to {result.path}", markup=False, soft_wrap=True)
        console.print(f"data dictionary: {result.dictionary}", markup=False, soft_wrap=True)
        return
    console.print(
        f"wrote {len(result.files)} transcript file(s) to {output}", markup=False, soft_wrap=True
    )
    if result.untranscribed:
        names = ", ".join(result.untranscribed)
        err_console.print(f"no transcript yet (skipped): {names}", markup=False, soft_wrap=True)


@annotations_app.command("import")
def import_cmd(
    project: ProjectArg,
    csv_file: Annotated[Path, typer.Argument(help="A csv-long export.")],
    coder: Annotated[
        str | None, typer.Option(help="Attribute every row to this coder instead of the file's.")
    ] = None,
) -> None:
    """Import a csv-long file (videos matched by content hash or file name, codes by key)."""
    with Project.open(project) as opened:
        report = import_long_csv(opened, csv_file, coder=coder)
    console.print(
        f"imported {report.annotations} annotation(s) and {report.clip_values} clip value(s)"
        f" from {csv_file}; {report.duplicates} already present, {len(report.skipped)} skipped",
        markup=False,
        soft_wrap=True,
    )
    for skipped in report.skipped:
        err_console.print(
            f"{csv_file}:{skipped.line}: skipped: {skipped.reason}", markup=False, soft_wrap=True
        )
    if report.skipped:
        raise typer.Exit(EXIT_PARTIAL)
