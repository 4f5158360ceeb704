"""``storyframe worker`` (take clips from a server project's queue), ``storyframe queue``
(show it), and the server-project side of ``storyframe transcribe`` (enqueue, then follow
every worker's progress)."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from annotators.errors import ProjectError
from annotators.transcribe import DEFAULT_ENGINE, load_engine

from .app import EXIT_INTERRUPTED, EXIT_PARTIAL, ProjectArg, app, console, err_console

if TYPE_CHECKING:
    from annotators.project import Project
    from annotators.queue import ClipDone, ClipFailed, JobState, QueueStatus

# How often ``transcribe`` on a server project reads the queue while it waits (seconds).
POLL_S = 1.0

DeviceOpt = Annotated[
    str | None,
    typer.Option("--device", help="cuda or cpu (default: the GPU when there is one)."),
]


@app.command("worker")
def worker_cmd(
    project: ProjectArg,
    engine: Annotated[
        str, typer.Option("--engine", help="faster-whisper (default) or openai-whisper.")
    ] = DEFAULT_ENGINE,
    model: Annotated[
        str | None, typer.Option("--model", help="Local model folder/file (default: bundled).")
    ] = None,
    device: DeviceOpt = None,
    retries: Annotated[
        int, typer.Option("--retries", min=0, help="Tries again a failing clip this often.")
    ] = 2,
    retry_wait: Annotated[
        int, typer.Option("--retry-wait", min=0, help="Seconds between tries of a clip.")
    ] = 5,
    stalled_after: Annotated[
        float,
        typer.Option(
            "--stalled-after",
            min=0.5,
            help="Seconds without a heartbeat after which a worker counts as dead and its "
            "clip goes back to the queue.",
        ),
    ] = 60.0,
) -> None:
    """Transcribe clips from the queue of the server project PROJECT until Ctrl+C.

    Start one on every machine that reaches the database and the media; one line per clip
    done or failed. Ctrl+C stops after the clip under way is stored.
    """
    from annotators.project import Project
    from annotators.queue import QueueSettings, machine_name, run_worker

    _quiet_procrastinate()
    settings = QueueSettings(retries, retry_wait, stalled_after)
    with Project.open(project) as opened:
        if opened.server is None:
            raise ProjectError(
                f"{opened.path} is a single-file project; workers need a server project "
                "(storyframe init PROJECT --database postgresql://host/dbname)"
            )
        opened.require_writable()
        with err_console.status("Loading model..."):
            loaded = load_engine(engine, model, device=device)
        err_console.print(
            f"Worker on {machine_name()} ({loaded.model_name}) taking clips from "
            f"{opened.path.name}; Ctrl+C stops after the clip under way.",
            highlight=False,
        )
        try:
            run_worker(opened, loaded, _print_clip, settings)
        except KeyboardInterrupt:  # the second Ctrl+C: that clip goes back to the queue
            err_console.print("Stopped at once; the clip under way goes back to the queue.")
            raise typer.Exit(EXIT_INTERRUPTED) from None
    err_console.print("Worker stopped.")


@app.command("queue")
def queue_cmd(
    project: ProjectArg,
    run: Annotated[str | None, typer.Option("--run", help="Only this enqueue run.")] = None,
) -> None:
    """Show the transcription queue of the server project PROJECT: clips waiting, running
    (on which machine), done and failed (with each failed clip's error)."""
    from annotators.project import Project

    with Project.open(project, read_only=True) as opened:
        show_queue(opened, run)


def show_queue(opened: Project, run: str | None = None) -> None:
    """Print the queue's summary line and a table of running and failed clips."""
    from annotators.queue import queue_status

    if opened.server is None:
        raise ProjectError(
            f"{opened.path} is a single-file project; it has no transcription queue "
            "(that needs a server project)"
        )
    status = queue_status(opened, run)
    console.print(f"Queue: {status.summary()}")
    shown = [job for job in status.jobs if job.status in ("running", "failed")]
    if shown:
        table = Table("video id", "file", "status", "machine", "tries", "error")
        for job in shown:
            error = job.message if job.status == "failed" else ""
            table.add_row(
                str(job.video_id), job.file_name, job.status, job.machine,
                str(job.tries), error,
            )  # fmt: skip
        console.print(table)


def transcribe_on_workers(
    opened: Project,
    video_ids: list[int] | None,
    force: bool,
    language: str | None,
    no_wait: bool,
) -> None:
    """``storyframe transcribe`` on a server project: queue the clips, then (unless
    ``no_wait``) show every worker's progress until each queued clip is done or failed."""
    from annotators.queue.enqueue import enqueue_clips, followed_jobs

    report = enqueue_clips(opened, video_ids, force=force, language=language)
    console.print(
        f"Queued {len(report.job_ids)} clips (run {report.run}); {report.already_queued} were "
        f"already queued, {report.already_done} already had a transcript, "
        f"{len(report.skipped)} skipped.",
    )
    for clip in report.skipped:
        err_console.print(f"{clip.path.name}: skipped, {clip.reason}", highlight=False)
    jobs = followed_jobs(report)
    if no_wait or not jobs:
        if jobs:
            console.print("Start 'storyframe worker PROJECT' on each machine that transcribes.")
        return
    status = _follow(opened, jobs, report.run)
    failed = status.failed()
    done = status.count("done")
    console.print(f"Transcribed {done} clips on workers, {len(failed)} failed.")
    if failed:
        table = Table("video id", "file", "tries", "error")
        for job in failed:
            table.add_row(str(job.video_id), job.file_name, str(job.tries), job.message)
        console.print(table)
        raise typer.Exit(EXIT_PARTIAL)


def _follow(opened: Project, jobs: list[int], run: str) -> QueueStatus:
    """Show the progress of ``jobs`` (every worker's) until none of them waits or runs."""
    from annotators.queue import queue_status

    columns = (
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("clips · {task.fields[note]}", markup=False), TimeElapsedColumn(),
    )  # fmt: skip
    reported: set[int] = set()
    with Progress(*columns, console=err_console) as bar:
        task = bar.add_task("Waiting for workers", total=len(jobs), note="")
        try:
            while True:
                status = queue_status(opened, job_ids=jobs)
                for job in status.jobs:
                    if job.status in ("done", "failed") and job.job_id not in reported:
                        reported.add(job.job_id)
                        bar.console.print(_finished_line(job), highlight=False)
                finished = status.count("done") + status.count("failed")
                bar.update(task, completed=finished, note=status.summary(),
                           description="Transcribing on workers")  # fmt: skip
                if status.finished:
                    return status
                time.sleep(POLL_S)
        except KeyboardInterrupt:
            bar.stop()
            err_console.print(
                "Stopped watching; the clips stay queued and the workers go on "
                f"(storyframe queue PROJECT --run {run})."
            )
            raise typer.Exit(EXIT_INTERRUPTED) from None


def _finished_line(job: JobState) -> str:
    where = f" on {job.machine}" if job.machine else ""
    if job.status == "done":
        return f"{job.file_name}: {job.outcome or 'done'}{where}"
    return f"{job.file_name}: failed after {job.tries} tries{where}: {job.message}"


def _print_clip(event: ClipDone | ClipFailed) -> None:
    """One line per clip a worker finished (called from the job's thread)."""
    from annotators.queue import ClipFailed

    if isinstance(event, ClipFailed):
        then = "will try again" if event.will_retry else "giving up"
        line = f"{event.file_name}: failed (try {event.attempt}, {then}): {event.error}"
    else:
        line = f"{event.file_name}: {event.outcome}" + (f" ({event.message})" * bool(event.message))
    console.print(line, highlight=False)


def _quiet_procrastinate() -> None:
    """procrastinate logs each failed job with its traceback; this command already prints
    one line per clip, so its records go nowhere (the queue keeps each error)."""
    log = logging.getLogger("procrastinate")
    log.addHandler(logging.NullHandler())
    log.propagate = False
