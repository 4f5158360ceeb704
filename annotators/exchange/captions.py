"""Captions (SubRip ``.srt``, WebVTT ``.vtt``) read as a transcript of one clip.

A human or platform caption file becomes a :class:`TranscriptResult` like a Whisper run's:

- each cue is a segment; its words get times spread over the cue in proportion to their
  length (a caption times lines, not words), unless the cue carries WebVTT word timestamps
  (``word<00:05:04.199> next``, YouTube's automatic captions): then each word starts at its
  timestamp (the first at the cue start) and ends where the next one starts (the last at the
  cue end);
- YouTube's rolling two-line cues repeat the previous line above the new one; a line equal to
  the line imported just before it is dropped, so no word is imported twice;
- styling tags (``<c.colorE5E5E5>``, ``<i>``, ``<v Speaker>``, SubRip's ``{\an8}``) are
  removed, the text kept; character references (``&amp;``) are resolved;
- the provenance is engine ``imported``, model the file name, and in ``settings`` the format,
  file name and SHA-256 of the file, so the transcript can be traced to the exact file.

Words follow Whisper's spelling convention (a leading space), so every transcript view and
export treats them like a Whisper transcript. Confidence figures are ``None``.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
from dataclasses import dataclass
from pathlib import Path

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError

from annotators.errors import ExportError
from annotators.transcribe.result import Provenance, SegmentResult, TranscriptResult, WordResult

ENGINE = "imported"
MAX_BYTES = 50 * 1024 * 1024
# cue tags (<c.x>, <i>, <v Ana>, <00:01.000>) and SubRip's ASS overrides ({\an8}, {\i1})
_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")
_TIME_TAG = re.compile(r"<(\d+:)?(\d{1,2}):(\d{2})\.(\d{3})>")
_TIMESTAMP = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{3})$")
_LANGUAGE = re.compile(r"^\s*language\s*:\s*([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)?)\s*$", re.I)


@dataclass(frozen=True)
class Caption:
    """One cue: times in seconds and its lines, tags still in (word timestamps need them)."""

    start: float
    end: float
    lines: tuple[str, ...]


def caption_format(path: Path) -> str | None:
    """``srt`` or ``vtt`` from the file name or its first bytes; ``None`` for neither."""
    suffix = Path(path).suffix.lower()
    if suffix in (".srt", ".vtt"):
        return suffix[1:]
    try:
        with Path(path).open("rb") as file:
            head = file.read(64).lstrip(b"\xef\xbb\xbf")
    except OSError:
        return None
    return "vtt" if head.startswith(b"WEBVTT") else None


def read_captions(path: Path) -> TranscriptResult:
    """The caption file ``path`` as a transcript (see the module docstring).

    Raises :class:`ExportError` naming the file (and the cue) when it cannot be read.
    """
    path = Path(path)
    fmt = caption_format(path) or "vtt"
    data = _read_bytes(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ExportError(f"{path}: not UTF-8 text (byte {error.start})") from None
    captions, language = _parse(path, fmt, text)
    segments = tuple(_segments(captions))
    provenance = Provenance(
        engine=ENGINE,
        engine_version=fmt,
        model=path.name,
        language=language,
        settings={
            "source_file": path.name,
            "format": "webvtt" if fmt == "vtt" else "subrip",
            "sha256": hashlib.sha256(data).hexdigest(),
        },
    )
    audio_s = max((caption.end for caption in captions), default=0.0)
    return TranscriptResult(segments, language, provenance, audio_s=audio_s, processing_s=0.0)


def _read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ExportError(f"{path}: larger than {MAX_BYTES // 2**20} MB, not a caption file")
        return path.read_bytes()
    except OSError as error:
        raise ExportError(f"{path}: cannot read ({error.strerror or error})") from None


def _parse(path: Path, fmt: str, text: str) -> tuple[list[Caption], str | None]:
    """Cues in file order and the language the WebVTT header names."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    _check_timings(path, text)
    buffer = io.StringIO(text)
    try:
        parsed = webvtt.from_buffer(buffer, format="srt" if fmt == "srt" else "vtt")
    except (MalformedFileError, MalformedCaptionError) as error:
        raise ExportError(f"{path}: not a valid {fmt.upper()} file ({error})") from None
    captions = []
    for number, cue in enumerate(parsed.captions, start=1):
        start, end = _seconds(path, number, cue.start), _seconds(path, number, cue.end)
        if end < start:
            raise ExportError(f"{path}: cue {number} ends before it starts ({cue.start})")
        captions.append(Caption(start, end, tuple(cue.lines)))
    if not captions:
        raise ExportError(f"{path}: no cues (not a {fmt.upper()} file)")
    language = None
    for line in getattr(parsed, "metadata", None) or []:
        match = _LANGUAGE.match(line)
        language = language or (match.group(1).lower() if match else None)
    return captions, language


