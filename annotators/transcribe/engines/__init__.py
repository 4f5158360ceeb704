"""Transcription engines, selected by name (see :func:`load_engine`)."""

from __future__ import annotations

from pathlib import Path

from annotators.errors import TranscriptionError
from annotators.transcribe.engines.base import Engine
from annotators.transcribe.models import ModelRef, resolve_model

DEFAULT_ENGINE = "faster-whisper"
ENGINE_NAMES = ("faster-whisper", "openai-whisper")
DEVICES = ("cuda", "cpu")


def load_engine(
    name: str = DEFAULT_ENGINE,
    model: str | Path | None = None,
    *,
    allow_download: bool = False,
    cpu_threads: int = 0,
    device: str | None = None,
) -> Engine:
    """Load the engine ``name`` with ``model``: a local path, ``base`` (the multilingual model),
    or a size name that is only downloaded when ``allow_download``. None is the default: the
    bundled tiny.en, behind a :class:`~annotators.transcribe.routing.LanguageRouter` that
    sends non-English clips to the multilingual model when ``storyframe[multilingual]`` is
    installed.

    ``device`` (``cuda`` or ``cpu``) overrides the automatic choice (CUDA when present).

    Raises :class:`TranscriptionError` for an unknown engine or a model that cannot be used.
    Each engine's libraries are imported only when it is chosen (torch is slow to import).
    """
    from annotators.transcribe.multilingual import NAME as MULTILINGUAL
    from annotators.transcribe.multilingual import multilingual_installed

    def load(ref: ModelRef) -> Engine:
        return _load(
            name, ref, allow_download=allow_download, cpu_threads=cpu_threads, device=device
        )

    english = load(resolve_model(model))
    if model is None and multilingual_installed():
        from annotators.transcribe.routing import LanguageRouter

        return LanguageRouter(english, lambda: load(resolve_model(MULTILINGUAL)))
    return english


def _load(
    name: str, ref: ModelRef, *, allow_download: bool, cpu_threads: int, device: str | None
) -> Engine:
    """Load one model with the engine ``name``."""
    if device not in (None, *DEVICES):
        raise TranscriptionError(f"unknown device {device!r}; choose one of {', '.join(DEVICES)}")
    if name == "faster-whisper":
        from annotators.transcribe.engines.faster import load_faster_whisper

        return load_faster_whisper(
            ref, allow_download=allow_download, cpu_threads=cpu_threads, device=device
        )
    if name == "openai-whisper":
        try:
            from annotators.transcribe.engines.openai import load_openai_whisper
        except ModuleNotFoundError as error:
            raise TranscriptionError(
                f"the openai-whisper engine needs {error.name}: pip install 'storyframe[openai]'"
            ) from error
        return load_openai_whisper(
            ref, allow_download=allow_download, cpu_threads=cpu_threads, device=device
        )
    raise TranscriptionError(f"unknown engine {name!r}; choose one of {', '.join(ENGINE_NAMES)}")


__all__ = ["DEFAULT_ENGINE", "DEVICES", "ENGINE_NAMES", "Engine", "load_engine"]
