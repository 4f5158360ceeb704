"""Test clips for transcription: the committed speech fixture and generated music without speech."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from tests.data.make_speech_fixture import OUTPUT as SPEECH_CLIP
from tests.data.make_speech_fixture import RATE, REFERENCE, write_clip

__all__ = ["SPEECH_CLIP", "make_music_clip", "normalise", "reference_text", "write_clip"]


def normalise(text: str) -> str:
    """Lower case, no punctuation: a word error rate counts words, not commas."""
    return " ".join(re.sub(r"[^a-z0-9' ]", " ", text.lower()).split())


def reference_text() -> str:
    """The script the speech fixture speaks."""
    return REFERENCE.read_text(encoding="utf-8").strip()


def music_samples(seconds: float = 8.0, seed: int = 7) -> np.ndarray:
    """Instrumental 'music': chords that change every half second, a beat of noise bursts
    and a quiet noise bed, i.e. the kind of background Whisper likes to hallucinate on."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    roots = rng.choice([220.0, 246.9, 261.6, 293.7, 329.6], size=int(seconds * 2) + 1)
    root = roots[(t * 2).astype(int)]
    chord = sum(np.sin(2 * np.pi * root * ratio * t) for ratio in (1.0, 1.25, 1.5)) / 3
    envelope = 0.6 + 0.4 * np.exp(-((t * 2) % 1.0) * 4)
    beat = rng.normal(0, 1, t.size) * np.exp(-((t * 4) % 1.0) * 30) * 0.3
    samples = 0.4 * chord * envelope + beat + rng.normal(0, 0.01, t.size)
    return np.clip(samples, -1, 1).astype(np.float32)


def make_music_clip(path: Path, seconds: float = 8.0) -> Path:
    """A small video whose audio is music without any speech."""
    write_clip(music_samples(seconds), path)
    return path
