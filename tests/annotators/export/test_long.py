"""csv-long read back with pandas equals what was coded, hostile text included."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from annotators.errors import ExportError
from annotators.export import CsvOptions, ExportFilter, export_long

from .conftest import FORMULA_NOTE, HOSTILE_NOTE, Coded


def read_text(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def export(coded: Coded, tmp_path: Path, **kwargs: object) -> Path:
    flt = ExportFilter(**{k: v for k, v in kwargs.items() if k != "options"})
    options = kwargs.get("options") or CsvOptions()
    with coded.project.session() as session:
        result = export_long(session, tmp_path / "long.csv", flt, options)  # type: ignore[arg-type]
    return result.path


def test_rows_carry_exact_frames_times_and_timecodes(coded: Coded, tmp_path: Path) -> None:
    table = pd.read_csv(export(coded, tmp_path))
    timed = table[table["kind"] != "clip"]
    assert len(timed) == 6
    first = timed.iloc[0]
    assert first["video_file_name"] == "a.mp4"
    assert first["coder"] == "alice"
    assert (first["code_key"], first["code_path"]) == (
        "testimony",
        "Narrative elements / Personal testimony",
    )
    assert (first["start_frame"], first["end_frame"]) == (12, 50)
    assert (first["start_s"], first["end_s"], first["duration_s"]) == (0.48, 2.0, 1.52)
    assert (first["start_tc"], first["end_tc"]) == ("00:00:00.480", "00:00:02.000")
    assert first["codebook_version"] == 3
    assert first["created_at"] == "2026-03-01T09:30:15.123456Z"
    # point events have no end, no duration
    donate = timed[(timed["code_key"] == "donate") & (timed["coder"] == "alice")].iloc[0]
    assert pd.isna(donate["end_frame"]) and pd.isna(donate["duration_s"])
    assert donate["start_s"] == 1.2


def test_ids_join_to_the_project_tables(coded: Coded, tmp_path: Path) -> None:
    table = pd.read_csv(export(coded, tmp_path))
    assert set(table["video_id"]) == set(coded.videos.values())
    assert set(table["coder_id"]) == set(coded.coders.values())
    assert set(table["code_id"]) <= set(coded.codes.values())
    assert table["annotation_id"].dropna().is_unique


def test_hostile_text_survives_and_formulas_are_neutralised(coded: Coded, tmp_path: Path) -> None:
    table = read_text(export(coded, tmp_path))
    notes = list(table["note"])
    assert HOSTILE_NOTE in notes  # comma, quotes, newline, emoji, Arabic
    assert "'" + FORMULA_NOTE in notes
    assert "'-5 is not a formula" in notes  # text starting with "-" is guarded
    assert 'bob, "the second"' in set(table["coder"])
    values = dict(zip(table["code_key"], table["value"], strict=False))
    assert values["score"] == "-3.5"  # a plain number is not a formula
    assert values["coder_notes"] == "'@mention; ok"
    # numeric columns are never quoted, so they parse as numbers
    assert pd.read_csv(tmp_path / "long.csv")["start_s"].dtype.kind == "f"


def test_formula_guard_can_be_turned_off(coded: Coded, tmp_path: Path) -> None:
    table = read_text(export(coded, tmp_path, options=CsvOptions(formula_guard=False)))
    assert FORMULA_NOTE in list(table["note"])


def test_bom_only_when_asked(coded: Coded, tmp_path: Path) -> None:
    plain = export(coded, tmp_path).read_bytes()
    assert plain.startswith(b"annotation_id,")
    with_bom = export(coded, tmp_path, options=CsvOptions(bom=True)).read_bytes()
    assert with_bom.startswith(b"\xef\xbb\xbfannotation_id,")
    assert with_bom[3:] == plain
    assert (tmp_path / "codebook.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_transcript_words_spoken_during_each_annotation(coded: Coded, tmp_path: Path) -> None:
    table = read_text(export(coded, tmp_path))
    words = dict(zip(table["annotation_id"], table["transcript_words"], strict=False))
    by_key = table.set_index("annotation_id")
    testimony = by_key[by_key["code_key"] == "testimony"]["transcript_words"]
    # 0.48 s .. 2.0 s overlaps "I" (0-0.5), "lost" (corrected), "my", "mum" (1.6-2.2)
    assert testimony.iloc[0] == "I lost, my mum"
    donate = table[(table["code_key"] == "donate") & (table["coder"] == "alice")]
    assert donate["transcript_words"].iloc[0] == "my"  # 1.2 s is inside "my"
    assert words  # b.mp4 has no transcript: empty cells, no error
    assert table[table["video_file_name"] == "b.mp4"]["transcript_words"].eq("").all()


def test_clip_level_values_follow_as_rows_without_times(coded: Coded, tmp_path: Path) -> None:
    table = read_text(export(coded, tmp_path))
    clip = table[table["kind"] == "clip"]
    assert list(clip["code_key"]) == ["tone", "score", "coder_notes"]
    tone = clip.iloc[0]
    assert (tone["value"], tone["value_label"], tone["annotation_id"]) == ("4", "level 4", "")
    assert clip[["start_frame", "start_s", "start_tc", "source"]].eq("").all().all()


def test_filters_by_coder_video_and_category(coded: Coded, tmp_path: Path) -> None:
    table = read_text(export(coded, tmp_path, coders=['bob, "the second"']))
    assert set(table["coder"]) == {'bob, "the second"'} and len(table) == 2
    table = read_text(export(coded, tmp_path, videos=["b.mp4"]))
    assert list(table["code_key"]) == ["testimony"]
    table = read_text(export(coded, tmp_path, categories=["cta"]))
    assert set(table["code_key"]) == {"donate"} and len(table) == 2
    dictionary = read_text(tmp_path / "codebook.csv")
    assert set(dictionary["variable"]) == {"donate"}


def test_unknown_filter_names_are_errors(coded: Coded, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="unknown coder: carol"):
        export(coded, tmp_path, coders=["carol"])
    with pytest.raises(ExportError, match="unknown video: c.mp4"):
        export(coded, tmp_path, videos=["c.mp4"])
    with pytest.raises(ExportError, match="unknown category: nope"):
        export(coded, tmp_path, categories=["nope"])
    assert not (tmp_path / "long.csv").exists()


def test_data_dictionary_lists_variables_and_value_labels(coded: Coded, tmp_path: Path) -> None:
    export(coded, tmp_path)
    dictionary = read_text(tmp_path / "codebook.csv")
    emotion = dictionary[dictionary["variable"] == "emotion"]
    assert list(zip(emotion["value"], emotion["value_label"], strict=True)) == [
        ("sadness", "Sadness"),
        ("hope", "Hope"),
    ]
    assert emotion["kind"].iloc[0] == "interval" and emotion["value_type"].iloc[0] == "nominal"
    tone = dictionary[dictionary["variable"] == "tone"]
    assert list(tone["value"]) == ["1", "2", "3", "4", "5"]
    assert tone["wide_columns"].iloc[0] == "tone"
    donate = dictionary[dictionary["variable"] == "donate"].iloc[0]
    assert donate["wide_columns"].split() == [
        "donate_present",
        "donate_count",
        "donate_first_onset_s",
        "donate_total_duration_s",
    ]
    assert "narrative" not in set(dictionary["variable"])  # categories are not variables
