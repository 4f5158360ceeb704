"""The disk fills up during an export or an import: one clear line, exit 1, project unchanged.

The kernel's file size limit (RLIMIT_FSIZE, with SIGXFSZ ignored) makes every write past it fail
with a real error (EFBIG; SQLite reports it as "database or disk is full"), in a child process.
"""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import func, select

from annotators.project import Project
from annotators.store.models import Annotation, Code, Coder, Video

ROOT = Path(__file__).resolve().parents[3]
LIMIT = 1_500_000  # bytes any file of the child may reach


def _run_limited(argv: list[str], limit: int = LIMIT) -> subprocess.CompletedProcess:
    script = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        "from annotators.cli import main\n"
        f"main({argv!r})\n"
    )
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=os.environ, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip


def _project(tmp_path: Path) -> tuple[Path, str]:
    with Project.create(tmp_path / "study.storyframe") as project, project.session() as session:
        session.add(Video(path="gone.mp4", file_name="gone.mp4", content_hash="f" * 64,
                          size_bytes=1, duration_s=400.0, frame_count=10_000, fps=25.0,
                          width=1, height=1))  # fmt: skip
        session.commit()
        point = session.exec(select(Code).where(Code.kind == "point")).first().key
        return project.path, point


def _count(path: Path) -> int:
    with Project.open(path) as project, project.session() as session:
        return session.exec(select(func.count()).select_from(Annotation)).one()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_disk_full_during_import_changes_nothing(tmp_path: Path) -> None:
    path, point = _project(tmp_path)
    table = tmp_path / "big.csv"
    with open(table, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["video_sha256", "video_file_name", "coder", "code_key", "kind", "value",
                         "start_frame", "end_frame", "start_s", "end_s", "note"])  # fmt: skip
        for i in range(10_000):
            writer.writerow(["f" * 64, "gone.mp4", "ana", point, "point", "", i, "", i / 25, "",
                             "n" * 200])  # fmt: skip
    done = _run_limited(["annotations", "import", str(path), str(table)])
    assert done.returncode == 1, done.stderr
    assert "import failed, nothing was changed (the disk" in done.stderr
    assert "SQL" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert _count(path) == 0


def test_disk_full_during_export_keeps_the_old_export(tmp_path: Path) -> None:
    path, point = _project(tmp_path)
    with Project.open(path) as project, project.session() as session:
        video = session.exec(select(Video)).one()
        video.platform_meta = {f"field{i}": "m" * 100 for i in range(100)}  # 10 KB per row
        code = session.exec(select(Code).where(Code.key == point)).one()
        coders = [Coder(name=f"coder{i}") for i in range(300)]
        session.add_all([video, *coders])
        session.flush()
        session.add_all(
            Annotation(video_id=video.id, code_id=code.id, coder_id=coder.id, start_frame=1,
                       start_s=0.04)
            for coder in coders
        )  # fmt: skip
        session.commit()
    out = tmp_path / "wide.csv"
    argv = ["export", str(path), "-f", "csv-wide", "-o", str(out)]
    assert _run_limited(argv, limit=10**9).returncode == 0
    # the project fits well under the limit, the export (3 MB: the metadata on every row) does not
    limit = out.stat().st_size // 2
    assert path.stat().st_size * 2 < limit
    out.write_text("the previous export\n")
    before = _digest(path)
    done = _run_limited(argv, limit)
    assert done.returncode == 1, done.stderr
    assert "cannot write" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert out.read_text() == "the previous export\n"
    assert not list(tmp_path.glob(".*.partial"))
    assert _digest(path) == before
