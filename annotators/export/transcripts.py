"""Transcript writers: SRT, WebVTT, plain text and JSON, from an engine-neutral structure.

Any transcription engine (and the database loader in :mod:`annotators.export.transcript_export`)
hands these writers a list of :class:`TranscriptSegment`; nothing here knows about Whisper or the
database. ``storyframe transcribe-file --format`` and
``storyframe export --format srt|vtt|txt|json`` both call :func:`render_transcript` or
:func:`write_transcript`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotators.errors import ExportError
from annotators.safety.outputs import NO_GUARD, OutputGuard, write_text

from .timecode import round_s, timecode

if TYPE_CHECKING:
    from annotators.transcribe.result import SegmentResult


@dataclass(frozen=True)
class TranscriptWord:
    """One word with its times in seconds from the clip start and its probability (0..1)."""

    start_s: float
    end_s: float
    text: str
    probability: float | None = None


@dataclass(frozen=True)
class TranscriptSegment:
    """One segment (a subtitle cue): times in seconds, its text and optionally its words."""

    start_s: float
    end_s: float
    text: str
    words: Sequence[TranscriptWord] = field(default_factory=tuple)


Segments = Sequence[TranscriptSegment]


def segments_from_result(segments: Iterable[SegmentResult]) -> list[TranscriptSegment]:
    """Writer segments from an engine's ``TranscriptResult.segments`` (``start``/``end`` names)."""
    return [
        TranscriptSegment(
            start_s=seg.start,
            end_s=seg.end,
            text=seg.text,
            words=tuple(TranscriptWord(w.start, w.end, w.text, w.probability) for w in seg.words),
        )
        for seg in segments
    ]


_BLANK_LINES = re.compile(r"\n\s*\n")


def _cue_text(text: str) -> str:
    """Cue text without blank lines: a blank line ends a cue in SRT and VTT."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return _BLANK_LINES.sub("\n", text)


def to_srt(segments: Segments) -> str:
    """SubRip text: numbered cues from 1, ``hh:mm:ss,mmm --> hh:mm:ss,mmm``, blank line after."""
    cues = []
    for number, seg in enumerate(_spoken(segments), start=1):
        span = f"{timecode(seg.start_s, ',')} --> {timecode(seg.end_s, ',')}"
        cues.append(f"{number}\n{span}\n{_cue_text(seg.text)}\n")
    return "\n".join(cues)


def _vtt_escape(text: str) -> str:
    """Escape the characters WebVTT cue text reserves (``&``, ``<``, ``>``)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(segments: Segments) -> str:
    """WebVTT text: ``WEBVTT`` header, cues ``hh:mm:ss.mmm --> hh:mm:ss.mmm`` with escaped text."""
    cues = ["WEBVTT\n"]
    for seg in _spoken(segments):
        span = f"{timecode(seg.start_s)} --> {timecode(seg.end_s)}"
        cues.append(f"{span}\n{_vtt_escape(_cue_text(seg.text))}\n")
    return "\n".join(cues)


def to_txt(segments: Segments) -> str:
    """Plain text: one line per segment, no times (for quoting and full-text search)."""
    lines = [" ".join(seg.text.split()) for seg in _spoken(segments)]
    return "\n".join(lines) + ("\n" if lines else "")


def to_json(segments: Segments, meta: Mapping[str, Any] | None = None) -> str:
    """JSON ``{"meta": {...}, "segments": [{start_s, end_s, text, words: [...]}]}``.

    Times are rounded to milliseconds; ``meta`` carries provenance (engine, model, settings...)
    and must be JSON-serialisable.
    """
    payload = {"meta": dict(meta or {}), "segments": [_segment_dict(s) for s in segments]}
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def _segment_dict(seg: TranscriptSegment) -> dict[str, Any]:
    words = [
        {**asdict(w), "start_s": round_s(w.start_s), "end_s": round_s(w.end_s)} for w in seg.words
    ]
    return {
        "start_s": round_s(seg.start_s),
        "end_s": round_s(seg.end_s),
        "text": seg.text.strip(),
        "words": words,
    }


def _spoken(segments: Segments) -> list[TranscriptSegment]:
    """Segments with text; subtitle formats skip empty cues, which players reject."""
    return [seg for seg in segments if seg.text.strip()]


_RENDERERS: dict[str, Callable[[Segments], str]] = {"srt": to_srt, "vtt": to_vtt, "txt": to_txt}

TRANSCRIPT_FORMATS: tuple[str, ...] = ("srt", "vtt", "txt", "json")


def render_transcript(segments: Segments, fmt: str, meta: Mapping[str, Any] | None = None) -> str:
    """Text of ``segments`` in ``fmt`` (see :data:`TRANSCRIPT_FORMATS`); ``meta`` is JSON-only."""
    if fmt == "json":
        return to_json(segments, meta)
    if fmt not in _RENDERERS:
        raise ExportError(f"unknown transcript format {fmt!r}: use one of {TRANSCRIPT_FORMATS}")
    return _RENDERERS[fmt](segments)


def write_transcript(
    segments: Segments,
    path: Path,
    fmt: str | None = None,
    meta: Mapping[str, Any] | None = None,
    guard: OutputGuard = NO_GUARD,
) -> Path:
    """Write ``segments`` to ``path`` as UTF-8 in ``fmt`` (default: the file's suffix); return it.

    Raises :class:`ExportError` naming the file when the format is unknown, the target is
    refused (see :func:`annotators.safety.check_target`) or it cannot be written; then no
    partial file is left.
    """
    path = Path(path)
    fmt = fmt or path.suffix.lstrip(".").lower()
    text = render_transcript(segments, fmt, meta)
    return write_text(path, text, guard=guard, newline="\n")
