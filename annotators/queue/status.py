"""The state of a server project's queue, read straight from its tables (one query).

:func:`queue_status` is what the CLI's progress view, ``storyframe queue`` and the app's
queue panel show: how many clips wait, run (and on which machine), are done or failed, and
each failed clip's last error.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import text

from .app import TASK_NAME

if TYPE_CHECKING:
    from annotators.project import Project

WAITING, RUNNING, DONE, FAILED = "waiting", "running", "done", "failed"
# procrastinate's job status -> what the user sees
SHOWN_STATUS = {
    "todo": WAITING,
    "doing": RUNNING,
    "succeeded": DONE,
    "failed": FAILED,
    "cancelled": FAILED,
    "aborted": FAILED,
}

_JOBS = text(
    """
    SELECT j.id, j.status, (j.args->>'video_id')::int AS video_id,
           j.args->>'run' AS run, v.file_name, a.machine, a.pid, a.outcome, a.message,
           a.transcript_id,
           (SELECT count(*) FROM storyframe_queue_attempts n WHERE n.job_id = j.id) AS tries
      FROM procrastinate_jobs j
      LEFT JOIN video v ON v.id = (j.args->>'video_id')::int
      LEFT JOIN LATERAL (
            SELECT machine, pid, outcome, message, transcript_id
              FROM storyframe_queue_attempts
             WHERE job_id = j.id ORDER BY id DESC LIMIT 1
      ) a ON true
     WHERE j.task_name = :task AND (CAST(:run AS text) IS NULL OR j.args->>'run' = :run)
     ORDER BY j.id
    """
)


@dataclass(frozen=True)
class JobState:
    """One clip's job: ``status`` is waiting, running, done or failed; ``tries`` counts the
    attempts workers started (a killed worker's included); ``machine`` ran the latest one;
    ``message`` is its outcome or error."""

    job_id: int
    video_id: int
    file_name: str
    status: str
    tries: int
    run: str
    machine: str = ""
    pid: int | None = None
    outcome: str = ""
    message: str = ""
    transcript_id: int | None = None


@dataclass(frozen=True)
class QueueStatus:
    """Every job (of one run, or all), oldest first, and counts per status."""

    jobs: list[JobState] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for job in self.jobs if job.status == status)

    @property
    def finished(self) -> bool:
        """True when no job waits or runs."""
        return all(job.status in (DONE, FAILED) for job in self.jobs)

    def failed(self) -> list[JobState]:
        return [job for job in self.jobs if job.status == FAILED]

    def machines(self) -> dict[str, int]:
        """Clips running per machine."""
        running: dict[str, int] = {}
        for job in self.jobs:
            if job.status == RUNNING and job.machine:
                running[job.machine] = running.get(job.machine, 0) + 1
        return running

    def summary(self) -> str:
        """One line: ``3 waiting, 2 running (gpu-box, lab-3), 10 done, 1 failed``."""
        machines = ", ".join(sorted(self.machines()))
        running = f"{self.count(RUNNING)} running" + (f" ({machines})" if machines else "")
        return (
            f"{self.count(WAITING)} waiting, {running}, {self.count(DONE)} done, "
            f"{self.count(FAILED)} failed"
        )


def queue_status(
    project: Project, run: str | None = None, job_ids: Collection[int] | None = None
) -> QueueStatus:
    """The queue of the server ``project``: only the jobs of enqueue ``run``, or only
    ``job_ids``, if given; empty when nothing was ever queued."""
    if not _has_queue(project):
        return QueueStatus()
    with project.engine.connect() as connection:
        rows = connection.execute(_JOBS, {"task": TASK_NAME, "run": run}).mappings().all()
    jobs = [_job(row) for row in rows]
    if job_ids is not None:
        wanted = set(job_ids)
        jobs = [job for job in jobs if job.job_id in wanted]
    return QueueStatus(jobs)


def queued_videos(project: Project) -> set[int]:
    """Ids of the clips with a job waiting or running."""
    return {job.video_id for job in queue_status(project).jobs if job.status in (WAITING, RUNNING)}


def _has_queue(project: Project) -> bool:
    if project.server is None:
        return False
    with project.engine.connect() as connection:
        return bool(
            connection.execute(
                text("SELECT to_regclass('storyframe_queue_attempts') IS NOT NULL")
            ).scalar()
        )


def _job(row) -> JobState:  # type: ignore[no-untyped-def]
    return JobState(
        job_id=row["id"],
        video_id=row["video_id"],
        file_name=row["file_name"] or f"video {row['video_id']} (removed)",
        status=SHOWN_STATUS.get(row["status"], row["status"]),
        tries=row["tries"],
        run=row["run"] or "",
        machine=row["machine"] or "",
        pid=row["pid"],
        outcome=row["outcome"] or "",
        message=row["message"] or "",
        transcript_id=row["transcript_id"],
    )
