"""Generate clips with burnt-in overlay text and hard cuts at known frames (OCR, shot tests).

Each shot has its own smooth photo-like background (low-frequency noise over a gradient, or
a flat colour); overlays are drawn with OpenCV's Hershey font (no font files needed), so the
truth of every clip is known to the frame: which text is on screen, where, from which frame to
which frame, and on which frames a new shot begins.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from tests.media_fixtures import _add_video_stream, _encoder_options, _stored

WHITE = (255, 255, 255)
YELLOW = (255, 225, 0)


@dataclass(frozen=True)
class Overlay:
    """``text`` drawn from ``start_frame`` to ``end_frame`` (inclusive) with its baseline's
    left end at (``x``, ``y``) display pixels; ``scale`` is OpenCV's font scale."""

    text: str
    start_frame: int
    end_frame: int
    x: int
    y: int
    color: tuple[int, int, int] = WHITE
    scale: float = 2.0


def shot_background(height: int, width: int, seed: int) -> np.ndarray:
    """A smooth, photo-like RGB picture (different for every ``seed``)."""
    rng = np.random.default_rng(seed)
    small = rng.integers(30, 200, (9, 6, 3)).astype(np.float32)
    picture = cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)
    ramp = np.linspace(-30, 30, height, dtype=np.float32)[:, None, None]
    grain = rng.normal(0, 6, (height // 4, width // 4, 3)).astype(np.float32)
    picture += ramp + cv2.resize(grain, (width, height), interpolation=cv2.INTER_LINEAR)
    return np.clip(picture, 0, 255).astype(np.uint8)


def draw_overlay(picture: np.ndarray, overlay: Overlay) -> None:
    """Draw ``overlay`` into RGB ``picture`` in place, with a dark outline (as apps do)."""
    thickness = max(2, round(overlay.scale * 2.5))
    font = cv2.FONT_HERSHEY_DUPLEX
    origin = (overlay.x, overlay.y)
    cv2.putText(picture, overlay.text, origin, font, overlay.scale, (20, 20, 20), thickness + 4)
    cv2.putText(picture, overlay.text, origin, font, overlay.scale, overlay.color, thickness)


def overlay_box(overlay: Overlay) -> tuple[int, int, int, int]:
    """The (x0, y0, x1, y1) pixel box the overlay's text covers."""
    thickness = max(2, round(overlay.scale * 2.5))
    (w, h), base = cv2.getTextSize(overlay.text, cv2.FONT_HERSHEY_DUPLEX, overlay.scale, thickness)
    return overlay.x, overlay.y - h, overlay.x + w, overlay.y + base


def make_overlay_clip(
    path: str | Path,
    *,
    frames: int,
    overlays: list[Overlay],
    cuts: list[int] = (),  # type: ignore[assignment]
    fps: int = 30,
    width: int = 360,
    height: int = 640,
    keyint: int = 60,
    moving: bool = False,
    rotation: int = 0,
    crf: int = 20,
    audio: np.ndarray | None = None,
    audio_rate: int = 16000,
) -> Path:
    """Write an H.264 clip of ``frames`` frames; a new shot (new background) starts at each
    frame in ``cuts``; ``moving`` pans the background under the overlays like a handheld
    camera (a few pixels a frame, back and forth: every frame differs, no jump within a shot).
    ``rotation`` (degrees clockwise) stores the pictures turned, with a display matrix, as
    phones do; ``width``/``height`` and the overlays stay in display pixels.
    ``audio`` (mono float32 samples at ``audio_rate``) adds an AAC track."""
    path = Path(path)
    starts = [0, *sorted(cuts)]
    backgrounds = {
        s: shot_background(height + PAN, width + PAN, 11 + k) for k, s in enumerate(starts)
    }
    time_base = 1 / Fraction(fps)
    with av.open(str(path), "w") as container:
        stored = (height, width) if rotation in (90, 270) else (width, height)
        stream = _add_video_stream(container, "h264", fps, stored, time_base)
        if rotation:
            stream.set_display_rotation(-rotation)  # PyAV counts counter-clockwise
        stream.codec_context.gop_size = keyint
        stream.codec_context.options.update(_encoder_options("h264", keyint, 2, crf, "superfast"))
        sound = _audio_stream(container, audio_rate) if audio is not None else None
        for index in range(frames):
            shot = max(s for s in starts if s <= index)
            dx, dy = _pan(index - shot) if moving else (0, 0)
            picture = backgrounds[shot][dy : dy + height, dx : dx + width].copy()
            for overlay in overlays:
                if overlay.start_frame <= index <= overlay.end_frame:
                    draw_overlay(picture, overlay)
            frame = av.VideoFrame.from_ndarray(_stored(picture, rotation), format="rgb24")
            frame.pts, frame.time_base = index, time_base
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
        if sound is not None:
            _write_audio(container, sound, np.asarray(audio, dtype=np.float32), audio_rate)
    return path


PAN = 192  # background margin the moving camera pans over (pixels)


def _pan(frame: int) -> tuple[int, int]:
    """Background offset on ``frame`` of a shot: 3 px/frame across, 2 down, back and forth."""

    def bounce(position: int) -> int:
        position %= 2 * PAN
        return position if position < PAN else 2 * PAN - 1 - position

    return bounce(3 * frame), bounce(2 * frame)


def _audio_stream(container, rate: int):  # type: ignore[no-untyped-def]
    # streams must all exist before the first packet is written
    stream = container.add_stream("aac", rate=rate)
    stream.layout = "mono"
    return stream


def _write_audio(container, stream, samples: np.ndarray, rate: int) -> None:  # type: ignore[no-untyped-def]
    chunk = 1024
    for start in range(0, len(samples), chunk):
        piece = samples[start : start + chunk][None, :]
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(piece), format="fltp", layout="mono"
        )
        frame.sample_rate, frame.pts, frame.time_base = rate, start, Fraction(1, rate)
        container.mux(stream.encode(frame))
    container.mux(stream.encode(None))
