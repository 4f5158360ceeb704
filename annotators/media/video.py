"""One open video: exact frame access by presentation index, with a frame cache.

Thread-safety: a :class:`Video` serialises its own calls with a lock, so sharing one between
threads is safe but gives no parallelism. Use one thread per video (the desktop app decodes
each video on its own worker thread); open the file twice for truly parallel reading.
After a forward step, one background thread per video decodes the next frame under the
same lock (read-ahead), so the following step is a cache hit.
"""

from __future__ import annotations

import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from av import VideoFrame

from annotators.errors import MediaError
from annotators.jobs import Job

from .cache import DEFAULT_CACHE_BYTES, FrameCache, frame_bytes
from .container import open_input
from .decoder import StreamDecoder, configure
from .frame_table import read_table
from .preview import DEFAULT_MAX_SIDE, PreviewCache

# Decoding forward through this many frames is cheaper than a seek plus a GOP of decoding.
FORWARD_DECODE_LIMIT = 16
# cv2 rotation codes; cv2 is imported on first use because it costs ~0.4 s of start-up
_ROTATE = {90: "ROTATE_90_CLOCKWISE", 180: "ROTATE_180", 270: "ROTATE_90_COUNTERCLOCKWISE"}


class Video:
    """An open video file. Create with :func:`open_video`; close with :meth:`close`.

    ``frame_count``, ``duration`` (s), ``fps`` (average), ``width``/``height`` (display
    orientation), ``rotation`` (degrees clockwise applied for display), ``has_audio``,
    ``timestamps`` (read-only seconds of every frame, frame 0 at 0.0), ``truncated``,
    ``variable_frame_rate``.
    """

    def __init__(self, path: str | Path, *, cache_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        container, stream = open_input(self.path)
        try:
            configure(stream)
            self.has_audio = bool(container.streams.audio)
            self._table = read_table(self.path, container, stream)
        except BaseException:
            container.close()
            raise
        self._decoder = StreamDecoder(self.path, container, stream, self._table)
        self._cache = FrameCache(cache_bytes)
        self._previews: dict[int, PreviewCache] = {}
        self._last_request = 0
        self._closed = False
        try:
            first = self._decode_to(0)
        except BaseException:
            self._decoder.close()  # the container it holds now (it may have reopened the file)
            raise
        # threads start lazily: probe() and one-off reads never start one
        self._read_ahead = ThreadPoolExecutor(1, thread_name_prefix=f"read-ahead {self.path.name}")
        # PyAV reports counter-clockwise degrees; players only turn by quarter turns
        self.rotation = round(-first.rotation / 90) * 90 % 360
        self._frame_bytes = frame_bytes(first)
        turned = self.rotation in (90, 270)
        self.width, self.height = (
            (first.height, first.width) if turned else (first.width, first.height)
        )

    # --- facts ---------------------------------------------------------------------------

    @property
    def frame_count(self) -> int:
        return len(self._table)

    @property
    def duration(self) -> float:
        """Seconds from frame 0 to the end of the last frame."""
        return self._table.duration

    @property
    def fps(self) -> float:
        """Average frames per second (``frame_count / duration``); never use it to find frames."""
        return self.frame_count / self.duration if self.duration > 0 else 0.0

    @property
    def timestamps(self) -> np.ndarray:
        return self._table.times

    @property
    def variable_frame_rate(self) -> bool:
        """True when frame intervals differ by more than a millisecond (phone recordings)."""
        gaps = np.diff(self._table.times)
        return bool(len(gaps) and gaps.max() - gaps.min() > 1e-3)

    @property
    def truncated(self) -> bool:
        """True when the file ends before its declared end; only the decodable part is shown."""
        return self._table.truncated

    def timestamp(self, index: int) -> float:
        """Presentation time of frame ``index`` in seconds (frame 0 is 0.0)."""
        return float(self._table.times[self._checked(index)])

    def frame_index_at(self, seconds: float) -> int:
        """Index of the frame on screen at ``seconds`` (clamped to the clip).

        Times up to 0.5 ms before a frame's timestamp count as that frame, so times rounded
        to milliseconds (as in exports) map back to the frame they came from.
        """
        return self._table.index_at(seconds)

    # --- frames --------------------------------------------------------------------------

    def frame(self, index: int) -> np.ndarray:
        """Frame ``index`` (presentation order) as a new (height, width, 3) uint8 RGB array
        in display orientation. Raises IndexError out of range, MediaError if undecodable,
        ValueError after :meth:`close`."""
        index = self._checked(index)
        with self._lock:
            if self._closed:
                raise ValueError(f"{self.path}: the video was closed")
            decoded = self._cache.get(index)
            if decoded is None:
                decoded = self._decode_to(index)
            if index == self._last_request + 1 and index + 1 < len(self._table):
                self._read_ahead.submit(self._decode_ahead, index + 1)
            self._last_request = index
            # converted under the lock: a cached frame is shared, and PyAV's reformatter of one
            # frame is not thread-safe (two threads converting it at once crashed the process)
            return self._to_rgb(decoded)

    # --- previews ------------------------------------------------------------------------

    def preview_job(self, max_side: int = DEFAULT_MAX_SIDE, cache_dir: Path | None = None) -> Job:
        """Job building the preview cache of this clip at ``max_side`` (see
        :mod:`annotators.media.preview`): one decoding pass on one thread, progress in frames,
        cancel by closing it. Finishes at once when an earlier build left the cache on disk.
        Run it on its own thread: it never takes this video's lock."""
        with self._lock:
            if self._closed:
                raise ValueError(f"{self.path}: the video was closed")
            cache = self._previews.get(max_side)
            if cache is None:
                size = (self.width, self.height)
                cache = PreviewCache(
                    self.path,
                    self._table,
                    size,
                    self.rotation,
                    max_side=max_side,
                    cache_dir=cache_dir,
                )
                self._previews[max_side] = cache
        return cache.build()

    def preview(self, index: int, max_side: int = DEFAULT_MAX_SIDE) -> np.ndarray | None:
        """Frame ``index`` shrunk to ``max_side`` (RGB, display orientation) from the preview
        cache, or None before its build (:meth:`preview_job`) has reached that frame.

        Safe from any thread and never waits for a full-resolution decode in progress.
        Raises IndexError out of range.
        """
        index = self._checked(index)
        cache = self._previews.get(max_side)
        return None if cache is None else cache.get(index)

    def preview_progress(self, max_side: int = DEFAULT_MAX_SIDE) -> tuple[int, int]:
        """(frames in the preview cache, frame count) at ``max_side``."""
        cache = self._previews.get(max_side)
        return (0 if cache is None else cache.built), len(self._table)

    def close(self) -> None:
        """Release the file and the cached frames; later :meth:`frame` calls raise ValueError.
        Closing twice is harmless."""
        with self._lock:
            if self._closed:
                return
            self._closed = True  # queued read-ahead tasks now return at once
            for preview in self._previews.values():
                preview.close()  # a build still running stops at its next frame
        self._read_ahead.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            self._cache.clear()
            self._decoder.close()

    def __enter__(self) -> Video:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- internals -----------------------------------------------------------------------

    def _decode_ahead(self, index: int) -> None:
        """Decode and cache frame ``index`` if the decoder sits just before it (no seek).
        Errors are left for the real request of that frame to raise."""
        with self._lock:
            if self._closed or index in self._cache or self._decoder.position != index - 1:
                return
            self._decode_to(index)

    def _checked(self, index: int) -> int:
        if not 0 <= index < len(self._table):
            raise IndexError(f"frame {index} is outside 0..{len(self._table) - 1} in {self.path}")
        return int(index)

    def _to_rgb(self, decoded: VideoFrame) -> np.ndarray:
        rgb = decoded.to_ndarray(format="rgb24")
        if not self.rotation:
            return rgb
        import cv2

        return cv2.rotate(rgb, getattr(cv2, _ROTATE[self.rotation]))

    def _decode_to(self, index: int) -> VideoFrame:
        """Decode frame ``index`` (caller holds the lock or owns the object), caching it.

        Stepping backwards keeps the frames decoded before the target (as many as half the
        cache holds), so the next backward steps are cache hits instead of a GOP each.
        """
        backward = index < self._last_request
        position = self._decoder.position
        forward_ok = (
            position is not None
            and position < index
            and (
                index - position <= FORWARD_DECODE_LIMIT
                or self._table.keyframe_for(index) == self._table.keyframe_for(position)
            )
        )
        if forward_ok:
            found = self._run_to(index, keep=1)
            if found is not None:
                return found
        keep = self._backfill_frames() if backward else 1
        key = self._table.keyframe_for(index)
        # an earlier keyframe if the seek overshot, then from the very start as a last resort
        for start in [key, key - 1][: key + 1]:
            self._decoder.seek(start)
            if (found := self._run_to(index, keep)) is not None:
                return found
        self._decoder.rewind()
        if (found := self._run_to(index, keep)) is not None:
            return found
        raise MediaError(f"{self.path}: frame {index} cannot be decoded (damaged video data)")

    def _run_to(self, index: int, keep: int) -> VideoFrame | None:
        """Decode forward to ``index``; cache it and up to ``keep - 1`` frames before it.

        Returns None when the run passes ``index`` or ends without producing it.
        """
        tail: deque[tuple[int, VideoFrame]] = deque(maxlen=keep)
        while (item := self._decoder.next_frame()) is not None:
            position, frame = item
            if position > index:
                return None
            tail.append(item)
            if position == index:
                for i, kept in tail:
                    self._cache.put(i, kept)
                return frame
        return None

    def _backfill_frames(self) -> int:
        """How many frames a backward run keeps: half the cache, at least one."""
        return max(1, self._cache.max_bytes // (2 * self._frame_bytes))


def open_video(path: str | Path, *, cache_bytes: int = DEFAULT_CACHE_BYTES) -> Video:
    """Open ``path`` for frame-exact reading. Use as ``with open_video(p) as video:`` or call
    ``video.close()`` when done.

    Frame 0 is decoded before this returns, so the file is known to be playable.
    Raises :class:`MediaError` naming the file for anything that is not a playable video.
    """
    return Video(path, cache_bytes=cache_bytes)
