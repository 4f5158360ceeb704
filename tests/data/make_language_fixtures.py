"""Regenerate ``languages/*.mp4``: each ``languages/LANG.txt`` spoken by espeak-ng.

Needs the ``espeak-ng`` program; CI uses the committed files. Run from the repository root:
``python -m tests.data.make_language_fixtures``. Same layout as ``speech.mp4`` (half a second
of silence around the speech, a small H.264 picture track).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from tests.data.make_speech_fixture import LEAD_IN_S, RATE, read_wav, speak, write_clip

FOLDER = Path(__file__).resolve().parent / "languages"
VOICES = {"fr": "fr-fr", "es": "es", "de": "de", "pt": "pt-br"}
# espeak-ng's French is hard for Whisper base; a little slower than the others reads best
SPEEDS = {"fr": 140}


def make(language: str) -> Path:
    """Write ``languages/LANGUAGE.mp4`` from its reference text; return its path."""
    text = (FOLDER / f"{language}.txt").read_text(encoding="utf-8").strip()
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "speech.wav"
        speak(text, wav, VOICES[language], SPEEDS.get(language, 150))
        speech = read_wav(wav)
    silence = np.zeros(int(LEAD_IN_S * RATE), dtype=np.float32)
    output = FOLDER / f"{language}.mp4"
    write_clip(np.concatenate([silence, speech, silence]).astype(np.float32), output)
    return output


if __name__ == "__main__":
    for language in VOICES:
        path = make(language)
        print(f"{path}: {path.stat().st_size} bytes")
