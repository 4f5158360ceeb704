"""Transcription workers on a real PostgreSQL server with the real tiny.en model: every clip
is transcribed exactly once, a killed worker's clip goes back to the queue, a failing clip is
retried a bounded number of times and then reported with its error."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from annotators.cli import run_command
from annotators.project import Project
from annotators.queue import queue_status

from .conftest import (
    attempts,
    start_worker,
    stop_worker,
    storyframe,
    transcripts_per_clip,
    wait_for,
)

pytestmark = pytest.mark.postgresql


def test_two_workers_one_killed_every_clip_transcribed_once(
    team_project: Path, workers: list[subprocess.Popen[str]]
) -> None:
    queued = subprocess.run(
        storyframe("transcribe", str(team_project), "--no-wait"),
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert queued.returncode == 0, queued.stderr
    assert "Queued 6 clips" in queued.stdout
    victim, survivor = start_worker(team_project), start_worker(team_project)
    workers.extend([victim, survivor])
    with Project.open(team_project) as project:
        # kill the victim in the middle of a clip: it started one and has not finished it
        wait_for(
            lambda: any(a["pid"] == victim.pid and not a["finished"] for a in attempts(project)),
            timeout=40, what="the first worker to start a clip",
        )  # fmt: skip
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
        killed_job = next(a["job_id"] for a in attempts(project) if a["pid"] == victim.pid
                          and not a["finished"])  # fmt: skip

        wait_for(lambda: queue_status(project).finished, timeout=40, what="every clip done")

        status = queue_status(project)
        assert status.count("done") == 6 and status.count("failed") == 0
        assert set(transcripts_per_clip(project).values()) == {1}  # exactly once each
        retried = [a for a in attempts(project) if a["job_id"] == killed_job]
        assert retried[-1]["pid"] == survivor.pid and retried[-1]["finished"]
        assert retried[-1]["status"] == "succeeded"
        assert next(j for j in status.jobs if j.job_id == killed_job).tries == len(retried)
    code, out, _err = stop_worker(survivor)
    assert code == 0  # Ctrl+C stops cleanly
    done_lines = [line for line in out.splitlines() if ": transcribed" in line]
    survivor_jobs = {a["job_id"] for a in attempts_of(team_project, survivor.pid)}
    assert len(done_lines) == len(survivor_jobs)  # one line per clip it transcribed


def attempts_of(path: Path, pid: int) -> list[dict]:
    with Project.open(path) as project:
        return [a for a in attempts(project) if a["pid"] == pid]


def test_failing_clip_is_retried_then_reported_failed(
    team_project: Path, workers: list[subprocess.Popen[str]]
) -> None:
    with Project.open(team_project) as project:
        videos = project.videos()
        broken = videos[0]
        # the file goes bad after import (a partial sync): its audio can never be read
        project.video_path(broken).write_bytes(b"\x00" * 4096)
        chosen = f"{broken.id},{videos[1].id}"
    workers.append(start_worker(team_project, "--retries", "2"))

    waited = subprocess.run(
        storyframe("transcribe", str(team_project), "--videos", chosen),
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip

    assert waited.returncode == 3, waited.stderr  # done, but a clip needs attention
    assert "Transcribed 1 clips on workers, 1 failed." in waited.stdout
    assert broken.file_name in waited.stdout
    assert f"{broken.file_name}: failed after 3 tries" in waited.stderr  # the progress view
    with Project.open(team_project) as project:
        tries = [a for a in attempts(project) if a["outcome"] == "failed"]
        assert len(tries) == 3  # the first try and 2 retries, then no more
        assert all(broken.file_name in a["message"] or "audio" in a["message"] for a in tries)
        failed = queue_status(project).failed()
        assert [job.video_id for job in failed] == [broken.id]
        assert failed[0].message and failed[0].tries == 3  # kept for the progress view
    shown = subprocess.run(storyframe("queue", str(team_project)), capture_output=True,
                           text=True, check=False)  # fmt: skip
    assert "1 done, 1 failed" in shown.stdout and broken.file_name in shown.stdout
    assert run_command(["transcribe", str(team_project), "--status"]) == 0
    code, out, _ = stop_worker(workers[0])
    assert code == 0
    assert out.count("failed (try") == 3 and "giving up" in out


def test_worker_needs_a_server_project(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "solo.storyframe"
    Project.create(path).close()

    code = run_command(["worker", str(path)])

    err = capsys.readouterr().err.strip()
    assert code == 1
    assert len(err.splitlines()) == 1 and "workers need a server project" in err
