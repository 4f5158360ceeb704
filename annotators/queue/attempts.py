"""Rows of ``storyframe_queue_attempts``: one per run of a job, written by the worker running it.

They say which machine holds a clip now and why an attempt failed (procrastinate keeps
neither), which the progress view and ``storyframe queue`` show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import text

if TYPE_CHECKING:
    from annotators.project import Project

# An error message is shown on one line; a traceback-sized one is cut.
MAX_MESSAGE = 2000


def record_start(project: Project, job_id: int, attempt: int, machine: str, pid: int) -> int:
    """Note that ``machine`` (process ``pid``) started attempt ``attempt`` of ``job_id``."""
    with project.engine.begin() as connection:
        return connection.execute(
            text(
                "INSERT INTO storyframe_queue_attempts (job_id, attempt, machine, pid) "
                "VALUES (:job, :attempt, :machine, :pid) RETURNING id"
            ),
            {"job": job_id, "attempt": attempt, "machine": machine, "pid": pid},
        ).scalar_one()


def record_end(
    project: Project,
    attempt_id: int,
    outcome: str,
    message: str,
    transcript_id: int | None = None,
) -> None:
    """Note how an attempt ended (``failed`` with the error, or the clip's outcome)."""
    with project.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE storyframe_queue_attempts SET finished_at = now(), outcome = :outcome, "
                "message = :message, transcript_id = :transcript WHERE id = :id"
            ),
            {
                "id": attempt_id,
                "outcome": outcome,
                "message": " ".join(message.split())[:MAX_MESSAGE],
                "transcript": transcript_id,
            },
        )
