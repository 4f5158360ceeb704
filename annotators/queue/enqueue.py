"""Putting clips in a server project's queue (what ``storyframe transcribe`` does there)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from procrastinate import exceptions

from annotators.transcribe.batch import ClipOutcome, clips_to_transcribe
from annotators.transcribe.transcribe import check_language_code

from .app import TASK_NAME, queue_app
from .status import queued_videos

if TYPE_CHECKING:
    from annotators.project import Project


@dataclass
class EnqueueReport:
    """What was put in the queue: ``job_ids`` of this ``run`` (an id shared by its jobs),
    and ``queued_job_ids`` of selected clips that were already waiting or running."""

    run: str
    job_ids: list[int] = field(default_factory=list)
    queued_job_ids: list[int] = field(default_factory=list)
    already_done: int = 0
    already_queued: int = 0
    skipped: list[ClipOutcome] = field(default_factory=list)


def clip_lock(video_id: int) -> str:
    """The procrastinate lock of a clip's jobs: one of them runs at a time, one waits."""
    return f"storyframe-clip-{video_id}"


def enqueue_clips(
    project: Project,
    video_ids: Sequence[int] | None = None,
    *,
    force: bool = False,
    language: str | None = None,
) -> EnqueueReport:
    """Queue the clips a local batch would transcribe (same selection: ``video_ids``,
    ``force``; clips without audio skipped), except those already waiting or running.

    Raises ``ProjectError`` for a SQLite project, unknown video ids or an unreachable server.
    """
    project.require_writable()
    check_language_code(language)
    todo, selection = clips_to_transcribe(project, video_ids, force)
    report = EnqueueReport(uuid.uuid4().hex[:12])
    report.already_done, report.skipped = selection.already_done, selection.skipped
    app = queue_app(project)
    waiting = queued_videos(project)
    with app.open():
        for video in todo:
            if video.id in waiting:
                report.already_queued += 1
                report.queued_job_ids.append(waiting[video.id])
                continue
            deferrer = app.configure_task(
                TASK_NAME, lock=clip_lock(video.id), queueing_lock=clip_lock(video.id)
            )
            try:
                job_id = deferrer.defer(
                    video_id=video.id, run=report.run, force=force, language=language
                )
            except exceptions.AlreadyEnqueued:  # another machine queued it just now
                report.already_queued += 1
                continue
            report.job_ids.append(job_id)
    return report


def followed_jobs(report: EnqueueReport) -> list[int]:
    """The jobs a caller waits for: those it queued and those of its clips already queued."""
    return report.job_ids + report.queued_job_ids
