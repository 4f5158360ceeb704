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

    def small_bgr(self, max_side: int) -> tuple[np.ndarray, float]:
        """The picture, BGR, display orientation, shrunk so its longer side is at most
        ``max_side``; with the ratio applied (1.0 when it was small enough already)."""
        width, height = self.frame.width, self.frame.height
        ratio = min(1.0, max_side / max(width, height))
        if ratio == 1.0:
            return self.bgr(), 1.0
        size = (max(1, round(width * ratio)), max(1, round(height * ratio)))
        return _turn(small_bgr(self.frame, size), self.rotation), ratio

    def gray_thumb(self, scale: int) -> np.ndarray:
        """The picture in grey, each side divided by ``scale`` (from the luma plane: cheap)."""
        width, height = max(1, self.frame.width // scale), max(1, self.frame.height // scale)
        return _turn(small_gray(self.frame, (width, height)), self.rotation)


# 8-bit planar YUV with chroma halved both ways: the pictures phones and editors write. Other
# formats go through libswscale (correct, but it reads and converts every pixel).
_PLANAR_420 = frozenset({"yuv420p", "yuvj420p"})
_FULL_RANGE = 2  # AVCOL_RANGE_JPEG
_SCALE = (255 / 219, 255 / 224, 255 / 224, 0.0)
_OFFSET = (-16 * 255 / 219, 128 - 128 * 255 / 224, 128 - 128 * 255 / 224, 0.0)


def small_gray(frame: VideoFrame, size: tuple[int, int]) -> np.ndarray:
    """``frame`` (stored orientation) in grey at ``size`` (width, height), shrunk cheaply.

    For 4:2:0 YUV the luma plane is the grey picture: it is read in place, every n-th pixel,
    and area-averaged to ``size`` (a 1080x1920 frame costs well under a millisecond, against
    3-4 ms in the scaler). Grey levels are the stored luma (limited or full range as coded).
    """
    if frame.format.name not in _PLANAR_420:
        gray = frame.reformat(width=size[0], height=size[1], format="gray", interpolation="AREA")
        return gray.to_ndarray()
    return _shrink(_plane(frame, 0, frame.width, frame.height), size)


def small_bgr(frame: VideoFrame, size: tuple[int, int]) -> np.ndarray:
    """``frame`` (stored orientation) as BGR at ``size`` (width, height), shrunk cheaply.

    4:2:0 YUV planes are each sampled and averaged down to ``size`` and converted there
    (BT.601), so only ``size`` pixels are converted; other formats use the scaler.
    """
    if frame.format.name not in _PLANAR_420:
        small = frame.reformat(
            width=size[0], height=size[1], format="bgr24", interpolation="FAST_BILINEAR"
        )
        return small.to_ndarray()
    half_w, half_h = (frame.width + 1) // 2, (frame.height + 1) // 2
    planes = [_plane(frame, 0, frame.width, frame.height)]
    planes += [_plane(frame, k, half_w, half_h) for k in (1, 2)]
    yuv = cv2.merge([_shrink(p, size) for p in planes])
    if frame.format.name != "yuvj420p" and frame.color_range != _FULL_RANGE:
        # limited ("TV") range: luma 16-235, chroma 16-240 around 128, stretched to full
        yuv = cv2.add(cv2.multiply(yuv.astype(np.float32), _SCALE), _OFFSET)
        yuv = np.clip(yuv, 0, 255).astype(np.uint8)
    return cv2.cvtColor(yuv, cv2.COLOR_YUV2BGR)


def _plane(frame: VideoFrame, index: int, width: int, height: int) -> np.ndarray:
    """Plane ``index`` as a (height, width) view of the frame's own buffer (no copy)."""
    plane = frame.planes[index]
    rows = np.frombuffer(plane, np.uint8).reshape(-1, plane.line_size)
    return rows[:height, :width]


def _shrink(plane: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``plane`` at ``size``: every n-th pixel (at least twice ``size``), then area-averaged."""
    height, width = plane.shape
    step = max(1, min(width // size[0], height // size[1]) // 2)
    sampled = np.ascontiguousarray(plane[::step, ::step])
    if sampled.shape[1] == size[0] and sampled.shape[0] == size[1]:
        return sampled
    return cv2.resize(sampled, size, interpolation=cv2.INTER_AREA)


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
