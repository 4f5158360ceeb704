"""Where annotation times come from: the media layer's presentation timestamps, never ``frame/fps``.

A coding operation takes frame indices; the matching seconds are looked up in the frame
times of the video (exact for variable-frame-rate phone videos). A :data:`TimesResolver`
gives those times for a ``Video`` row. :func:`media_times` reads them from the files with
:mod:`annotators.media`; the desktop app can pass the times of the video it already has open,
and tests or scripts can pass any table.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from annotators.errors import CodingError
from annotators.store.models import Video

if TYPE_CHECKING:
    from annotators.project import Project

# Seconds of every frame in presentation order (e.g. ``Video.timestamps``), or a function
# from frame index to seconds.
FrameTimes = Sequence[float] | Callable[[int], float]
TimesResolver = Callable[[Video], FrameTimes]
# How far past the stored duration a frame time may lie (container durations are rounded,
# and the last frame starts before the end).
TIME_SLACK_S = 1.0


def media_times(project: Project, cache_size: int = 64) -> TimesResolver:
    """A resolver reading each video's frame times from its file (cached per file content)."""
    # imported here so that importing annotators.coding does not load PyAV
    from annotators.media import open_video

    @lru_cache(maxsize=cache_size)
    def read(path: Path, content_hash: str) -> Sequence[float]:
        with open_video(path) as video:
            return video.timestamps.copy()

    return lambda video: read(project.video_path(video), video.content_hash)


class ClipTimes:
    """Frame times of one video with a range check; ``frame_count`` is the number of frames."""

    def __init__(self, video: Video, times: FrameTimes) -> None:
        self.video = video
        self._times = times
        # a table (list, numpy array) knows its length; a function relies on the Video row
        self.frame_count = video.frame_count if callable(times) else len(times)

    def seconds(self, frame: int) -> float:
        """Presentation time of ``frame``; :class:`CodingError` when it is not in the clip or
        the time is not a finite number from 0 to the clip's duration (times that come from
        a file, when the video itself is missing, may be anything: ``inf``, ``-5``, NaN)."""
        frame = self.check(frame)
        times = self._times
        try:
            seconds = float(times(frame) if callable(times) else times[frame])
        except (TypeError, ValueError, KeyError):
            raise CodingError(f"frame {frame} of {self.video.file_name} has no time") from None
        limit = max(self.video.duration_s or 0.0, 0.0) + TIME_SLACK_S
        if not (math.isfinite(seconds) and 0.0 <= seconds <= limit):
            raise CodingError(
                f"time {seconds!r} s of frame {frame} is outside {self.video.file_name}"
                f" (0-{self.video.duration_s:.3f} s)"
            )
        return seconds

    def check(self, frame: int) -> int:
        """``frame`` as an ``int`` when it is a frame of the clip, else :class:`CodingError`."""
        try:
            index = operator.index(frame)
        except TypeError:
            raise CodingError(
                f"frame {frame!r} of {self.video.file_name} is not a whole number"
            ) from None
        if not 0 <= index < self.frame_count:
            raise CodingError(
                f"frame {index} is outside {self.video.file_name} (frames 0-{self.frame_count - 1})"
            )
        return index
