"""The shared Typer application that every ``annotators.cli`` module adds commands to."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

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
