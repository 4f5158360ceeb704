"""Every CLI command that writes a file refuses the project, its WAL/SHM, its videos and
special files: exit 1, one line, and the protected file exactly as it was.

The commands are enumerated from the Typer app: a new command must be listed in WRITERS
(with how to point its output at a target) or in NON_WRITERS, or this test fails.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
import typer

from annotators.cli import _load_commands, main
from annotators.cli.app import app
from annotators.jobs import run_job
from annotators.project import Project
from tests.media_fixtures import make_clip

# command -> argv builder (project, video, target) -> arguments
Argv = Callable[[Path, Path, Path], list[str]]
WRITERS: dict[str, Argv] = {
    "export": lambda p, v, t: ["export", str(p), "-f", "csv-long", "-o", str(t)],
    "export csv-wide": lambda p, v, t: ["export", str(p), "-f", "csv-wide", "-o", str(t)],
    "export txt": lambda p, v, t: ["export", str(p), "-f", "txt", "-o", str(t)],
    # the other export formats ("export csv <fmt>" counts as the export command)
    **{
        f"export csv {fmt}": (lambda p, v, t, fmt=fmt: ["export", str(p), "-f", fmt, "-o", str(t)])
        for fmt in ("onscreen-text", "eaf", "qdpx", "sav", "dta", "textgrid", "boris-aggregated")
    },
    "frame": lambda p, v, t: ["frame", str(v), "0", "-o", str(t)],
    "transcribe-file": lambda p, v, t: ["transcribe-file", str(v), "-o", str(t)],
    "codebook export": lambda p, v, t: ["codebook", "export", str(p), "-o", str(t), "--force"],
    "init": lambda p, v, t: ["init", str(t)],
    "reliability": lambda p, v, t: ["reliability", str(p), "-f", "json", "-o", str(t)],
    "pack": lambda p, v, t: ["pack", str(p), "--coder", "ana", "-o", str(t)],
}
# commands for which a folder is a valid target (they write new files into it)
FOLDER_TARGETS = {
    "export txt", "init", "pack",
    *(f"export csv {fmt}" for fmt in ("eaf", "sav", "dta", "textgrid", "boris-aggregated")),
}  # fmt: skip
# commands that write only into the project database (or nothing)
NON_WRITERS = {
    "info", "import", "videos", "relink", "metadata", "transcribe", "language", "analyze",
    "sample", "assign", "done", "my-clips", "blind", "merge",
    "codebook validate", "codebook show", "codebook import", "annotations import",
    "exchange import", "worker", "queue", "media-folder",
    "db upgrade",  # its only file is a new time-stamped backup beside the project file
}  # fmt: skip


def _commands() -> Iterator[tuple[str, list[str]]]:
    _load_commands()

    def walk(command, prefix: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                yield from walk(sub, (*prefix, name))
        else:
            yield " ".join(prefix), [opt for p in command.params for opt in p.opts]

    yield from walk(typer.main.get_command(app))


def test_every_command_is_classified() -> None:
    commands = dict(_commands())
    writers = {name.split(" csv")[0].split(" txt")[0] for name in WRITERS}
    assert set(commands) == writers | NON_WRITERS, "classify the new command in this test"
    for name, options in commands.items():
        if "--output" in options:
            assert name in writers, f"{name} writes a file: add it to WRITERS"


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A project with one real video; a reader keeps its -wal and -shm files present."""
    folder = tmp_path_factory.mktemp("study")
    video = make_clip(folder / "clip.mp4", seconds=0.4)
    with Project.create(folder / "study.storyframe") as project:
        run_job(project.import_media([video]))
        path = project.path
    with closing(sqlite3.connect(path)) as reader:
        reader.execute("PRAGMA journal_mode=WAL")
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM video").fetchone()  # holds -wal/-shm open
        yield path, video
        reader.rollback()


def _fingerprint(path: Path) -> tuple[int, str]:
    mode = os.lstat(path).st_mode
    if not stat.S_ISREG(mode):
        return stat.S_IFMT(mode), ""
    return stat.S_IFMT(mode), hashlib.sha256(path.read_bytes()).hexdigest()


def _targets(project: Path, video: Path, scratch: Path) -> dict[str, Path]:
    fifo = scratch / "pipe.csv"
    os.mkfifo(fifo)
    full = scratch / "full.csv"  # a private copy of /dev/full (never the real one)
    os.mknod(full, stat.S_IFCHR | 0o600, os.makedev(1, 7))
    return {
        "project": project,
        "wal": project.with_name(project.name + "-wal"),
        "shm": project.with_name(project.name + "-shm"),
        "video": video,
        "fifo": fifo,
        "device": full,
        "folder": scratch,
    }


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_writer_refuses_protected_and_special_targets(
    command: str,
    study: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project, video = study
    targets = _targets(project, video, tmp_path)
    assert targets["wal"].exists() and targets["shm"].exists()
    for what, target in targets.items():
        if what == "folder" and command in FOLDER_TARGETS:
            continue  # a folder: transcripts go into it; init and pack make FOLDER.storyframe
        # live database files: their bytes may change, their kind may not
        before = None if what in ("wal", "shm") else _fingerprint(target)
        with pytest.raises(SystemExit) as exit_info:
            main(WRITERS[command](project, video, target))
        err = capsys.readouterr().err
        assert exit_info.value.code == 1, f"{command} -> {what}: {err}"
        assert err.startswith("error:") and "Traceback" not in err, err
        if before is not None:
            assert _fingerprint(target) == before, f"{command} changed the {what}"
        assert stat.S_ISREG(os.lstat(targets["wal"]).st_mode)
        assert not list(target.parent.glob(".*.partial")), "a partial file was left behind"
    with Project.open(project) as opened:
        assert len(opened.videos()) == 1
