"""A least-recently-used cache of decoded frames, bounded by bytes rather than by count.

Frames are kept as decoded (YUV, about half the size of RGB), so a budget holds twice as
many frames; converting one to RGB on a hit costs a few milliseconds.
"""

from __future__ import annotations

from collections import OrderedDict

from av import VideoFrame

DEFAULT_CACHE_BYTES = 512 * 1024 * 1024


def frame_bytes(frame: VideoFrame) -> int:
    """Memory held by the picture planes of ``frame``."""
    return sum(plane.buffer_size for plane in frame.planes)


class FrameCache:
    """Maps frame index -> decoded frame; evicts least recently used beyond ``max_bytes``.

    Not thread-safe on its own: :class:`~annotators.media.video.Video` guards it with its lock.
    """

    def __init__(self, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._frames: OrderedDict[int, tuple[VideoFrame, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._frames)

    def __contains__(self, index: int) -> bool:
        return index in self._frames

    def get(self, index: int) -> VideoFrame | None:
        """The cached frame ``index`` (marked as recently used), or None."""
        entry = self._frames.get(index)
        if entry is None:
            return None
        self._frames.move_to_end(index)
        return entry[0]

    def put(self, index: int, frame: VideoFrame) -> None:
        """Keep ``frame`` as ``index``, evicting the least recently used frames if needed."""
        if index in self._frames:
            self._frames.move_to_end(index)
            return
        size = frame_bytes(frame)
        self._frames[index] = (frame, size)
        self.bytes += size
        while self.bytes > self.max_bytes and len(self._frames) > 1:
            _, (_, evicted) = self._frames.popitem(last=False)
            self.bytes -= evicted

    def clear(self) -> None:
        self._frames.clear()
        self.bytes = 0
