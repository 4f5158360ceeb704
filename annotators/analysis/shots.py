"""Hard-cut detection with PySceneDetect's AdaptiveDetector, on the project's frame indices.

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

from annotators.analysis.frames import small_bgr
from annotators.analysis.storage import Cut
from annotators.errors import MediaError
from annotators.media.container import open_input
from annotators.media.decoder import StreamDecoder, configure
from annotators.media.frame_table import read_table

if TYPE_CHECKING:
    from annotators.project import Project
    from annotators.store.models import Video

ENGINE = "pyscenedetect"
# AdaptiveDetector compares each frame's HSV change with the average of its neighbours
# (``WINDOW`` frames each side), so camera motion that changes every frame a lot is not a
# cut, while a change ``THRESHOLD`` times the local average and at least ``MIN_CONTENT``
# (PySceneDetect's defaults) is. Shots shorter than ``MIN_SHOT_FRAMES`` merge into one cut.
THRESHOLD = 3.0
MIN_CONTENT = 15.0
WINDOW = 2
MIN_SHOT_FRAMES = 6
# Frames are shrunk so their longer side is this many pixels: the detector's colour distance
# needs no detail. They are shrunk from the decoded YUV planes in place (every n-th pixel,
# averaged; see frames.small_bgr), which keeps the pass decode-bound: the scaler's full-frame
# conversion cost about as much again as decoding a 1080x1920 frame.
DETECT_SIDE = 160
# The deblocking filter changes no shot boundary; skipping it speeds H.264/HEVC decoding.
DECODER_OPTIONS = {"skip_loop_filter": "all", "flags2": "+fast"}


def engine_version() -> str:
    """Version of the installed PySceneDetect (recorded with every run)."""
    return version("scenedetect")


def settings() -> dict[str, Any]:
    """The detector settings a run uses, as stored with the analysis."""
    return {
        "detector": "AdaptiveDetector",
        "adaptive_threshold": THRESHOLD,
        "min_content_val": MIN_CONTENT,
        "window_width": WINDOW,
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
    from scenedetect import AdaptiveDetector, FrameTimecode

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
    detector = AdaptiveDetector(
        adaptive_threshold=THRESHOLD, min_scene_len=MIN_SHOT_FRAMES,
        window_width=WINDOW, min_content_val=MIN_CONTENT,
    )  # fmt: skip
    found: list[int] = []
    try:
        _start(decoder, table.seekable)
        size = None
        while (item := decoder.next_frame()) is not None:
            index, frame = item
            size = size or _small_size(frame.width, frame.height)
            bgr = small_bgr(frame, size)
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
