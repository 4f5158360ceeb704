"""Unexpected errors: tell the user and keep the details, instead of failing silently.

PySide6 prints an exception raised in a slot to stderr and carries on, which a user never sees.
The hook shows what happened, reminds that committed work is safe (every change is saved at
once) and appends the traceback to a log file that can be sent with a bug report.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from annotators.errorlog import default_log_path, log_exception

Hook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def make_excepthook(log_path: Path, previous: Hook = sys.__excepthook__) -> Hook:
    """A ``sys.excepthook`` that logs to ``log_path``, calls ``previous`` and shows a dialog."""

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        where = log_exception(error, log_path)  # the same log as the command line's
        previous(kind, error, tb)
        if QApplication.instance() is not None:
            QMessageBox.critical(
                None,
                "Storyframe: unexpected error",
                f"{kind.__name__}: {error}\n\nEverything you coded before this is saved "
                f"(each change is saved at once). {where}",
            )

    return hook


def install_excepthook(log_path: Path | None = None) -> None:
    """Route uncaught exceptions (also those raised in Qt slots) through :func:`make_excepthook`."""
    sys.excepthook = make_excepthook(log_path or default_log_path(), sys.excepthook)
