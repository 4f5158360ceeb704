"""The shared Typer application that every ``annotators.cli`` module adds commands to."""

from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
from rich.progress import Progress as ProgressBar

from annotators.jobs import Job, Progress, run_job

R = TypeVar("R")

app = typer.Typer(
    name="storyframe",
    help="Storyframe: code short personal-story videos frame by frame, with local Whisper.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

# The PROJECT argument shared by every command that works on a project file.
ProjectArg = Annotated[Path, typer.Argument(help="Project file (.storyframe).")]


def run_with_progress(job: Job[R], description: str) -> R:
    """Run ``job`` with a Rich progress bar on stderr (so stdout stays clean for tables)."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[note]}", style="dim", markup=False),
    )
    with ProgressBar(*columns, console=err_console, transient=False) as bar:
        task = bar.add_task(description, total=None, note="")

        def show(progress: Progress) -> None:
            bar.update(task, completed=progress.done, total=progress.total, note=progress.message)

        return run_job(job, show)
