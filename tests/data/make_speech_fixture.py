"""Regenerate ``speech.mp4``: the reference text spoken by espeak-ng over a small video.

Needs the ``espeak-ng`` program (``apt-get install espeak-ng``); CI uses the committed file.
Run from anywhere: ``python tests/data/make_speech_fixture.py``. The video track is a plain
160x284 picture at 10 fps, so the clip imports into a project like a phone video would.
"""

from __future__ import annotations

import subprocess
import tempfile
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

HERE = Path(__file__).resolve().parent
REFERENCE = HERE / "speech_reference.txt"
OUTPUT = HERE / "speech.mp4"
LEAD_IN_S = 0.5  # silence before the speech, so word times must be offset correctly
RATE = 16000


def speak(text: str, wav_path: Path, voice: str = "en-us", speed: int = 150) -> None:
    """Synthesize ``text`` with espeak-ng (``voice``, ``speed`` words per minute) into a WAV."""
    command = ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(wav_path), text]
    subprocess.run(command, check=True)


def read_wav(path: Path) -> np.ndarray:
    """Decode a WAV to mono float32 at 16 kHz with PyAV."""
    with av.open(str(path)) as container:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
        chunks = [
            out.to_ndarray().reshape(-1)
            for frame in container.decode(audio=0)
            for out in resampler.resample(frame)
        ]
        chunks += [out.to_ndarray().reshape(-1) for out in resampler.resample(None)]
    return np.concatenate(chunks)


def write_clip(samples: np.ndarray, path: Path, fps: int = 10) -> None:
    """Mux ``samples`` (AAC) with a plain H.264 video track of the same length into ``path``."""
    with av.open(str(path), "w") as container:
        video = container.add_stream("h264", rate=fps)
        video.width, video.height, video.pix_fmt = 160, 284, "yuv420p"
        video.options = {"crf": "35"}
        audio = container.add_stream("aac", rate=RATE)
        audio.layout = "mono"
        audio.bit_rate = 32000
        seconds = len(samples) / RATE
        for index in range(int(seconds * fps) + 1):
            picture = np.full((284, 160, 3), (index * 3) % 255, dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            frame.pts, frame.time_base = index, Fraction(1, fps)
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        for start in range(0, len(samples), 1024):
            chunk = samples[start : start + 1024][None, :]
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(chunk), format="fltp", layout="mono"
            )
            frame.sample_rate, frame.pts, frame.time_base = RATE, start, Fraction(1, RATE)
            container.mux(audio.encode(frame))
        container.mux(audio.encode(None))


def main() -> None:
    text = REFERENCE.read_text(encoding="utf-8").strip()
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "speech.wav"
        speak(text, wav)
        speech = read_wav(wav)
    silence = np.zeros(int(LEAD_IN_S * RATE), dtype=np.float32)
    samples = np.concatenate([silence, speech, silence]).astype(np.float32)
    write_clip(samples, OUTPUT)
    print(f"{OUTPUT}: {len(samples) / RATE:.2f} s, {OUTPUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
