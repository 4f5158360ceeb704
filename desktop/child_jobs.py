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
import multiprocessing
import os
import queue
import traceback
from collections.abc import Callable
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from typing import Any

from annotators.errors import StoryframeError
from annotators.jobs import Job, Progress

BACKGROUND_NICENESS = 10
STOP_GRACE_S = 0.25  # a cancelled child gets this long to stop by itself, then is terminated


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


class ChildJob:
    """A job factory run by :func:`run_in_child` in a spawned process, driven from ONE thread
    of the app (without Qt; :class:`desktop.workers.ProcessJobRunner` is the Qt-signal form).

    :meth:`start`, then :meth:`next_message` until it returns a final message (anything but
    ``"progress"``), or :meth:`stop` to end it early. A child that dies without a word gives
    ``("failed", ...)``.
    """

    def __init__(self, target: str, kwargs: dict[str, Any], name: str) -> None:
        context = multiprocessing.get_context("spawn")  # no fork: the app has threads
        self.name = name
        self._queue = context.Queue()
        self._cancel = context.Event()
        self.process = context.Process(
            target=run_in_child,
            args=(target, kwargs, self._queue, self._cancel),
            name=f"storyframe-{name}",
            daemon=True,
        )

    def start(self) -> None:
        self.process.start()

    def next_message(self, timeout: float) -> tuple[str, Any] | None:
        """The child's next message, or None when none came within ``timeout`` seconds."""
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            if self.process.is_alive():
                return None
        try:  # it ended: its last words may still be in the pipe
            return self._queue.get(timeout=0.1)
        except queue.Empty:
            code = self.process.exitcode
            return "failed", f"{self.name} stopped unexpectedly (exit code {code})"

    def stop(self, grace: float = STOP_GRACE_S) -> None:
        """Cancel the child and wait until it has ended: it stops at its next step, or is
        terminated after ``grace`` seconds. Stopping an ended child does nothing."""
        self._cancel.set()
        if self.process.pid is None:
            return  # never started
        self.process.join(grace)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()
        self._queue.close()


def preview_job(path: str, part: str, max_side: int) -> Job[bool]:
    """Build the preview cache of the clip at ``path`` into the part files ``part`` that the
    app reserved (``PreviewCache.reserve``) and reads as they fill; True when complete."""
    from pathlib import Path

    from annotators.media import open_video

    with open_video(path) as video:
        cache = video.preview_cache(max_side, cache_dir=Path(part).parent)
        return (yield from cache.build(into=Path(part)))


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
