"""Filmstrip and audio strip above the timeline: where the cuts and the speech are.

Both share the :class:`~desktop.timeline.Timeline`'s time axis (its zoom and scroll), so a
thumbnail or a burst of speech sits exactly above the annotations of that moment. The
filmstrip's thumbnails come from the clip's preview cache; the audio strip shows the peak
envelope and Silero VAD speech spans (:mod:`annotators.media.waveform`). All reading,
scaling and audio analysis runs on worker threads; this widget only paints what arrives.
Clicking or dragging on a strip seeks, like the timeline's ruler.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, QLineF, QObject, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from annotators.errors import MediaError
from annotators.media.waveform import AudioSummary, audio_summary

from .frames import lower_thread_priority, rgb_to_qimage
from .playback import Playback
from .timeline import LABEL_W, Timeline

FILM_H = 40
WAVE_H = 34
GAP = 2
SPEECH_COLOR = QColor(84, 162, 75, 110)
WAVE_COLOR = QColor("#4c78a8")
MAX_THUMBS = 4000  # thumbnails kept per clip (~3.5 KB each at 22x40)


class StripWorker(QObject):
    """Reads thumbnails and summarises audio off the UI thread, newest request first.

    Signals (delivered on the UI thread, stale clips dropped): ``thumbnails(dict)`` frame ->
    QImage, ``audio(object)`` an :class:`AudioSummary` or an error message string.
    """

    thumbnails = Signal(object)
    audio = Signal(object)
    _result = Signal(int, object, object)  # (generation, signal, value)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._film = ThreadPoolExecutor(1, thread_name_prefix="filmstrip")
        self._sound = ThreadPoolExecutor(1, thread_name_prefix="waveform")
        self._lock = threading.Lock()
        self._generation = 0
        self._pending: tuple | None = None
        self._busy = False
        self._result.connect(self._deliver)

    def new_clip(self, path: Path | None, has_audio: bool) -> None:
        """Forget the previous clip; summarise the audio of ``path`` (when it has any)."""
        with self._lock:
            self._generation += 1
            self._pending = None
            generation = self._generation
        if path is not None and has_audio:
            self._sound.submit(self._summarise, path, generation)

    def request(self, reader, frames: list[int], height: int) -> None:  # type: ignore[no-untyped-def]
        """Thumbnails ``height`` pixels tall (the clip's aspect) of ``frames`` through
        ``reader`` (``index -> RGB preview or None``); replaces a request still waiting."""
        with self._lock:
            self._pending = (self._generation, reader, frames, height)
            if self._busy:
                return
            self._busy = True
        self._film.submit(self._drain)

    def shutdown(self) -> None:
        self.new_clip(None, False)
        self._film.shutdown(wait=True, cancel_futures=True)
        self._sound.shutdown(wait=True, cancel_futures=True)

    def _deliver(self, generation: int, signal: Signal, value: object) -> None:
        if generation == self._generation:
            signal.emit(value)

    def _drain(self) -> None:
        while True:
            with self._lock:
                pending, self._pending = self._pending, None
                if pending is None:
                    self._busy = False
                    return
            generation, reader, frames, height = pending
            found = {}
            for index in frames:
                if generation != self._generation:
                    break  # another clip: its own request follows
                try:
                    picture = reader(index)
                except IndexError:
                    break  # asked with the previous clip's axis: the next request is right
                if picture is not None:
                    import cv2  # first use is on this thread: start-up does not pay for it

                    width = max(1, round(height * picture.shape[1] / picture.shape[0]))
                    small = cv2.resize(picture, (width, height), interpolation=cv2.INTER_AREA)
                    found[index] = rgb_to_qimage(small)
            self._result.emit(generation, self.thumbnails, found)

    def _summarise(self, path: Path, generation: int) -> None:
        lower_thread_priority()
        try:
            summary: object = audio_summary(path)
        except MediaError as error:
            summary = str(error)
        self._result.emit(generation, self.audio, summary)


class MediaStrips(QWidget):
    """The filmstrip over the audio strip, on the timeline's axis. ``seek_requested(int)``."""

    seek_requested = Signal(int)

    def __init__(self, playback: Playback, timeline: Timeline, parent: QWidget | None = None):
        super().__init__(parent)
        self.playback = playback
        self.timeline = timeline
        self.thumbs: dict[int, QImage] = {}
        self.audio: AudioSummary | str | None = None  # str: why there is none
        self.progress = (0, 0)  # frames in the preview cache, frame count
        self._view: tuple = ()  # the axis the last thumbnail request was made for
        self.worker = StripWorker(self)
        self.worker.thumbnails.connect(self._on_thumbnails)
        self.worker.audio.connect(self._on_audio)
        playback.loaded.connect(self._on_loaded)
        playback.previews_progress.connect(self._on_progress)
        playback.frame_shown.connect(self._on_first_frame)
        self._audio_pending = False  # the sound is read once the clip's first frame shows
        timeline.installEventFilter(self)  # repaint with the timeline's zoom and scroll
        self.setFixedHeight(FILM_H + GAP + WAVE_H + GAP)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip("Filmstrip and sound (green: speech). Click or drag to seek.")

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(800, self.height())

    # -- data ---------------------------------------------------------------------------
    def _on_loaded(self, _frame_count: int) -> None:
        self.thumbs, self.audio, self.progress, self._view = {}, None, (0, 0), ()
        has_audio = self.playback.has_audio
        if not has_audio:
            self.audio = "no audio track"
        self.worker.new_clip(None, False)
        self._audio_pending = has_audio
        self._request_visible()
        self.update()

    def _on_first_frame(self, _index: int, _image: QImage) -> None:
        """Read the sound after the picture: opening a clip shows its frame first."""
        if self._audio_pending and self.playback.path is not None:
            self._audio_pending = False
            self.worker.new_clip(self.playback.path, True)

    def _on_progress(self, built: int, total: int) -> None:
        self.progress = (built, total)
        self._view = ()  # more previews exist: fetch the missing thumbnails
        self._request_visible()
        self.update()

    def _on_thumbnails(self, found: dict) -> None:
        if len(self.thumbs) + len(found) > MAX_THUMBS:
            self.thumbs = {}
        self.thumbs.update(found)
        self._request_visible()  # the first thumbnails set the slot width: slots may move
        self.update()

    def _on_audio(self, summary: AudioSummary | str) -> None:
        self.audio = summary
        self.update()

    def thumb_size(self) -> tuple[int, int]:
        """Thumbnail (width, height) in the filmstrip, from the clip's aspect."""
        image = self._any_thumb_source()
        aspect = 9 / 16 if image is None else image[0] / image[1]
        return max(8, round(FILM_H * aspect)), FILM_H

    def _any_thumb_source(self) -> tuple[int, int] | None:
        for image in self.thumbs.values():
            return image.width(), image.height()
        return None

    def _axis_ready(self) -> bool:
        """True when the timeline's axis is the clip's on screen (not the previous one's)."""
        count = self.playback.frame_count
        return bool(count) and len(self.timeline.timestamps) == count

    def slot_frames(self) -> list[tuple[float, int]]:
        """(left x, frame) of each filmstrip slot across the visible part of the axis."""
        if not self._axis_ready():
            return []
        width, _ = self.thumb_size()
        right = self.width() - 8
        xs = np.arange(LABEL_W, right, width, dtype=float)
        return [(float(x), self.timeline.frame_at_x(x + width / 2)) for x in xs]

    def _request_visible(self) -> None:
        """Ask the worker for thumbnails of the visible slots that are not here yet."""
        reader = self.playback.preview_reader()
        view = (self.timeline.zoom, self.timeline.offset_s, self.width(), self.thumb_size())
        if reader is None or view == self._view or not self._axis_ready():
            return
        self._view = view
        missing = [frame for _, frame in self.slot_frames() if frame not in self.thumbs]
        if missing:
            self.worker.request(reader, missing, FILM_H)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.timeline and event.type() == QEvent.Type.Paint:
            self._request_visible()
            self.update()
        return False

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().resizeEvent(event)
        self._request_visible()

    # -- painting -----------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().base())
        self._paint_labels(painter)
        painter.setClipRect(QRectF(LABEL_W, 0, self.width() - LABEL_W, self.height()))
        self._paint_film(painter)
        self._paint_audio(painter)
        if self._axis_ready():
            x = self.timeline.x_of_frame(min(self.timeline.playhead, self.playback.frame_count - 1))
            painter.setPen(QColor("#d62728"))
            painter.drawLine(QLineF(x, 0, x, self.height()))
        painter.end()

    def _paint_labels(self, painter: QPainter) -> None:
        painter.setPen(self.palette().text().color())
        built, total = self.progress
        film = "Frames" if not total or built >= total else f"Frames ({100 * built // total}%)"
        painter.drawText(QRectF(18, 0, LABEL_W - 22, FILM_H), Qt.AlignmentFlag.AlignVCenter, film)
        sound = "Sound · speech"
        if isinstance(self.audio, str):
            sound = f"Sound: {self.audio}" if len(self.audio) < 24 else "Sound: unreadable"
        elif self.audio is None and self.playback.frame_count:
            sound = "Sound (reading…)"
        rect = QRectF(18, FILM_H + GAP, LABEL_W - 22, WAVE_H)
        painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter, sound)

    def _paint_film(self, painter: QPainter) -> None:
        width, height = self.thumb_size()
        empty = self.palette().mid()
        for x, frame in self.slot_frames():
            target = QRectF(x, 0, width - 1, height)
            image = self.thumbs.get(frame)
            if image is None:
                painter.fillRect(target, empty)
            else:
                painter.drawImage(target, image)

    def _paint_audio(self, painter: QPainter) -> None:
        top = FILM_H + GAP
        painter.fillRect(QRectF(LABEL_W, top, self.width(), WAVE_H), self.palette().alternateBase())
        summary = self.audio
        if not isinstance(summary, AudioSummary) or not self._axis_ready():
            return
        for start, end in summary.speech:
            left, right = self.timeline.x_of_time(start), self.timeline.x_of_time(end)
            painter.fillRect(QRectF(left, top, max(right - left, 1), WAVE_H), SPEECH_COLOR)
        left = LABEL_W
        count = max(int(self.width() - 8 - left), 1)
        start_s = self.timeline.offset_s
        end_s = start_s + self.timeline.duration / self.timeline.zoom
        peaks = summary.columns(start_s, end_s, count)
        middle, half = top + WAVE_H / 2, WAVE_H / 2 - 1
        painter.setPen(WAVE_COLOR)
        painter.drawLines(
            [
                QLineF(left + k, middle - peak * half, left + k, middle + peak * half)
                for k, peak in enumerate(peaks)
                if peak > 0.004
            ]
        )

    # -- seeking ------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        self._seek_to(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._seek_to(event)

    def _seek_to(self, event: QMouseEvent) -> None:
        x = event.position().x()
        if x >= LABEL_W and self._axis_ready():
            self.seek_requested.emit(self.timeline.frame_at_x(x))
