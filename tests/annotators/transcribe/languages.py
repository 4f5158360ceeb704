"""The committed non-English fixtures (``tests/data/languages``) and a word error rate for them."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import jiwer

from tests.data.make_language_fixtures import FOLDER, VOICES

LANGUAGES = tuple(VOICES)


def clip(language: str) -> Path:
    return FOLDER / f"{language}.mp4"


def reference(language: str) -> str:
    return (FOLDER / f"{language}.txt").read_text(encoding="utf-8").strip()


def fold(text: str) -> str:
    """Lower case, accents and punctuation dropped: ``Lucía`` and ``Lucia`` are one word."""
    plain = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(char for char in plain if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^\w' ]", " ", plain).split())


def word_error_rate(language: str, text: str) -> float:
    return jiwer.wer(fold(reference(language)), fold(text))
