"""Running a transcription worker: take clips from the server project's queue until stopped.

Each clip is taken by exactly one worker (procrastinate locks the job row when it fetches it,
and each clip's jobs share a procrastinate ``lock``, so two jobs of one clip never run at
once). Workers send heartbeats; each worker also looks, every
:attr:`~.app.QueueSettings.stall_check_s`, for jobs held by a worker whose heartbeat
stopped (killed, unplugged) and puts them back in the queue. One worker at a time does
that (an advisory lock), so a job is never put back twice.

SIGINT/SIGTERM (Ctrl+C) stop the worker after the clip under way is stored; a second Ctrl+C
stops at once (that clip goes back to the queue after the stall timeout).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable
from typing import TYPE_CHECKING

import psycopg
from procrastinate import App, exceptions

from annotators.transcribe.engines import Engine

from .app import QUEUE_NAME, TASK_NAME, QueueSettings, conninfo, queue_app
from .clip import ClipDone
from .task import STATE_KEY, ClipFailed, WorkerState

if TYPE_CHECKING:
    from annotators.project import Project

REAPER_LOCK = 0x5F_52_45_41  # "_REA": one worker at a time puts stalled jobs back
logger = logging.getLogger(__name__)


def machine_name() -> str:
    """This machine's name, as the queue view shows it."""
    return socket.gethostname() or "unknown"


def run_worker(
    project: Project,
    engine: Engine,
    on_clip: Callable[[ClipDone | ClipFailed], None],
    settings: QueueSettings | None = None,
) -> None:
    """Work on ``project``'s queue with the loaded ``engine`` until SIGINT/SIGTERM.

    ``on_clip`` hears of every clip done or failed. Raises ``ProjectError`` for a SQLite
    project or an unreachable server (before any job is taken).
    """
    settings = settings or QueueSettings()
    app = queue_app(project, settings)
    state = WorkerState(project, engine, machine_name(), os.getpid(), settings.retries, on_clip)
    asyncio.run(_work(app, state, settings, conninfo(project)))


async def _work(app: App, state: WorkerState, settings: QueueSettings, info: str) -> None:
    async with app.open_async():
        reaper = asyncio.create_task(_put_back_stalled(app, settings, info), name="reaper")
        try:
            await app.run_worker_async(
                queues=[QUEUE_NAME],
                name=f"{state.machine}:{state.pid}",
                concurrency=1,  # one clip at a time: the engine already uses every core
                additional_context={STATE_KEY: state},
                update_heartbeat_interval=settings.heartbeat_s,
                stalled_worker_timeout=settings.stalled_after_s,
                fetch_job_polling_interval=min(settings.stall_check_s, 5.0),
            )
        finally:
            reaper.cancel()
            await asyncio.gather(reaper, return_exceptions=True)


async def _put_back_stalled(app: App, settings: QueueSettings, info: str) -> None:
    """Every ``stall_check_s``, put the jobs of dead workers back in the queue."""
    async with await psycopg.AsyncConnection.connect(info, autocommit=True) as lock_connection:
        while True:
            await asyncio.sleep(settings.stall_check_s)
            try:
                await _put_back_once(app, settings, lock_connection)
            except (psycopg.Error, exceptions.ConnectorException) as error:
                # the server may be restarting: try again at the next check
                logger.warning("could not check for stalled clips: %s", error)


async def _put_back_once(
    app: App, settings: QueueSettings, lock_connection: psycopg.AsyncConnection
) -> int:
    cursor = await lock_connection.execute("SELECT pg_try_advisory_lock(%s)", (REAPER_LOCK,))
    row = await cursor.fetchone()
    if not row or not row[0]:
        return 0  # another worker is doing it right now
    try:
        stalled = await app.job_manager.get_stalled_jobs(
            queue=QUEUE_NAME,
            task_name=TASK_NAME,
            seconds_since_heartbeat=settings.stalled_after_s,
        )
        for job in stalled:
            await app.job_manager.retry_job(job)
        return len(stalled)
    finally:
        await lock_connection.execute("SELECT pg_advisory_unlock(%s)", (REAPER_LOCK,))
