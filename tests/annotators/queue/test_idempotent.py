"""A job that runs again after its transcript was committed (its worker was killed before the
job was marked done) stores no second transcript; a worker works offline (no_network)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from annotators.project import Project
from annotators.queue import (
    ClipDone,
    ClipFailed,
    QueueSettings,
    Stamp,
    enqueue_clips,
    queue_status,
    run_worker,
    transcribe_queued_clip,
)
from annotators.transcribe import Engine, current_transcript

from .conftest import make_server_project, transcripts_per_clip

pytestmark = pytest.mark.postgresql


@pytest.fixture
def two_clip_project(tmp_path: Path, server_database: str, clip_folder: Path) -> Path:
    return make_server_project(tmp_path, server_database, sorted(clip_folder.glob("*.mp4"))[:2])


def test_the_same_job_stores_one_transcript_however_often_it_runs(
    two_clip_project: Path, engine: Engine
) -> None:
    with Project.open(two_clip_project) as project:
        video = project.videos()[0]
        stamp = Stamp(job=41, run="r1", machine="lab-3")
        first = transcribe_queued_clip(project, engine, video.id, stamp, force=True)
        again = transcribe_queued_clip(project, engine, video.id, stamp, force=True)
        other = transcribe_queued_clip(project, engine, video.id, Stamp(42, "r2", "gpu"))

        assert first.outcome == "transcribed" and first.transcript_id is not None
        assert again.outcome == "already stored" and again.transcript_id == first.transcript_id
        assert other.outcome == "already transcribed"  # without force a transcript is kept
        assert transcripts_per_clip(project)[video.file_name] == 1
        with project.session() as session:
            current = current_transcript(session, video.id)
        assert current.settings["queue"] == {"job": 41, "run": "r1", "machine": "lab-3"}


def test_worker_reruns_a_job_killed_after_commit_without_a_second_transcript(
    two_clip_project: Path, engine: Engine, no_network: list[tuple]
) -> None:
    with Project.open(two_clip_project) as project:
        report = enqueue_clips(project, force=True)
        assert len(report.job_ids) == 2
        first_video = queue_status(project).jobs[0].video_id
        # what a worker killed between its commit and procrastinate's "done" leaves behind
        stored = transcribe_queued_clip(
            project, engine, first_video, Stamp(report.job_ids[0], report.run, "dead-box"),
            force=True,
        )  # fmt: skip
        heard: list[ClipDone | ClipFailed] = []

        def on_clip(event: ClipDone | ClipFailed) -> None:
            heard.append(event)
            if len(heard) == 2:  # both clips handled: stop like Ctrl+C does
                os.kill(os.getpid(), signal.SIGINT)

        run_worker(project, engine, on_clip, QueueSettings(retries=0, stalled_after_s=5))

        outcomes = {event.video_id: event.outcome for event in heard}
        assert outcomes[first_video] == "already stored"
        assert sorted(outcomes.values()) == ["already stored", "transcribed"]
        assert set(transcripts_per_clip(project).values()) == {1}
        assert queue_status(project).count("done") == 2
        assert stored.transcript_id in {e.transcript_id for e in heard if isinstance(e, ClipDone)}
    assert no_network == []  # the database is reached over its Unix socket only


def test_queue_tables_stay_out_of_the_schema_comparison(
    server_database: str, tmp_path: Path
) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    from annotators.queue import ensure_queue_schema
    from annotators.store.migrate import include_name

    with Project.create(tmp_path / "team.storyframe", database=server_database) as project:
        assert ensure_queue_schema(project.server.database) is True
        assert ensure_queue_schema(project.server.database) is False  # idempotent
        with project.engine.connect() as connection:
            options = {"compare_type": True, "include_name": include_name}
            context = MigrationContext.configure(connection, opts=options)
            differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []
