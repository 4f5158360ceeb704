"""The shared Typer application that every ``annotators.cli`` module adds commands to."""

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
