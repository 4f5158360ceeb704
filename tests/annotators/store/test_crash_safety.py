"""Killing the process at any moment loses nothing that was committed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlmodel import select

from annotators.project import Project
from annotators.store.models import Coder

# Commits one coder per loop and reports the committed name only after commit() returned.
WRITER = """
import sys
from annotators.project import Project
project = Project.open(sys.argv[1])
for number in range(100_000):
    project.coder(f"coder-{number}")
    print(f"coder-{number}", flush=True)
"""


def test_every_committed_row_survives_sigkill(tmp_path: Path) -> None:
    path = tmp_path / "study.storyframe"
    Project.create(path).close()
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None
    committed = [writer.stdout.readline().strip() for _ in range(40)]
    os.kill(writer.pid, signal.SIGKILL)  # mid-way: the writer is still committing
    writer.wait(timeout=30)
    committed += [line.strip() for line in writer.stdout if line.strip()]

    assert writer.returncode == -signal.SIGKILL
    assert (tmp_path / "study.storyframe-wal").exists()  # killed before any clean close
    with Project.open(path) as project, project.session() as session:
        stored = set(session.exec(select(Coder.name)))
    assert set(committed) <= stored
    assert len(stored) >= 40
