"""Timeline under the player: one track per time-anchored code, annotations as bars.

The widget only draws and reports gestures; it never writes to the database. Signals:
``seek_requested(int)`` frame, ``selected(object)`` annotation id or None,
``edge_moved(int, int, int)`` annotation id, new start frame, new end frame (snapped to frames,
emitted once when the drag ends). Ctrl+wheel zooms around the pointer, wheel scrolls when zoomed.
Shot cuts (``set_cuts``) are drawn as vertical marks and are snap points for a dragged edge;
hollow bars are suggestions waiting for the coder's decision (:mod:`desktop.suggest`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

LABEL_W = 210
RULER_H = 22
TRACK_H = 18
EDGE_GRAB_PX = 5
POINT_W = 4
SNAP_PX = 6  # a dragged edge this close to a shot cut lands on it
CUT_COLOR = QColor(110, 110, 110, 160)


@dataclass(frozen=True)
class Track:
    """One row: a time-anchored code."""

    code_id: int
    label: str
    color: str
    shortcut: str | None = None
    tooltip: str = ""  # definition, rules and examples, shown on hover over the label


@dataclass(frozen=True)
class Bar:
    """One annotation drawn on its code's track (``end_frame`` None for a point event)."""

    annotation_id: int
    code_id: int
    start_frame: int
    end_frame: int | None
    hollow: bool = False  # a suggestion: outline only, until the coder accepts it
    version: int | None = None  # the row version drawn: an edit of it names it (see coding)


def ruler_label(seconds: float, step: float) -> str:
    """Short tick label: ``1.5s`` under a minute, ``1:05`` beyond (tenths when steps are short)."""
    if seconds < 60:
        return f"{seconds:.1f}s" if step < 1 else f"{seconds:.0f}s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes:.0f}:{rest:04.1f}" if step < 1 else f"{minutes:.0f}:{rest:02.0f}"


