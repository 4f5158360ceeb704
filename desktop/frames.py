"""Latest-wins frame decoding for the player (napari ``_layer_slicer`` pattern).

A seek is a request to a one-worker executor. While the worker decodes, newer requests replace
the pending one instead of queueing behind it, so scrubbing or holding an arrow key never builds
a backlog: the picture always converges on the most recent request.

The :class:`~annotators.media.Video` object lives on the decode thread only (PyAV containers
are not thread-safe); the UI thread gets its frame table (``timestamps``) once it is open.

Previews: once a clip is open, a third thread builds its preview cache (one core, see
:mod:`annotators.media.preview`), and every request also reads the small preview of that exact
frame on a fourth, latest-wins thread. ``Video.preview`` is thread-safe and never waits for the
decoder, so a far seek shows the right frame, blurred, while the full frame decodes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage

from annotators.errors import MediaError
from annotators.media import Video, open_video

# A full frame that arrives within this many ms of its request replaces no preview: stepping
# and playing stay sharp, and only a seek that makes the user wait shows the preview first.
log = logging.getLogger(__name__)

PREVIEW_GRACE_MS = 20
PROGRESS_INTERVAL_S = 0.5  # preview build progress reaches the UI at most this often


BACKGROUND_NICENESS = 10  # like the transcription child process: the UI thread comes first


def lower_thread_priority() -> None:
    """Make the calling worker thread yield the CPU to the UI thread (Linux: threads are
    tasks with their own niceness; elsewhere nothing happens). Only for threads that do
    background work alone, since the priority cannot be raised again."""
    if sys.platform.startswith("linux"):
        # not permitted (e.g. a sandbox): the work still runs, only at normal priority
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICENESS)


def rgb_to_qimage(frame: np.ndarray) -> QImage:
    """Copy an ``(h, w, 3)`` uint8 RGB array into a QImage that owns its pixels."""
    frame = np.ascontiguousarray(frame)
    height, width, _ = frame.shape
    image = QImage(frame.data, width, height, 3 * width, QImage.Format.Format_RGB888)
    return image.copy()  # detach from the numpy buffer before it is freed


class FrameLoader(QObject):
    """Decode frames of one video on a worker thread; newest request wins.

    Signals: ``opened(object)`` with the frame ``timestamps`` array, ``frame_ready(int, QImage)``
    for each decoded request, ``failed(str)`` for a media error, ``preview_ready(int, QImage)``
    the preview of the latest request while its full frame is still decoding (never after it),
    ``previews_progress(int, int)`` frames in the preview cache and the frame count. Results
    of a video that was replaced by a newer :meth:`open` are dropped on the UI thread, where
    ``open`` counts generations, so a late result of the previous clip can never overwrite the
    new one.
    """

    opened = Signal(object)
    frame_ready = Signal(int, QImage)
    failed = Signal(str)
    preview_ready = Signal(int, QImage)
    previews_progress = Signal(int, int)
    _result = Signal(int, object, object)  # (generation, public signal, args): worker -> UI
    _preview = Signal(int, int, QImage)  # (generation, index, picture): preview thread -> UI

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="frames")
        self._lock = threading.Lock()
        self._pending: int | None = None
        self._draining = False
        self._generation = 0
        self._video = None  # touched only on the decode thread
        self._video_generation = -1  # generation of ``_video`` (decode thread only)
        self._result.connect(self._deliver)
        self._builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="previews")
        self._peeker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="preview-read")
        self._shared: tuple[int, Video] | None = None  # (generation, video) for preview reads
        self._peek_pending: int | None = None
        self._peeking = False
        self._wanted: tuple[int, float] = (-1, 0.0)  # UI: latest request and when it was made
        self._full_shown = -1  # UI: index of the last full frame delivered
        self._held: tuple[int, QImage] | None = None  # UI: a preview waiting out the grace
        self._grace = QTimer(self, singleShot=True, timeout=self._release_held)
        self._built_generation = -1  # UI: the clip whose preview build was started
        self._preview.connect(self._deliver_preview)

    def open(self, path: Path) -> None:
        """Open ``path``, closing the previous video; ``opened`` fires when frame 0 is ready."""
        with self._lock:
            self._generation += 1
            self._pending = None
            generation = self._generation
        self._executor.submit(self._open, Path(path), generation)

    def request(self, index: int) -> None:
        """Ask for frame ``index``; replaces any request not yet started."""
        self._wanted, self._held = (index, time.monotonic()), None
        self._peek(index)
        with self._lock:
            self._pending = index
            if not self._claim_drain():
                return
        self._executor.submit(self._drain)

    def preview_reader(self) -> Callable[[int], np.ndarray | None] | None:
        """A thread-safe ``index -> preview or None`` for the open clip (None while none is
        open). Use it off the UI thread: reading one preview costs a few ms."""
        shared = self._shared
        if shared is None or shared[0] != self._generation:
            return None
        return shared[1].preview

    def unload(self) -> None:
        """Close the open video; results still on their way from it are dropped."""
        with self._lock:
            self._generation += 1
            self._pending = None
        self._executor.submit(self._close_video)

    def close(self) -> None:
        """Close the open video and stop the workers."""
        self.unload()
        self._executor.shutdown(wait=True)
        self._builder.shutdown(wait=True)
        self._peeker.shutdown(wait=True)

    def _claim_drain(self) -> bool:
        """With the lock held: True if the caller must start draining (none is running)."""
        if self._draining or self._pending is None:
            return False
        self._draining = True
        return True

    def _emit(self, generation: int, signal: Signal, *args: object) -> None:
        self._result.emit(generation, signal, args)

    def _deliver(self, generation: int, signal: Signal, args: tuple) -> None:
        """UI thread: pass on a result unless a newer :meth:`open` has superseded its video."""
        if generation == self._generation:
            if signal is self.frame_ready:
                self._full_shown = args[0]
                if self._built_generation != generation:
                    # previews start once the first frame is on screen: start-up comes first
                    self._built_generation = generation
                    self._builder.submit(self._build_previews, generation)
            signal.emit(*args)

    # -- previews -----------------------------------------------------------------------
    def _peek(self, index: int) -> None:
        with self._lock:
            self._peek_pending = index
            if self._peeking:
                return
            self._peeking = True
        self._peeker.submit(self._drain_peeks)

    def _drain_peeks(self) -> None:
        """Preview thread: read the preview of the newest request until none is pending."""
        while True:
            with self._lock:
                index, self._peek_pending = self._peek_pending, None
                shared = self._shared
                if index is None or shared is None or shared[0] != self._generation:
                    self._peeking = False
                    return
            generation, video = shared
            try:
                picture = video.preview(index)
            except IndexError:
                picture = None  # a request for the next clip reached the previous one
            if picture is not None:
                self._preview.emit(generation, index, rgb_to_qimage(picture))

    def _deliver_preview(self, generation: int, index: int, image: QImage) -> None:
        """UI thread: show a preview only for the latest request, before its full frame,
        and only once the request has waited :data:`PREVIEW_GRACE_MS`."""
        wanted, since = self._wanted
        if generation != self._generation or index != wanted or index == self._full_shown:
            return
        waited_ms = (time.monotonic() - since) * 1000
        self._held = (index, image)
        if waited_ms >= PREVIEW_GRACE_MS:
            self._release_held()
        else:
            self._grace.start(max(1, round(PREVIEW_GRACE_MS - waited_ms)))

    def _release_held(self) -> None:
        held, self._held = self._held, None
        if held is not None and held[0] == self._wanted[0] and held[0] != self._full_shown:
            self.preview_ready.emit(*held)

    def _build_previews(self, generation: int) -> None:
        """Builder thread: build the previews of the open clip until done, or until another
        clip opens (``Video.preview_job`` is thread-safe)."""
        lower_thread_priority()
        shared = self._shared
        if shared is None or shared[0] != generation:
            return
        try:
            job = shared[1].preview_job()
        except ValueError:
            return  # closed meanwhile: another clip is opening
        last = 0.0
        try:
            for progress in job:
                if generation != self._generation:
                    return  # ``finally`` cancels the job
                if time.monotonic() - last >= PROGRESS_INTERVAL_S:
                    last = time.monotonic()
                    self._emit(generation, self.previews_progress, progress.done, progress.total)
        except (MediaError, OSError) as error:
            # previews are a convenience: full frames still work (and report their own errors)
            log.warning("previews unavailable: %s", error)
        finally:
            job.close()
        shared = self._shared
        if shared is not None and shared[0] == generation:
            built, total = shared[1].preview_progress()
            self._emit(generation, self.previews_progress, built, total)

    def _close_video(self) -> None:
        if self._video is not None:
            self._video.close()
            self._video = None

    def _open(self, path: Path, generation: int) -> None:
        self._close_video()
        try:
            self._video = open_video(path)
        except MediaError as error:
            self._emit(generation, self.failed, str(error))
            return
        self._video_generation = generation
        self._shared = (generation, self._video)
        self._emit(generation, self.opened, np.asarray(self._video.timestamps))
        with self._lock:
            resume = self._claim_drain()
        if resume:  # a drain stopped for this video to open (see ``_drain``)
            self._drain()

    def _drain(self) -> None:
        """Decode the pending request until none is left (one running drain at a time).

        A request made after a newer :meth:`open` stays pending until that video is open:
        decoding it from the previous video would show the old clip's picture.
        """
        while True:
            with self._lock:
                generation = self._generation
                if self._pending is None or self._video_generation != generation:
                    self._draining = False  # ``_open`` resumes once the newer video is open
                    return
                index, self._pending = self._pending, None
            try:
                image = rgb_to_qimage(self._video.frame(index))
            except MediaError as error:
                self._emit(generation, self.failed, str(error))
                continue
            self._emit(generation, self.frame_ready, index, image)
