"""The study commands as a researcher types them, on real files.

Commands run in-process through the CLI's own entry point (``main``: exit codes and the
one-line error handling included); one refused command runs as a real subprocess to show a
researcher sees one line and no traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotators.cli import main
from tests.annotators.backends import ON_SQLITE

from .conftest import Lead, table_digest


class Run:
    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def storyframe(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    def run(*args: object) -> Run:
        capsys.readouterr()
        try:
            main([str(arg) for arg in args])
            code = 0
        except SystemExit as stop:
            code = int(stop.code or 0)
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return run


def subprocess_storyframe(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from annotators.cli import main; main()", *map(str, args)],
        capture_output=True, text=True, env=os.environ.copy(), timeout=120,
    )  # fmt: skip


@ON_SQLITE  # subprocesses: the Python flow runs on a server project in test_pack_merge
def test_sample_pack_done_merge_from_the_command_line(  # type: ignore[no-untyped-def]
    lead: Lead, tmp_path: Path, storyframe
) -> None:
    project = lead.project.path
    lead.project.close()
    drawn = storyframe("sample", project, "--fraction", "0.5", "--coders", "Ana,Ben",
                       "--seed", "9", "--stratify", "author")  # fmt: skip
    assert drawn.returncode == 0, drawn.stderr
    assert "drew 3 of 6 clips for Ana, Ben (round 1, seed 9)" in drawn.stdout
    assert "author=ngo_a: 2 of 4" in drawn.stdout
    again = subprocess_storyframe("sample", project, "--fraction", "0.5", "--coders", "Ana,Ben")
    assert again.returncode == 1 and "already has a reliability sample" in again.stderr
    assert "Traceback" not in again.stderr

    rest = storyframe("assign", project, "--rest", "Ana,Ben", "--seed", "1")
    assert rest.returncode == 0 and "Ana: assigned 2" in rest.stdout
    packed = storyframe("pack", project, "--coder", "Ana", "-o", tmp_path / "Ana.storyframe")
    assert packed.returncode == 0 and "5 clips" in packed.stdout, packed.stderr
    refused = storyframe("pack", project, "--coder", "Ana", "-o", tmp_path / "Ana.storyframe")
    assert refused.returncode == 1 and "already exists" in refused.stderr

    coder_file = tmp_path / "Ana.storyframe"
    clips = storyframe("my-clips", coder_file, "--coder", "Ana")
    assert "0 of 5 done" in clips.stdout
    first = clips.stdout.split("\n")[3].split()[0]
    done = storyframe("done", coder_file, "--coder", "Ana", first)
    assert done.returncode == 0 and "marked done 1" in done.stdout

    before = table_digest(project)
    merged = storyframe("merge", project, coder_file, tmp_path / "missing.storyframe")
    assert merged.returncode == 1
    assert "done marks changed 1" in merged.stdout
    assert "missing.storyframe: no such coder file" in merged.stderr
    assert table_digest(project) != before
    blind = storyframe("blind", project, "off")
    assert blind.stdout.strip() == "blind mode: off"