class Timeline(QWidget):
    """Tracks, bars, playhead and zoom over a clip's frame table."""

    seek_requested = Signal(int)
    selected = Signal(object)
    edge_moved = Signal(int, int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tracks: list[Track] = []
        self.bars: list[Bar] = []
        self.timestamps = np.zeros(0)
        self.playhead = 0
        self.selection: int | None = None
        self.pending: list[tuple[int, int]] = []  # (code_id, start_frame) of open intervals
        self.zoom = 1.0  # 1 = whole clip fits
        self.offset_s = 0.0  # time at the left edge of the track area
        self._drag: tuple[str, Bar] | None = None  # ("start"|"end", bar) or ("scrub", None)
        self._preview: Bar | None = None
        self.cuts = np.zeros(0, dtype=np.int64)  # first frames of new shots, sorted
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

    # -- data ---------------------------------------------------------------------------
    def set_clip(self, timestamps: np.ndarray) -> None:
        """Show a new clip's frame table (empty while it loads): reset zoom, selection, bars.

        Bars, open intervals and the playhead are frame indices into one clip's table, so
        they are dropped with the table: the new clip's come once its table is set.
        """
        self.timestamps = timestamps
        self.zoom, self.offset_s, self.selection, self.pending = 1.0, 0.0, None, []
        self.bars, self.playhead, self._preview, self._drag = [], 0, None, None
        self.cuts = np.zeros(0, dtype=np.int64)
        self.update()

    def set_cuts(self, frames: list[int]) -> None:
        """Show the clip's shot cuts (first frames of new shots) and snap edges to them."""
        self.cuts = np.array(sorted(frames), dtype=np.int64)
        self.update()

    def set_tracks(self, tracks: list[Track]) -> None:
        """Set the rows (time-anchored codes in codebook order)."""
        self.tracks = tracks
        self.setFixedHeight(RULER_H + TRACK_H * max(len(tracks), 1) + 2)
        self.update()

    def set_bars(self, bars: list[Bar]) -> None:
        """Set the annotations shown (drops a selection that no longer exists).

        Bars beyond the frame table are not kept: they belong to another clip than the one
        whose table is set (e.g. while the new clip is still opening).
        """
        size = self.timestamps.size
        self.bars = [bar for bar in bars if max(bar.start_frame, bar.end_frame or 0) < size]
        if self.selection not in {bar.annotation_id for bar in bars}:
            self.selection = None
        self.update()

    def set_playhead(self, frame: int) -> None:
        """Move the playhead, scrolling so it stays visible when zoomed."""
        self.playhead = frame
        if self.zoom > 1 and self.timestamps.size:
            t = self._time(frame)
            span = self._visible_span()
            if not self.offset_s <= t <= self.offset_s + span:
                self.offset_s = self._clamp_offset(t - span * 0.1)
        self.update()

    def set_selection(self, annotation_id: int | None) -> None:
        """Highlight ``annotation_id`` (None for none)."""
        self.selection = annotation_id
        self.update()

    def set_pending(self, pending: list[tuple[int, int]]) -> None:
        """Show the intervals being coded, each from its start frame to the playhead."""
        self.pending = pending
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(800, self.minimumHeight())

    # -- geometry -----------------------------------------------------------------------
    @property
    def duration(self) -> float:
        """Time axis length: the last frame's time plus one frame."""
        if self.timestamps.size < 2:
            return 1.0
        return float(self.timestamps[-1] + (self.timestamps[-1] - self.timestamps[-2]))

    def _track_width(self) -> float:
        return max(self.width() - LABEL_W - 8, 10)

    def _visible_span(self) -> float:
        return self.duration / self.zoom

    def _clamp_offset(self, offset: float) -> float:
        return min(max(offset, 0.0), max(self.duration - self._visible_span(), 0.0))

    def _time(self, frame: int) -> float:
        if not self.timestamps.size:
            return 0.0
        # clamped: painting must never raise, whatever frame a caller hands in
        return float(self.timestamps[min(max(frame, 0), self.timestamps.size - 1)])

    def x_of_time(self, seconds: float) -> float:
        """Widget x of ``seconds``."""
        return LABEL_W + (seconds - self.offset_s) / self._visible_span() * self._track_width()

    def x_of_frame(self, frame: int) -> float:
        """Widget x of the start of ``frame``."""
        return self.x_of_time(self._time(frame))

    def frame_at_x(self, x: float) -> int:
        """The frame shown at widget x (snapped to the frame table)."""
        if not self.timestamps.size:
            return 0
        seconds = self.offset_s + (x - LABEL_W) / self._track_width() * self._visible_span()
        index = int(np.searchsorted(self.timestamps, seconds, side="right")) - 1
        return min(max(index, 0), self.timestamps.size - 1)

    def _row_of(self, code_id: int) -> int | None:
        for row, track in enumerate(self.tracks):
            if track.code_id == code_id:
                return row
        return None

    def bar_rect(self, bar: Bar) -> QRectF | None:
        """Rectangle of ``bar`` in widget coordinates (None when its code has no track)."""
        row = self._row_of(bar.code_id)
        if row is None:
            return None
        top = RULER_H + row * TRACK_H + 3
        left = self.x_of_frame(bar.start_frame)
        if bar.end_frame is None:
            return QRectF(left - POINT_W / 2, top, POINT_W, TRACK_H - 6)
        right = self._end_x(bar.end_frame)
        return QRectF(left, top, max(right - left, 2), TRACK_H - 6)

    def _end_x(self, end_frame: int) -> float:
        """Right edge of an interval ending on ``end_frame`` (inclusive: the frame's end)."""
        following = end_frame + 1
        end_t = self._time(following) if following < self.timestamps.size else self.duration
        return self.x_of_time(end_t)

    def bar_at(self, point: QPointF) -> Bar | None:
        """The bar under ``point`` (the selected one wins where bars overlap)."""
        hits = [
            bar
            for bar in self.bars
            if (r := self.bar_rect(bar)) and r.adjusted(-2, 0, 2, 0).contains(point)
        ]
        hits.sort(key=lambda bar: bar.annotation_id != self.selection)
        return hits[0] if hits else None

    # -- painting -----------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        try:  # a painter left active by an exception crashes Qt's backing store
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.fillRect(self.rect(), self.palette().base())
            self._paint_tracks(painter)
            self._paint_ruler(painter)
            painter.setClipRect(QRectF(LABEL_W, 0, self.width() - LABEL_W, self.height()))
            for bar in self.bars:
                self._paint_bar(painter, self._preview if self._is_previewed(bar) else bar)
            self._paint_cuts(painter)
            self._paint_pending(painter)
            self._paint_playhead(painter)
        finally:
            painter.end()

    def _is_previewed(self, bar: Bar) -> bool:
        return self._preview is not None and self._preview.annotation_id == bar.annotation_id

    def _paint_tracks(self, painter: QPainter) -> None:
        text_color = self.palette().text().color()
        for row, track in enumerate(self.tracks):
            top = RULER_H + row * TRACK_H
            if row % 2:
                painter.fillRect(
                    QRectF(0, top, self.width(), TRACK_H), self.palette().alternateBase()
                )
            painter.fillRect(QRectF(4, top + 5, 10, TRACK_H - 10), QColor(track.color))
            painter.setPen(text_color)
            key = f"  [{track.shortcut}]" if track.shortcut else ""
            label_rect = QRectF(18, top, LABEL_W - 22, TRACK_H)
            key_w = painter.fontMetrics().horizontalAdvance(key)
            text = painter.fontMetrics().elidedText(
                track.label, Qt.TextElideMode.ElideRight, int(label_rect.width() - key_w)
            )
            painter.drawText(label_rect, Qt.AlignmentFlag.AlignVCenter, text + key)

    def _paint_ruler(self, painter: QPainter) -> None:
        painter.setPen(self.palette().mid().color())
        painter.drawLine(LABEL_W, RULER_H - 1, self.width(), RULER_H - 1)
        span = self._visible_span()
        step = next((s for s in (0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60) if span / s <= 12), 120)
        first = np.ceil(self.offset_s / step) * step
        painter.setPen(self.palette().text().color())
        for tick in np.arange(first, self.offset_s + span + 1e-9, step):
            x = self.x_of_time(float(tick))
            painter.drawLine(QPointF(x, RULER_H - 6), QPointF(x, RULER_H - 1))
            painter.drawText(QPointF(x + 3, RULER_H - 8), ruler_label(float(tick), step))

    def _paint_bar(self, painter: QPainter, bar: Bar) -> None:
        rect = self.bar_rect(bar)
        if rect is None:
            return
        track = self.tracks[self._row_of(bar.code_id)]  # type: ignore[index]
        color = QColor(track.color)
        selected = bar.annotation_id == self.selection
        painter.setPen(
            QPen(
                self.palette().highlightedText().color() if selected else color.darker(150),
                2 if selected else 1,
            )
        )
        painter.setBrush(color.lighter(115) if selected else color)
        if bar.hollow:  # outline only (dashed for an interval), a faint wash to read the track
            style = Qt.PenStyle.SolidLine if bar.end_frame is None else Qt.PenStyle.DashLine
            painter.setPen(QPen(color.darker(130), 2, style))
            painter.setBrush(QColor(color.red(), color.green(), color.blue(), 40))
            if bar.end_frame is None:
                rect = rect.adjusted(-2, 0, 2, 0)
        painter.drawRoundedRect(rect, 3, 3)
        if selected:
            painter.setPen(QPen(self.palette().highlight().color(), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(-2, -2, 2, 2), 4, 4)

    def pending_rect(self, code_id: int, start: int) -> QRectF | None:
        """Where an open interval from ``start`` is drawn: up to the playhead, growing with it."""
        if not self.timestamps.size:
            return None
        low, high = sorted((start, self.playhead))
        return self.bar_rect(Bar(-1, code_id, low, high))

    def _paint_pending(self, painter: QPainter) -> None:
        for code_id, start in self.pending:
            rect = self.pending_rect(code_id, start)
            if rect is not None:
                color = QColor(self.tracks[self._row_of(code_id)].color)  # type: ignore[index]
                painter.setPen(QPen(color.darker(140), 2, Qt.PenStyle.DashLine))
                painter.setBrush(QColor(color.red(), color.green(), color.blue(), 110))
                painter.drawRect(rect)

    def _paint_cuts(self, painter: QPainter) -> None:
        painter.setPen(QPen(CUT_COLOR, 1))
        for frame in self.cuts:
            if int(frame) < self.timestamps.size:
                x = self.x_of_frame(int(frame))
                painter.drawLine(QPointF(x, RULER_H - 8), QPointF(x, self.height()))

    def snapped(self, frame: int, x: float) -> int:
        """``frame``, or the shot cut within :data:`SNAP_PX` of pointer ``x`` (nearest wins)."""
        if not self.cuts.size:
            return frame
        near = [(abs(self.x_of_frame(int(c)) - x), int(c)) for c in self.cuts]
        distance, cut = min(near)
        return cut if distance <= SNAP_PX and cut < self.timestamps.size else frame

    def _paint_playhead(self, painter: QPainter) -> None:
        if not self.timestamps.size:
            return
        x = self.x_of_frame(self.playhead)
        painter.setPen(QPen(QColor("#e5484d"), 2))
        painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))

    # -- hover --------------------------------------------------------------------------
    def tooltip_at(self, point: QPointF) -> str:
        """What hovering ``point`` explains: a track label's code, or a bar's code and span."""
        row = int((point.y() - RULER_H) // TRACK_H) if point.y() >= RULER_H else -1
        if point.x() < LABEL_W:
            return self.tracks[row].tooltip if 0 <= row < len(self.tracks) else ""
        bar = self.bar_at(point)
        if bar is None or (track_row := self._row_of(bar.code_id)) is None:
            return ""
        label = self.tracks[track_row].label
        if bar.end_frame is None:
            return f"{label}: frame {bar.start_frame}"
        return f"{label}: frames {bar.start_frame}–{bar.end_frame}"

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    # -- gestures -----------------------------------------------------------------------
    def _edge_under(self, point: QPointF) -> tuple[str, Bar] | None:
        """("start"|"end", bar) when ``point`` is on an edge of the selected interval."""
        bar = next((b for b in self.bars if b.annotation_id == self.selection), None)
        if bar is None or bar.end_frame is None or (rect := self.bar_rect(bar)) is None:
            return None
        if not rect.top() - 2 <= point.y() <= rect.bottom() + 2:
            return None
        if abs(point.x() - rect.left()) <= EDGE_GRAB_PX:
            return ("start", bar)
        if abs(point.x() - rect.right()) <= EDGE_GRAB_PX:
            return ("end", bar)
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        point = event.position()
        if event.button() != Qt.MouseButton.LeftButton or point.x() < LABEL_W:
            return
        edge = self._edge_under(point)
        if edge is not None:
            self._drag = edge
            return
        bar = self.bar_at(point)
        if bar is not None:
            self.set_selection(bar.annotation_id)
            self.selected.emit(bar.annotation_id)
            self.seek_requested.emit(bar.start_frame)
            return
        if self.selection is not None:
            self.set_selection(None)
            self.selected.emit(None)
        self._drag = ("scrub", None)  # type: ignore[assignment]
        self.seek_requested.emit(self.frame_at_x(point.x()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        point = event.position()
        if self._drag is None:
            edge = self._edge_under(point)
            self.setCursor(Qt.CursorShape.SizeHorCursor if edge else Qt.CursorShape.ArrowCursor)
            return
        self._drag_to(point.x())

    def _drag_to(self, x: float) -> None:
        """Follow the pointer: scrub, or preview the dragged edge snapped to a frame."""
        side, bar = self._drag  # type: ignore[misc]
        frame = self.frame_at_x(x)
        if side == "scrub":
            self.seek_requested.emit(frame)
            return
        frame = self.snapped(frame, x)
        if side == "end" and frame in self.cuts and frame > bar.start_frame:
            frame -= 1  # an interval ending at a cut ends on the last frame of its shot
        start, end = bar.start_frame, bar.end_frame
        start, end = (min(frame, end), end) if side == "start" else (start, max(frame, start))
        self._preview = Bar(bar.annotation_id, bar.code_id, start, end)
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if self._drag is not None and self._drag[0] != "scrub":
            self._drag_to(event.position().x())
        preview, self._preview, self._drag = self._preview, None, None
        if preview is not None and preview.end_frame is not None:
            self.edge_moved.emit(preview.annotation_id, preview.start_frame, preview.end_frame)
        self.update()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt API
        steps = event.angleDelta().y() / 120
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            anchor_t = (
                self.offset_s
                + (event.position().x() - LABEL_W) / self._track_width() * self._visible_span()
            )
            self.zoom = min(max(self.zoom * (1.25**steps), 1.0), 200.0)
            fraction = (event.position().x() - LABEL_W) / self._track_width()
            self.offset_s = self._clamp_offset(anchor_t - fraction * self._visible_span())
        elif self.zoom > 1:
            self.offset_s = self._clamp_offset(self.offset_s - steps * self._visible_span() * 0.1)
        else:
            event.ignore()
            return
        self.update()
        event.accept()

    def zoom_by(self, factor: float) -> None:
        """Zoom around the playhead (menu actions)."""
        self.zoom = min(max(self.zoom * factor, 1.0), 200.0)
        self.offset_s = self._clamp_offset(self._time(self.playhead) - self._visible_span() / 2)
        self.update()
