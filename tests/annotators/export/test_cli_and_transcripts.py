"""``storyframe export`` / ``storyframe annotations import`` and transcript files from a project."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import annotators.cli.export_cmds  # noqa: F401  (registers the commands)
from annotators.cli import main
from annotators.cli.app import app
from annotators.errors import ExportError
from annotators.export import ExportFilter, export

from .conftest import Coded

runner = CliRunner()


def test_cli_export_long_with_filters_and_bom(coded: Coded, tmp_path: Path) -> None:
    out = tmp_path / "out" / "long.csv"
    out.parent.mkdir()
    args = ["export", str(coded.project.path), "-f", "csv-long", "-o", str(out)]
    result = runner.invoke(app, [*args, "--coder", "alice", "--category", "narrative", "--bom"])
    assert result.exit_code == 0, result.output
    assert "wrote 3 rows" in result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert set(table["code_key"]) == {"testimony", "emotion"}
    assert (out.parent / "codebook.csv").is_file()


def test_cli_wide_then_import_round_trip(coded: Coded, tmp_path: Path) -> None:
    long = tmp_path / "long.csv"
    base = ["export", str(coded.project.path), "-o"]
    assert runner.invoke(app, [*base, str(long), "-f", "csv-long"]).exit_code == 0
    assert runner.invoke(app, [*base, str(tmp_path / "w.csv"), "-f", "csv-wide"]).exit_code == 0
    # importing a project's own export finds every row already present
    result = runner.invoke(app, ["annotations", "import", str(coded.project.path), str(long)])
    assert result.exit_code == 0, result.output
    assert "imported 0 annotation(s) and 0 clip value(s)" in result.output
    assert "9 already present, 0 skipped" in result.output


def test_cli_reports_errors_in_one_line_and_exits_1(
    coded: Coded, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["export", str(coded.project.path), "-f", "xlsx", "-o", str(tmp_path / "x")]
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 1
    assert "unknown export format 'xlsx'" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(SystemExit) as exit_info:
        main(["annotations", "import", str(coded.project.path), str(bad)])
    assert exit_info.value.code == 1
    assert "not UTF-8" in capsys.readouterr().err


def test_transcripts_one_file_per_video_into_a_folder(coded: Coded, tmp_path: Path) -> None:
    result = export(coded.project, "srt", tmp_path / "subs")
    assert [p.name for p in result.files] == ["a.srt"]
    assert result.untranscribed == ["b.mp4"]
    text = (tmp_path / "subs" / "a.srt").read_text(encoding="utf-8")
    # the coder's correction replaces the machine word
    assert text == "1\n00:00:00,000 --> 00:00:02,200\nI lost, my mum\n"


def test_one_video_to_one_json_file_with_provenance(coded: Coded, tmp_path: Path) -> None:
    out = tmp_path / "a.json"
    export(coded.project, "json", out, ExportFilter(videos=["a.mp4"]))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["meta"]["engine"] == "test" and data["meta"]["video_file_name"] == "a.mp4"
    assert [w["text"] for w in data["segments"][0]["words"]] == [" I", " lost,", " my", " mum"]


def test_single_file_needs_one_transcribed_video(coded: Coded, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="2 are selected"):
        export(coded.project, "vtt", tmp_path / "all.vtt")
    with pytest.raises(ExportError, match="b.mp4 has no transcript yet"):
        export(coded.project, "vtt", tmp_path / "b.vtt", ExportFilter(videos=["b.mp4"]))


def test_transcript_targets_that_cannot_work_are_refused_clearly(
    coded: Coded, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    for argv in (
        ["export", str(coded.project.path), "-f", "srt", "-o", str(notes)],  # a file, not .srt
        ["export", str(coded.project.path), "-f", "srt", "-o", str(tmp_path / "all.srt")],
    ):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        err = capsys.readouterr().err.strip().splitlines()  # (after the progress bar)
        assert exit_info.value.code == 1 and err[-1].startswith("error:"), err
    assert notes.read_text() == "mine"


def test_codebook_export_creates_a_missing_folder(tmp_path: Path, database: str | None) -> None:
    import annotators.cli.codebook_cmds  # noqa: F401  (registers the commands)
    from annotators.project import Project

    Project.create(tmp_path / "p.storyframe", database=database).close()
    out = tmp_path / "new" / "folder" / "codebook.yaml"
    result = runner.invoke(
        app, ["codebook", "export", str(tmp_path / "p.storyframe"), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "codes:" in out.read_text(encoding="utf-8")


def test_refused_target_fails_the_job_not_its_caller(coded: Coded) -> None:
    """The desktop starts export jobs on the UI thread and shows a failed job as an error:
    creating the job must not raise, running it must (nothing written)."""
    from annotators.export import export_job

    before = coded.project.path.read_bytes()
    job = export_job(coded.project, "csv-long", coded.project.path)
    with pytest.raises(ExportError, match="is the project file"):
        next(job)
    assert coded.project.path.read_bytes() == before
