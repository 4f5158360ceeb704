"""``storyframe reliability`` as a researcher runs it: formats, selections, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotators.cli import main
from annotators.cli.app import console
from annotators.project import Project

from .studies import add_video, two_coder_study, value


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "width", 250)


@pytest.fixture
def study(tmp_path: Path) -> Path:
    path = tmp_path / "study.storyframe"
    two_coder_study(path).close()
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(argv)
    except SystemExit as stop:
        code = stop.code or 0
    else:
        code = 0
    out, err = capsys.readouterr()
    return code, out, err


def test_table_on_stdout(study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(["reliability", str(study), "--codes", "emotional_tone",
                           "--boot", "100", "--seed", "3"], capsys)  # fmt: skip
    assert code == 0
    row = next(line for line in out.splitlines() if line.startswith("emotional_tone"))
    assert row.split()[1:3] == ["clip", "ordinal"]
    assert "seed 3" in out and "Ana 4, Ben 4" in out


def test_json_file_has_the_documented_layout(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out" / "r.json"
    code, out, _ = run(["reliability", str(study), "--coders", "Ana,Ben", "--format", "json",
                        "-o", str(target), "--seed", "1", "--boot", "50"], capsys)  # fmt: skip
    assert code == 0 and "wrote json report" in out
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["meta"]["bootstrap"]["seed"] == 1 and data["meta"]["coders"] == ["Ana", "Ben"]
    assert {"frames", "unitizing", "points", "clip"} <= {r["method"] for r in data["results"]}


def test_html_needs_an_output_file(study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["reliability", str(study), "--format", "html"], capsys)
    assert code == 1 and "needs -o" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [(["--coders", "Ana,Nobody"], "unknown coder: Nobody"),
     (["--codes", "no_such_code"], "unknown code: no_such_code"),
     (["--videos", "missing.mp4"], "unknown video: missing.mp4"),
     (["--format", "xlsx"], "unknown format")],
)  # fmt: skip
def test_bad_input_is_one_line(study: Path, extra: list[str], message: str,
                               capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    before = study.read_bytes()
    code, _, err = run(["reliability", str(study), *extra], capsys)
    assert code == 1 and message in err
    assert err.strip().splitlines()[-1].startswith("error:")
    assert study.read_bytes() == before  # a report only reads


def test_coders_with_no_shared_clip(study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Project.open(study) as project:
        cleo = project.coder("Cleo").id
        with project.session() as session:
            value(session, add_video(session, "cleo.mp4"), "emotional_tone", cleo, "3")
            session.commit()
    code, _, err = run(["reliability", str(study), "--coders", "Ana,Cleo"], capsys)
    assert code == 1 and "share no coded clip" in err and "Ana: 4, Cleo: 1" in err
    code, out, err = run(["reliability", str(study), "--codes", "emotional_tone"], capsys)
    assert code == 0 and "warning: Ana and Cleo share no coded clip" in err
