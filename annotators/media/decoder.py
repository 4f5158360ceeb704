"""Sequential decoding of one video stream from a keyframe, frames tagged with their index.

Decoders output frames in presentation order, so after a seek the frames arrive as
consecutive indices of the :class:`FrameTable`; each is identified by its pts, or, for
counted tables (``seekable`` False), by counting from the start of the file.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from pathlib import Path

import av
from av import VideoFrame
from av.container import InputContainer
from av.video.stream import VideoStream

from annotators.errors import MediaError

from .container import open_input
from .frame_table import FrameTable

# Damaged packets are skipped; this many in one run means the file is beyond repair.
MAX_BAD_PACKETS = 32


def configure(stream: VideoStream, *, single_thread: bool = False) -> None:
    """Decoder settings for every open: frame and slice threads (throughput on 2+ cores),
    or exactly one thread for background work that must leave the other cores alone."""
    if single_thread:
        stream.thread_count = 1
        stream.thread_type = "NONE"
    else:
        stream.thread_type = "AUTO"


class StreamDecoder:
    """Owns the open container; decodes forward from the last :meth:`seek` or :meth:`rewind`.

    ``position`` is the index of the last frame returned by :meth:`next_frame`, or None
    right after a seek. Not thread-safe (PyAV containers are not). ``single_thread`` keeps
    the decoder on one thread, also after a :meth:`rewind` (see :func:`configure`).
    """

    def __init__(
        self,
        path: Path,
        container: InputContainer,
        stream: VideoStream,
        table: FrameTable,
        *,
        single_thread: bool = False,
    ) -> None:
        self._path = path
        self._single_thread = single_thread
        self._container = container
        self._stream = stream
        self._table = table
        self._packets: Iterator[av.Packet] = iter(())
        self._pending: deque[VideoFrame] = deque()
        self._draining = True
        self.position: int | None = None

    def seek(self, key: int) -> None:
        """Position the demuxer at keyframe ``key`` (index into ``table.key_pts``)."""
        if not self._table.seekable:
            self.rewind()
            return
        try:
            self._container.seek(self._table.seek_target(key), stream=self._stream)
        except av.FFmpegError:
            self.rewind()  # e.g. a pipe-like file: start over instead
            return
        self._restart(position=None)

    def rewind(self) -> None:
        """Start again at the first frame by reopening the file (works where seeking fails)."""
        self._container.close()
        self._container, self._stream = open_input(self._path)
        configure(self._stream, single_thread=self._single_thread)
        self._restart(position=-1)

    def close(self) -> None:
        self._container.close()

    def _restart(self, position: int | None) -> None:
        # PyAV flushes the decoder on seek; a fresh demux iterator reads from the new position
        self._packets = self._container.demux(self._stream)
        self._pending.clear()
        self._draining = False
        self.position = position

    def next_frame(self) -> tuple[int, VideoFrame] | None:
        """The next decoded frame with its index, or None at the end of the stream."""
        bad_packets = 0
        while not self._pending:
            if self._draining:
                return None
            try:
                self._pending.extend(self._decode_next_packet())
            except av.FFmpegError:
                bad_packets += 1  # a corrupt packet: the decoder resyncs at the next one
                if bad_packets > MAX_BAD_PACKETS:
                    raise MediaError(f"{self._path}: the video data is damaged") from None
        frame = self._pending.popleft()
        if self._table.seekable and frame.pts is not None:
            self.position = self._table.index_of_pts(frame.pts)
        elif self.position is None:
            raise MediaError(f"{self._path}: a decoded frame has no timestamp")
        else:
            self.position += 1
        return self.position, frame

    def _decode_next_packet(self) -> list[VideoFrame]:
        packet = next(self._packets, None)
        if packet is None or packet.size == 0:
            self._draining = True
            return self._stream.codec_context.decode(None)
        return packet.decode()
