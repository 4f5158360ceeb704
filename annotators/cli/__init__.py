"""The ``storyframe`` command line.

Command modules register themselves on :data:`annotators.cli.app.app` when imported.
:func:`main` is the one error boundary of every command: an expected failure (a
:class:`~annotators.errors.StoryframeError`, an operating-system error on a user's file, a
damaged or locked project database, Ctrl+C) prints one line and exits with the code documented
in :mod:`annotators.cli.app`; anything else is a bug, reported in one line that points to the
log file holding its traceback (:mod:`annotators.errorlog`).
"""

from __future__ import annotations

import contextlib
import os
import sys

from rich.text import Text

from annotators.errors import StoryframeError

from .app import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, app, err_console


def _load_commands() -> None:
    """Import the command modules so their commands register on ``app``.

    Imported on demand rather than at module level so that ``storyframe`` without arguments
    starts the desktop app without loading every command's dependencies.
    """
    from . import (  # noqa: F401
        analysis_cmds,
        codebook_cmds,
        db_cmds,
        exchange_cmds,
        export_cmds,
        language_cmds,
        media_cmds,
        media_folder_cmds,
        project_cmds,
        queue_cmds,
        reliability_cmds,
        study_cmds,
        transcribe_cmds,
    )


def main(argv: list[str] | None = None) -> None:
    """Entry point: no arguments start the desktop app, otherwise run a CLI command."""
    args = sys.argv[1:] if argv is None else argv
    if not args or _is_project_file(args):
        from annotators.launch import launch_desktop

        sys.exit(launch_desktop(args[0] if args else None))
    sys.exit(run_command(args))


def _is_project_file(args: list[str]) -> bool:
    """``storyframe study.storyframe`` (what a file manager runs) opens it in the app."""
    return len(args) == 1 and args[0].endswith(".storyframe") and os.path.isfile(args[0])


def run_command(args: list[str]) -> int:
    """Run one CLI command and return its exit code; never raises (see the module doc).

    Typer's standalone mode prints usage errors itself (exit 2) and turns Ctrl+C into exit
    130; everything a command raises arrives here.
    """
    _tolerate_odd_text()
    try:
        _load_commands()
        app(args=list(args), prog_name="storyframe")
    except SystemExit as done:
        if done.code is None or isinstance(done.code, int):
            code = done.code or EXIT_OK
        else:  # sys.exit("message"): Python's convention is to print it and exit 1
            _say("error", str(done.code))
            code = EXIT_ERROR
        if code == EXIT_INTERRUPTED:
            _say("interrupted", "work finished before Ctrl+C is saved")
        return code
    except KeyboardInterrupt:  # while the commands load, before Typer runs
        _say("interrupted", "nothing was changed")
        return EXIT_INTERRUPTED
    except StoryframeError as error:
        _say("error", str(error))
        return EXIT_ERROR
    except BrokenPipeError:  # `storyframe videos | head`: the reader left, nothing to say
        _silence_stdout()
        return EXIT_ERROR
    except OSError as error:
        _say("error", _os_error_text(error))
        return EXIT_ERROR
    except Exception as error:  # noqa: BLE001 - the boundary: anything else is a bug
        return _unexpected(error)
    return EXIT_OK


def _database_error_types() -> tuple[type[BaseException], ...]:
    """sqlite3, psycopg and SQLAlchemy driver errors: a damaged, locked or read-only project
    file, or a server project's database that failed."""
    from sqlalchemy.exc import DBAPIError

    from annotators.store.portable import driver_errors

    return (*driver_errors(), DBAPIError)


def _unexpected(error: Exception) -> int:
    """Report ``error``: one line for a database problem, else one line plus the log file."""
    if isinstance(error, _database_error_types()):
        cause = getattr(error, "orig", None) or error  # without SQLAlchemy's SQL dump
        _say("error", f"the project database cannot be used: {_one_line(str(cause))}")
        return EXIT_ERROR
    from annotators.errorlog import log_exception

    where = log_exception(error)
    _say(
        "internal error",
        f"{type(error).__name__}: {_one_line(str(error))}. This is a bug in Storyframe; work "
        f"saved before it is safe. {where}",
    )
    return EXIT_ERROR


def _os_error_text(error: OSError) -> str:
    """``path: reason`` for an operating-system error (``reason`` alone without a path)."""
    reason = error.strerror or str(error)
    if error.filename is None:
        return reason
    names = [os.fsdecode(error.filename)]
    if error.filename2 is not None:
        names.append(os.fsdecode(error.filename2))
    return f"{' -> '.join(names)}: {reason}"


def _one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _say(label: str, message: str) -> None:
    """``label: message`` on stderr, the label in red, the message exactly as given."""
    line = Text(f"{label}:", style="red") + Text(f" {message}")
    err_console.print(line, highlight=False, soft_wrap=True)


def _tolerate_odd_text() -> None:
    """Print names that are not valid UTF-8 (kept by Python as surrogates) as escapes
    instead of failing with UnicodeEncodeError halfway through a report."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not raise again."""
    # stdout may not be a real file (captured in tests): then there is nothing to flush
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
