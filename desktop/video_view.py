"""The picture: one decoded frame drawn in display orientation, scaled to fit, centred."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

EMPTY_HINT = (
    "No clip selected.\n\nDrop video files or folders here, or use "
    "Project > Import videos (Ctrl+I), then pick a clip in the library."
)


class VideoView(QWidget):
    """Shows the last frame handed to :meth:`show_frame`; ``frame_index`` says which one it is.

    Vertical 9:16 clips are scaled to the full height of the widget and centred, with the
    unused width left dark, so the picture is as large as the space allows without cropping.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image: QImage | None = None
        self.frame_index: int | None = None
        self.previewing = False  # True while the picture is a small preview of frame_index
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(180, 240)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        # the picture holds the keyboard focus while coding, so keys never land in a text field
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def show_frame(self, index: int, image: QImage) -> None:
        """Display ``image`` as frame ``index``."""
        self.image, self.frame_index, self.previewing = image, index, False
        self.update()

    def show_preview(self, index: int, image: QImage) -> None:
        """Display the small preview ``image`` of frame ``index``, scaled up to the picture's
        place, until :meth:`show_frame` brings the full frame."""
        self.image, self.frame_index, self.previewing = image, index, True
        self.update()

    def clear(self) -> None:
        """Show nothing (no clip selected)."""
        self.image, self.frame_index, self.previewing = None, None, False
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(360, 640)

    def target_rect(self) -> QRect:
        """Where the picture is drawn: the largest rectangle of its aspect ratio that fits."""
        if self.image is None:
            return QRect()
        size = self.image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        left = (self.width() - size.width()) // 2
        top = (self.height() - size.height()) // 2
        return QRect(left, top, size.width(), size.height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#111214"))
        if self.image is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(self.target_rect(), self.image)
        else:  # an empty project must tell a first-time user where to start
            painter.setPen(QColor("#9a9ca3"))
            painter.drawText(
                self.rect().adjusted(16, 16, -16, -16),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                EMPTY_HINT,
            )
        painter.end()
