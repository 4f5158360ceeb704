"""Server projects with short speech clips for the queue tests, and worker processes."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from annotators.jobs import run_job
from annotators.media.audio import load_audio
from annotators.project import Project
from annotators.transcribe import Engine, load_engine
from annotators.transcribe.models import bundled_model_path
from tests.data.make_speech_fixture import OUTPUT as SPEECH_CLIP
from tests.data.make_speech_fixture import RATE, write_clip

CLIP_S = 2.0


def storyframe(*args: str) -> list[str]:
    """argv running the ``storyframe`` command of this checkout (PYTHONPATH is inherited)."""
    return [sys.executable, "-c", "from annotators.cli import main; main()", *args]


@pytest.fixture(scope="session")
def clip_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eight 2-second clips cut from different places of the speech fixture."""
    folder = tmp_path_factory.mktemp("queue-clips")
    audio = load_audio(SPEECH_CLIP)
    for index in range(8):
        start = int(index * 1.6 * RATE)  # the fixture speaks for 15 s
        write_clip(audio[start : start + int(CLIP_S * RATE)], folder / f"clip_{index}.mp4")
    return folder


@pytest.fixture(scope="session")
def engine() -> Engine:
    return load_engine("faster-whisper", bundled_model_path())


def make_server_project(root: Path, database: str, clips: list[Path]) -> Path:
    """A server project on ``database`` holding copies of ``clips``; returns its file."""
    media = root / "media"
    media.mkdir()
    for clip in clips:
        shutil.copy(clip, media / clip.name)
    path = root / "team.storyframe"
    with Project.create(path, database=database) as project:
        run_job(project.import_media([media]))
    return path


@pytest.fixture
def team_project(tmp_path: Path, server_database: str, clip_folder: Path) -> Path:
    """A server project with six short clips."""
    return make_server_project(tmp_path, server_database, sorted(clip_folder.glob("*.mp4"))[:6])


def start_worker(project: Path, *options: str) -> subprocess.Popen[str]:
    """A ``storyframe worker`` process with a short stall timeout (a test cannot wait 60 s)."""
    argv = storyframe("worker", str(project), "--stalled-after", "2", "--retry-wait", "0", *options)
    return subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy()
    )


def stop_worker(worker: subprocess.Popen[str], timeout: float = 30) -> tuple[int, str, str]:
    """Ctrl+C the worker and return its exit code, stdout and stderr."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGINT)
    out, err = worker.communicate(timeout=timeout)
    return worker.returncode, out, err


@pytest.fixture
def workers() -> Iterator[list[subprocess.Popen[str]]]:
    """Worker processes a test starts; any still running at the end are killed."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for worker in started:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def transcripts_per_clip(project: Project) -> dict[str, int]:
    """file name -> number of transcripts stored for it (all versions)."""
    with project.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT v.file_name, count(t.id) FROM video v "
                "LEFT JOIN transcript t ON t.video_id = v.id GROUP BY v.file_name"
            )
        ).all()
    return dict(rows)


def attempts(project: Project) -> list[dict]:
    """Every attempt the workers recorded, oldest first."""
    with project.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT a.job_id, a.pid, a.finished_at IS NOT NULL AS finished, a.outcome, "
                "a.message, j.status FROM storyframe_queue_attempts a "
                "JOIN procrastinate_jobs j ON j.id = a.job_id ORDER BY a.id"
            )
        ).mappings()
        return [dict(row) for row in rows]
