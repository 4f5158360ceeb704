"""Audio access for transcription: decode a file's audio track with PyAV (no ffmpeg binary).

Whisper models expect 16 kHz mono float32 samples in [-1, 1]; :func:`load_audio` returns
exactly that for any container/codec FFmpeg (bundled in PyAV) can read.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from annotators.errors import MediaError

WHISPER_SAMPLE_RATE = 16000


def load_audio(path: str | Path, sample_rate: int = WHISPER_SAMPLE_RATE) -> np.ndarray:
    """Decode the first audio track of ``path`` to mono float32 samples at ``sample_rate`` Hz.

    Returns a 1-D ``float32`` array (possibly empty for a zero-length track).
    Raises :class:`MediaError` naming the file when it is missing, is not media, has no audio
    track, or its audio cannot be decoded.
    """
    path = Path(path)
    if not path.is_file():
        raise MediaError(f"{path}: file not found")
    try:
        container = av.open(str(path))
    except av.FFmpegError as error:
        raise MediaError(f"{path}: not a readable media file ({_reason(error)})") from error
    with container:
        if not container.streams.audio:
            raise MediaError(f"{path}: the file has no audio track")
        try:
            return _decode_stream(container, sample_rate)
        except av.FFmpegError as error:
            raise MediaError(
                f"{path}: the audio track cannot be decoded ({_reason(error)})"
            ) from error


def _decode_stream(container: av.container.InputContainer, sample_rate: int) -> np.ndarray:
    """Decode and resample the container's first audio stream to packed mono float32."""
    stream = container.streams.audio[0]
    resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
    chunks: list[np.ndarray] = []
    for frame in container.decode(stream):
        frame.pts = None  # resampler re-times frames itself; odd source pts can confuse it
        chunks.extend(_frame_samples(out) for out in resampler.resample(frame))
    # Flush the samples the resampler still buffers.
    chunks.extend(_frame_samples(out) for out in resampler.resample(None))
    if not chunks:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate(chunks).astype(np.float32, copy=False)


def _frame_samples(frame: av.AudioFrame) -> np.ndarray:
    """The samples of one packed mono float frame as a 1-D array."""
    return frame.to_ndarray().reshape(-1)


def _reason(error: av.FFmpegError) -> str:
    """FFmpeg's short explanation of ``error`` (without the repeated file name)."""
    return getattr(error, "strerror", None) or str(error)
