"""Hostile file names and folders, through the real ``storyframe`` command in a subprocess:
names that are not UTF-8 or hold Rich markup, FIFOs, broken links, unreadable folders.
Each is reported on one line, the rest is imported, names are printed exactly as they are."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotators.errors import ProjectError
from annotators.jobs import run_job
from annotators.project import Project
from tests.annotators.hostile import table_digest
from tests.media_fixtures import make_clip, make_not_a_video


def storyframe(*args: str | bytes, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real CLI (``python -m annotators``-style entry point) and capture its output."""
    command = [sys.executable, "-c", "from annotators.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, cwd=cwd, timeout=60, check=False)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("clip") / "clip.mp4", seconds=0.4, fps=10)


def test_names_that_are_not_utf8_are_reported_and_the_rest_imported(
    tmp_path: Path, clip: Path
) -> None:
    folder = tmp_path / "media"
    folder.mkdir()
    bad = os.fsdecode(b"caf\xe9.mp4")  # Latin-1 name from an old camera or a zip file
    (folder / bad).write_bytes(clip.read_bytes() + b"1")
    (folder / "zz_after.mp4").write_bytes(clip.read_bytes())
    project = tmp_path / "p.storyframe"
    Project.create(project, default_codebook=False).close()
    result = storyframe("import", str(project), str(folder))
    err = result.stderr.decode()
    assert result.returncode == 3, err  # done, one file skipped
    assert "imported 1" in result.stdout.decode()
    assert "caf\\xe9.mp4: the name is not valid UTF-8" in err and "Traceback" not in err
    with Project.open(project) as opened:
        assert [video.file_name for video in opened.videos()] == ["zz_after.mp4"]
        with pytest.raises(ProjectError, match=r"caf\\xe9.mp4: the name is not valid UTF-8"):
            opened.relink(1, folder / bad)


def test_init_in_a_folder_that_is_not_utf8_leaves_nothing_behind(tmp_path: Path) -> None:
    target = Path(os.fsdecode(bytes(tmp_path) + b"/f\xff/new/p.storyframe"))
    result = storyframe("init", os.fsencode(target))
    err = result.stderr.decode()
    assert result.returncode == 1
    assert err.startswith("error: ") and "not valid UTF-8" in err and len(err.splitlines()) == 1
    assert not target.parent.parent.exists()  # no empty folder left


def test_fifos_and_broken_links_are_reported(tmp_path: Path, clip: Path) -> None:
    folder = tmp_path / "media"
    folder.mkdir()
    (folder / "good.mp4").write_bytes(clip.read_bytes())
    os.mkfifo(folder / "pipe.mp4")
    (folder / "gone.mp4").symlink_to(folder / "deleted.mp4")
    project = tmp_path / "p.storyframe"
    Project.create(project, default_codebook=False).close()
    result = storyframe("import", str(project), str(folder))  # would hang reading the FIFO
    err = result.stderr.decode()
    assert result.returncode == 3
    assert "pipe.mp4: not a regular file" in err
    assert "gone.mp4: broken link" in err and "Traceback" not in err
    assert "imported 1" in result.stdout.decode()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads folders without read permission")
def test_unreadable_folders_are_reported(tmp_path: Path, clip: Path) -> None:
    folder = tmp_path / "media"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "x.mp4").write_bytes(clip.read_bytes())
    (folder / "locked").chmod(0)
    project = tmp_path / "p.storyframe"
    try:
        with Project.create(project, default_codebook=False) as opened:
            report = run_job(opened.import_media([folder]), lambda _progress: None)
    finally:
        (folder / "locked").chmod(0o755)
    assert [skipped.reason for skipped in report.failed] == [
        "cannot read the folder: Permission denied"
    ]


MARKUP_NAMES = ("dir[/b].mp4", "markup[red]x:smile:.mp4")


def test_names_with_markup_are_printed_unchanged(tmp_path: Path, clip: Path) -> None:
    """Rich would read ``[/b]`` as a closing tag (a crash) and ``[red]``/``:smile:`` as styles."""
    paths = [tmp_path / name for name in MARKUP_NAMES]
    for number, path in enumerate(paths):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(clip.read_bytes() + bytes([number]))
    project = tmp_path / "p.storyframe"
    with Project.create(project, default_codebook=False) as opened:
        run_job(opened.import_media(paths), lambda _progress: None)
    image = tmp_path / "[bold]f.png"
    calls = [["info", str(path)] for path in paths]
    calls += [["frame", str(paths[0]), "1", "-o", str(image)], ["videos", str(project)]]
    script = (
        "import sys; from annotators.cli import run_command as run; "
        f"sys.exit(max(run(args) for args in {calls!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, timeout=60, check=False,
        env={**os.environ, "COLUMNS": "300"},
    )  # fmt: skip
    out = result.stdout.decode()
    assert result.returncode == 0, result.stderr.decode()
    for name in MARKUP_NAMES:
        assert out.count(name) == 2  # info's file row, the videos table
    assert "-> " + str(image) in out and image.is_file()


NAME_BYTES = st.binary(min_size=1, max_size=120).filter(
    lambda raw: b"/" not in raw and b"\x00" not in raw and not raw.startswith(b".")
)
HOSTILE_NAMES = st.one_of(
    NAME_BYTES,
    st.sampled_from(
        (b"[bold]x[", b"[red]", b":smile:", b"\xff\xfe", b"\x1b[31m", b"-rf", b"x" * 240)
    ),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=HOSTILE_NAMES, playable=st.booleans())
def test_any_file_name_is_imported_or_reported(
    tmp_path: Path, clip: Path, raw: bytes, playable: bool
) -> None:
    """Every file is accounted for in the report, nothing raises, and a file that was not
    imported changed no row."""
    project = tmp_path / "p.storyframe"
    if not project.exists():
        Project.create(project, default_codebook=False).close()
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    path = Path(os.fsdecode(bytes(folder) + b"/" + raw + b".mp4"))
    if path.exists():
        return
    if playable:
        os.link(clip, path)
    else:
        make_not_a_video(path)
    before = table_digest(project)
    with Project.open(project) as opened:
        report = run_job(opened.import_media([path]), lambda _progress: None)
    outcomes = report.imported + report.duplicates + report.relinked + report.failed
    assert len(outcomes) == 1
    if report.failed:
        assert table_digest(project) == before
        assert report.failed[0].describe()  # printable: no surrogates left unhandled
        report.failed[0].describe().encode("utf-8")
