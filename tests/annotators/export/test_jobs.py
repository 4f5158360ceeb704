"""Exports as jobs: progress while writing, and a cancelled export leaves nothing behind."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import insert

from annotators.export import export_job
from annotators.jobs import run_job
from annotators.store.models import Annotation, ClipValue, Coder

from .conftest import CREATED, Coded


@pytest.fixture
def many(coded: Coded) -> Coded:
    """The fixture project plus 5,000 point events: more than two batches of csv-long lines."""
    video, code, coder = coded.videos["b.mp4"], coded.codes["donate"], coded.coders["bob"]
    rows = [
        {"video_id": video, "code_id": code, "coder_id": coder, "start_frame": frame,
         "start_s": frame / 25, "source": "manual", "note": "", "uid": f"{frame:032x}",
         "version": 1, "created_at": CREATED, "updated_at": CREATED}
        for frame in range(5000)
    ]  # fmt: skip
    with coded.project.session() as session:  # one executemany, not 5,000 flushes
        session.execute(insert(Annotation), rows)
        session.commit()
    return coded


def test_csv_long_reports_rows_as_it_writes(many: Coded, tmp_path: Path) -> None:
    reports = []
    result = run_job(export_job(many.project, "csv-long", tmp_path / "long.csv"), reports.append)
    assert [r.done for r in reports][:2] == [2000, 4000]
    assert result.rows == reports[-1].done == 5006 + 3  # annotations + clip values
    with open(tmp_path / "long.csv", newline="", encoding="utf-8") as table:
        assert sum(1 for _ in csv.reader(table)) == result.rows + 1  # and the header


@pytest.mark.parametrize("fmt", ["csv-long", "csv-wide"])
def test_cancelled_table_export_leaves_no_file(many: Coded, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / "exports" / "out.csv"
    target.parent.mkdir()
    target.write_text("the previous export\n")
    job = export_job(many.project, fmt, target)
    next(job)  # some rows written
    job.close()  # the user pressed Cancel
    assert target.read_text() == "the previous export\n"
    assert [p.name for p in target.parent.iterdir()] == ["out.csv"]


def test_transcript_export_reports_each_video(coded: Coded, tmp_path: Path) -> None:
    reports = []
    result = run_job(export_job(coded.project, "srt", tmp_path / "srt"), reports.append)
    assert [(r.done, r.total, r.message) for r in reports] == [(1, 2, "a.mp4"), (2, 2, "b.mp4")]
    assert [f.name for f in result.files] == ["a.srt"] and result.untranscribed == ["b.mp4"]


def test_export_reads_one_snapshot_while_others_write(many: Coded, tmp_path: Path) -> None:
    job = export_job(many.project, "csv-long", tmp_path / "long.csv")
    next(job)  # the first 2,000 rows are written
    with many.project.session() as session:  # meanwhile the app commits a new coder's value
        carol = Coder(name="carol")
        session.add(carol)
        session.flush()
        video, code = many.videos["b.mp4"], many.codes["tone"]
        session.add(ClipValue(video_id=video, code_id=code, coder_id=carol.id, value="2"))
        session.commit()
    result = run_job(job)
    assert result.rows == 5009  # as when the export started
    assert "carol" not in (tmp_path / "long.csv").read_text(encoding="utf-8")
