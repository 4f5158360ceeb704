"""Player panel: the picture plus a transport bar with frame number, time, speed and go-to.

The frame field and the time field always show where the playhead is; typing a frame number
or a time (``12.5``, ``0:12.5``, ``00:00:12.500``) into either and pressing Enter jumps there.
Above the picture, the clip's name and its place in the library (``12 / 340``) say which clip
is being coded; under it, a banner lists the intervals being recorded, whatever tab is open.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QImage
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSlider,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotators.export.timecode import timecode

from ..playback import Playback
from ..timeparse import parse_position
from ..video_view import VideoView

Icon = QStyle.StandardPixmap


class PlayerPanel(QWidget):
    """Shows :class:`Playback`'s frames and drives it from the transport bar."""

    def __init__(self, playback: Playback, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.playback = playback
        self.view = VideoView(self)
        self.title = QLabel(objectName="clipTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.title.setContentsMargins(4, 2, 4, 0)
        self.title.setToolTip("The clip on screen and its place in the library's order")
        self.recording = QLabel(objectName="recordingBanner", wordWrap=True)
        self.recording.setTextFormat(Qt.TextFormat.RichText)
        self.recording.setStyleSheet(
            "QLabel#recordingBanner { background: #fff1e6; color: #7a2e00;"
            " border: 1px solid #d9480f; border-radius: 3px; padding: 3px 6px; }"
        )
        self.recording.hide()
        self.frame_field = self._field(70, "Current frame (type a frame number and press Enter)")
        self.total_label = QLabel("/ 0")
        self.time_field = self._field(
            110, "Current time hh:mm:ss.mmm (type a time and press Enter)"
        )
        self.rate_label = QLabel("1×")
        self.rate_label.setToolTip("Playback speed: [ slower, ] faster")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.play_button = self._button(Icon.SP_MediaPlay, "Play / pause (Space)", playback.toggle)
        self._layout()
        self._connect()

    @staticmethod
    def _field(width: int, tip: str) -> QLineEdit:
        """A monospaced position field that takes focus only when clicked."""
        field = QLineEdit(alignment=Qt.AlignmentFlag.AlignRight, toolTip=tip)
        field.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        field.setFixedWidth(width)
        field.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        return field

    def _button(self, icon: QStyle.StandardPixmap, tip: str, slot) -> QToolButton:  # type: ignore[no-untyped-def]
        button = QToolButton(toolTip=tip, autoRaise=True)
        button.setIcon(self.style().standardIcon(icon))
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(slot)
        return button

    def _layout(self) -> None:
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        pb = self.playback
        for icon, tip, slot in (
            (Icon.SP_MediaSkipBackward, "Clip start (Home)", lambda: pb.seek(0)),
            (Icon.SP_MediaSeekBackward, "One frame back (Left)", lambda: pb.step(-1)),
            (None, "", None),
            (Icon.SP_MediaSeekForward, "One frame forward (Right)", lambda: pb.step(1)),
        ):
            bar.addWidget(self._button(icon, tip, slot) if icon else self.play_button)
        bar.addSpacing(12)
        bar.addWidget(QLabel("Frame"))
        bar.addWidget(self.frame_field)
        bar.addWidget(self.total_label)
        bar.addSpacing(8)
        bar.addWidget(self.time_field)
        bar.addSpacing(8)
        bar.addWidget(self.rate_label)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.recording)
        layout.addWidget(self.slider)
        layout.addLayout(bar)

    def _connect(self) -> None:
        playback = self.playback
        playback.frame_shown.connect(self._on_frame)
        playback.preview_shown.connect(self.view.show_preview)
        playback.position_changed.connect(self._on_position)
        playback.loaded.connect(self._on_loaded)
        playback.playing_changed.connect(
            lambda playing: self.play_button.setIcon(
                self.style().standardIcon(Icon.SP_MediaPause if playing else Icon.SP_MediaPlay)
            )
        )
        playback.rate_changed.connect(lambda rate: self.rate_label.setText(f"{rate:g}×"))
        self.slider.valueChanged.connect(self._on_slider)
        self.frame_field.returnPressed.connect(lambda: self._jump(self.frame_field))
        self.time_field.returnPressed.connect(lambda: self._jump(self.time_field))

    def _on_frame(self, index: int, image: QImage) -> None:
        self.view.show_frame(index, image)

    def _on_loaded(self, frame_count: int) -> None:
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(frame_count - 1, 0))
        self.slider.blockSignals(False)
        self.total_label.setText(f"/ {max(frame_count - 1, 0)}")
        self._on_position(self.playback.current)

    def _on_position(self, index: int) -> None:
        if not self.frame_field.hasFocus():
            self.frame_field.setText(str(index))
        if not self.time_field.hasFocus():
            self.time_field.setText(timecode(self.playback.time_of(index)))
        self.slider.blockSignals(True)
        self.slider.setValue(index)
        self.slider.blockSignals(False)

    def _on_slider(self, value: int) -> None:
        self.playback.pause()
        self.playback.seek(value)

    def _jump(self, field: QLineEdit) -> None:
        """Go to what was typed (a bare number in the frame field is a frame, else a time)."""
        text = field.text()
        parsed = parse_position(text)
        if parsed is not None and field is self.time_field and parsed[0] == "frame":
            parsed = ("time", float(parsed[1]))
        if parsed is None:
            field.selectAll()
            return
        kind, value = parsed
        self.playback.pause()
        if kind == "frame":
            self.playback.seek(int(value))
        else:
            self.playback.seek_time(value)
        self.view.setFocus()
        self._on_position(self.playback.current)

    def add_notice(self, notice: QWidget) -> None:
        """Put ``notice`` above the picture; it shows and hides itself."""
        self.layout().insertWidget(0, notice)

    def show_clip_title(self, name: str | None, position: int = 0, total: int = 0) -> None:
        """Name the clip on screen and its ``position`` (1-based) of ``total`` clips."""
        if name is None:
            self.title.setText("No clip")
            return
        where = f"   {position} / {total}" if position else ""
        self.title.setText(f"{name}{where}")

    def show_recording(self, intervals: list[tuple[str, str, int]]) -> None:
        """Show the open intervals as (label, colour, start frame); hide with none open."""
        if not intervals:
            self.recording.hide()
            return
        parts = [
            f'<span style="color:{escape(color)}">■</span> <b>{escape(label)}</b> from frame '
            f"{start}"
            for label, color, start in intervals
        ]
        ending = "Enter ends all" if len(intervals) > 1 else "Enter ends it"
        self.recording.setText(
            f"● Recording {', '.join(parts)}: press the code's key again to end it "
            f"({ending}, Esc cancels)."
        )
        self.recording.show()

    def clear(self) -> None:
        """No clip: empty picture and fields."""
        self.view.clear()
        self.frame_field.clear()
        self.time_field.clear()
        self.total_label.setText("/ 0")
