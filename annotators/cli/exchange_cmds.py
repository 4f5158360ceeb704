"""``storyframe exchange import``: files from ELAN, REFI-QDA tools and other registered formats.

Thin layer over :mod:`annotators.exchange`; exports go through ``storyframe export -f``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from annotators.exchange import ExchangeExport, import_file
from annotators.project import Project

from .app import EXIT_PARTIAL, ProjectArg, app, console, err_console, run_with_progress

exchange_app = typer.Typer(
    help="Exchange with ELAN, REFI-QDA (MAXQDA, NVivo, ATLAS.ti...) and other tools.",
    no_args_is_help=True,
)
app.add_typer(exchange_app, name="exchange")


@exchange_app.command("import")
def import_cmd(
    project: ProjectArg,
    file: Annotated[
        Path,
        typer.Argument(
            help="An .eaf, .qdpx, .qdc, .boris, .srt or .vtt file (detected by content)."
        ),
    ],
    coder: Annotated[
        str | None, typer.Option(help="Attribute everything to this coder instead of the file's.")
    ] = None,
    video: Annotated[
        str | None, typer.Option(help="The project video (file name, SHA-256 or id) to code.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be added; change nothing.")
    ] = False,
) -> None:
    """Import coded data: print what is added and what could not be mapped (exit 3 if any)."""
    with Project.open(project) as opened:
        job = import_file(opened, file, coder=coder, video=video, dry_run=dry_run)
        result = run_with_progress(job, "importing")
    lines = result.summary()
    shown = len(lines) - len(result.problems)
    for line in lines[:shown]:
        console.print(line, markup=False, soft_wrap=True, highlight=False)
    for problem in result.problems:
        err_console.print(f"not mapped: {problem}", markup=False, soft_wrap=True, highlight=False)
    if dry_run:
        err_console.print("dry run: nothing was changed", markup=False)
    if result.problems:
        raise typer.Exit(EXIT_PARTIAL)


def print_exchange_export(result: ExchangeExport) -> None:
    """The lines ``storyframe export`` prints after an exchange format."""
    console.print(
        f"wrote {len(result.files)} {result.format} file(s) with {result.annotations} "
        f"annotation(s) and {result.clip_values} clip value(s)",
        markup=False,
        soft_wrap=True,
    )
    for path in result.files:
        console.print(f"  {path}", markup=False, soft_wrap=True, highlight=False)
    for note in result.notes:
        err_console.print(f"not carried: {note}", markup=False, soft_wrap=True)
