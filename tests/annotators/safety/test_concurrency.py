"""Several processes write one project at once; the result equals the sequential one."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from sqlmodel import select

from annotators.project import Project
from annotators.store.models import Annotation, ClipValue, Code, Coder, Video
from tests.media_fixtures import make_clip

from .writer_process import ADDED

ROOT = Path(__file__).resolve().parents[3]
ROWS = 3000
PROCESSES = 3


def _start(*args: object) -> subprocess.Popen:
    command = [sys.executable, "-m", "tests.annotators.safety.writer_process", *map(str, args)]
    return subprocess.Popen(
        command, cwd=ROOT, env=os.environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _wait(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err


def _project(tmp_path: Path, database: str | None) -> Path:
    """A project with one video row whose file is missing (times come from the CSV)."""
    with (
        Project.create(tmp_path / "study.storyframe", database=database) as project,
        project.session() as session,
    ):
        session.add(
            Video(path="gone.mp4", file_name="gone.mp4", content_hash="f" * 64, size_bytes=1,
                  duration_s=400.0, frame_count=10_000, fps=25.0, width=160, height=284)
        )  # fmt: skip
        session.commit()
        return project.path


def _csv(path: Path, code_key: str) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["video_sha256", "video_file_name", "coder", "code_key", "kind", "value",
                         "start_frame", "end_frame", "start_s", "end_s", "note"])  # fmt: skip
        for i in range(ROWS):
            writer.writerow(["f" * 64, "gone.mp4", "ana", code_key, "point", "", i, "", i / 25, "",
                             f"n{i}"])  # fmt: skip
    return path


def _rows(path: Path) -> Counter:
    with Project.open(path) as project, project.session() as session:
        query = select(Coder.name, Annotation.start_frame, Annotation.note).join(Coder)
        return Counter(session.exec(query).all())


def test_concurrent_imports_and_coding_equal_the_sequential_result(
    tmp_path: Path, database: str | None
) -> None:
    """3 processes import the same 3,000 rows (exactly one copy is stored) while 3 others code."""
    path = _project(tmp_path, database)
    with Project.open(path) as project, project.session() as session:
        point = session.exec(select(Code).where(Code.kind == "point")).first().key
    table = _csv(tmp_path / "long.csv", point)
    imports = [_start("import", path, table) for _ in range(PROCESSES)]
    coders = [_start("code", path, worker) for worker in range(PROCESSES)]
    _wait(imports + coders)

    expected = Counter({("ana", i, f"n{i}"): 1 for i in range(ROWS)})
    for worker in range(PROCESSES):
        for i in range(ADDED):
            note = f"w{worker}-{i}" + ("-edited" if i % 2 == 0 else "")
            expected[(f"worker{worker}", worker * ADDED + i, note)] = 1
    assert _rows(path) == expected  # nothing doubled, nothing lost
    with Project.open(path) as project, project.session() as session:
        values = session.exec(select(Coder.name, ClipValue.value).join(Coder)).all()
    assert sorted(values) == [(f"worker{w}", f"second {w}") for w in range(PROCESSES)]


def test_two_imports_of_one_folder_at_once(tmp_path: Path, database: str | None) -> None:
    folder = tmp_path / "clips"
    folder.mkdir()
    for length, name in enumerate(("a.mp4", "b.mp4", "c.mp4"), start=2):
        make_clip(folder / name, seconds=length / 10)  # different content
    with Project.create(tmp_path / "study.storyframe", database=database) as project:
        path = project.path
    _wait([_start("media", path, folder) for _ in range(PROCESSES)])
    with Project.open(path) as project:
        assert sorted(v.file_name for v in project.videos()) == ["a.mp4", "b.mp4", "c.mp4"]
