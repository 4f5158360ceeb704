"""Times to frames and back through a video's frame table (never ``time x fps``).

A time maps to the frame shown at that time: the last frame whose presentation time is at
or before it. Times written by exchange formats are rounded to milliseconds, so a time up
to :data:`TOLERANCE_S` before a frame's start still counts as that frame; a round trip
(frame -> ms -> frame) therefore gives back the same frame.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from annotators.coding.times import ClipTimes, FrameTimes

TOLERANCE_S = 0.0006  # half a millisecond of rounding, and a little float slack


class FrameIndex:
    """Frame lookups for one clip: ``frame_at`` (time -> frame) and ``end_of`` (frame -> s)."""

    def __init__(self, clip: ClipTimes, times: FrameTimes, duration_s: float) -> None:
        self.clip = clip
        self.count = clip.frame_count
        self.duration_s = duration_s
        self._at: Callable[[int], float] = (
            times if callable(times) else _sequence_getter(times)  # type: ignore[arg-type]
        )

    def start_of(self, frame: int) -> float:
        """Presentation time of ``frame`` (seconds)."""
        return self.clip.seconds(frame)

    def end_of(self, frame: int) -> float:
        """When ``frame`` stops being shown: the next frame's time, or the clip's end."""
        if frame + 1 < self.count:
            return self.clip.seconds(frame + 1)
        return max(self.duration_s, self.clip.seconds(frame))

    def frame_at(self, seconds: float) -> int | None:
        """The frame shown at ``seconds``; ``None`` before the clip or after its end."""
        if self.count == 0 or seconds < -TOLERANCE_S or seconds > self.duration_s + TOLERANCE_S:
            return None
        low, high = 0, self.count  # first frame starting after seconds + tolerance
        target = seconds + TOLERANCE_S
        while low < high:
            middle = (low + high) // 2
            if self._at(middle) <= target:
                low = middle + 1
            else:
                high = middle
        return max(low - 1, 0)


def _sequence_getter(times: Sequence[float]) -> Callable[[int], float]:
    return lambda index: float(times[index])