def _check_timings(path: Path, text: str) -> None:
    """Refuse a file with a cue timing line the parser would silently skip."""
    for number, line in enumerate(text.split("\n"), start=1):
        if "-->" in line:
            start, _, rest = line.partition("-->")
            fields = rest.split()
            if not fields or not _valid_stamp(start) or not _valid_stamp(fields[0]):
                raise ExportError(f"{path}:{number}: bad cue timing {line.strip()[:80]!r}")


def _valid_stamp(stamp: str) -> bool:
    match = _TIMESTAMP.match(stamp.strip())
    return match is not None and int(match.group(2)) < 60 and int(match.group(3)) < 60


def _seconds(path: Path, number: int, stamp: str) -> float:
    match = _TIMESTAMP.match(stamp.strip())
    if match is None:
        raise ExportError(f"{path}: cue {number}: bad timestamp {stamp!r}")
    hours, minutes, secs, millis = (int(part or 0) for part in match.groups())
    if minutes > 59 or secs > 59:
        raise ExportError(f"{path}: cue {number}: bad timestamp {stamp!r}")
    return hours * 3600 + minutes * 60 + secs + millis / 1000


def _segments(captions: list[Caption]) -> list[SegmentResult]:
    """One segment per cue with new text (YouTube's repeated lines dropped)."""
    segments: list[SegmentResult] = []
    previous = ""
    for caption in captions:
        timed: list[WordResult] = []
        untimed: list[str] = []
        for line in caption.lines:
            plain = _plain(line)
            if not plain or plain == previous:
                continue
            previous = plain
            words = _timed_words(line, caption)
            timed += words
            if not words:
                untimed.append(plain)
        words = sorted(timed + _spread_words(" ".join(untimed), caption), key=lambda w: w.start)
        if words:
            segments.append(
                SegmentResult(
                    start=words[0].start,
                    end=max(word.end for word in words),
                    text="".join(word.text for word in words),
                    words=tuple(words),
                )
            )
    return segments


def _plain(line: str) -> str:
    """A cue line without tags, with its character references (``&amp;``) resolved and
    single spaces."""
    return " ".join(html.unescape(_TAG.sub("", line)).split())


def _timed_words(line: str, caption: Caption) -> list[WordResult]:
    """Words of a line with inline timestamps; ``[]`` when it has none."""
    pieces = _TIME_TAG.split(line)
    if len(pieces) == 1:
        return []
    # split() gives text, then 4 groups per timestamp, then text: rebuild (time, text) pairs
    starts = [caption.start]
    texts = [pieces[0]]
    for i in range(1, len(pieces), 5):
        hours, minutes, secs, millis = pieces[i : i + 4]
        stamp = (
            int((hours or "0:")[:-1]) * 3600 + int(minutes) * 60 + int(secs) + int(millis) / 1000
        )
        starts.append(min(max(stamp, caption.start), caption.end))
        texts.append(pieces[i + 4])
    words: list[tuple[float, str]] = []
    for start, text in zip(starts, texts, strict=True):
        words += [(start, word) for word in _plain(text).split()]
    ends = [start for start, _ in words[1:]] + [caption.end]
    return [
        WordResult(start, max(end, start), f" {word}")
        for (start, word), end in zip(words, ends, strict=True)
    ]


def _spread_words(plain: str, caption: Caption) -> list[WordResult]:
    """Words of an untimed line, each given a share of the cue in proportion to its length."""
    words = plain.split()
    total = sum(len(word) + 1 for word in words)
    span = caption.end - caption.start
    result, at = [], caption.start
    for word in words:
        end = at + span * (len(word) + 1) / total
        result.append(WordResult(round(at, 6), round(end, 6), f" {word}"))
        at = end
    return result
