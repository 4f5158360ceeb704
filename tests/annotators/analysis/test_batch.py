"""analyze_project: per-clip commits, resumable, cancellable, bad clips reported; CLI; export."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

import annotators.cli as cli
from annotators.analysis import analysis_versions, load_cuts, load_texts
from annotators.analysis.batch import analyze_project
from annotators.analysis.ocr import TextReader
from annotators.errors import AnalysisError
from annotators.export import export
from annotators.jobs import run_job
from annotators.project import Project
from tests.analysis_fixtures import Overlay, make_overlay_clip

from .conftest import OVERLAYS


@pytest.fixture
def project(tmp_path: Path, text_clip: Path, database: str | None) -> Project:
    """Two text clips, a plain clip with one cut, and a clip that goes bad after import."""
    media = tmp_path / "clips"
    media.mkdir()
    shutil.copy(text_clip, media / "a_text.mp4")
    make_overlay_clip(media / "b_cut.mp4", frames=40, overlays=[], cuts=[20])
    over = [Overlay("=SUM(A1)", 0, 29, 20, 300, scale=1.0)]
    make_overlay_clip(media / "c_formula.mp4", frames=30, overlays=over)
    make_overlay_clip(media / "d_broken.mp4", frames=30, overlays=[])
    opened = Project.create(tmp_path / "study.storyframe", database=database)
    run_job(opened.import_media([media]))
    (media / "d_broken.mp4").write_bytes(b"\x00" * 2048)
    yield opened
    opened.close()


def _ids(project: Project) -> dict[str, int]:
    return {video.file_name: video.id for video in project.videos()}


def test_batch_runs_steps_and_reports_bad_clip(project: Project, reader: TextReader) -> None:
    report = run_job(analyze_project(project, steps=("shots", "ocr"), reader=reader))
    ids = _ids(project)
    assert report.failed_clips() == [ids["d_broken.mp4"]]
    with project.session() as session:
        assert [c.frame for c in load_cuts(session, ids["b_cut.mp4"])] == [20]
        assert [c.frame for c in load_cuts(session, ids["a_text.mp4"])] == [60]
        texts = {t.text for t in load_texts(session, ids["a_text.mp4"])}
    assert texts == {o.text for o in OVERLAYS}
    ok = {(o.video_id, o.step) for o in report.done}
    assert (ids["a_text.mp4"], "ocr") in ok and (ids["b_cut.mp4"], "shots") in ok


def test_second_run_skips_done_clips_unless_forced(project: Project, reader: TextReader) -> None:
    ids = _ids(project)
    only = [ids["b_cut.mp4"], ids["c_formula.mp4"]]
    run_job(analyze_project(project, only, steps=("shots", "ocr"), reader=reader))
    again = run_job(analyze_project(project, only, steps=("shots", "ocr"), reader=reader))
    assert again.done == [] and again.already_done == 4
    forced = run_job(analyze_project(project, only, ("ocr",), force=True, reader=reader))
    assert len(forced.done) == 2
    with project.session() as session:
        assert len(analysis_versions(session, ids["b_cut.mp4"], "ocr")) == 2


def test_cancel_keeps_finished_clips(project: Project, reader: TextReader) -> None:
    ids = _ids(project)
    order = [ids["b_cut.mp4"], ids["a_text.mp4"]]
    job = analyze_project(project, order, steps=("ocr",), reader=reader)
    for progress in job:
        if progress.done >= 1:  # the first clip is saved; stop during the second
            break
    job.close()
    with project.session() as session:
        assert analysis_versions(session, ids["b_cut.mp4"], "ocr") != []
        assert analysis_versions(session, ids["a_text.mp4"], "ocr") == []
    resumed = run_job(analyze_project(project, order, steps=("ocr",), reader=reader))
    assert [o.video_id for o in resumed.done] == [ids["a_text.mp4"]]
    assert resumed.already_done == 1


def test_unknown_step_is_refused_before_work(project: Project) -> None:
    with pytest.raises(AnalysisError, match="unknown analysis step faces"):
        next(analyze_project(project, steps=("faces",)))


def test_export_onscreen_text(project: Project, reader: TextReader, tmp_path: Path) -> None:
    ids = _ids(project)
    run_job(
        analyze_project(project, [ids["a_text.mp4"], ids["c_formula.mp4"]], ("ocr",), reader=reader)
    )
    out = tmp_path / "onscreen.csv"
    result = export(project, "onscreen-text", out)
    raw = out.read_bytes()
    assert raw.count(b"\r\n") == result.rows + 1  # RFC 4180 line ends
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert list(rows[0]) == [
        "video_file_name",
        "video_sha256",
        "start_frame",
        "end_frame",
        "start_s",
        "end_s",
        "text",
        "confidence",
        "box",
    ]
    texts = {r["text"] for r in rows}
    assert "#climatejustice" in texts and "link in bio" in texts
    assert "'=SUM(A1)" in texts  # the formula guard
    hashtag = next(r for r in rows if r["text"] == "#climatejustice")
    assert hashtag["video_file_name"] == "a_text.mp4" and len(hashtag["video_sha256"]) == 64
    assert abs(int(hashtag["start_frame"]) - 10) <= 15
    assert float(hashtag["start_s"]) == pytest.approx(int(hashtag["start_frame"]) / 30, abs=1e-3)
    assert len(hashtag["box"].strip("[]").split(",")) == 4
    assert sorted(result.not_analysed) == ["b_cut.mp4", "d_broken.mp4"]


class _Cli:
    def __init__(self, capsys: pytest.CaptureFixture) -> None:
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        code = cli.run_command(list(args))
        out, err = self.capsys.readouterr()
        return code, out, err


def test_cli_analyze_and_export(project: Project, tmp_path: Path, capsys) -> None:
    run = _Cli(capsys)
    path = str(project.path)
    ids = _ids(project)
    project.close()
    pair = f"{ids['b_cut.mp4']},{ids['d_broken.mp4']}"
    code, out, err = run("analyze", path, "--steps", "shots,ocr", "--videos", pair)
    assert code == 3, err  # done, one clip failed
    assert "d_broken.mp4" in out and "Traceback" not in err
    assert "1 clips for shot cuts (1 cuts)" in out
    code, out, _ = run("analyze", path, "--steps", "ocr", "--videos", str(ids["b_cut.mp4"]))
    assert code == 0 and "1 steps already done" in out
    code, _, err = run("analyze", path, "--steps", "faces")
    assert code == 1 and "unknown analysis step faces" in err
    target = tmp_path / "t.csv"
    code, _, err = run("export", path, "-f", "onscreen-text", "-o", str(target))
    assert code == 0, err
    assert target.read_text(encoding="utf-8").startswith("video_file_name,video_sha256,")


def test_suggest_step_uses_the_new_text(project: Project, reader: TextReader) -> None:
    from sqlmodel import select

    from annotators.store.models import Code, Suggestion

    ids = _ids(project)
    steps = ("ocr", "suggest")
    report = run_job(
        analyze_project(project, [ids["a_text.mp4"]], steps, coder="ann", reader=reader)
    )
    assert [(o.step, o.count > 0) for o in report.done] == [("ocr", True), ("suggest", True)]
    with project.session() as session:
        rows = session.exec(select(Suggestion, Code).where(Code.id == Suggestion.code_id)).all()
    made = {(code.key, s.origin) for s, code in rows}
    assert {("hashtag", "screen"), ("cta_learn_more", "screen")} <= made
    assert {s.coder_id for s, _ in rows} == {project.coder("ann").id}
