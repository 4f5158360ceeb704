"""Media facts of a file, for importing it into a project without keeping it open."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .cache import DEFAULT_CACHE_BYTES
from .video import open_video


@dataclass(frozen=True)
class MediaInfo:
    """What a project stores about a video. Sizes are in display orientation."""

    path: Path
    frame_count: int
    duration: float  # seconds from frame 0 to the end of the last frame
    fps: float  # average frames per second
    width: int
    height: int
    rotation: int  # degrees clockwise the stored frames are turned for display
    has_audio: bool
    truncated: bool  # the file ends early; only its decodable frames are counted
    variable_frame_rate: bool


def probe(path: str | Path) -> MediaInfo:
    """Read the facts of ``path`` (its frame table and first frame) and close it again.

    Raises :class:`~annotators.errors.MediaError` for anything that is not a playable video.
    """
    with open_video(path, cache_bytes=DEFAULT_CACHE_BYTES // 8) as video:
        return MediaInfo(
            path=video.path,
            frame_count=video.frame_count,
            duration=video.duration,
            fps=video.fps,
            width=video.width,
            height=video.height,
            rotation=video.rotation,
            has_audio=video.has_audio,
            truncated=video.truncated,
            variable_frame_rate=video.variable_frame_rate,
        )
