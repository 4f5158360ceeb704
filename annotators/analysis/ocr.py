"""On-screen text with RapidOCR (PP-OCR models shipped in the wheel; offline).

What is read: frames at a fixed interval (``interval_s``) plus the first frame of every shot
(from the clip's current shot cuts) and the last frame. Work is skipped where the text regions
did not change, at two levels:

- a sampled frame whose grey thumbnail shows no changed block since the last frame looked at
  keeps that frame's readings (still pictures: nothing runs at all);
- otherwise the text detector runs (on the frame shrunk to ``det_max_side``, cheap), and each
  line it finds where a line was recognised before, whose strokes did not change since, keeps
  that reading. Strokes are the detail in the line's box of the picture the detector saw (the
  picture minus its blur, so a background moving or changing light under a fixed overlay
  drops out). A line changed when a block of half its height has ``line_change_share`` of its
  pixels changed by more than 60 % of its stroke contrast (the larger of then and now). Only
  new or changed lines go to the recogniser (on full-resolution crops).

With ``skip_unchanged`` off every sampled frame is detected and every line recognised (the
naive reference the benchmark compares with).

How readings become occurrences: a reading continues an open occurrence when its box overlaps
the occurrence's (IoU >= ``min_iou``) and its text is similar (ratio >= ``min_similarity``);
otherwise it starts one. An occurrence not seen on a read frame ends. Its first and last frame
are then refined between the two samples around each edge with the thumbnails of every frame
in between (the first frame whose text region looks like the later sample), so they are exact
for hard appearances and within the sampling interval otherwise. Frames and times come from
the clip's frame table.
"""

from __future__ import annotations

import os
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
THUMB_SCALE = 4  # thumbnails are a quarter of each side: < 1 ms a 1080x1920 frame
BLOCK = 12  # thumbnail pixels per side of a change-test block
PROGRESS_EVERY = 30
SAME_LINE_IOU = 0.7  # a detected box is the same line as a recognised one (fixed overlays)
STROKE_LEVEL = 0.6  # share of a line's stroke contrast (95th percentile) that is a change
MIN_STROKE_LEVEL = 12.0  # grey levels: never call noise on a flat, faint line a change


def _model_threads() -> int:
    """onnxruntime threads: half the usable cores. The other half decodes the next frames
    meanwhile; on the 2-core target a second model thread mostly waited (spinning) for them:
    the moving 60 s benchmark clip took 16-17 s with one, 26-31 s with two (load 5-7)."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, (usable or 2) // 2)


ORT_THREADS = _model_threads()

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class OcrSettings:
    """Settings of the OCR step (stored with every run)."""

    interval_s: float = 0.5
    det_max_side: int = 640
    min_confidence: float = 0.6
    change_threshold: float = 6.0  # mean absolute grey difference (0-255) of one block
    skip_unchanged: bool = True
    line_change_share: float = 0.03  # share of a line block's pixels whose strokes changed
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
    """Occurrences of a clip with counts: frames sampled, frames the text detector ran on
    (``read``), text lines the recogniser read (``recognised``) and lines whose earlier
    reading was kept because their strokes did not change (``reused``)."""

    occurrences: tuple[TextOccurrence, ...]
    sampled: int
    read: int
    processing_s: float
    source: AnalysisSource
    recognised: int = 0
    reused: int = 0


class TextReader:
    """RapidOCR loaded once (about 0.3 s), reused for every frame and clip.

    ``calls`` counts the frames the detector ran on, ``lines`` the crops recognised. Raises
    :class:`AnalysisError` with the install command when rapidocr-onnxruntime is missing.
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
        self._ocr = RapidOCR(
            det_limit_side_len=32, det_limit_type="min", print_verbose=False,
            intra_op_num_threads=ORT_THREADS, inter_op_num_threads=1,
        )  # fmt: skip
        self.version = _version()
        self.calls = 0
        self.lines = 0

    def read(self, bgr: np.ndarray) -> list[Reading]:
        """Every text line on a BGR picture with confidence >= ``min_confidence``."""
        height, width = bgr.shape[:2]
        ratio = min(1.0, self.settings.det_max_side / max(height, width))
        small = cv2.resize(bgr, None, fx=ratio, fy=ratio, interpolation=cv2.INTER_AREA)
        return [r for r in self.recognise(bgr, self.detect(small, ratio)) if r is not None]

    def detect(self, small: np.ndarray, ratio: float) -> list[np.ndarray]:
        """Quadrilaterals of the text lines on ``small`` (a picture shrunk by ``ratio``), in
        the full picture's pixels, top to bottom."""
        self.calls += 1
        boxes, _ = self._ocr.text_det(small)
        if boxes is None or len(boxes) == 0:
            return []
        return [np.asarray(b, dtype=np.float32) / ratio for b in self._ocr.sorted_boxes(boxes)]

    def recognise(self, bgr: np.ndarray, quads: list[np.ndarray]) -> list[Reading | None]:
        """The reading of each quadrilateral of full picture ``bgr``, None where nothing was
        read with confidence >= ``min_confidence``."""
        if not quads:
            return []
        self.lines += len(quads)
        recognised, _ = self._ocr.text_rec(self._ocr.get_crop_img_list(bgr, quads), False)
        readings: list[Reading | None] = []
        for quad, (text, score) in zip(quads, recognised, strict=True):
            text = " ".join(str(text).split())
            good = text and score >= self.settings.min_confidence
            readings.append(Reading(text, float(score), quad_box(quad)) if good else None)
        return readings

    def source(self, processing_s: float | None = None) -> AnalysisSource:
        return AnalysisSource(ENGINE, self.version, self.settings.as_dict(), processing_s)


