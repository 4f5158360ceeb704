"""The review timeline: one track per coder for each code, disagreements marked on the ruler.

It reuses :class:`desktop.timeline.Timeline` drawing and gestures: each (code, layer) pair is
one track with its own row id, bars keep their annotation ids. Review never drags edges (the
coders' layers are read-only here; the consensus is edited through the review panel).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPolygonF

from annotators.store.models import Annotation, Code, Coder

from ..timeline import RULER_H, Bar, Timeline, Track
from ..timeline_panel import tracks_of

MARK_COLOR = "#f08c00"


@dataclass(frozen=True)
class Row:
    """What one review track shows: a code in one coder's (or the consensus) layer."""

    code: Code
    coder: Coder
    consensus: bool


def review_rows(codes: list[Code], layers: list[Coder], consensus_id: int | None) -> list[Row]:
    """Rows grouped by code, one per layer, consensus last."""
    return [Row(code, coder, coder.id == consensus_id) for code in codes for coder in layers]


class ReviewTimeline(Timeline):
    """A :class:`Timeline` over review rows, with disagreement marks above the tracks."""

    def __init__(self, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.rows: list[Row] = []
        self.marks: list[int] = []  # frames where coders disagree
        self.by_annotation: dict[int, Annotation] = {}

    def show_rows(self, rows: list[Row], annotations: list[Annotation]) -> None:
        """Set the tracks and their bars from every layer's annotations."""
        self.rows = rows
        colours = {t.code_id: t.color for t in tracks_of([row.code for row in rows])}
        tracks, index = [], {}
        for number, row in enumerate(rows):
            name = "consensus" if row.consensus else row.coder.name
            first = number == 0 or rows[number - 1].code.id != row.code.id
            # the code's name on its first row only, so the layer names stay readable
            label = f"{name} · {row.code.label}" if first else f"{name}"
            tracks.append(Track(number, label, colours[row.code.id]))
            index[(row.code.id, row.coder.id)] = number
        self.set_tracks(tracks)
        self.by_annotation = {a.id: a for a in annotations}
        self.set_bars(
            [
                Bar(a.id, index[(a.code_id, a.coder_id)], a.start_frame, a.end_frame)
                for a in annotations
                if (a.code_id, a.coder_id) in index
            ]
        )

    def set_marks(self, frames: list[int]) -> None:
        """Mark the frames where the coders disagree."""
        self.marks = frames
        self.update()

    def _edge_under(self, point):  # type: ignore[no-untyped-def]
        return None  # no edge drags in review

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        super().paintEvent(event)
        if not self.timestamps.size or not self.marks:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QColor(MARK_COLOR).darker(130))
        painter.setBrush(QColor(MARK_COLOR))
        for frame in self.marks:
            if 0 <= frame < self.timestamps.size:
                x = self.x_of_frame(frame)
                painter.drawPolygon(
                    QPolygonF([QPointF(x - 4, 1), QPointF(x + 4, 1), QPointF(x, RULER_H - 10)])
                )
        painter.end()
