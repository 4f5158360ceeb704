"""Run an :mod:`annotators.jobs` job in a child process (Qt-free; imported by the child).

Transcription holds Python's GIL in long native calls (model loading, feature extraction),
which would freeze the UI thread for hundreds of milliseconds if it ran in a thread of the
app. In its own process it cannot: the app only reads progress messages from a queue.

Only builtins and :class:`~annotators.jobs.Progress` cross the queue: unpickling anything else
would import its module in the app, holding the GIL while the UI waits.

Messages on the queue: ``("progress", Progress)``, then one of ``("done", result)``,
``("cancelled", None)``, ``("failed", message)`` for a :class:`StoryframeError`, or
``("crashed", traceback_text)`` for a bug.
"""

from __future__ import annotations

import importlib
import os
import traceback
from collections.abc import Callable
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from typing import Any

from annotators.errors import StoryframeError
from annotators.jobs import Job, Progress

BACKGROUND_NICENESS = 10


def resolve(target: str) -> Callable[..., Job]:
    """The job factory named ``"package.module:function"``."""
    module_name, _, name = target.partition(":")
    return getattr(importlib.import_module(module_name), name)


def run_in_child(target: str, kwargs: dict[str, Any], queue: Queue, cancel: Event) -> None:
    """Child-process entry point: drive the job, report each step, stop when ``cancel`` is set."""
    if hasattr(os, "nice"):
        os.nice(BACKGROUND_NICENESS)  # the app's UI thread goes first on a busy machine
    try:
        job = resolve(target)(**kwargs)
        while True:
            if cancel.is_set():
                job.close()
                queue.put(("cancelled", None))
                return
            try:
                report = next(job)
                # plain Progress: unpickling a subclass would import its module in the app
                queue.put(("progress", Progress(report.done, report.total, report.message)))
            except StopIteration as stop:
                queue.put(("done", stop.value))
                return
    except StoryframeError as error:
        queue.put(("failed", str(error)))
    except BaseException:  # noqa: BLE001 - a bug: hand the traceback to the app to raise
        queue.put(("crashed", traceback.format_exc()))


def transcribe_job(
    project_path: str,
    model: str | None = None,
    video_ids: list[int] | None = None,
    force: bool = False,
    translate: bool = False,
) -> Job[dict[str, Any]]:
    """Transcribe (or, with ``translate``, translate into English) clips of the project file
    at ``project_path``.

    Returns ``{"transcribed": count, "failed": [(file name, reason), ...],
    "skipped": [(file name, reason), ...]}``.
    """
    from annotators.project import Project
    from annotators.transcribe import transcribe_project

    with Project.open(project_path) as project:
        job = transcribe_project(
            project, model=model, video_ids=video_ids, force=force, translate=translate
        )
        report = yield from job
    return {
        "transcribed": len(report.transcribed),
        "failed": [(outcome.path.name, outcome.reason) for outcome in report.failed],
        "skipped": [(outcome.path.name, outcome.reason) for outcome in report.skipped],
    }


def analyze_job(
    project_path: str,
    video_ids: list[int] | None = None,
    force: bool = False,
    coder: str | None = None,
) -> Job[dict[str, Any]]:
    """Analyse clips of the project file at ``project_path`` (shot cuts, on-screen text,
    suggestions for ``coder``), committing each clip as it finishes.

    Returns ``{"analysed": clips with a step done, "suggested": suggestions made,
    "failed": [(file name, "step: reason"), ...]}``.
    """
    from annotators.analysis.batch import analyze_project
    from annotators.project import Project

    with Project.open(project_path) as project:
        report = yield from analyze_project(project, video_ids=video_ids, force=force, coder=coder)
    return {
        "analysed": len({outcome.video_id for outcome in report.done}),
        "suggested": sum(o.count for o in report.done if o.step == "suggest"),
        "failed": [(o.path.name, f"{o.step}: {o.reason}") for o in report.failed],
    }
