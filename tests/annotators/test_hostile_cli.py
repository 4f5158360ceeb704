"""The CLI error boundary, run as a user runs it: the real command in a subprocess.

Expected failures print one line and exit 1 (2 for usage, 130 for Ctrl+C); a bug prints one
line that points to the log file holding the traceback. Never a traceback on the terminal.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotators.project import Project
from tests.media_fixtures import make_clip

ENTRY = "from annotators.cli import main; main()"


def run(*args: str, prelude: str = "", env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run ``storyframe args`` in a fresh interpreter; ``prelude`` runs first (a planted bug)."""
    result = subprocess.run(
        [sys.executable, "-c", f"{prelude}\n{ENTRY}", *args],
        capture_output=True, text=True, timeout=120, check=False, env={**os.environ, **(env or {})},
    )  # fmt: skip
    return result.returncode, result.stdout, result.stderr


def one_line(err: str, prefix: str = "error: ") -> str:
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(prefix), err
    return lines[0]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "study.storyframe"
    Project.create(path).close()
    return path


def test_user_errors_and_usage_errors(tmp_path: Path, project: Path) -> None:
    code, _, err = run("videos", str(tmp_path / "missing.storyframe"))
    assert code == 1 and "no such project file" in one_line(err)
    code, _, err = run("videos")  # missing argument: click's usage message
    assert code == 2 and "Traceback" not in err
    code, _, err = run("codebook", "export", str(project), "-o", "/dev/full", "--force")
    line = one_line(err)  # never a "wrote" claim: ENOSPC surfaces, or the device is refused
    assert code == 1 and ("No space left on device" in line or "/dev/full" in line)


def test_a_damaged_project_is_one_line(tmp_path: Path, project: Path) -> None:
    with sqlite3.connect(project) as connection:  # make sure everything is in the main file
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(project.read_bytes())
    page = 4096
    data[page : len(data)] = os.urandom(len(data) - page)  # keep the header, ruin every table
    project.write_bytes(bytes(data))
    for command in (["videos", str(project)], ["export", str(project), "-f", "csv-long",
                                              "-o", str(tmp_path / "out.csv")]):  # fmt: skip
        code, _, err = run(*command)
        assert code == 1, err
        one_line(err)


def test_a_bug_is_one_line_and_the_traceback_is_logged(tmp_path: Path, project: Path) -> None:
    planted = (
        "import annotators.project.core as core\n"
        "def broken(*args, **kwargs):\n"
        "    raise RuntimeError('planted bug\\nsecond line')\n"
        "core.Project.videos = broken"
    )
    state = tmp_path / "state"
    code, _, err = run("videos", str(project), prelude=planted, env={"XDG_STATE_HOME": str(state)})
    line = one_line(err, "internal error: ")
    log = state / "storyframe" / "log" / "errors.log"
    assert code == 1
    assert "RuntimeError: planted bug second line" in line and str(log) in line
    logged = log.read_text()
    assert "Traceback (most recent call last)" in logged and "in broken" in logged


def test_ctrl_c_keeps_finished_work_and_exits_130(tmp_path: Path, project: Path) -> None:
    clip = make_clip(tmp_path / "clip.mp4", seconds=0.4, fps=10)
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(300):  # distinct content, so each one is probed and stored
        (folder / f"c{number:03d}.mp4").write_bytes(clip.read_bytes() + number.to_bytes(2, "big"))
    process = subprocess.Popen(
        [sys.executable, "-c", ENTRY, "import", str(project), str(folder)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        with sqlite3.connect(project) as connection:
            if connection.execute("SELECT count(*) FROM video").fetchone()[0] >= 2:
                break
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Traceback" not in err and "interrupted: work finished before Ctrl+C is saved" in err
    with Project.open(project) as opened:
        kept = len(opened.videos())
    assert 2 <= kept < 300


def test_the_cli_prints_only_through_the_literal_consoles() -> None:
    """User text is safe to print because both consoles have markup and emoji off; a new
    ``Console(...)`` or a markup string in a command module would reopen the hole."""
    import re

    import annotators.cli as cli
    from annotators.cli.app import console, err_console

    assert not console._markup and not err_console._markup  # noqa: SLF001
    assert not console._emoji and not err_console._emoji  # noqa: SLF001
    folder = Path(cli.__file__).parent
    for module in folder.glob("*.py"):
        source = module.read_text(encoding="utf-8")
        if module.name != "app.py":
            assert "Console(" not in source, module.name
        assert not re.search(r"\[/?(red|bold|yellow|green|dim|cyan)\]", source), module.name
        assert "markup=True" not in source, module.name
