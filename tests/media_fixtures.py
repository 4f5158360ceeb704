"""Generate test media whose frames carry their own index, plus broken files.

Every frame of a clip from :func:`make_clip` shows a barcode of its presentation index in the
top half of the picture, so a test can check which frame a reader returned from the pixels
alone (:func:`read_barcode`). The barcode carries a 16-bit index and a 16-bit check value;
a frame that was rotated, mirrored or mixed up does not pass the check.

``width`` and ``height`` are always the *display* size. With ``rotation`` (degrees clockwise,
as phones record it) the stored pixels are the picture turned the other way, and the container
carries a display matrix that tells players to turn it back, just like a phone recording.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

GRID_COLS = 4
GRID_ROWS = 8
INDEX_BITS = 16
ENCODERS = {"h264": "libx264", "hevc": "libx265", "mpeg4": "mpeg4"}
VFR_TIME_BASE = Fraction(1, 10000)  # VFR times are rounded to 0.1 ms


def _check_value(index: int) -> int:
    """16-bit check value of ``index``; not invariant under bit reversal or complement."""
    return (index * 40503 + 0x3C5A) & 0xFFFF


def _bits(index: int) -> list[int]:
    value = (index << INDEX_BITS) | _check_value(index)
    return [(value >> (2 * INDEX_BITS - 1 - k)) & 1 for k in range(2 * INDEX_BITS)]


def _cell_box(frame_h: int, frame_w: int, k: int) -> tuple[int, int, int, int]:
    """Pixel box (y0, y1, x0, x1) of barcode cell ``k`` inside the top half of the frame."""
    row, col = divmod(k, GRID_COLS)
    band_h = frame_h // 2
    y0, y1 = row * band_h // GRID_ROWS, (row + 1) * band_h // GRID_ROWS
    x0, x1 = col * frame_w // GRID_COLS, (col + 1) * frame_w // GRID_COLS
    return y0, y1, x0, x1


def draw_barcode(picture: np.ndarray, index: int) -> None:
    """Draw the barcode of ``index`` into the top half of an RGB ``picture`` (in place)."""
    if not 0 <= index < 2**INDEX_BITS:
        raise ValueError(f"frame index {index} does not fit in {INDEX_BITS} bits")
    h, w = picture.shape[:2]
    for k, bit in enumerate(_bits(index)):
        y0, y1, x0, x1 = _cell_box(h, w, k)
        picture[y0:y1, x0:x1] = 235 if bit else 20


def read_barcode(frame: np.ndarray) -> int:
    """Return the index drawn into an RGB ``frame``; ValueError if no valid barcode is there.

    Each cell is read from the mean of its central part, so compression noise at the cell
    edges does not flip bits.
    """
    h, w = frame.shape[:2]
    if h < 4 * GRID_ROWS * 2 or w < 4 * GRID_COLS:
        raise ValueError(f"a {w}x{h} picture is too small to carry a barcode")
    gray = frame.astype(np.float32).mean(axis=2) if frame.ndim == 3 else frame
    value = 0
    for k in range(2 * INDEX_BITS):
        y0, y1, x0, x1 = _cell_box(h, w, k)
        dy, dx = (y1 - y0) // 4, (x1 - x0) // 4
        value = (value << 1) | int(gray[y0 + dy : y1 - dy, x0 + dx : x1 - dx].mean() > 128)
    index, check = value >> INDEX_BITS, value & 0xFFFF
    if check != _check_value(index):
        raise ValueError("frame carries no valid barcode (wrong frame, orientation or damage)")
    return index


def _background(height: int, width: int, busy: bool) -> np.ndarray:
    """The bottom-half picture: a plain gradient, or a textured one that is costly to code."""
    if not busy:
        ramp = np.linspace(40, 200, width, dtype=np.float32)
        return np.broadcast_to(ramp[None, :, None], (height, width, 3)).astype(np.uint8)
    rng = np.random.default_rng(7)
    # smooth-ish noise texture: the encoder has real work to do, like camera footage
    small = rng.integers(0, 256, (height // 8 + 2, width // 8 + 2, 3), dtype=np.uint8)
    return np.repeat(np.repeat(small, 8, axis=0), 8, axis=1)[: height + 16, : width + 16]


def _picture(index: int, width: int, height: int, background: np.ndarray, busy: bool) -> np.ndarray:
    picture = np.empty((height, width, 3), np.uint8)
    half = height // 2
    bottom = picture[half:]
    if busy:
        # the texture pans, so every frame differs from the last (motion to encode)
        dy, dx = (index * 3) % 16, (index * 5) % 16
        bottom[:] = background[dy : dy + height - half, dx : dx + width]
    else:
        bottom[:] = background[: height - half]
    draw_barcode(picture, index)
    return picture


def _vfr_times(seconds: float, fps: float) -> list[float]:
    """Irregular presentation times (seconds) like a phone recording: 0.5x to 1.8x spacing."""
    rng = random.Random(1234)
    times, t = [], 0.0
    while t < seconds - 1e-9:
        times.append(round(t, 4))
        t += rng.uniform(0.5, 1.8) / fps
    return times


def _stored(picture: np.ndarray, rotation: int) -> np.ndarray:
    """Stored pixels for a clip displayed ``rotation`` degrees clockwise from storage."""
    return np.ascontiguousarray(np.rot90(picture, k=rotation // 90))


def make_clip(
    path: str | Path,
    *,
    seconds: float = 2.0,
    fps: float = 25,
    width: int = 160,
    height: int = 284,
    vfr: bool = False,
    rotation: int = 0,
    audio: bool = False,
    keyint: int = 12,
    bframes: int = 2,
    codec: str = "h264",
    busy: bool = False,
    crf: int = 18,
    preset: str = "superfast",
    faststart: bool = False,
) -> Path:
    """Write a clip whose frame ``i`` (presentation order) shows the barcode of ``i``.

    ``width``/``height`` are the display size; ``rotation`` in {0, 90, 180, 270} degrees
    clockwise is stored as a display matrix. ``vfr`` spaces frames irregularly (the times are
    returned by :func:`clip_times`). ``audio`` adds a 440 Hz AAC tone track. ``busy`` adds a
    moving texture so the bitstream is as costly to decode as camera footage. ``faststart`` puts
    the MP4 index before the media data (as web downloads have it). Returns ``path``.
    """
    if rotation not in (0, 90, 180, 270):
        raise ValueError(f"rotation must be 0, 90, 180 or 270, not {rotation}")
    path = Path(path)
    times = clip_times(seconds=seconds, fps=fps, vfr=vfr)
    stored_w, stored_h = (height, width) if rotation in (90, 270) else (width, height)
    background = _background(height - height // 2, width, busy)
    options = {"movflags": "+faststart"} if faststart else {}
    with av.open(str(path), "w", options=options) as container:
        time_base = VFR_TIME_BASE if vfr else 1 / Fraction(fps).limit_denominator(1001)
        stream = _add_video_stream(container, codec, fps, (stored_w, stored_h), time_base)
        stream.codec_context.gop_size = keyint
        if codec == "mpeg4":
            stream.codec_context.max_b_frames = bframes
            stream.codec_context.qmax = 4  # keep the barcode crisp
        stream.codec_context.options.update(_encoder_options(codec, keyint, bframes, crf, preset))
        if rotation:
            # PyAV counts counter-clockwise; phones record the clockwise turn for display
            stream.set_display_rotation(-rotation)
        tone = _add_audio_stream(container) if audio else None
        for index, t in enumerate(times):
            frame = av.VideoFrame.from_ndarray(
                _stored(_picture(index, width, height, background, busy), rotation),
                format="rgb24",
            )
            frame.pts = round(t / time_base)
            frame.time_base = time_base
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
        if tone is not None:
            _write_tone(container, tone, seconds)
    return path


def clip_times(*, seconds: float = 2.0, fps: float = 25, vfr: bool = False) -> list[float]:
    """Presentation times (seconds) of the frames :func:`make_clip` writes for these options."""
    if vfr:
        return _vfr_times(seconds, fps)
    return [i / fps for i in range(math.ceil(seconds * fps - 1e-9))]


def _add_video_stream(container, codec, fps, size, time_base):  # type: ignore[no-untyped-def]
    stream = container.add_stream(ENCODERS[codec], rate=Fraction(fps).limit_denominator(1001))
    stream.width, stream.height = size
    stream.pix_fmt = "yuv420p"
    stream.codec_context.time_base = time_base
    stream.time_base = time_base
    return stream


def _encoder_options(codec: str, keyint: int, bframes: int, crf: int, preset: str) -> dict:
    if codec == "h264":
        params = f"keyint={keyint}:min-keyint={keyint}:scenecut=0:bframes={bframes}"
        return {"crf": str(crf), "preset": preset, "x264-params": params}
    if codec == "hevc":
        params = f"keyint={keyint}:min-keyint={keyint}:scenecut=0:bframes={bframes}:log-level=error"
        return {"crf": str(crf), "preset": preset, "x265-params": params}
    return {}


def _add_audio_stream(container):  # type: ignore[no-untyped-def]
    stream = container.add_stream("aac", rate=44100)
    stream.layout = "mono"
    return stream


def _write_tone(container, stream, seconds: float, hz: float = 440.0) -> None:  # type: ignore[no-untyped-def]
    """Encode ``seconds`` of a sine tone into audio ``stream``."""
    rate = stream.codec_context.sample_rate
    chunk = 1024
    total = int(seconds * rate)
    for start in range(0, total, chunk):
        n = min(chunk, total - start)
        t = (np.arange(start, start + n) / rate).astype(np.float32)
        samples = (0.3 * np.sin(2 * np.pi * hz * t)).astype(np.float32)[None, :]
        frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
        frame.sample_rate = rate
        frame.pts = start
        frame.time_base = Fraction(1, rate)
        container.mux(stream.encode(frame))
    container.mux(stream.encode(None))


# --- bad files ---------------------------------------------------------------------------


def make_zero_byte(path: str | Path) -> Path:
    """An empty file with a video extension."""
    path = Path(path)
    path.write_bytes(b"")
    return path


def make_not_a_video(path: str | Path) -> Path:
    """A text file with a video extension."""
    path = Path(path)
    path.write_text("These are my field notes, not a video.\n" * 20, encoding="utf-8")
    return path


def make_truncated(path: str | Path, *, keep: float = 0.5, **clip_options) -> Path:
    """A valid clip cut after ``keep`` of its bytes (like an interrupted download)."""
    path = Path(path)
    make_clip(path, **clip_options)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def make_audio_only(path: str | Path, seconds: float = 1.0) -> Path:
    """An AAC tone in an MP4 container, without any video stream."""
    path = Path(path)
    with av.open(str(path), "w") as container:
        _write_tone(container, _add_audio_stream(container), seconds)
    return path


def make_unknown_codec(path: str | Path) -> Path:
    """A clip whose video track names a codec (fourcc ``zzzz``) that no decoder knows."""
    path = Path(path)
    make_clip(path, seconds=0.5)
    data = bytearray(path.read_bytes())
    # rename the sample entry inside the sample description box, not the ftyp brand
    entry = data.index(b"avc1", data.index(b"stsd"))
    data[entry : entry + 4] = b"zzzz"
    path.write_bytes(bytes(data))
    return path
