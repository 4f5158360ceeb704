"""Player state: the current frame, play/pause, shuttle speed, looping and the audio clock.

Paused, every move (step, seek, jump) goes through the frame-exact media layer via the
:class:`~desktop.frames.FrameLoader`. Playing forward, the QtMultimedia player plays the audio
and is the clock: a timer reads its position and shows the frame on screen at that time. Clips
without audio, reverse shuttle (J) and machines without an audio device use a wall clock
instead, so playback behaves the same everywhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QElapsedTimer, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QImage

from .frames import FrameLoader

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QMediaPlayer

RATES = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)
TICK_MS = 15
AUDIO_SYNC_WINDOW_S = 0.25


class Playback(QObject):
    """Owns the frame loader and the audio player for the clip on screen.

    Signals: ``loaded(int)`` frame count of a newly opened clip, ``position_changed(int)`` current
    frame, ``frame_shown(int, QImage)`` decoded picture, ``playing_changed(bool)``,
    ``rate_changed(float)``, ``error(str)``, ``preview_shown(int, QImage)`` a small preview of
    the current frame while its full picture decodes, ``previews_progress(int, int)`` frames in
    the clip's preview cache and its frame count.
    """

    loaded = Signal(int)
    notice = Signal(str)  # said once: e.g. no audio device, so clips play without sound
    position_changed = Signal(int)
    frame_shown = Signal(int, QImage)
    playing_changed = Signal(bool)
    rate_changed = Signal(float)
    error = Signal(str)
    preview_shown = Signal(int, QImage)
    previews_progress = Signal(int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timestamps = np.zeros(0)
        self.current = 0
        self.rate = 1.0
        self.direction = 0  # 1 playing forward, -1 reverse shuttle, 0 paused
        self.loop: tuple[int, int] | None = None
        self._has_audio = False
        self._loader = FrameLoader(self)
        self._loader.opened.connect(self._on_opened)
        self._loader.frame_ready.connect(self.frame_shown)
        self._loader.failed.connect(self.error)
        self._loader.preview_ready.connect(self.preview_shown)
        self._loader.previews_progress.connect(self.previews_progress)
        self.path: Path | None = None  # the clip on screen (None while none is)
        self._media_player: QMediaPlayer | None = None  # made on first use (slow to set up)
        self._source = QUrl()
        self._wall = QElapsedTimer()
        self._wall_origin = 0.0
        self._seek_origin = 0.0  # where the clock last restarted (a seek, play or loop)
        self._audio_synced = False
        self._timer = QTimer(self, interval=TICK_MS, timerType=Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)

    # -- clip ---------------------------------------------------------------------------
    def open(self, path: Path, has_audio: bool) -> None:
        """Show ``path`` from frame 0; ``loaded`` fires once its frame table is known."""
        self.pause()
        self.timestamps = np.zeros(0)
        self.loop = None
        self._has_audio = has_audio
        self.path = Path(path)
        self._source = QUrl.fromLocalFile(str(path)) if has_audio else QUrl()
        if self._media_player is not None:
            self._media_player.setSource(self._source)
        self._loader.open(path)
        self._loader.request(0)

    def _on_opened(self, timestamps: np.ndarray) -> None:
        self.timestamps = timestamps
        self.current = 0
        self.loaded.emit(self.frame_count)
        self.position_changed.emit(0)

    def unload(self) -> None:
        """Show no clip (e.g. its file is missing): no frames, so nothing can be coded on it."""
        self.pause()
        self.timestamps = np.zeros(0)
        self.current = 0
        self.loop = None
        self.path = None
        self._source = QUrl()
        if self._media_player is not None:
            self._media_player.setSource(self._source)
        self._loader.unload()  # a clip still loading must not show up afterwards

    def close(self) -> None:
        """Stop playback and release the decoder (window closing)."""
        self.pause()
        if self._media_player is not None:
            self._media_player.setSource(QUrl())
        self._loader.close()

    @property
    def _media(self) -> QMediaPlayer:
        """The audio player, created when first needed: setting up QtMultimedia takes a
        noticeable part of a second, which start-up should not pay before anything plays."""
        if self._media_player is None:
            from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer

            if not QMediaDevices.audioOutputs():
                self.notice.emit(
                    "No audio device found (is PulseAudio or PipeWire running?): clips play "
                    "without sound, the picture keeps its pace."
                )
            self._media_player = QMediaPlayer(self)
            self._media_player.setAudioOutput(QAudioOutput(self._media_player))
            self._media_player.setPlaybackRate(self.rate)
            self._media_player.setSource(self._source)
        return self._media_player

    @property
    def has_audio(self) -> bool:
        """Whether the clip on screen has an audio track."""
        return self._has_audio

    def preview_reader(self):  # type: ignore[no-untyped-def]
        """Thread-safe ``index -> RGB preview or None`` for the open clip, or None (see
        :meth:`FrameLoader.preview_reader`); call the reader off the UI thread."""
        return self._loader.preview_reader()

    @property
    def frame_count(self) -> int:
        """Frames of the open clip (0 while none is open)."""
        return len(self.timestamps)

    @property
    def playing(self) -> bool:
        """True while playing forward or shuttling backward."""
        return self.direction != 0

    def time_of(self, index: int) -> float:
        """Presentation time of frame ``index`` in seconds (from the media layer's table)."""
        return float(self.timestamps[index]) if self.frame_count else 0.0

    def frame_at(self, seconds: float) -> int:
        """Index of the frame on screen at ``seconds`` (the last frame starting at or before it)."""
        if not self.frame_count:
            return 0
        index = int(np.searchsorted(self.timestamps, seconds + 1e-6, side="right")) - 1
        return min(max(index, 0), self.frame_count - 1)

    @property
    def current_time(self) -> float:
        """Presentation time of the current frame."""
        return self.time_of(self.current)

    # -- moving -------------------------------------------------------------------------
    def seek(self, index: int) -> None:
        """Show frame ``index`` (clamped) exactly; keeps playing if playing."""
        if not self.frame_count:
            return
        index = min(max(int(index), 0), self.frame_count - 1)
        self._set_current(index)
        if self.playing:
            self._restart_clock()
        elif self._media_player is not None and self._has_audio:
            self._media_player.setPosition(round(self.time_of(index) * 1000))

    def seek_time(self, seconds: float) -> None:
        """Show the frame on screen at ``seconds``."""
        self.seek(self.frame_at(seconds))

    def step(self, frames: int) -> None:
        """Pause and move by ``frames`` (negative steps back)."""
        self.pause()
        self.seek(self.current + frames)

    def step_seconds(self, seconds: float) -> None:
        """Pause and move by ``seconds`` of presentation time."""
        self.pause()
        self.seek_time(self.current_time + seconds)

    def _set_current(self, index: int) -> None:
        if index != self.current:
            self.current = index
            self.position_changed.emit(index)
        self._loader.request(index)

    # -- playing ------------------------------------------------------------------------
    def toggle(self) -> None:
        """Space: play forward at the current rate, or pause."""
        if self.playing:
            self.pause()
        else:
            self.play(1)

    def play(self, direction: int = 1) -> None:
        """Play forward (1) or shuttle backward (-1) from the current frame."""
        if not self.frame_count:
            return
        if direction > 0 and self.current >= self.frame_count - 1 and self.loop is None:
            self.seek(0)  # playing from the end starts over, as in every player
        self.direction = direction
        self._restart_clock()
        self._timer.start()
        self.playing_changed.emit(True)

    def pause(self) -> None:
        """Stop at the frame on screen."""
        if not self.playing:
            return
        self.direction = 0
        self._timer.stop()
        if self._media_player is not None:
            self._media_player.pause()
        self.playing_changed.emit(False)

    def shuttle(self, direction: int) -> None:
        """J/L: start playing that way, or speed up if already playing that way."""
        if self.direction == direction:
            self.set_rate(self._next_rate(+1))
            self._restart_clock()
        else:
            self.pause()
            self.play(direction)

    def faster(self) -> None:
        """]: next higher rate, up to 4x."""
        self.set_rate(self._next_rate(+1))

    def slower(self) -> None:
        """[: next lower rate, down to 0.25x."""
        self.set_rate(self._next_rate(-1))

    def set_rate(self, rate: float) -> None:
        """Playback speed factor (clamped to the supported range)."""
        rate = min(max(rate, RATES[0]), RATES[-1])
        if rate == self.rate:
            return
        self.rate = rate
        if self._media_player is not None:
            self._media_player.setPlaybackRate(rate)
        if self.playing:
            self._restart_clock()
        self.rate_changed.emit(rate)

    def _next_rate(self, step: int) -> float:
        position = min(range(len(RATES)), key=lambda i: abs(RATES[i] - self.rate))
        return RATES[min(max(position + step, 0), len(RATES) - 1)]

    def set_loop(self, span: tuple[int, int] | None) -> None:
        """Loop frames ``span`` (inclusive) while playing; None stops looping."""
        self.loop = span

    # -- clock --------------------------------------------------------------------------
    def _audio_clock(self) -> bool:
        """Whether the media player drives time (forward playback of a clip with audio)."""
        return self.direction > 0 and self._has_audio

    def _restart_clock(self) -> None:
        self._wall_origin = self._seek_origin = self.current_time
        self._audio_synced = False
        self._wall.restart()
        if self._audio_clock():
            self._media.setPosition(round(self.current_time * 1000))
            self._media.play()
        elif self._media_player is not None:
            self._media_player.pause()

    def _clock_time(self) -> float:
        """Seconds on the playback clock.

        The wall clock runs from the last (re)start; while audio plays, each audio position
        that agrees with it (within :data:`AUDIO_SYNC_WINDOW_S`) re-anchors it, so the picture
        follows the sound. Positions far off are stale reports from just before a seek or a
        loop restart (QMediaPlayer seeks asynchronously) and are ignored.
        """
        wall = self._wall_origin + self._wall.elapsed() / 1000 * self.rate * self.direction
        if (
            self._audio_clock()
            and self._media.playbackState() == self._media.PlaybackState.PlayingState
        ):
            audio = self._media.position() / 1000
            # until the player reports a position at or after the seek, its reports are stale
            caught_up = self._audio_synced or audio >= self._seek_origin - 0.01
            if caught_up and abs(audio - wall) <= AUDIO_SYNC_WINDOW_S:
                self._audio_synced = True
                self._wall_origin = audio
                self._wall.restart()
                return audio
        return wall

    def _tick(self) -> None:
        index = self.frame_at(self._clock_time())
        last = self.frame_count - 1
        if self.loop is not None and self.direction > 0 and index > self.loop[1]:
            self._set_current(self.loop[0])
            self._restart_clock()
            return
        if self.direction > 0 and self._clock_time() > self.time_of(last) + 0.05:
            self._set_current(last)
            self.pause()
            return
        if self.direction < 0 and index <= 0:
            self._set_current(0)
            self.pause()
            return
        if index != self.current:
            self._set_current(index)
