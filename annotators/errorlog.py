"""Where unexpected errors are written down: one log file shared by the CLI and the desktop app.

A user who meets a bug sees one line that points here; the traceback, which they can attach to
a bug report, is appended to the file. Qt-free, so both front ends use it.
"""

from __future__ import annotations

import traceback
from datetime import UTC, datetime
from pathlib import Path

from platformdirs import user_log_path


def default_log_path() -> Path:
    """``errors.log`` in the user's log folder (``~/.local/state/storyframe/log`` on Linux)."""
    return user_log_path("storyframe", appauthor=False) / "errors.log"


def log_exception(error: BaseException, log_path: Path | None = None) -> str:
    """Append ``error``'s traceback to ``log_path`` (default: :func:`default_log_path`).

    Returns a sentence telling the user where the details are (or why they could not be
    written); never raises, because it runs while another error is being reported.
    """
    log_path = log_path or default_log_path()
    details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    try:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("a", encoding="utf-8", errors="backslashreplace") as log:
            log.write(f"--- {datetime.now(UTC).isoformat()}\n{details}\n")
    except OSError as log_error:
        return f"The details could not be written to {log_path} ({log_error.strerror})."
    return f"The details were written to {log_path}."
