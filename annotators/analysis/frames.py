"""Every frame of a clip in presentation order, decoded once, tagged with the frame table.

The OCR pass needs a cheap look at every frame (to find where text appears) and the full
picture of a few; random access through :class:`annotators.media.Video` would decode most
frames twice, so this walks the stream once with the media layer's own decoder and table
(frame indices and times exactly as everywhere else in Storyframe).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from av import VideoFrame

from annotators.media.container import open_input
from annotators.media.decoder import StreamDecoder, configure
from annotators.media.frame_table import FrameTable, read_table

_ROTATE = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


@dataclass(frozen=True)
class DecodedFrame:
    """Frame ``index`` shown from ``time_s``; ``rotation`` turns it to display orientation."""

    index: int
    time_s: float
    frame: VideoFrame
    rotation: int

    def bgr(self) -> np.ndarray:
        """The full picture, BGR, display orientation."""
        return _turn(self.frame.to_ndarray(format="bgr24"), self.rotation)

    def gray_thumb(self, scale: int) -> np.ndarray:
        """The picture in grey, each side divided by ``scale`` (in the reformatter: cheap)."""
        width, height = max(1, self.frame.width // scale), max(1, self.frame.height // scale)
        gray = self.frame.reformat(width=width, height=height, format="gray", interpolation="AREA")
        return _turn(gray.to_ndarray(), self.rotation)


class ClipFrames:
    """An open clip read forward once: ``table`` (times of every frame) and :meth:`frames`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        container, stream = open_input(self.path)
        try:
            configure(stream)
            self.table: FrameTable = read_table(self.path, container, stream)
        except BaseException:
            container.close()
            raise
        self._decoder = StreamDecoder(self.path, container, stream, self.table)

    @property
    def times(self) -> np.ndarray:
        return self.table.times

    def frames(self) -> Iterator[DecodedFrame]:
        """Every decodable frame from the first, in presentation order."""
        if self.table.seekable:
            self._decoder.seek(0)
        else:
            self._decoder.rewind()
        rotation: int | None = None
        while (item := self._decoder.next_frame()) is not None:
            index, frame = item
            if rotation is None:
                # PyAV reports counter-clockwise degrees; players turn by quarter turns
                rotation = round(-frame.rotation / 90) * 90 % 360
            yield DecodedFrame(index, float(self.table.times[index]), frame, rotation)

    def close(self) -> None:
        self._decoder.close()

    def __enter__(self) -> ClipFrames:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _turn(picture: np.ndarray, rotation: int) -> np.ndarray:
    return cv2.rotate(picture, _ROTATE[rotation]) if rotation else picture
