"""The ``transcribe_clip`` task: what a worker does with one job of the queue.

The worker's loaded project and engine reach the task through procrastinate's
``additional_context`` (key :data:`STATE_KEY`), so the model is loaded once per worker, not
once per clip.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from procrastinate import JobContext

from annotators.errors import ProjectError, StoryframeError
from annotators.transcribe.engines import Engine

from .attempts import record_end, record_start
from .clip import ClipDone, Stamp, transcribe_queued_clip

if TYPE_CHECKING:
    from annotators.project import Project

STATE_KEY = "storyframe"
FAILED = "failed"


@dataclass(frozen=True)
class ClipFailed:
    """An attempt that failed; ``will_retry`` is false for the last allowed attempt."""

    video_id: int
    file_name: str
    error: str
    attempt: int
    will_retry: bool


@dataclass
class WorkerState:
    """What every job of one worker shares: the open project, the loaded engine, who runs it
    and where each finished clip is reported (``on_clip``, called from the job's thread)."""

    project: Project
    engine: Engine
    machine: str
    pid: int
    retries: int
    on_clip: Callable[[ClipDone | ClipFailed], None]


def transcribe_clip(
    context: JobContext,
    video_id: int,
    run: str,
    force: bool = False,
    language: str | None = None,
) -> dict:
    """Transcribe and store one clip (see :func:`~.clip.transcribe_queued_clip`); a failure
    is recorded with its error and raised again, so procrastinate retries it or marks it
    failed."""
    state: WorkerState = context.additional_context[STATE_KEY]
    job = context.job
    assert job.id is not None  # a fetched job always has one
    attempt_id = record_start(state.project, job.id, job.attempts, state.machine, state.pid)
    try:
        done = transcribe_queued_clip(
            state.project, state.engine, video_id, Stamp(job.id, run, state.machine),
            force=force, language=language,
        )  # fmt: skip
    except Exception as error:  # recorded for the queue view, then raised again
        message = str(error) if isinstance(error, StoryframeError) else repr(error)
        record_end(state.project, attempt_id, FAILED, message)
        will_retry = job.attempts < state.retries
        name = _file_name(state.project, video_id)
        state.on_clip(ClipFailed(video_id, name, message, job.attempts + 1, will_retry))
        raise
    record_end(state.project, attempt_id, done.outcome, done.message, done.transcript_id)
    state.on_clip(done)
    return {"outcome": done.outcome, "transcript_id": done.transcript_id}


def _file_name(project: Project, video_id: int) -> str:
    try:
        return project.video(video_id).file_name
    except ProjectError:  # removed from the project since it was queued
        return f"video {video_id}"
