"""The procrastinate :class:`~procrastinate.App` of a server project: its database is the queue.

Jobs live in the project's own PostgreSQL database (procrastinate's tables beside
Storyframe's), so every machine that reaches the project reaches the queue; nothing else has
to be installed or opened. A SQLite project has no queue: workers on other machines could not
reach it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import procrastinate

from annotators.errors import ProjectError

from .schema import ensure_queue_schema

if TYPE_CHECKING:
    from annotators.project import Project

QUEUE_NAME = "storyframe-transcribe"
TASK_NAME = "storyframe.transcribe_clip"


@dataclass(frozen=True)
class QueueSettings:
    """How workers treat failures and dead workers.

    A failing clip runs ``1 + retries`` times, ``retry_wait_s`` seconds apart, then is
    reported failed. A worker that sends no heartbeat for ``stalled_after_s`` seconds (killed,
    unplugged) is taken for dead, and the other workers put its clip back in the queue.
    """

    retries: int = 2
    retry_wait_s: int = 5
    stalled_after_s: float = 60.0

    @property
    def heartbeat_s(self) -> float:
        """How often a worker says it is alive: several beats fit in the stall timeout."""
        return max(self.stalled_after_s / 6, 0.2)

    @property
    def stall_check_s(self) -> float:
        """How often each worker looks for dead workers' clips."""
        return max(min(self.stalled_after_s / 3, 30.0), 0.2)


def conninfo(project: Project) -> str:
    """libpq connection string of ``project``'s database (no password: libpq reads
    ``~/.pgpass``). :class:`ProjectError` for a SQLite project."""
    if project.server is None:
        raise ProjectError(
            f"{project.path} is a single-file (SQLite) project: transcription workers need a "
            "server project (storyframe init PROJECT --database postgresql://host/dbname)"
        )
    return project.server.database


def queue_app(project: Project, settings: QueueSettings | None = None) -> procrastinate.App:
    """The queue of the server ``project`` (its tables made on first use), with the
    ``transcribe_clip`` task registered. Open it (``with app.open():`` or ``open_async``)
    before deferring jobs."""
    from .task import transcribe_clip

    info = conninfo(project)
    ensure_queue_schema(info)
    settings = settings or QueueSettings()
    connector = procrastinate.PsycopgConnector(conninfo=info, min_size=1, max_size=4)
    app = procrastinate.App(connector=connector)
    # no strategy at all for 0 retries: RetryStrategy(max_attempts=0) would retry forever
    retry = settings.retries and procrastinate.RetryStrategy(
        max_attempts=settings.retries, wait=settings.retry_wait_s
    )
    app.task(name=TASK_NAME, queue=QUEUE_NAME, pass_context=True, retry=retry)(transcribe_clip)
    return app