def quad_box(quad: np.ndarray) -> Box:
    """The (x0, y0, x1, y1) box around a quadrilateral."""
    return (float(quad[:, 0].min()), float(quad[:, 1].min()),
            float(quad[:, 0].max()), float(quad[:, 1].max()))  # fmt: skip


@dataclass(frozen=True)
class _Line:
    """A line recognised on a looked-at frame: its reading (None: nothing confident) and its
    strokes then (see :func:`_strokes`), to tell whether it changed since."""

    box: Box
    reading: Reading | None
    strokes: np.ndarray
    level: float  # a stroke pixel changed when it moved by more than this (grey levels)


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
    calls_before, lines_before = reader.calls, reader.lines
    with ClipFrames(Path(path)) as clip:
        times = clip.times
        cuts = {int(c) for c in cuts}
        samples = sample_frames(times, settings.interval_s, cuts)
        state = _Pass(reader, times, cuts)
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
        recognised=reader.lines - lines_before,
        reused=state.reused,
    )


class _Pass:
    """State of one forward pass: thumbnails since the last sample, open and done tracks."""

    def __init__(self, reader: TextReader, times: np.ndarray, cuts: set[int]) -> None:
        self.reader = reader
        self.cuts = cuts
        self.settings = reader.settings
        self.times = times
        self.thumbs: list[tuple[int, np.ndarray]] = []  # frames since the previous sample
        self.read_thumb: np.ndarray | None = None  # thumbnail of the last frame read
        self.readings: list[Reading] = []
        self.lines: list[_Line] = []  # lines of the last frame looked at
        self.reused = 0
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
            self.readings = self._look(decoded)
            self.read_thumb = thumb
        self._match(decoded.index)
        self.thumbs = [(decoded.index, thumb)]

    def finish(self) -> list[TextOccurrence]:
        for track in self.open:  # seen on the last frame (always sampled), or on the last read
            track.end = max(track.last, self._refine_end(track))
            self.done.append(track)
        self.open = []
        return sorted((self._occurrence(t) for t in self.done), key=_order)

    def _look(self, decoded: DecodedFrame) -> list[Reading]:
        """Detect the lines of a frame; recognise those that are new or changed."""
        small, ratio = decoded.small_bgr(self.settings.det_max_side)
        quads = self.reader.detect(small, ratio)
        gray = _Gray(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), 1 / ratio)
        kept: list[_Line | None] = [None] * len(quads)
        if self.settings.skip_unchanged:
            kept = [self._unchanged_line(quad_box(q), gray) for q in quads]
        fresh = [q for q, line in zip(quads, kept, strict=True) if line is None]
        read = iter(self.reader.recognise(decoded.bgr(), fresh) if fresh else [])
        lines = []
        for quad, line in zip(quads, kept, strict=True):
            if line is None:
                reading = next(read)
                line = _Line(quad_box(quad), reading, *_strokes(gray, quad_box(quad)))
            else:
                self.reused += 1
            lines.append(line)
        self.lines = lines
        return [line.reading for line in lines if line.reading is not None]

    def _unchanged_line(self, box: Box, gray: _Gray) -> _Line | None:
        """The line recognised before at ``box`` if its strokes did not change, else None."""
        for line in self.lines:
            if _iou(line.box, box) >= SAME_LINE_IOU and self._same_strokes(line, gray):
                return line
        return None

    def _same_strokes(self, line: _Line, gray: _Gray) -> bool:
        now, level = _strokes(gray, line.box)
        if now.shape != line.strokes.shape or now.size == 0:
            return False
        # the larger of the two contrasts: the same letters over a darker or brighter part of
        # a moving picture have more or less contrast, another text over the same has as much
        changed = (np.abs(now - line.strokes) > max(level, line.level)).astype(np.float32)
        # blocks of half the line's height (about half a letter) along the line
        blocks = max(1, round(changed.shape[1] / max(1.0, changed.shape[0] / 2)))
        shares = cv2.resize(changed, (blocks, 1), interpolation=cv2.INTER_AREA)
        return float(shares.max()) < self.settings.line_change_share

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
        between = self.thumbs[1:-1]
        if self.thumbs[-1][0] in self.cuts and between:
            # a new shot: compare with the old shot's last frame, else every frame of the old
            # background would look more like the text than like the new shot
            if _unchanged_region(between[-1][1], seen, track.box, self.settings.change_threshold):
                return between[-1][0]
            after, between = between[-1][1], between[:-1]
        end = self.thumbs[0][0]
        for index, thumb in between:
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


@dataclass(frozen=True)
class _Gray:
    """A looked-at frame in grey as the detector saw it, ``scale`` times smaller than full."""

    picture: np.ndarray
    scale: float


def _strokes(gray: _Gray, box: Box) -> tuple[np.ndarray, float]:
    """The detail of ``gray`` in ``box`` (the region minus its blur: a smooth background
    drops out, letters stay) and the change level for it (60 % of its stroke contrast)."""
    region = gray.picture[_thumb_region(gray.picture, box, gray.scale)].astype(np.float32)
    sigma = max(1.0, region.shape[0] / 4)
    detail = region - cv2.GaussianBlur(region, (0, 0), sigma)
    contrast = float(np.percentile(np.abs(detail), 95)) if detail.size else 0.0
    return detail, max(MIN_STROKE_LEVEL, STROKE_LEVEL * contrast)


def _unchanged_region(thumb: np.ndarray, other: np.ndarray, box: Box, threshold: float) -> bool:
    region = _thumb_region(thumb, box)
    return float(np.abs(thumb[region].astype(np.int16) - other[region]).mean()) < threshold


def _thumb_region(thumb: np.ndarray, box: Box, scale: float = THUMB_SCALE) -> tuple[slice, slice]:
    height, width = thumb.shape[:2]
    x0, y0, x1, y1 = (v / scale for v in box)
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
