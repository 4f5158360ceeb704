"""The ``storyframe`` command line.

Command modules register themselves on :data:`annotators.cli.app.app` when imported.
User errors (:class:`~annotators.errors.StoryframeError`) print one line and exit 1.
"""

from __future__ import annotations

import sys

from rich.markup import escape

from annotators.errors import StoryframeError

from .app import app, err_console


def _load_commands() -> None:
    """Import the command modules so their commands register on ``app``.

    Imported on demand rather than at module level so that ``storyframe`` without arguments
    starts the desktop app without loading every command's dependencies.
    """
    from . import (  # noqa: F401
        codebook_cmds,
        exchange_cmds,
        export_cmds,
        media_cmds,
        project_cmds,
        reliability_cmds,
        transcribe_cmds,
    )


def main(argv: list[str] | None = None) -> None:
    """Entry point: no arguments start the desktop app, otherwise run a CLI command."""
    args = sys.argv[1:] if argv is None else argv
    if not args:
        from annotators.launch import launch_desktop

        sys.exit(launch_desktop())
    _load_commands()
    try:
        # standalone mode: click prints usage errors and handles Ctrl+C itself
        app(args=args, prog_name="storyframe")
    except StoryframeError as error:
        err_console.print(
            f"[red]error:[/red] {escape(str(error))}", highlight=False, soft_wrap=True
        )
        sys.exit(1)
