"""The shared Typer application that every ``annotators.cli`` module adds commands to.

Both consoles print text literally: Rich markup (``[style]`` tags) and emoji codes (``:smile:``) are
off, because file names, codes and messages come from users and must be shown unchanged
(``dir[/b].mp4`` would otherwise crash Rich or lose its brackets). Styled text is built with
:class:`rich.text.Text` instead. Lines are never wrapped (``soft_wrap``): each message stays
one line that a script can grep, whatever the terminal width; tables still fit the terminal.

Exit codes are the same for every command: the ``EXIT_*`` constants below, also listed in the
``--help`` text and the README.
"""

from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
from rich.progress import Progress as ProgressBar

from annotators.jobs import Job, Progress, run_job

R = TypeVar("R")

EXIT_OK = 0  # everything asked was done
EXIT_ERROR = 1  # stopped with a one-line error; nothing was changed by the failed step
EXIT_USAGE = 2  # wrong command, option or argument (nothing was done)
EXIT_PARTIAL = 3  # done, but some files or rows were skipped or still need attention (stderr)
EXIT_INTERRUPTED = 130  # Ctrl+C: work finished before it is kept

EXIT_CODES_HELP = (
    "Exit codes: 0 done; 1 error (one line on stderr); 2 usage error; "
    "3 done, but some files or rows were skipped or still need attention (listed on stderr); "
    "130 interrupted (work finished before is kept)."
)

app = typer.Typer(
    name="storyframe",
    help="Storyframe: code short personal-story videos frame by frame, with local Whisper.\n\n"
    + EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(markup=False, emoji=False, soft_wrap=True)
err_console = Console(stderr=True, markup=False, emoji=False, soft_wrap=True)

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
