"""The command line on a real variable-frame-rate clip: export, dry run, import, same frames."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from annotators.project import Project
from tests.annotators.export.test_vfr import coded_vfr_project
from tests.media_fixtures import make_clip

from .conftest import digest
from .test_eaf import EAF_SCHEMA, annotations
from .test_refi import PROJECT_SCHEMA, qde_of


def storyframe(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from annotators.cli import main; main()", *args],
        capture_output=True, text=True, env=os.environ.copy(), timeout=120,
    )  # fmt: skip


@pytest.fixture(scope="module")
def vfr_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("clip") / "vfr.mp4", seconds=2.0, vfr=True)


@pytest.mark.parametrize("fmt", ["eaf", "qdpx"])
def test_cli_round_trip_on_a_vfr_clip(tmp_path: Path, vfr_clip: Path, fmt: str) -> None:
    source = coded_vfr_project(tmp_path, vfr_clip)
    expected = annotations(source)
    source.close()
    out = tmp_path / ("vfr.eaf" if fmt == "eaf" else "vfr.qdpx")
    done = storyframe("export", str(tmp_path / "vfr.storyframe"), "-f", fmt, "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "wrote 1" in done.stdout and "not carried" in done.stderr
    if fmt == "eaf":
        EAF_SCHEMA.assertValid(etree.parse(str(out)))
    else:
        PROJECT_SCHEMA.assertValid(qde_of(out))

    target = Project.create(tmp_path / "other" / "fresh.storyframe", default_codebook=False)
    from annotators.jobs import run_job

    run_job(target.import_media([vfr_clip]))
    before = digest(target)
    target.close()
    dry = storyframe("exchange", "import", str(target.path), str(out), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would add 3 annotation(s)" in dry.stdout and "nothing was changed" in dry.stderr
    with Project.open(target.path) as reopened:
        assert digest(reopened) == before
    real = storyframe("exchange", "import", str(target.path), str(out))
    assert real.returncode == 0, real.stderr
    assert "added 3 annotation(s)" in real.stdout
    with Project.open(target.path) as reopened:
        assert annotations(reopened) == expected  # same frames on a VFR clip, via the frame table


def test_cli_refuses_a_broken_file_with_one_line(tmp_path: Path, database: str | None) -> None:
    project = Project.create(tmp_path / "p.storyframe", database=database)
    before = digest(project)
    project.close()
    bad = tmp_path / "bad.eaf"
    bad.write_text("<ANNOTATION_DOCUMENT>", encoding="utf-8")
    done = storyframe("exchange", "import", str(tmp_path / "p.storyframe"), str(bad))
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "bad.eaf: line 1" in errors[0]
    assert "Traceback" not in done.stderr
    with Project.open(tmp_path / "p.storyframe") as reopened:
        assert digest(reopened) == before


def test_cli_reports_what_it_could_not_map_and_exits_3(tmp_path: Path) -> None:
    project = Project.create(tmp_path / "p.storyframe")
    project.close()
    field = Path(__file__).resolve().parents[4] / "shared" / "formats" / "eaf" / "speach_test.eaf"
    if not field.exists():
        field = Path("/work/shared/formats/eaf/speach_test.eaf")
    done = storyframe("exchange", "import", str(tmp_path / "p.storyframe"), str(field))
    assert done.returncode == 3, done.stderr
    assert "added 0 annotation(s)" in done.stdout
    assert "not mapped:" in done.stderr and "'test.wav': no project video matches it" in done.stderr
