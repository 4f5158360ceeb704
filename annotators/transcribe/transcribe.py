"""Transcribing one media file, outside any project."""

from __future__ import annotations

from pathlib import Path

from annotators.errors import TranscriptionError
from annotators.media.audio import load_audio
from annotators.transcribe.engines import Engine
from annotators.transcribe.result import TranscriptResult
from annotators.transcribe.settings import TranscribeSettings


def transcribe_file(
    path: str | Path, engine: Engine, settings: TranscribeSettings | None = None
) -> TranscriptResult:
    """Decode ``path``'s audio with PyAV and transcribe it with the loaded ``engine``.

    Raises :class:`~annotators.errors.MediaError` for files without readable audio and
    :class:`TranscriptionError` for a language the model cannot transcribe.
    """
    from annotators.transcribe.routing import flag_wrong_language

    settings = settings or TranscribeSettings()
    check_language(engine, settings.language)
    return flag_wrong_language(engine, engine.transcribe(load_audio(path), settings))


def check_language_code(language: str | None) -> None:
    """Refuse a language code Whisper does not know (None, auto-detect, is fine)."""
    if language is None:
        return
    # imported here so reading transcripts (e.g. the desktop app starting) does not load it
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    # faster-whisper keeps Whisper's language list private; it is the same for both engines.
    if language not in _LANGUAGE_CODES:
        raise TranscriptionError(f"unknown language code {language!r} (use e.g. en, de, es)")


def check_language(engine: Engine, language: str | None) -> None:
    """Refuse an unknown language code, or a non-English one for an English-only model."""
    check_language_code(language)
    if language is not None and language != "en" and not engine.is_multilingual:
        raise TranscriptionError(
            f"{engine.model_name} is an English-only model; it cannot transcribe {language!r}"
        )
