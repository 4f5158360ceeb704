"""Transcript writers: SRT, WebVTT, plain text and JSON read back as a player would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotators.errors import ExportError
from annotators.export import (
    TranscriptSegment,
    TranscriptWord,
    render_transcript,
    segments_from_result,
    write_transcript,
)
from annotators.export.timecode import timecode
from annotators.transcribe.result import SegmentResult, WordResult

SEGMENTS = [
    TranscriptSegment(
        0.0,
        1.2344,
        " I lost my mum to <cancer> & this is why",
        (TranscriptWord(0.0, 0.4, " I", 0.99), TranscriptWord(0.4, 0.9, " lost", 0.5)),
    ),
    TranscriptSegment(1.5, 2.0, "   "),  # empty segments are not subtitle cues
    TranscriptSegment(3661.9996, 3662.5, "donate 💜\n\nlink in bio — شكرا"),
]


def test_timecode_rounds_to_milliseconds_and_carries() -> None:
    assert timecode(59.9996) == "00:01:00.000"
    assert timecode(3661.0015, ",") == "01:01:01,002"
    assert timecode(None) == ""


def test_srt_cues_are_numbered_and_have_no_blank_lines_inside() -> None:
    text = render_transcript(SEGMENTS, "srt")
    cues = text.strip().split("\n\n")
    assert cues[0].splitlines() == [
        "1",
        "00:00:00,000 --> 00:00:01,234",
        "I lost my mum to <cancer> & this is why",
    ]
    assert cues[1].splitlines() == [
        "2",
        "01:01:02,000 --> 01:01:02,500",
        "donate 💜",
        "link in bio — شكرا",
    ]
    assert len(cues) == 2


def test_vtt_has_header_and_escapes_reserved_characters() -> None:
    text = render_transcript(SEGMENTS, "vtt")
    assert text.startswith("WEBVTT\n\n")
    assert "00:00:00.000 --> 00:00:01.234\nI lost my mum to &lt;cancer&gt; &amp; this" in text


def test_txt_is_one_line_per_spoken_segment() -> None:
    lines = render_transcript(SEGMENTS, "txt").splitlines()
    assert lines == ["I lost my mum to <cancer> & this is why", "donate 💜 link in bio — شكرا"]


def test_json_keeps_words_probabilities_and_meta(tmp_path: Path) -> None:
    path = write_transcript(SEGMENTS, tmp_path / "clip.json", meta={"model": "tiny.en"})
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["meta"] == {"model": "tiny.en"}
    first = data["segments"][0]
    assert first["end_s"] == 1.234  # rounded to ms
    assert first["words"][1] == {"start_s": 0.4, "end_s": 0.9, "text": " lost", "probability": 0.5}


def test_engine_results_convert_to_writer_segments() -> None:
    result = [SegmentResult(0.5, 1.0, " hi", words=(WordResult(0.5, 1.0, " hi", 0.8),))]
    assert segments_from_result(result) == [
        TranscriptSegment(0.5, 1.0, " hi", (TranscriptWord(0.5, 1.0, " hi", 0.8),))
    ]


def test_unknown_format_and_unwritable_path_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="unknown transcript format 'doc'"):
        write_transcript(SEGMENTS, tmp_path / "a.doc")
    # a missing folder is created; a folder that cannot exist (a file is in the way) is refused
    assert write_transcript(SEGMENTS, tmp_path / "missing" / "a.srt").is_file()
    (tmp_path / "plain").write_text("x")
    with pytest.raises(ExportError, match="plain"):
        write_transcript(SEGMENTS, tmp_path / "plain" / "a.srt")
