"""csv-wide aggregates, clip-level values and video metadata, checked against csv-long."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from annotators.export import CsvOptions, ExportFilter, export_long, export_wide
from annotators.export.wide import flatten_meta

from .conftest import Coded


def export(coded: Coded, tmp_path: Path, flt: ExportFilter | None = None) -> pd.DataFrame:
    with coded.project.session() as session:
        result = export_wide(session, tmp_path / "wide.csv", flt, CsvOptions())
    return pd.read_csv(result.path, keep_default_na=False, dtype=str)


def test_one_row_per_video_and_coder_with_coding(coded: Coded, tmp_path: Path) -> None:
    table = export(coded, tmp_path)
    pairs = list(zip(table["video_file_name"], table["coder"], strict=True))
    assert pairs == [
        ("a.mp4", "alice"),
        ("a.mp4", 'bob, "the second"'),
        ("b.mp4", 'bob, "the second"'),
    ]


def test_time_anchored_aggregates(coded: Coded, tmp_path: Path) -> None:
    table = export(coded, tmp_path).set_index(["video_file_name", "coder"])
    alice = table.loc[("a.mp4", "alice")]
    assert alice["emotion_present"] == "1"
    assert alice["emotion_count"] == "2"
    assert alice["emotion_first_onset_s"] == "4.000"  # frame 100 at 25 fps
    assert alice["emotion_total_duration_s"] == "2.400"  # 50 + 10 frames
    assert alice["donate_count"] == "1" and alice["donate_total_duration_s"] == "0.000"
    bob_b = table.loc[("b.mp4", 'bob, "the second"')]
    assert bob_b["testimony_total_duration_s"] == "9.960"
    assert (bob_b["donate_present"], bob_b["donate_count"]) == ("0", "0")
    assert bob_b["donate_first_onset_s"] == ""  # absent: no onset


def test_clip_values_and_video_facts(coded: Coded, tmp_path: Path) -> None:
    table = export(coded, tmp_path).set_index(["video_file_name", "coder"])
    alice = table.loc[("a.mp4", "alice")]
    assert (alice["tone"], alice["score"]) == ("4", "-3.5")
    assert alice["coder_notes"] == "'@mention; ok"
    assert table.loc[("b.mp4", 'bob, "the second"')]["tone"] == ""
    assert alice["video_frame_count"] == "250" and alice["video_duration_s"] == "10.000"
    assert alice["meta_play_count"] == "1200"
    assert alice["meta_author_name"] == "'=cmd"  # platform text is guarded too
    assert table.loc[("b.mp4", 'bob, "the second"')]["meta_play_count"] == ""


def test_wide_totals_agree_with_long_rows(coded: Coded, tmp_path: Path) -> None:
    wide = export(coded, tmp_path)
    with coded.project.session() as session:
        long = pd.read_csv(export_long(session, tmp_path / "long.csv").path)
    timed = long[long["kind"] != "clip"].fillna({"duration_s": 0})
    for (video, coder, key), rows in timed.groupby(["video_file_name", "coder", "code_key"]):
        row = wide[(wide["video_file_name"] == video) & (wide["coder"] == coder)].iloc[0]
        assert int(row[f"{key}_count"]) == len(rows)
        assert float(row[f"{key}_first_onset_s"]) == pytest.approx(rows["start_s"].min())
        assert float(row[f"{key}_total_duration_s"]) == pytest.approx(rows["duration_s"].sum())


def test_category_filter_limits_columns_and_rows(coded: Coded, tmp_path: Path) -> None:
    table = export(coded, tmp_path, ExportFilter(categories=["clip"]))
    assert "donate_count" not in table.columns and "tone" in table.columns
    assert list(table["coder"]) == ["alice"]


def test_flatten_meta_names_are_snake_case() -> None:
    meta = {"playCount": 3, "author": {"uniqueId": "x"}, "hashtags": ["#a", "#b"]}
    assert flatten_meta(meta) == {
        "meta_play_count": 3,
        "meta_author_unique_id": "x",
        "meta_hashtags": '["#a", "#b"]',
    }


def test_coder_and_video_filters(coded: Coded, tmp_path: Path) -> None:
    table = export(coded, tmp_path, ExportFilter(coders=["alice"]))
    assert list(zip(table["video_file_name"], table["coder"], strict=True)) == [("a.mp4", "alice")]
    table = export(coded, tmp_path, ExportFilter(videos=["b.mp4"]))
    assert list(table["video_file_name"]) == ["b.mp4"]
    assert "meta_play_count" not in table.columns  # only the selected videos' metadata
