"""The frame table: presentation time of every frame, read from packet timestamps.

Frame ``i`` is the ``i``-th frame in presentation order. The table is built by demuxing the
video stream (no decoding), so it is exact for variable frame rates and B-frames, where
``t * fps`` arithmetic drifts. Times are seconds from frame 0, so frame 0 is always at 0.0.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from av.container import InputContainer
from av.video.stream import VideoStream

from annotators.errors import MediaError

# A time typed with millisecond precision (as exports write it) still names the frame it was
# taken from: times up to half a millisecond (plus float slack) before a frame's timestamp
# count as that frame.
TIME_TOLERANCE_S = 5.01e-4

# Containers whose packet timestamps or seeks cannot name frames exactly: AVI (guessed pts
# with B-frames), raw elementary streams (no timestamps), MPEG-TS/PS (seeks land late).
# These are read by counting decoded frames from the start (exact, but slow to seek).
COUNTED_FORMATS = {"avi", "h264", "hevc", "m4v", "mpegts", "mpeg", "mpegvideo", "rawvideo"}


@dataclass(frozen=True)
class Packet:
    """What the table needs from one demuxed video packet (timestamps in stream units)."""

    pts: int
    duration: int
    keyframe: bool
    guessed_pts: bool = False  # the packet had no pts
    dts: int | None = None


@dataclass(frozen=True)
class FrameTable:
    """Presentation timestamps of all frames plus the keyframes to seek to.

    ``pts`` are stream time-base units sorted ascending; ``times`` the same in seconds from
    frame 0. ``key_pts`` lists keyframes in presentation order; ``key_seek`` (same order) the
    timestamp to seek to for each, which lands on it whether the demuxer indexes samples by
    pts, by dts, or (MP4) by dts shifted so the first frame starts at 0: with B-frames and
    irregular frame times that shifted dts can be later than the keyframe's pts, and seeking
    to the pts would land a whole GOP early. ``truncated`` is True when the file ended before
    its declared end.
    """

    pts: np.ndarray
    times: np.ndarray
    duration: float
    key_pts: np.ndarray
    time_base: Fraction
    truncated: bool
    seekable: bool = True
    key_seek: np.ndarray | None = None  # None: seek to ``key_pts``

    def __len__(self) -> int:
        return len(self.pts)

    def index_of_pts(self, pts: int) -> int:
        """Index of the frame with presentation timestamp ``pts`` (nearest if not exact)."""
        i = int(np.searchsorted(self.pts, pts))
        if i == len(self.pts) or (i > 0 and pts - self.pts[i - 1] < self.pts[i] - pts):
            return i - 1
        return i

    def index_at(self, seconds: float) -> int:
        """Index of the frame on screen at ``seconds`` (clamped to the first/last frame)."""
        i = int(np.searchsorted(self.times, seconds + TIME_TOLERANCE_S, side="right")) - 1
        return min(max(i, 0), len(self.times) - 1)

    def seek_target(self, key: int) -> int:
        """The timestamp that positions the demuxer at keyframe ``key`` (see the class)."""
        return int((self.key_seek if self.key_seek is not None else self.key_pts)[key])

    def keyframe_for(self, index: int) -> int:
        """Position in ``key_pts`` of the last keyframe at or before frame ``index``."""
        return max(int(np.searchsorted(self.key_pts, self.pts[index], side="right")) - 1, 0)


def read_packets(container: InputContainer, stream: VideoStream) -> tuple[list[Packet], bool]:
    """Demux every packet of ``stream``; return them and whether the file ended early.

    Packets the demuxer marks as discarded (before an edit list's start) are left out: the
    decoder never outputs their frames. A packet without pts falls back on its dts, then on
    the previous time plus its duration (old AVI/raw streams).
    """
    packets: list[Packet] = []
    truncated = False
    try:
        for packet in container.demux(stream):
            if packet.size == 0 or packet.is_discard:
                continue  # the flush packet at the end / frames cut by an edit list
            packets.append(_packet(packet, packets))
    except av.FFmpegError:
        truncated = True  # a damaged or cut-off tail: keep what was read
    declared = stream.frames
    return packets, truncated or (declared > 0 and len(packets) < declared)


def _packet(packet: av.Packet, previous: list[Packet]) -> Packet:
    pts = packet.pts if packet.pts is not None else packet.dts
    duration = packet.duration or 0
    if pts is None:
        last = previous[-1] if previous else None
        pts = 0 if last is None else last.pts + max(last.duration, 1)
    return Packet(pts, duration, packet.is_keyframe, guessed_pts=packet.pts is None, dts=packet.dts)


def build_table(
    packets: list[Packet],
    time_base: Fraction,
    truncated: bool,
    decoded_pts: list[int] | None = None,
) -> FrameTable:
    """The frame table of ``packets``; ``decoded_pts`` (if given) restricts it to frames that
    actually decoded, for damaged files where some packets yield no picture."""
    by_pts = {p.pts: p for p in packets}
    pts = np.array(sorted(decoded_pts if decoded_pts is not None else by_pts), dtype=np.int64)
    if len(pts) == 0:
        raise ValueError("no frames")
    keys = sorted(p.pts for p in packets if p.keyframe)
    if not keys or keys[0] > pts[0]:
        keys.insert(0, int(pts[0]))  # no keyframe flags: seeking to the start still works
    seeks = _seek_targets(keys, by_pts, packets[0])
    tb = float(time_base)
    times = (pts - pts[0]) * tb
    last = by_pts.get(int(pts[-1]))
    last_duration = last.duration if last is not None and last.duration > 0 else None
    if last_duration is None:
        last_duration = float(np.median(np.diff(pts))) if len(pts) > 1 else 1 / tb / 30
    return FrameTable(
        pts=_frozen(pts),
        times=_frozen(times),
        duration=float(times[-1] + last_duration * tb),
        key_pts=_frozen(np.array(keys, dtype=np.int64)),
        time_base=time_base,
        truncated=truncated,
        key_seek=_frozen(np.array(seeks, dtype=np.int64)),
    )


def _seek_targets(keys: list[int], by_pts: dict[int, Packet], first: Packet) -> list[int]:
    """Per keyframe, the later of its pts and its dts shifted as MP4 shifts it (by the first
    packet's pts - dts): at or after where any of the three indexings puts it, and far
    before the next keyframe (the shift is the B-frame delay, a few frames)."""
    shift = max(first.pts - first.dts, 0) if first.dts is not None else 0
    targets = []
    for key in keys:
        packet = by_pts.get(key)
        dts = packet.dts if packet is not None else None
        targets.append(key if dts is None else max(key, dts + shift))
    return targets


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


def read_table(path: Path, container: InputContainer, stream: VideoStream) -> FrameTable:
    """The frame table of ``stream``: from packet timestamps when they can be trusted,
    otherwise (and for a cut-off file) from the frames that actually decode."""
    packets, truncated = read_packets(container, stream)
    if not packets:
        raise MediaError(f"{path}: the video stream has no frames (empty or truncated file)")
    if container.format.name in COUNTED_FORMATS or any(p.guessed_pts for p in packets):
        return _counted_table(path, stream, truncated)
    decoded = _decodable_pts(container, stream) if truncated else None
    if decoded is not None and not decoded:
        raise MediaError(f"{path}: the file is truncated and no frame can be decoded")
    return build_table(packets, stream.time_base, truncated, decoded)


def _decodable_pts(container: InputContainer, stream: VideoStream) -> list[int]:
    """Pts of every frame that decodes, reading the whole file once (damaged files only)."""
    container.seek(0, stream=stream)
    pts: list[int] = []
    try:
        for packet in container.demux(stream):
            pts.extend(f.pts for f in packet.decode() if f.pts is not None)
    except av.FFmpegError:
        pass  # the cut-off end: everything before it is kept
    return pts


def _counted_table(path: Path, stream: VideoStream, truncated: bool) -> FrameTable:
    """A table from decoding the whole file once, in a fresh container (the first may not
    seek back). Times are the decoded frames' own when all have one, else index / rate."""
    times: list[float | None] = []
    with av.open(str(path)) as fresh:
        same = fresh.streams[stream.index]
        same.thread_type = "AUTO"
        try:
            times = [f.time for f in fresh.decode(same)]
        except av.FFmpegError:
            truncated = True
    if not times:
        raise MediaError(f"{path}: no frame of the video can be decoded")
    if None in times or any(b <= a for a, b in zip(times, times[1:], strict=False)):
        rate = float(stream.guessed_rate or stream.average_rate or 25)
        times = [i / rate for i in range(len(times))]
    seconds = np.array(times, dtype=np.float64) - times[0]
    step = float(np.median(np.diff(seconds))) if len(seconds) > 1 else 1 / 25
    n = len(seconds)
    return FrameTable(
        pts=_frozen(np.arange(n, dtype=np.int64)),
        times=_frozen(seconds),
        duration=float(seconds[-1] + step),
        key_pts=_frozen(np.zeros(1, dtype=np.int64)),
        time_base=Fraction(1),
        truncated=truncated,
        seekable=False,
    )
