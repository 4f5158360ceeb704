"""The Qt binding itself must not corrupt the interpreter while the app paints."""

from __future__ import annotations

import sys

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter


def test_painting_keeps_references_to_none(qapp) -> None:  # noqa: ANN001
    # PySide6 6.12.0 dropped one reference to None per void call: on Python 3.11, where None
    # is reference counted, the app aborted ("none_dealloc") after about a minute of playback.
    image = QImage(64, 64, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    before = sys.getrefcount(None)
    for _ in range(2000):
        painter.setPen(QColor("#336699"))
        painter.drawRoundedRect(QRectF(1, 1, 10, 10), 3, 3)
    lost = before - sys.getrefcount(None)
    painter.end()
    assert lost < 500, f"{lost} references to None lost in 4,000 painter calls"
