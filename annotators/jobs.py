"""Long jobs as generators that yield progress.

A job is a generator that yields :class:`Progress` between steps and returns its result
(``return value`` inside the generator). The same job drives a Rich progress bar in the CLI
and a progress bar in the desktop app. Cancelling means closing the generator between steps
(``job.close()``): the job's ``finally`` blocks run, and work committed so far is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TypeVar

R = TypeVar("R")


@dataclass(frozen=True)
class Progress:
    """One progress report: ``done`` of ``total`` units (``total`` None when unknown)."""

    done: float
    total: float | None
    message: str = ""


Job = Generator[Progress, None, R]


def run_job(job: Job[R], on_progress: Callable[[Progress], None] | None = None) -> R:
    """Drive ``job`` to completion, passing each progress report on; return its result."""
    while True:
        try:
            progress = next(job)
        except StopIteration as stop:
            return stop.value
        if on_progress is not None:
            on_progress(progress)
