"""Opening a media file with PyAV, turning every FFmpeg failure into a :class:`MediaError`.

Messages name the file and say what is wrong in words a researcher understands; the FFmpeg
reason follows in parentheses for whoever has to dig deeper.
"""

from __future__ import annotations

from pathlib import Path

import av
from av.container import InputContainer
from av.video.stream import VideoStream

from annotators.errors import MediaError


def ffmpeg_reason(error: av.FFmpegError) -> str:
    """The short FFmpeg explanation of ``error`` (without the repeated file name)."""
    return getattr(error, "strerror", None) or str(error)


def open_input(path: Path) -> tuple[InputContainer, VideoStream]:
    """Open ``path`` and return it with its first decodable video stream.

    Raises :class:`MediaError` when the file is missing, empty, not a media file, has no
    video stream, or its video codec has no decoder. The container is closed on failure.
    """
    if not path.is_file():
        raise MediaError(f"{path}: file not found")
    if path.stat().st_size == 0:
        raise MediaError(f"{path}: the file is empty (0 bytes)")
    try:
        container = av.open(str(path), mode="r")
    except av.FFmpegError as error:
        raise MediaError(f"{path}: {_unreadable(path)} ({ffmpeg_reason(error)})") from error
    try:
        return container, _video_stream(path, container)
    except MediaError:
        container.close()
        raise


def _unreadable(path: Path) -> str:
    """Why FFmpeg could not open ``path``, in words: cut-off MP4 or not a video at all."""
    with path.open("rb") as file:
        head = file.read(12)
    if head[4:8] == b"ftyp":
        return "an MP4/MOV video that cannot be read: truncated (incomplete copy) or damaged"
    return "not a video file (or a damaged one)"


def _video_stream(path: Path, container: InputContainer) -> VideoStream:
    if not container.streams:
        raise MediaError(f"{path}: {_unreadable(path)} (no audio or video streams found)")
    streams = container.streams.video
    if not streams:
        kinds = ", ".join(sorted({s.type for s in container.streams}))
        raise MediaError(f"{path}: has no video stream (it contains {kinds} only)")
    decodable = [s for s in streams if s.codec_context is not None]
    if not decodable:
        raise MediaError(f"{path}: the video codec is not supported (no decoder for it)")
    return decodable[0]
