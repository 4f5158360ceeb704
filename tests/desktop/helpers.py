"""Helpers shared by the desktop tests: read what the picture shows, press keys."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from tests.media_fixtures import read_barcode


def image_to_rgb(image: QImage) -> np.ndarray:
    """An ``(h, w, 3)`` uint8 copy of ``image``."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    buffer = np.frombuffer(image.constBits(), dtype=np.uint8, count=stride * height)
    return buffer.reshape(height, stride)[:, : width * 3].reshape(height, width, 3).copy()


def shown_barcode(window) -> int:  # type: ignore[no-untyped-def]
    """The frame index drawn into the picture the player shows right now."""
    return read_barcode(image_to_rgb(window.player.view.image))


def press(qtbot, window, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    """Press ``key`` as a coder would, with the focus on the picture."""
    qtbot.keyClick(window.player.view, key, modifier)


def settled(window, frame: int):  # type: ignore[no-untyped-def]
    """Predicate: the player is at ``frame`` and the picture shows that frame."""
    view = window.player.view
    return lambda: (
        window.playback.current == frame and view.frame_index == frame and not view.previewing
    )
