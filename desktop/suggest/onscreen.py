"""On-screen text: a track above the timeline (one bar per occurrence, labelled with its
text) and a list beside the transcript that the transcript's search box filters.

Both show the current OCR run of the clip on screen (:mod:`annotators.analysis.views`);
clicking a bar or a list entry seeks to the occurrence's first frame.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from annotators.analysis.views import clip_analysed_steps, clip_onscreen_texts
from annotators.store.models import OnscreenText

from ..playback import Playback
from ..timeline import CUT_COLOR, LABEL_W, Timeline
from ..workspace import Workspace
from .controller import clock

LANE_H = 15
LANES = 3  # overlapping occurrences stack; more than this share the last lane
TEXT_COLOR = QColor("#8e6c00")
TEXT_FILL = QColor(238, 202, 59, 150)


def lanes_of(texts: list[OnscreenText]) -> list[int]:
    """A lane per occurrence (in order) so that overlapping ones do not cover each other."""
    ends: list[int] = []  # last frame of each lane
    lanes = []
    for text in texts:
        lane = next((i for i, end in enumerate(ends) if end < text.start_frame), len(ends))
        lane = min(lane, LANES - 1)
        if lane == len(ends):
            ends.append(text.end_frame)
        else:
            ends[lane] = max(ends[lane], text.end_frame) if lane == LANES - 1 else text.end_frame
        lanes.append(lane)
    return lanes


class OnscreenStrip(QWidget):
    """The on-screen text track on the timeline's axis, with the cut marks. ``seek_requested``."""

    seek_requested = Signal(int)

    def __init__(self, timeline: Timeline, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timeline = timeline
        self.texts: list[OnscreenText] = []
        self.lanes: list[int] = []
        self.analysed = False  # the clip has an OCR run (which may have found nothing)
        self.setFixedHeight(LANE_H + 2)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)
        timeline.installEventFilter(self)  # repaint with the timeline's zoom and scroll

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(800, self.height())

    def set_texts(self, texts: list[OnscreenText], analysed: bool = True) -> None:
        """Show ``texts`` (the clip's occurrences, by start frame); ``analysed`` False: the
        clip has no OCR run yet."""
        self.texts, self.lanes, self.analysed = texts, lanes_of(texts), analysed
        self.setFixedHeight(LANE_H * (max(self.lanes, default=0) + 1) + 2)  # the lanes in use
        self.update()

    def eventFilter(self, watched, event) -> bool:  # type: ignore[no-untyped-def]  # noqa: N802
        if watched is self.timeline and event.type() == event.Type.Paint:
            self.update()
        return False

    def text_rect(self, index: int) -> QRectF:
        """Where occurrence ``index`` is drawn."""
        text, timeline = self.texts[index], self.timeline
        left = timeline.x_of_frame(text.start_frame)
        right = timeline.x_of_frame(min(text.end_frame + 1, timeline.timestamps.size - 1))
        if text.end_frame + 1 >= timeline.timestamps.size:
            right = timeline.x_of_time(timeline.duration)
        return QRectF(left, 1 + self.lanes[index] * LANE_H, max(right - left, 3), LANE_H - 2)

    def _ready(self) -> bool:
        return self.timeline.timestamps.size > 0

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), self.palette().base())
            painter.setPen(self.palette().text().color())
            label = "On screen" if self.analysed else "On screen (not analysed)"
            painter.drawText(QRectF(18, 0, LABEL_W - 22, LANE_H), Qt.AlignmentFlag.AlignVCenter,
                             label)  # fmt: skip
            if not self._ready():
                return
            painter.setClipRect(QRectF(LABEL_W, 0, self.width() - LABEL_W, self.height()))
            self._paint_texts(painter)
            painter.setPen(QPen(CUT_COLOR, 1))
            for frame in self.timeline.cuts:
                if int(frame) < self.timeline.timestamps.size:
                    x = self.timeline.x_of_frame(int(frame))
                    painter.drawLine(int(x), 0, int(x), self.height())
        finally:
            painter.end()

    def _paint_texts(self, painter: QPainter) -> None:
        metrics = painter.fontMetrics()
        for index, text in enumerate(self.texts):
            rect = self.text_rect(index)
            painter.setPen(QPen(TEXT_COLOR, 1))
            painter.setBrush(TEXT_FILL)
            painter.drawRoundedRect(rect, 2, 2)
            shown = metrics.elidedText(
                text.text, Qt.TextElideMode.ElideRight, int(rect.width()) - 4
            )
            painter.setPen(self.palette().text().color())
            painter.drawText(rect.adjusted(3, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, shown)

    def text_at(self, x: float, y: float) -> OnscreenText | None:
        """The occurrence drawn under (``x``, ``y``)."""
        for index, text in enumerate(self.texts):
            if self.text_rect(index).adjusted(-2, 0, 2, 0).contains(x, y):
                return text
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        point = event.position()
        if point.x() < LABEL_W or not self._ready():
            return
        hit = self.text_at(point.x(), point.y())
        self.seek_requested.emit(hit.start_frame if hit else self.timeline.frame_at_x(point.x()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        hit = self.text_at(event.position().x(), event.position().y())
        self.setToolTip(
            ""
            if hit is None
            else f"“{hit.text}” {clock(hit.start_s)}–{clock(hit.end_s)}, "
            f"confidence {hit.confidence:.2f}"
        )


class OnscreenList(QWidget):
    """The clip's on-screen texts as a list; :meth:`filter` keeps those containing a query
    (the transcript's search), and activating one seeks to it (``seek_requested(int)``)."""

    seek_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.texts: list[OnscreenText] = []
        self.query = ""
        self.analysed = False
        self.title = QLabel("On screen")
        self.title.setObjectName("placeholder")
        self.list = QListWidget()
        self.list.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.list.itemClicked.connect(self._on_item)
        self.list.itemActivated.connect(self._on_item)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.list, 1)

    def set_texts(self, texts: list[OnscreenText], analysed: bool = True) -> None:
        """Show the clip's occurrences (filtered by the current query)."""
        self.texts, self.analysed = texts, analysed
        self.filter(self.query)

    def filter(self, query: str) -> None:
        """Keep the occurrences whose text contains ``query`` (any case; all when empty)."""
        self.query = query
        needle = query.strip().lower()
        shown = [t for t in self.texts if needle in t.text.lower()]
        self.list.clear()
        for text in shown:
            item = QListWidgetItem(f"{clock(text.start_s)}  {text.text}")
            item.setData(Qt.ItemDataRole.UserRole, text.start_frame)
            self.list.addItem(item)
        count = f"{len(shown)} of {len(self.texts)}" if needle else f"{len(self.texts)}"
        self.title.setText(f"On screen ({count})" if self.analysed else "On screen: not analysed")

    def first_match(self) -> None:
        """Seek to the first listed occurrence (Enter in the search box with no word match)."""
        if self.list.count():
            self._on_item(self.list.item(0))

    def _on_item(self, item: QListWidgetItem) -> None:
        self.seek_requested.emit(int(item.data(Qt.ItemDataRole.UserRole)))


class OnscreenFeed:
    """Feeds the strip and the list with the current clip's occurrences."""

    def __init__(
        self, workspace: Workspace, playback: Playback, strip: OnscreenStrip, listing: OnscreenList
    ) -> None:
        self.workspace, self.playback = workspace, playback
        self.strip, self.listing = strip, listing
        playback.loaded.connect(lambda _count: self.reload())
        workspace.clip_changed.connect(lambda _video: self._show([], False))
        workspace.data_changed.connect(lambda kind: kind == "analysis" and self.reload())
        for view in (strip, listing):
            view.seek_requested.connect(self._seek)

    def reload(self) -> None:
        ws = self.workspace
        if ws.project is None or ws.clip is None:
            self._show([], False)
        else:
            analysed = "ocr" in clip_analysed_steps(ws.project, ws.clip.id)
            self._show(clip_onscreen_texts(ws.project, ws.clip.id), analysed)

    def _show(self, texts: list[OnscreenText], analysed: bool) -> None:
        self.strip.set_texts(texts, analysed)
        self.listing.set_texts(texts, analysed)

    def _seek(self, frame: int) -> None:
        self.playback.pause()
        self.playback.seek(frame)
