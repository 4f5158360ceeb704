"""Generated clips with hard cuts at known frames (CFR or VFR), for shot detection tests.

Each shot has its own base colour and a textured pattern that drifts a little every frame
(motion inside a shot, which must not count as a cut); frame ``cuts[k]`` is the first frame
of shot ``k + 1``.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from tests.media_fixtures import VFR_TIME_BASE, clip_times


def _shot_picture(shot: int, step: int, width: int, height: int) -> np.ndarray:
    rng = np.random.default_rng(100 + shot)
    colour = rng.integers(30, 226, 3)
    tile = rng.integers(-40, 41, (height // 16 + 2, width // 16 + 2, 1))
    texture = np.repeat(np.repeat(tile, 16, axis=0), 16, axis=1)
    dy, dx = step % 16, (2 * step) % 16
    picture = colour[None, None, :] + texture[dy : dy + height, dx : dx + width]
    return np.clip(picture, 0, 255).astype(np.uint8)


def make_cut_clip(
    path: Path,
    cuts: list[int],
    *,
    seconds: float = 4.0,
    fps: float = 25,
    vfr: bool = False,
    width: int = 180,
    height: int = 320,
) -> list[float]:
    """Write the clip; return the presentation time of every frame (seconds)."""
    times = clip_times(seconds=seconds, fps=fps, vfr=vfr)
    time_base = VFR_TIME_BASE if vfr else 1 / Fraction(fps).limit_denominator(1001)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=Fraction(fps).limit_denominator(1001))
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        stream.time_base = time_base
        stream.codec_context.time_base = time_base
        stream.codec_context.options.update({"preset": "ultrafast", "crf": "20"})
        shot, start = 0, 0
        for index, t in enumerate(times):
            if shot < len(cuts) and index == cuts[shot]:
                shot, start = shot + 1, index
            picture = _shot_picture(shot, index - start, width, height)
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            frame.pts = round(t / time_base)
            frame.time_base = time_base
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return times
