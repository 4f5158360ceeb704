"""On-screen text with RapidOCR (PP-OCR models shipped in the wheel; offline).

What is read: frames at a fixed interval (``interval_s``) plus the first frame of every shot
(from the clip's current shot cuts) and the last frame. A sampled frame whose grey thumbnail
shows no changed block since the last frame that was read is not read again (its text is the
same); the others go through the text detector (on the frame shrunk to ``det_max_side``) and
the recogniser (on full-resolution crops).

How readings become occurrences: a reading continues an open occurrence when its box overlaps
the occurrence's (IoU >= ``min_iou``) and its text is similar (ratio >= ``min_similarity``);
otherwise it starts one. An occurrence not seen on a read frame ends. Its first and last frame
are then refined between the two samples around each edge with the thumbnails of every frame
in between (the first frame whose text region looks like the later sample), so they are exact
for hard appearances and within the sampling interval otherwise. Frames and times come from
the clip's frame table.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

import cv2
import numpy as np

from annotators.analysis.frames import ClipFrames, DecodedFrame
from annotators.analysis.storage import AnalysisSource, TextOccurrence
from annotators.errors import AnalysisError
from annotators.jobs import Job, Progress

ENGINE = "rapidocr-onnxruntime"
INSTALL_HINT = "pip install --no-deps rapidocr-onnxruntime==1.4.4"
THUMB_SCALE = 4  # thumbnails are a quarter of each side: ~2 ms a 1080x1920 frame
BLOCK = 12  # thumbnail pixels per side of a change-test block
PROGRESS_EVERY = 30

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class OcrSettings:
    """Settings of the OCR step (stored with every run)."""

    interval_s: float = 0.5
    det_max_side: int = 960
    min_confidence: float = 0.6
    change_threshold: float = 6.0  # mean absolute grey difference (0-255) of one block
    skip_unchanged: bool = True
    min_iou: float = 0.3
    min_similarity: float = 0.75

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Reading:
    """One text line read on one frame: ``box`` (x0, y0, x1, y1) in display pixels."""

    text: str
    confidence: float
    box: Box


@dataclass(frozen=True)
class OcrResult:
    """Occurrences of a clip with counts: frames sampled, frames actually read by the OCR."""

    occurrences: tuple[TextOccurrence, ...]
    sampled: int
    read: int
    processing_s: float
    source: AnalysisSource


class TextReader:
    """RapidOCR loaded once (about 0.3 s), reused for every frame and clip.

    ``calls`` counts the frames read. Raises :class:`AnalysisError` with the install command
    when rapidocr-onnxruntime is missing.
    """

    def __init__(self, settings: OcrSettings | None = None) -> None:
        self.settings = settings or OcrSettings()
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as error:
            raise AnalysisError(
                f"on-screen text needs rapidocr-onnxruntime ({error}); install it with: "
                f"{INSTALL_HINT}"
            ) from None
        # the detector runs on the frame we shrink ourselves: never scale it up again
        self._ocr = RapidOCR(det_limit_side_len=32, det_limit_type="min", print_verbose=False)
        self.version = _version()
        self.calls = 0

    def read(self, bgr: np.ndarray) -> list[Reading]:
        """Every text line on a BGR picture with confidence >= ``min_confidence``."""
        self.calls += 1
        height, width = bgr.shape[:2]
        ratio = min(1.0, self.settings.det_max_side / max(height, width))
        small = cv2.resize(bgr, None, fx=ratio, fy=ratio, interpolation=cv2.INTER_AREA)
        boxes, _ = self._ocr.text_det(small)
        if boxes is None or len(boxes) == 0:
            return []
        boxes = self._ocr.sorted_boxes(boxes)
        quads = [np.asarray(b, dtype=np.float32) / ratio for b in boxes]
        crops = self._ocr.get_crop_img_list(bgr, quads)
        recognised, _ = self._ocr.text_rec(crops, False)
        readings = []
        for quad, (text, score) in zip(quads, recognised, strict=True):
            text = " ".join(str(text).split())
            if text and score >= self.settings.min_confidence:
                box = (float(quad[:, 0].min()), float(quad[:, 1].min()))
                box += (float(quad[:, 0].max()), float(quad[:, 1].max()))
                readings.append(Reading(text, float(score), box))
        return readings

    def source(self, processing_s: float | None = None) -> AnalysisSource:
        return AnalysisSource(ENGINE, self.version, self.settings.as_dict(), processing_s)


@dataclass
class _Track:
    """An open occurrence while the clip is read."""

    box: Box
    first: int  # sample frame it was first seen on
    last: int  # last sample frame it was seen on
    texts: Counter = field(default_factory=Counter)
    confidences: list[float] = field(default_factory=list)
    start: int = 0  # refined first frame
    end: int = 0  # refined last frame

    def add(self, reading: Reading, frame: int) -> None:
        self.texts[reading.text] += reading.confidence
        self.confidences.append(reading.confidence)
        self.box = reading.box if reading.confidence >= max(self.confidences) else self.box
        self.last = frame


def sample_frames(times: np.ndarray, interval_s: float, cuts: Iterable[int] = ()) -> set[int]:
    """Frames read: one every ``interval_s`` (by the frame table), each cut, the last frame."""
    if interval_s <= 0:
        raise AnalysisError(f"the OCR interval must be positive, not {interval_s}")
    count = len(times)
    if count == 0:
        return set()
    marks = np.arange(0.0, float(times[-1]) + 1e-9, interval_s)
    samples = set(np.searchsorted(times, marks - 5e-4, side="left").clip(0, count - 1).tolist())
    samples.update(c for c in cuts if 0 <= c < count)
    samples.add(count - 1)
    return {int(s) for s in samples}


def read_onscreen_text(
    path: Path | str,
    reader: TextReader,
    cuts: Iterable[int] = (),
) -> Job[OcrResult]:
    """Job reading the on-screen text of one clip (see the module docstring).

    ``cuts`` are first frames of shots (ShotCut rows) to sample as well. Yields progress every
    few frames (closing the job stops between frames); returns an :class:`OcrResult`.
    Raises :class:`~annotators.errors.MediaError` for an unreadable clip.
    """
    started = time.perf_counter()
    settings = reader.settings
    calls_before = reader.calls
    with ClipFrames(Path(path)) as clip:
        times = clip.times
        samples = sample_frames(times, settings.interval_s, cuts)
        state = _Pass(reader, times)
        for decoded in clip.frames():
            state.see(decoded, decoded.index in samples)
            if decoded.index % PROGRESS_EVERY == 0:
                yield Progress(decoded.index, len(times), "on-screen text")
        occurrences = state.finish()
    elapsed = time.perf_counter() - started
    return OcrResult(
        occurrences=tuple(occurrences),
        sampled=len(samples),
        read=reader.calls - calls_before,
        processing_s=elapsed,
        source=reader.source(elapsed),
    )


class _Pass:
    """State of one forward pass: thumbnails since the last sample, open and done tracks."""

    def __init__(self, reader: TextReader, times: np.ndarray) -> None:
        self.reader = reader
        self.settings = reader.settings
        self.times = times
        self.thumbs: list[tuple[int, np.ndarray]] = []  # frames since the previous sample
        self.read_thumb: np.ndarray | None = None  # thumbnail of the last frame read
        self.readings: list[Reading] = []
        self.open: list[_Track] = []
        self.done: list[_Track] = []
        self.last_index = -1

    def see(self, decoded: DecodedFrame, sampled: bool) -> None:
        thumb = decoded.gray_thumb(THUMB_SCALE)
        self.thumbs.append((decoded.index, thumb))
        self.last_index = decoded.index
        if not sampled:
            return
        if self.read_thumb is None or not self._unchanged(thumb):
            self.readings = self.reader.read(decoded.bgr())
            self.read_thumb = thumb
        self._match(decoded.index)
        self.thumbs = [(decoded.index, thumb)]

    def finish(self) -> list[TextOccurrence]:
        for track in self.open:  # seen on the last frame (always sampled), or on the last read
            track.end = max(track.last, self._refine_end(track))
            self.done.append(track)
        self.open = []
        return sorted((self._occurrence(t) for t in self.done), key=_order)

    def _unchanged(self, thumb: np.ndarray) -> bool:
        if not self.settings.skip_unchanged or thumb.shape != self.read_thumb.shape:
            return False
        diff = cv2.absdiff(thumb, self.read_thumb).astype(np.float32)
        rows, cols = max(1, diff.shape[0] // BLOCK), max(1, diff.shape[1] // BLOCK)
        blocks = cv2.resize(diff, (cols, rows), interpolation=cv2.INTER_AREA)
        return float(blocks.max()) < self.settings.change_threshold

    def _match(self, frame: int) -> None:
        unmatched = list(self.open)
        for reading in self.readings:
            track = self._best_track(reading, unmatched)
            if track is None:
                track = _Track(reading.box, first=frame, last=frame)
                track.start = self._refine_start(reading.box)
                self.open.append(track)
            else:
                unmatched.remove(track)
            track.add(reading, frame)
        for track in unmatched:
            track.end = self._refine_end(track)
            self.open.remove(track)
            self.done.append(track)

    def _best_track(self, reading: Reading, candidates: list[_Track]) -> _Track | None:
        best, best_score = None, 0.0
        for track in candidates:
            overlap = _iou(track.box, reading.box)
            similar = SequenceMatcher(None, track.texts.most_common(1)[0][0], reading.text).ratio()
            close = overlap >= self.settings.min_iou and similar >= self.settings.min_similarity
            if close and overlap + similar > best_score:
                best, best_score = track, overlap + similar
        return best

    def _refine_start(self, box: Box) -> int:
        """First frame since the previous sample whose box region looks like this sample's."""
        before, now = self.thumbs[0][1], self.thumbs[-1][1]
        for index, thumb in self.thumbs[1:]:
            if _closer_to(thumb, now, before, box):
                return index
        return self.thumbs[-1][0]

    def _refine_end(self, track: _Track) -> int:
        """Last frame since the track's last sample whose box region still looks like it."""
        seen, after = self.thumbs[0][1], self.thumbs[-1][1]
        end = self.thumbs[0][0]
        for index, thumb in self.thumbs[1:-1]:
            if not _closer_to(thumb, seen, after, track.box):
                break
            end = index
        return end

    def _occurrence(self, track: _Track) -> TextOccurrence:
        text = track.texts.most_common(1)[0][0]
        start, end = track.start, max(track.start, track.end)
        return TextOccurrence(
            start_frame=start,
            end_frame=end,
            start_s=float(self.times[start]),
            end_s=float(self.times[end]),
            text=text,
            confidence=round(float(np.mean(track.confidences)), 4),
            box=tuple(round(v, 1) for v in track.box),
        )


def _closer_to(thumb: np.ndarray, target: np.ndarray, other: np.ndarray, box: Box) -> bool:
    """True when ``thumb`` looks at least as much like ``target`` as like ``other`` in ``box``."""
    region = _thumb_region(thumb, box)
    here = thumb[region].astype(np.int16)
    to_target = np.abs(here - target[region]).mean()
    to_other = np.abs(here - other[region]).mean()
    return bool(to_target <= to_other)


def _thumb_region(thumb: np.ndarray, box: Box) -> tuple[slice, slice]:
    height, width = thumb.shape[:2]
    x0, y0, x1, y1 = (v / THUMB_SCALE for v in box)
    cols = slice(max(0, int(x0)), min(width, int(np.ceil(x1)) + 1))
    rows = slice(max(0, int(y0)), min(height, int(np.ceil(y1)) + 1))
    return rows, cols


def _iou(a: Box, b: Box) -> float:
    x0, y0, x1, y1 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    inter = max(0.0, x1 - x0) * max(0.0, y1 - y0)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def _order(occ: TextOccurrence) -> tuple[int, float]:
    return occ.start_frame, occ.box[1]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(ENGINE)
    except PackageNotFoundError:
        return "unknown"
