"""Latest-wins frame decoding for the player (napari ``_layer_slicer`` pattern).

A seek is a request to a one-worker executor. While the worker decodes, newer requests replace
the pending one instead of queueing behind it, so scrubbing or holding an arrow key never builds
a backlog: the picture always converges on the most recent request.

The :class:`~annotators.media.Video` object lives on the decode thread only (PyAV containers
are not thread-safe); the UI thread gets its frame table (``timestamps``) once it is open.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from annotators.errors import MediaError
from annotators.media import open_video


def rgb_to_qimage(frame: np.ndarray) -> QImage:
    """Copy an ``(h, w, 3)`` uint8 RGB array into a QImage that owns its pixels."""
    frame = np.ascontiguousarray(frame)
    height, width, _ = frame.shape
    image = QImage(frame.data, width, height, 3 * width, QImage.Format.Format_RGB888)
    return image.copy()  # detach from the numpy buffer before it is freed


class FrameLoader(QObject):
    """Decode frames of one video on a worker thread; newest request wins.

    Signals: ``opened(object)`` with the frame ``timestamps`` array, ``frame_ready(int, QImage)``
    for each decoded request, ``failed(str)`` for a media error. Results of a video that was
    replaced by a newer :meth:`open` are dropped on the UI thread, where ``open`` counts
    generations, so a late result of the previous clip can never overwrite the new one.
    """

    opened = Signal(object)
    frame_ready = Signal(int, QImage)
    failed = Signal(str)
    _result = Signal(int, object, object)  # (generation, public signal, args): worker -> UI

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

    def open(self, path: Path) -> None:
        """Open ``path``, closing the previous video; ``opened`` fires when frame 0 is ready."""
        with self._lock:
            self._generation += 1
            self._pending = None
            generation = self._generation
        self._executor.submit(self._open, Path(path), generation)

    def request(self, index: int) -> None:
        """Ask for frame ``index``; replaces any request not yet started."""
        with self._lock:
            self._pending = index
            if not self._claim_drain():
                return
        self._executor.submit(self._drain)

    def unload(self) -> None:
        """Close the open video; results still on their way from it are dropped."""
        with self._lock:
            self._generation += 1
            self._pending = None
        self._executor.submit(self._close_video)

    def close(self) -> None:
        """Close the open video and stop the worker."""
        self.unload()
        self._executor.shutdown(wait=True)

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
            signal.emit(*args)

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
