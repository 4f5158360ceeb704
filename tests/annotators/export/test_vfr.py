"""Exports of a real variable-frame-rate clip: frames and times from the media layer, exactly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sqlmodel import select

from annotators.coding import Coding
from annotators.export import export, import_long_csv
from annotators.jobs import run_job
from annotators.media import open_video
from annotators.project import Project
from annotators.store.models import Annotation
from tests.media_fixtures import make_clip

from .conftest import add_codebook

# (code key, start frame, end frame or None)
CODED = [("testimony", 3, 41), ("donate", 17, None), ("emotion", 20, 33)]


def coded_vfr_project(folder: Path, clip: Path) -> Project:
    project = Project.create(folder / "vfr.storyframe", default_codebook=False)
    run_job(project.import_media([clip]))
    with project.session() as session:
        codes = add_codebook(session)
        session.commit()
    video = project.videos()[0]
    coder = project.coder("alice")
    coding = Coding.for_project(project)
    for key, start, end in CODED:
        value = "hope" if key == "emotion" else None
        coding.add_annotation(video.id, codes[key], coder.id, start, end, value=value)
    return project


def ms(seconds: float) -> float:
    return float(np.floor(seconds * 1000 + 0.5) / 1000)


def tc(seconds: float) -> str:
    total = int(np.floor(seconds * 1000 + 0.5))
    return f"00:00:{total // 1000:02d}.{total % 1000:03d}"


def test_vfr_times_are_presentation_times_not_frame_over_fps(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "vfr.mp4", seconds=2.0, vfr=True)
    with open_video(clip) as video:
        times = video.timestamps.copy()
        fps = video.fps
    # the clip really is variable: frame/fps would be wrong for some of the coded frames
    assert any(abs(times[f] - f / fps) > 0.002 for _k, s, e in CODED for f in (s, e) if f)
    with coded_vfr_project(tmp_path, clip) as project:
        export(project, "csv-long", tmp_path / "long.csv")
    table = pd.read_csv(tmp_path / "long.csv", keep_default_na=False, dtype=str)
    rows = {row["code_key"]: row for _i, row in table.iterrows()}
    for key, start, end in CODED:
        row = rows[key]
        assert int(row["start_frame"]) == start
        assert float(row["start_s"]) == ms(times[start])
        assert row["start_tc"] == tc(times[start])
        if end is None:
            assert row["end_frame"] == row["end_s"] == row["duration_s"] == ""
        else:
            assert int(row["end_frame"]) == end
            assert float(row["end_s"]) == ms(times[end])
            assert float(row["duration_s"]) == round(ms(times[end]) - ms(times[start]), 3)
            assert row["end_tc"] == tc(times[end])


def test_vfr_round_trip_takes_times_from_the_media(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "vfr.mp4", seconds=2.0, vfr=True)
    with coded_vfr_project(tmp_path, clip) as project:
        export(project, "csv-long", tmp_path / "long.csv")
    with Project.create(tmp_path / "second.storyframe", default_codebook=False) as second:
        run_job(second.import_media([clip]))
        with second.session() as session:
            add_codebook(session)
            session.commit()
        report = import_long_csv(second, tmp_path / "long.csv")
        assert report.annotations == 3 and not report.skipped
        export(second, "csv-long", tmp_path / "again.csv")
        with open_video(clip) as video:
            times = video.timestamps
        with second.session() as session:
            stored = session.exec(select(Annotation.start_frame, Annotation.start_s)).all()
    # full precision from the frame table, not the millisecond text of the CSV
    assert all(start_s == float(times[frame]) for frame, start_s in stored)
    first = pd.read_csv(tmp_path / "long.csv")
    again = pd.read_csv(tmp_path / "again.csv")
    columns = ["code_key", "start_frame", "end_frame", "start_s", "end_s", "duration_s", "start_tc"]
    pd.testing.assert_frame_equal(first[columns], again[columns])
