"""Times and frames are validated on every path into the database, also without the video."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlmodel import func, select

from annotators.coding import Coding
from annotators.errors import CodingError, ExportError
from annotators.export import export, import_long_csv
from annotators.project import Project
from annotators.store.models import Annotation, Code, Coder, Video

HEADER = ["video_sha256", "video_file_name", "coder", "code_key", "kind", "value",
          "start_frame", "end_frame", "start_s", "end_s", "note"]  # fmt: skip


@pytest.fixture
def project(tmp_path: Path, database: str | None) -> Project:
    """A project whose one video (10 s, 250 frames) has no file: times come from the CSV."""
    with (
        Project.create(tmp_path / "study.storyframe", database=database) as project,
        project.session() as session,
    ):
        session.add(
            Video(path="gone.mp4", file_name="gone.mp4", content_hash="f" * 64, size_bytes=1,
                  duration_s=10.0, frame_count=250, fps=25.0, width=160, height=284)
        )  # fmt: skip
        session.commit()
    return Project.open(tmp_path / "study.storyframe")


def _codes(project: Project) -> tuple[str, str]:
    with project.session() as session:
        point = session.exec(select(Code).where(Code.kind == "point")).first().key
        interval = session.exec(select(Code).where(Code.kind == "interval")).first().key
    return point, interval


def _write(path: Path, rows: list[list[object]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _count(project: Project) -> int:
    with project.session() as session:
        return session.exec(select(func.count()).select_from(Annotation)).one()


@pytest.mark.parametrize("start_s", ["inf", "-5", "nan", "-inf", "1e999"])
def test_non_finite_or_negative_time_refuses_the_file(
    project: Project, tmp_path: Path, start_s: str
) -> None:
    point, _ = _codes(project)
    table = _write(tmp_path / "in.csv", [["f" * 64, "gone.mp4", "ana", point, "point", "",
                                          10, "", start_s, "", ""]])  # fmt: skip
    with pytest.raises(ExportError, match=r"in.csv:2: start_s .* is not a time"):
        import_long_csv(project, table)
    assert _count(project) == 0


@pytest.mark.parametrize("frame", ["inf", "nan", "1e308", "-5", "2.5"])
def test_bad_frame_refuses_the_file(project: Project, tmp_path: Path, frame: str) -> None:
    point, _ = _codes(project)
    table = _write(tmp_path / "in.csv", [["f" * 64, "gone.mp4", "ana", point, "point", "",
                                          frame, "", 1.0, "", ""]])  # fmt: skip
    with pytest.raises(ExportError, match="in.csv:2: start_frame"):
        import_long_csv(project, table)
    assert _count(project) == 0


def test_times_outside_the_clip_or_reversed_are_skipped_with_reasons(
    project: Project, tmp_path: Path
) -> None:
    point, interval = _codes(project)
    rows = [
        ["f" * 64, "gone.mp4", "ana", point, "point", "", 11, "", "1e308", "", "huge"],
        ["f" * 64, "gone.mp4", "ana", interval, "interval", "", 20, 10, 0.8, 0.4, "reversed"],
        ["f" * 64, "gone.mp4", "ana", interval, "interval", "", 10, 20, 0.8, 0.4, "end_s first"],
        ["f" * 64, "gone.mp4", "ana", point, "point", "", 300, "", 12.0, "", "past the end"],
        ["f" * 64, "gone.mp4", "ana", point, "point", "", 25, "", 1.0, "", "fine"],
    ]
    report = import_long_csv(project, _write(tmp_path / "in.csv", rows))
    reasons = [skipped.reason for skipped in report.skipped]
    assert report.annotations == 1 and len(reasons) == 4, reasons
    assert "outside gone.mp4" in reasons[0]
    assert "before start frame" in reasons[1]
    assert "before start time" in reasons[2]
    assert "frame 300 is outside" in reasons[3]
    # what is stored exports cleanly, every time
    for fmt in ("csv-long", "csv-wide"):
        assert export(project, fmt, tmp_path / f"{fmt}.csv").rows >= 1


@pytest.mark.parametrize("bad", [float("inf"), -5.0, float("nan"), 1e308])
def test_coding_refuses_bad_times_from_any_resolver(project: Project, bad: float) -> None:
    point, _ = _codes(project)
    coder = project.coder("ana")
    with project.session() as session:
        code = session.exec(select(Code).where(Code.key == point)).one()
        video = session.exec(select(Video)).one()
    coding = Coding(project.session, lambda _video: lambda _frame: bad)
    with pytest.raises(CodingError, match="outside gone.mp4"):
        coding.add_annotation(video.id, code.id, coder.id, 5)
    with pytest.raises(CodingError, match="invalid"):
        coding.bulk_create_annotations(
            [{"video_id": video.id, "code_id": code.id, "coder_id": coder.id, "start_frame": 5}]
        )
    assert _count(project) == 0
    with project.session() as session:
        assert session.exec(select(Coder).where(Coder.name == "ana")).one()
