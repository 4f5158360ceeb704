"""Hard-cut detection with PySceneDetect's ContentDetector, on the project's frame indices.

Frames are decoded in presentation order with PyAV, each identified by its pts through the
media layer's frame table (exact on variable-frame-rate files, where ``t * fps`` drifts),
shrunk in the scaler before the detector sees them, and handed to the detector numbered by
that index. A cut is therefore reported as the project's index of the first frame of the new
shot, and its time is that frame's presentation time from the table.
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import av

from annotators.analysis.storage import Cut
from annotators.errors import MediaError
from annotators.media.container import open_input
from annotators.media.decoder import StreamDecoder, configure
from annotators.media.frame_table import read_table

if TYPE_CHECKING:
    from annotators.project import Project
    from annotators.store.models import Video

ENGINE = "pyscenedetect"
# Content-change threshold (HSV distance, PySceneDetect's default) and the shortest shot in
# frames: the detector merges flashes shorter than this into one cut.
THRESHOLD = 27.0
MIN_SHOT_FRAMES = 6
# Frames are shrunk so their longer side is this many pixels: the colour histogram distance
# needs no detail, and scaling in libswscale is far cheaper than the detector's HSV work on
# 1080x1920 frames.
DETECT_SIDE = 160
# The deblocking filter changes no shot boundary; skipping it speeds H.264/HEVC decoding.
DECODER_OPTIONS = {"skip_loop_filter": "all", "flags2": "+fast"}


def engine_version() -> str:
    """Version of the installed PySceneDetect (recorded with every run)."""
    return version("scenedetect")


def settings() -> dict[str, Any]:
    """The detector settings a run uses, as stored with the analysis."""
    return {
        "detector": "ContentDetector",
        "threshold": THRESHOLD,
        "min_scene_len_frames": MIN_SHOT_FRAMES,
        "detect_side_px": DETECT_SIDE,
        "decoder_options": dict(DECODER_OPTIONS),
    }


def detect_cuts(project: Project, video: Video) -> list[Cut]:
    """Hard cuts of ``video`` (a project row), in frame order; frame 0 is never a cut.
    Each :class:`~annotators.analysis.storage.Cut` is the first frame of the new shot and
    its presentation time from the frame table.

    Raises :class:`MediaError` when the file is missing or cannot be decoded.
    """
    return detect_cuts_in_file(project.video_path(video))


def detect_cuts_in_file(path: Path) -> list[Cut]:
    """Hard cuts of the video file at ``path`` (see :func:`detect_cuts`)."""
    from scenedetect import ContentDetector, FrameTimecode

    if not path.is_file():
        raise MediaError(f"{path}: the video file is missing")
    container, stream = open_input(path)
    try:
        configure(stream)
        table = read_table(path, container, stream)
        stream.codec_context.options = dict(DECODER_OPTIONS)
        decoder = StreamDecoder(path, container, stream, table)
    except BaseException:
        container.close()
        raise
    rate = _rate(table.times)
    detector = ContentDetector(threshold=THRESHOLD, min_scene_len=MIN_SHOT_FRAMES)
    found: list[int] = []
    try:
        _start(decoder, table.seekable)
        size = None
        while (item := decoder.next_frame()) is not None:
            index, frame = item
            size = size or _small_size(frame.width, frame.height)
            bgr = _small(frame, size)
            found += [c.frame_num for c in detector.process_frame(FrameTimecode(index, rate), bgr)]
        if size is not None:
            found += [c.frame_num for c in detector.post_process(FrameTimecode(index, rate))]
    finally:
        decoder.close()
    frames = sorted({f for f in found if 0 < f < len(table)})
    return [Cut(f, float(table.times[f])) for f in frames]


def _start(decoder: StreamDecoder, seekable: bool) -> None:
    if seekable:
        decoder.seek(0)
    else:
        decoder.rewind()  # counted tables: frames are numbered from the file's start


def _rate(times: Any) -> float:
    """Average frame rate: only the detector's own bookkeeping uses it, never to place a cut."""
    if len(times) < 2 or times[-1] <= 0:
        return 30.0
    return (len(times) - 1) / float(times[-1])


def _small_size(width: int, height: int) -> tuple[int, int]:
    scale = DETECT_SIDE / max(width, height)
    if scale >= 1:
        return width, height
    return max(2, round(width * scale)), max(2, round(height * scale))


def _small(frame: av.VideoFrame, size: tuple[int, int]) -> Any:
    return frame.reformat(
        width=size[0], height=size[1], format="bgr24", interpolation="FAST_BILINEAR"
    ).to_ndarray()
